"""A change set seen as a redline of each document it touches."""

from __future__ import annotations

from dataclasses import dataclass

from sectool.changes.changeset import ChangeSet
from sectool.changes.io import change_texts, load_change
from sectool.diff import DocumentDiff, compare_documents
from sectool.document import parse_document
from sectool.model import DocId
from sectool.tree import Tree


@dataclass
class ChangeView:
    change: ChangeSet
    diffs: list[tuple[DocId, str, DocumentDiff]]  # (document, op, comparison)

    def lines(self):
        from sectool.render.text import Run, redline_runs

        c = self.change
        out = [
            [Run(f"{c.id}: {c.title}", "heading")],
            [
                Run(
                    f"{c.kind}, path {c.path}, {c.state}, based on SEC {c.base or '(empty)'}",
                    "meta",
                )
            ],
        ]
        if not self.diffs:
            out.append([Run("no legal text recorded yet", "meta")])
        for doc_id, op, diff in self.diffs:
            change = c.documents[doc_id]
            version = f", to version {change.version}" if change.version else ""
            out.append([Run("")])
            out += redline_runs(f"{doc_id} ({op}{version})", diff)
        return out

    def as_json(self) -> dict:
        data = self.change.as_json()
        data["redline"] = [
            {
                "id": str(doc_id),
                "op": op,
                "version": self.change.documents[doc_id].version,
                "clauses": [clause_json(item) for item in diff.changes],
            }
            for doc_id, op, diff in self.diffs
        ]
        return data


def clause_json(item) -> dict:
    from sectool.render.common import changed_segments, layout_change, level_change

    level = level_change(item)
    segments = item.segments
    if level is not None:  # the level is reported on its own; the segments are the words
        segments = changed_segments(item.old_block, item.new_block, segments)
    return {
        "clause": item.clause,
        "label": item.label or None,
        "op": item.op,
        "by": list(item.by),
        "old": item.old_text,
        "new": item.new_text,
        "segments": [_segment_json(s) for s in segments],
        "layout_only": layout_change(item),
        "heading_level": level.to_json() if level is not None else None,
    }


def change_redline(tree: Tree, change_id: str) -> ChangeView:
    change = load_change(tree, change_id)
    diffs = []
    for item in change_texts(tree, change):
        old = parse_document(item.base, item.doc_id) if item.base is not None else None
        new = parse_document(item.theirs, item.doc_id) if item.theirs is not None else None
        diffs.append((item.doc_id, change.documents[item.doc_id].op, compare_documents(old, new)))
    return ChangeView(change, diffs)


def _segment_json(segment) -> dict:
    data = {"op": segment.op, "text": segment.text}
    if segment.by:
        data["by"], data["date"] = segment.by, segment.date
    return data
