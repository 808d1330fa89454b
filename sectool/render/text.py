"""Terminal redlines as lines of styled runs, and their plain form [-deleted-]{+inserted+}.

Drawing the runs in colour is the CLI's job (``sectool.cli.draw``): rich is used only there.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from sectool.diff import (
    CHANGED,
    DELETE,
    DELETED,
    EQUAL,
    INSERT,
    INSERTED,
    MOVED_FROM,
    MOVED_TO,
    DocumentDiff,
)
from sectool.render.common import changed_segments, layout_change, level_change

PLAIN: dict[str, tuple[str, str]] = {INSERT: ("{+", "+}"), DELETE: ("[-", "-]")}


@dataclass
class Run:
    text: str
    kind: str = ""  # "" | insert | delete | heading | meta


def redline_runs(title: str, diff: DocumentDiff, changes: list | None = None) -> list[list[Run]]:
    """Lines of styled runs: a heading per document, then each changed clause."""
    lines = [[Run(title, "heading")]]
    changes = diff.changes if changes is None else changes
    if not changes:
        lines.append([Run("  no change", "meta")])
    for item in changes:
        clause = item.clause or "(title)"
        label = f" ({item.label})" if item.label else ""
        how = {
            MOVED_FROM: f"moved (to #{item.move_id})",
            MOVED_TO: f"moved (from #{item.move_id})",
        }.get(item.op, item.op)
        by = f"  [{', '.join(item.by)}]" if item.by else ""
        lines.append([Run(f"  {clause}{label} {how}{by}", "meta")])
        level = level_change(item)
        layout = layout_change(item) if item.op == CHANGED else None
        if level is not None:  # a heading's level is its style, not words to strike out
            unchanged = "; the words are unchanged" if level.words_unchanged else ""
            lines.append([Run(f"    {level.describe()}{unchanged}", "meta")])
            if not level.words_unchanged:
                segments = changed_segments(item.old_block, item.new_block, item.segments)
                lines.append(
                    [Run("    ")] + [Run(s.text, "" if s.op is EQUAL else s.op) for s in segments]
                )
        elif layout:
            lines.append([Run(f"    {layout} only; the words are unchanged", "meta")])
        elif item.op == CHANGED:
            lines.append(
                [Run("    ")] + [Run(s.text, "" if s.op is EQUAL else s.op) for s in item.segments]
            )
        elif item.op in (INSERTED, MOVED_TO):
            lines.append([Run("    "), Run(item.new_text or "", INSERT)])
        elif item.op in (DELETED, MOVED_FROM):
            lines.append([Run("    "), Run(item.old_text or "", DELETE)])
    return lines


def plain(lines: Iterable[list[Run]]) -> str:
    out = []
    for line in lines:
        parts = []
        for run in line:
            start, end = PLAIN.get(run.kind, ("", ""))
            parts.append(f"{start}{run.text}{end}")
        out.append("".join(parts))
    return "\n".join(out) + "\n"
