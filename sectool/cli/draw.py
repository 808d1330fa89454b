"""Drawing styled runs on a terminal with rich (imported lazily, only when colour is wanted)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TextIO

from sectool.diff import DELETE, INSERT
from sectool.render.text import Run

STYLE = {INSERT: "green underline", DELETE: "red strike", "heading": "bold", "meta": "dim"}


def print_rich(lines: Iterable[list[Run]], file: TextIO | None = None) -> None:
    """Print lines of runs (from ``render.text.redline_runs``) in colour and strike-through."""
    import sys

    from rich.console import Console
    from rich.text import Text

    from sectool.cli.common import raw, terminal_safe

    console = Console(file=file or raw(sys.stdout), highlight=False, soft_wrap=True)
    for line in lines:
        text = Text()
        for run in line:
            text.append(terminal_safe(run.text), style=STYLE.get(run.kind, ""))
        console.print(text)
