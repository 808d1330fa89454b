"""One self-contained HTML page: a table of changed clauses, then each document's redline."""

from __future__ import annotations

from html import escape

from sectool import __version__
from sectool.diff import (
    CHANGED,
    EQUAL,
    INSERT,
    INSERTED,
    MOVED_FROM,
    MOVED_TO,
    SAME,
    BlockDiff,
)
from sectool.document import Block, BlockKind
from sectool.render.common import changed_segments, level_change, shown_text

CSS = """
body { font-family: Georgia, 'Times New Roman', serif; max-width: 52em; margin: 2em auto;
       padding: 0 1em; line-height: 1.45; color: #111; }
h1 { font-size: 1.5em; } h2 { font-size: 1.25em; border-bottom: 1px solid #999; }
.doc-title { font-size: 1.2em; font-weight: bold; } .heading { font-weight: bold; margin-top: 1em; }
.topic { font-style: italic; } .sub1 { margin-left: 2em; } .sub2 { margin-left: 4em; }
.sub3 { margin-left: 6em; } .sub4 { margin-left: 8em; }
ins { color: #0b5e18; background: #e6f4e8; text-decoration: underline; }
del { color: #a1000f; background: #fbe9eb; text-decoration: line-through; }
.moved ins, .moved del { color: #1f3f99; background: #e8edfb; }
p.changed { border-left: 3px solid #c58f00; padding-left: .5em; margin-left: -.8em; }
table { border-collapse: collapse; width: 100%; }
td, th { border: 1px solid #bbb; padding: .2em .4em; text-align: left; vertical-align: top; }
.meta { color: #555; font-size: .9em; }
@media print { .contents { page-break-after: always; }
               a { color: inherit; text-decoration: none; } }
"""


def _class(block: Block) -> str:
    from sectool.document import PARAGRAPH_LEVEL

    if block.kind is BlockKind.TITLE:
        return "doc-title"
    if block.kind in (BlockKind.HEADING, BlockKind.TOPIC):
        return block.kind
    if block.kind is BlockKind.SUBPARAGRAPH:
        return f"sub{min(max(block.level - PARAGRAPH_LEVEL, 1), 4)}"
    return "clause"


def _text(text: str) -> str:
    return escape(text).replace("\n", "<br>")


def _tip(by: str, date: str) -> str:
    return escape(f"{by}, effective {date}" if date else by, quote=True)


def _wrap(tag: str, tip: str, text: str) -> str:
    return f'<{tag} title="{tip}">{_text(text)}</{tag}>'


def _block_html(item: BlockDiff, anchor: str) -> str:
    by, date = (item.by[0] if item.by else ""), item.date
    block = item.block
    attrs = f' id="{anchor}"' if anchor else ""
    classes = (
        [_class(block)]
        + (["changed"] if item.op != SAME else [])
        + (["moved"] if item.op in (MOVED_FROM, MOVED_TO) else [])
    )
    if item.op == SAME:
        body = _text(shown_text(item.new_block))
    elif item.op == CHANGED:
        segments = changed_segments(item.old_block, item.new_block, item.segments)
        body = "".join(
            _text(s.text)
            if s.op == EQUAL
            else _wrap("ins" if s.op == INSERT else "del", _tip(s.by or by, s.date or date), s.text)
            for s in segments
        )
        level = level_change(item)
        if level is not None:  # the heading's level is named, its marks are not words
            tip = _tip(level.by or by, level.date or date)
            body += f' <span class="meta level" title="{tip}">[{escape(level.describe())}]</span>'
    else:
        tag = "ins" if item.op in (INSERTED, MOVED_TO) else "del"
        how = {MOVED_FROM: " (moved from here)", MOVED_TO: " (moved here)"}.get(item.op, "")
        text = shown_text(item.new_block if tag == "ins" else item.old_block)
        body = _wrap(tag, _tip(", ".join(item.by), date) + escape(how), text)
    return f'<p class="{" ".join(classes)}"{attrs}>{body}</p>'


def _change(item: BlockDiff) -> str:
    """What happened to a block, for the table of changed clauses."""
    level = level_change(item)
    return f"{item.op} ({level.describe()})" if level is not None else str(item.op)


def render_html(redline) -> str:
    """The whole redline as one page that needs nothing from the network."""
    title = f"Tracked changes: {redline.from_label} to {redline.to_label}"
    rows, sections = [], []
    for d, doc in enumerate(redline.documents, start=1):
        blocks = []
        for n, item in enumerate(doc.diff.blocks):
            anchor = f"d{d}-b{n}" if item.op != SAME else ""
            if anchor:
                clause = item.clause or "(title)"
                label = f" ({item.label})" if item.label else ""
                rows.append(
                    f'<tr><td>{escape(str(doc.doc_id))}</td><td><a href="#{anchor}">'
                    f"{escape(clause + label)}</a></td><td>{escape(_change(item))}</td>"
                    f"<td>{escape(', '.join(item.by))}</td>"
                    f"<td>{escape(item.date)}</td></tr>"
                )
            blocks.append(_block_html(item, anchor))
        versions = f"{doc.from_version or 'new'} &rarr; {doc.to_version or 'removed'}"
        changes = ", ".join(f"{escape(c.id)} ({escape(c.title)})" for c in doc.changes)
        sections.append(
            f'<section id="d{d}"><h2>{escape(doc.name)}</h2>'
            f'<p class="meta">Document version {versions}. Change sets: '
            f"{changes or 'none'}.</p>" + "\n".join(blocks) + "</section>"
        )
    effective = (
        f"{escape(redline.from_effective or 'working')} &rarr; "
        f"{escape(redline.to_effective or 'working')}"
    )
    table = (
        (
            "<table><tr><th>Document</th><th>Clause</th><th>Change</th><th>By</th>"
            "<th>Effective</th></tr>" + "\n".join(rows) + "</table>"
        )
        if rows
        else "<p>No document changed.</p>"
    )
    return (
        f'<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
        f"<title>{escape(title)}</title><style>{CSS}</style></head><body>"
        f'<h1>{escape(title)}</h1><p class="meta">Effective {effective}. '
        f"Made by sectool {__version__}; hover over a change to see which change set made "
        f'it.</p><div class="contents"><h2>Changed clauses</h2>{table}</div>'
        + "\n".join(sections)
        + "</body></html>\n"
    )


def render_clean_html(title: str, documents: list, log_rows: list[tuple[str, str, str]]) -> str:
    """A clean consolidated copy: contents, Document Log, then each document."""
    contents = "".join(
        f'<li><a href="#d{n}">{escape(name)}</a></li>'
        for n, (name, _) in enumerate(documents, start=1)
    )
    log = "".join(
        f"<tr><td>{escape(a)}</td><td>{escape(b)}</td><td>{escape(c)}</td></tr>"
        for a, b, c in log_rows
    )
    body = []
    for n, (_name, document) in enumerate(documents, start=1):
        blocks = "\n".join(
            f'<p class="{_class(b)}">{_text(shown_text(b))}</p>' for b in document.blocks
        )
        body.append(f'<section id="d{n}">{blocks}</section>')
    return (
        f'<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
        f"<title>{escape(title)}</title><style>{CSS}</style></head><body>"
        f'<h1>{escape(title)}</h1><div class="contents"><h2>Contents</h2><ol>{contents}'
        f"</ol><h2>Document Log</h2><table><tr><th>Document</th><th>Title</th>"
        f"<th>Version</th></tr>{log}</table></div>" + "\n".join(body) + "</body></html>\n"
    )
