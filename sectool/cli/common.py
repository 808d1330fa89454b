"""Helpers shared by the commands: finding the tree, printing JSON, colour decisions."""

from __future__ import annotations

import json
import os
import re
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any, TextIO

import click

if TYPE_CHECKING:
    from sectool.tree import Tree


def tree_from(ctx: click.Context) -> Tree:
    """The tree the command runs on: -C PATH or the current directory, searching upwards."""
    from sectool.tree import Tree  # not at start-up: `sectool --help` needs no tree

    directory = (ctx.find_root().obj or {}).get("directory")
    tree = Tree.find(Path(directory) if directory else None)
    tree.recover()
    return tree


def working_dir(ctx: click.Context) -> Path:
    """Where relative paths on the command line start: -C PATH, or the current directory."""
    directory = (ctx.find_root().obj or {}).get("directory")
    return Path(directory).absolute() if directory else Path.cwd()


def echo_json(data) -> None:
    click.echo(json.dumps(data, indent=2, ensure_ascii=False))


# Every control character but tab and newline: ESC and CSI start terminal commands (move the
# cursor, recolour, retitle the window), CR and backspace overwrite what was printed.
_UNSAFE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def terminal_safe(text: str) -> str:
    """``text`` with its control characters shown as symbols (ESC as U+241B, DEL as U+2421,
    C1 controls as U+FFFD), so that text read from files cannot command a terminal."""
    return _UNSAFE.sub(_picture, text)


def _picture(match: re.Match[str]) -> str:
    code = ord(match.group())
    return chr(0x2400 + code) if code < 0x20 else ("\u2421" if code == 0x7F else "\ufffd")


class TerminalStream:
    """A terminal's text stream that shows control characters written to it as symbols
    (:func:`terminal_safe`); ``raw_stream`` is the stream itself, for rich's own styling."""

    def __init__(self, stream: TextIO) -> None:
        self.raw_stream = stream

    def write(self, text: str) -> int:
        self.raw_stream.write(terminal_safe(text))
        return len(text)

    def __getattr__(self, name: str) -> Any:
        return getattr(self.raw_stream, name)


def guard_terminals() -> None:
    """Wrap standard output and error in :class:`TerminalStream` where they are terminals."""
    for name in ("stdout", "stderr"):
        stream = getattr(sys, name)
        if stream is not None and hasattr(stream, "isatty") and stream.isatty():
            setattr(sys, name, TerminalStream(stream))


def raw(stream: Any) -> Any:
    """The stream under a :class:`TerminalStream` (or the stream itself)."""
    return getattr(stream, "raw_stream", stream)


def use_colour(stream=None) -> bool:
    """Colour only on a terminal, and never when NO_COLOR is set."""
    stream = stream or sys.stdout
    if os.environ.get("NO_COLOR"):
        return False
    if os.environ.get("FORCE_COLOR"):
        return True
    return hasattr(stream, "isatty") and stream.isatty()


def at_option(func):
    return click.option(
        "--at",
        "at",
        default=None,
        metavar="VERSION|DATE",
        help="A version label (5.8) or the date (2017-07-15) the code was in force; "
        "default: the working tree.",
    )(func)
