"""Markdown redlines in CriticMarkup: {++inserted++}, {--deleted--}, {>>comment<<}."""

from __future__ import annotations

import re

from sectool.diff import CHANGED, DELETE, EQUAL, INSERT, INSERTED, MOVED_FROM, MOVED_TO, SAME
from sectool.render.common import LevelChange, changed_segments, heading_mark, level_change

# CriticMarkup's delimiters ({++ ++} {-- --} {~~ ~> ~~} {>> <<} {== ==}) and any backslash
# before punctuation: in legal text they are escaped, as HTML output escapes tags.
_MARKUP = re.compile(r"\\(?=[!-/:-@\[-`{-~])|\{(?=[-+~>=]{2})|(?<=[-+~<=]{2})\}|~>")


def escape(text: str) -> str:
    """Legal text made safe inside CriticMarkup: a backslash goes before the second character
    of an opening delimiter (``{++`` -> ``{\\++``), before the brace of a closing one
    (``++}`` -> ``++\\}``), inside ``~>``, and before any backslash that precedes punctuation:
    no delimiter is left literal, and Markdown renders the same characters."""
    return _MARKUP.sub(_escaped, text)


def _escaped(m: re.Match[str]) -> str:
    s = m.group()
    if s == "\\":
        return "\\\\"
    if s == "{" or s == "~>":
        return s[0] + "\\" + s[1:]
    return "\\" + s


def _mark(op: str, text: str) -> str:
    text = escape(text)
    marks: dict[str, str] = {INSERT: f"{{++{text}++}}", DELETE: f"{{--{text}--}}"}
    return marks.get(op, text)


def _note(item, level: LevelChange | None = None) -> str:
    """``{>>X2, effective D2; X3, effective D3<<}``: each change set with its own date;
    a heading-level change first (``heading level 2 -> 3; X2, effective D2``)."""
    dated = {(s.by, s.date): None for s in item.segments if s.op != EQUAL and s.by}
    if not dated:
        dated = {(who, item.date): None for who in item.by}
    pairs = sorted(dated, key=lambda p: (p[1], p[0]))  # in the order they took effect
    notes = [f"{w}, effective {d}" for w, d in pairs]
    if level is not None:
        notes.insert(0, level.describe())
    return "{>>" + "; ".join(notes) + "<<}" if notes else ""


def _changed(item) -> str:
    """A changed block's line: its words' changes; a heading whose level changed is
    written at its new level, the change named in the note, not as marks struck out."""
    level = level_change(item)
    segments = item.segments
    mark = ""
    if level is not None:
        segments = changed_segments(item.old, item.new, segments)
        mark = item.new.text[: heading_mark(item.new)]
    words = "".join(escape(s.text) if s.op == EQUAL else _mark(s.op, s.text) for s in segments)
    return mark + words + _note(item, level)


def render_markdown(redline) -> str:
    out = [f"<!-- Tracked changes: {redline.from_label} to {redline.to_label} -->", ""]
    for doc in redline.documents:
        out.append(
            f"<!-- {doc.name}: document version {doc.from_version or 'new'} -> "
            f"{doc.to_version or 'removed'} -->"
        )
        out.append("")
        for item in doc.diff.blocks:
            note = _note(item)
            if item.op == SAME:
                out.append(escape(item.new.text))
            elif item.op == CHANGED:
                out.append(_changed(item))
            elif item.op in (INSERTED, MOVED_TO):
                moved = "{>>moved here<<}" if item.op == MOVED_TO else ""
                out.append(_mark(INSERT, item.new.text) + moved + note)
            else:
                moved = "{>>moved from here<<}" if item.op == MOVED_FROM else ""
                out.append(_mark(DELETE, item.old.text) + moved + note)
            out.append("")
    return "\n".join(out)
