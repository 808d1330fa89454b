"""A tracked-change comparison of the code between two points, with every change attributed.

FROM and TO are version labels, dates, or ``working``; ``with_ids`` adds pending change sets
on top of TO (a what-if preview). Between two designated versions the chain of steps is
rebuilt by replaying each version's change sets in the order designation applied them, so
each change is attributed to the change set that made it and dated by its version's
effective date. The renderers in :mod:`sectool.render` turn a :class:`Redline` into
formats.
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Callable
from dataclasses import dataclass, field

from sectool.attribution import Author, attribute, compose
from sectool.changes.io import Reading, apply_in_turn, load_change, load_change_at
from sectool.diff import (
    DELETE,
    EQUAL,
    DocumentDiff,
    SegmentOp,
    changed_spans,
    compare_documents,
    diff_sequences,
)
from sectool.document import (
    Document,
    block_text,
    change_windows,
    parse_document,
    parse_partial,
    parse_windows,
    split_blocks,
)
from sectool.errors import MergeConflict, SectoolError
from sectool.model import ClauseRef, DocId
from sectool.parallel import map_groups
from sectool.register import VersionRecord
from sectool.tree import Snapshot, Tree


@dataclass
class Step:
    author: Author
    title: str
    texts: dict[DocId, str | None]  # the documents' text after this step, where replayed
    docs: set[DocId] = field(default_factory=set)  # every document this step changed

    def __post_init__(self) -> None:
        self.docs |= set(self.texts)


@dataclass(frozen=True)
class RedlineChange:
    """A change set a redline shows: its id, title and the date its words carry."""

    id: str
    title: str
    date: str

    def to_json(self) -> dict[str, str]:
        return {"id": self.id, "title": self.title, "date": self.date}


@dataclass
class DocRedline:
    doc_id: DocId
    title: str
    from_version: str | None
    to_version: str | None
    diff: DocumentDiff
    changes: list[RedlineChange] = field(default_factory=list)  # those that touched it
    clauses: list[str] | None = None  # only these clauses (and below), when asked for

    def shown_changes(self) -> list:
        """The changes to list: all of them, or those in the clauses asked for."""
        if not self.clauses:
            return self.diff.changes
        return [
            c
            for c in self.diff.changes
            if c.clause
            and any(
                c.clause == k or c.clause.startswith(k + ".") or c.clause.startswith(k + "(")
                for k in self.clauses
            )
        ]

    @property
    def name(self) -> str:
        return f"{self.doc_id}: {self.title}"

    def as_json(self) -> dict:
        """One document of a redline's JSON: id, title, versions, change sets, clauses."""
        from sectool.changes.show import clause_json

        return {
            "id": str(self.doc_id),
            "title": self.title,
            "from_version": self.from_version,
            "to_version": self.to_version,
            # id, date, title: the order this output has always had
            "changes": [{"id": c.id, "date": c.date, "title": c.title} for c in self.changes],
            "clauses": [_json_clause(clause_json(item)) for item in self.shown_changes()],
        }

    @property
    def size(self) -> int:
        """Characters in the blocks compared: the weight of rendering this document."""
        return sum(len(b.old_text or "") + len(b.new_text or "") for b in self.diff.blocks) + 1


@dataclass
class Redline:
    from_label: str
    to_label: str
    from_effective: str | None
    to_effective: str | None
    documents: list[DocRedline]
    changes: list[RedlineChange]
    date: str  # the date pinned into every output (TO's effective date)

    def as_json(self) -> dict:
        """The redline as JSON data (see :meth:`DocRedline.as_json` for each document)."""
        return {
            "from": self.from_label,
            "to": self.to_label,
            "from_effective": self.from_effective,
            "to_effective": self.to_effective,
            "changes": [c.to_json() for c in self.changes],
            "documents": [d.as_json() for d in self.documents],
        }


def _json_clause(data: dict) -> dict:
    op = data["op"]
    if op.startswith("moved"):
        data["move"] = op.split("-", 1)[1]
        data["op"] = "moved"
    return data


def _label(snapshot: Snapshot) -> str:
    return "working tree" if snapshot.record is None else f"SEC {snapshot.label}"


@dataclass(frozen=True)
class RedlineRequest:
    """A redline asked for: the code at ``from_spec`` against ``to_spec`` (a version label,
    a YYYY-MM-DD date, or "working"), plus the pending change sets ``with_ids``, for the
    documents or clauses ``refs`` (None: every document that differs).

    ``changes_only``: the caller lists changed clauses and never renders unchanged ones by
    their structure (text, json, md), so between designated versions only the sub-sections
    around each difference need parsing. ``windows_only``: moreover the caller shows no
    unchanged block at all (text, json), so only the blocks around each difference are parsed,
    and each document's comparison keeps only its changed blocks (:meth:`DocumentDiff.listing`).
    """

    from_spec: str
    to_spec: str
    refs: list[str] | None = None
    with_ids: list[str] | None = None
    changes_only: bool = False
    windows_only: bool = False


def build_redline(
    tree: Tree,
    request: RedlineRequest,
    progress: Callable[[int, int], None] | None = None,
) -> Redline:
    """Compare the code as ``request`` asks; ``progress(done, total)`` is called per document.

    Raises UnknownVersion or UnknownReference for a spec or reference that names nothing.
    """
    from_spec, to_spec, refs, with_ids = (
        request.from_spec,
        request.to_spec,
        request.refs,
        request.with_ids,
    )
    changes_only, windows_only = request.changes_only, request.windows_only
    old = tree.snapshot(from_spec)
    new = tree.snapshot(to_spec)
    asked = _documents(old, new, {}, refs) if refs else None  # the documents asked for
    steps = _steps(tree, old, new, set(asked) if asked else None)
    final_texts: dict[DocId, str | None] = {}
    if with_ids:
        extra, final_texts = _with_steps(tree, new, with_ids, _date(new))
        steps += extra
    docs = asked or _documents(old, new, final_texts, None)
    if not refs:  # between two versions, git already knows which files are equal
        old_ids, new_ids = old.blob_ids(), new.blob_ids()
        if old_ids is not None and new_ids is not None:
            docs = {
                d: c
                for d, c in docs.items()
                if d in final_texts or old_ids.get(d.path) != new_ids.get(d.path)
            }
    ends = _Ends(old, new, steps, final_texts, bool(refs))
    partial = changes_only and old.rev is not None and new.rev is not None
    main = os.getpid()

    def compare(doc_ids: list[DocId]) -> list[DocRedline | None]:
        for snapshot in (old, new):
            snapshot.prefetch([d.path for d in doc_ids])
        out = []
        for n, doc_id in enumerate(doc_ids):
            if progress and os.getpid() == main:  # a worker process draws nothing
                progress(n * len(docs) // len(doc_ids), len(docs))  # shares end together
            alone = partial and doc_id not in final_texts
            item = _doc_redline(ends, doc_id, alone, alone and windows_only)
            if item is not None and windows_only:
                item.diff = item.diff.listing()
            out.append(item)
        return out

    order = list(docs)
    documents = []
    items = map_groups(compare, order, _sizes(order, old, new))
    for doc_id, item in zip(order, items, strict=True):
        if item is not None:
            item.clauses = docs[doc_id]
            documents.append(item)
    changes = list(
        {s.author.id: RedlineChange(s.author.id, s.title, s.author.date) for s in steps}.values()
    )
    to_label = _label(new) + (" with " + ", ".join(with_ids) if with_ids else "")
    return Redline(
        _label(old),
        to_label,
        old.record.effective if old.record else None,
        new.record.effective if new.record else None,
        documents,
        changes,
        _date(new),
    )


def _sizes(doc_ids: list[DocId], old: Snapshot, new: Snapshot) -> list[int]:
    """Each document's bytes at both ends (1 where a side is the working tree), to share the
    work of comparing them out evenly."""
    sizes = [old.blob_sizes(), new.blob_sizes()]
    return [sum(s.get(d.path, 1) if s else 1 for s in sizes) for d in doc_ids]


def _date(snapshot: Snapshot) -> str:
    return snapshot.record.effective if snapshot.record else dt.date.today().isoformat()


def _documents(
    old: Snapshot, new: Snapshot, extra: dict, refs: list[str] | None
) -> dict[DocId, list[str] | None]:
    """The documents to compare, each with the clauses asked for (None: all of it)."""
    if refs:
        out: dict[DocId, list[str] | None] = {}
        for ref in refs:
            parsed = ClauseRef.parse(ref)
            try:
                entry, clause = new.resolve(parsed)
            except SectoolError:
                entry, clause = old.resolve(parsed)
            if clause is None or (entry.doc_id in out and out[entry.doc_id] is None):
                out[entry.doc_id] = None
            else:
                clauses = out.setdefault(entry.doc_id, [])
                if clauses is not None:
                    clauses.append(clause)
        return out
    ids = {e.doc_id for e in old.entries} | {e.doc_id for e in new.entries} | set(extra)
    return dict.fromkeys(sorted(ids))


def _parse(doc_id: DocId, text: str | None) -> Document | None:
    return parse_document(text, doc_id) if text is not None else None


def _parse_changed(
    doc_id: DocId,
    old_text: str | None,
    new_text: str | None,
    full_new: bool = False,
    windows_only: bool = False,
):
    """Both versions, with only the sub-sections around their differences classified (the
    new version in full with ``full_new``), and the block-level diff between them.

    Enough for a listing of changed clauses (text, json, md) between designated versions,
    whose text designation already validated; a whole-document rendering needs the new
    version in full. With ``windows_only`` (a listing that never shows unchanged blocks:
    text, json) both versions hold only the blocks around their differences.
    """
    if old_text is None or new_text is None:
        return _parse(doc_id, old_text), _parse(doc_id, new_text), None
    if windows_only and not full_new:
        return _parse_windows(doc_id, old_text, new_text)
    old_raw, new_raw = split_blocks(old_text, doc_id.kind), split_blocks(new_text, doc_id.kind)
    changed_old: set[int] = set()
    changed_new: set[int] = set()
    i = j = 0
    old_texts = [block_text(raw) for _, raw in old_raw]
    new_texts = [block_text(raw) for _, raw in new_raw]
    ops = diff_sequences(old_texts, new_texts)
    for op, count in ops:
        if op == EQUAL:
            i, j = i + count, j + count
        elif op == DELETE:
            changed_old.update(range(i, i + count))
            i += count
        else:
            changed_new.update(range(j, j + count))
            j += count
    new_doc = (
        parse_document(new_text, doc_id)
        if full_new
        else parse_partial(new_text, doc_id, changed_new, new_raw, new_texts)
    )
    return parse_partial(old_text, doc_id, changed_old, old_raw, old_texts), new_doc, ops


def _parse_windows(doc_id: DocId, old_text: str, new_text: str):
    """Both versions as the blocks around their differences (found by a C++ line diff),
    and the block-level diff between them, window by window."""
    windows = change_windows(old_text, new_text, changed_spans(old_text, new_text), doc_id)
    old_doc, old_sizes = parse_windows(old_text, doc_id, [(w[0], w[1]) for w in windows])
    new_doc, new_sizes = parse_windows(new_text, doc_id, [(w[2], w[3]) for w in windows])
    ops: list[tuple[SegmentOp, int]] = []
    i = j = 0
    for x, y in zip(old_sizes, new_sizes, strict=True):
        olds, news = old_doc.blocks[i : i + x], new_doc.blocks[j : j + y]
        # an empty equal run keeps each window's differences in a region of their own
        ops += diff_sequences([b.text for b in olds], [b.text for b in news]) + [(EQUAL, 0)]
        i, j = i + x, j + y
    return old_doc, new_doc, ops


@dataclass(frozen=True)
class _Ends:
    """What every document of one redline shares: both ends, the steps between them, the
    final texts of a ``--with`` preview, and whether documents were asked for by name (then
    they are shown even when unchanged)."""

    old: Snapshot
    new: Snapshot
    steps: list[Step]
    final_texts: dict[DocId, str | None]
    asked: bool


def _doc_redline(
    ends: _Ends, doc_id: DocId, partial: bool = False, windows_only: bool = False
) -> DocRedline | None:
    old, new, steps, final_texts = ends.old, ends.new, ends.steps, ends.final_texts
    old_text = old.text(doc_id.path) if old.register.entry(doc_id) or old.rev is None else None
    new_text = (
        final_texts[doc_id]
        if doc_id in final_texts
        else (new.text(doc_id.path) if new.register.entry(doc_id) or new.rev is None else None)
    )
    if old_text == new_text and not ends.asked:
        return None
    stations: list[tuple[str | None, Author]] = []
    current = old_text
    touching = [step for step in steps if doc_id in step.docs]
    if len(touching) == 1 and doc_id not in touching[0].texts:
        stations.append((new_text, touching[0].author))  # one author for every change
        current = new_text
    for step in touching if not stations else ():
        if doc_id in step.texts and step.texts[doc_id] != current:
            current = step.texts[doc_id]
            stations.append((current, step.author))
    if current != new_text:  # nothing we replayed explains the last difference
        stations.append((new_text, Author(_label(new), _date(new))))
    authors = [author for _, author in stations]
    if len(stations) > 1:  # several steps: compose their comparisons (intermediates parsed)
        documents = [_parse(doc_id, old_text)] + [_parse(doc_id, t) for t, _ in stations]
        old_doc, new_doc = documents[0], documents[-1]
        diff = compose(documents, authors)
    else:
        block_ops = None
        if old.rev is not None and doc_id not in final_texts:
            # The old side is a designated (validated) version, and only its changed regions
            # are ever rendered; the new side is parsed in full unless only changes are listed.
            old_doc, new_doc, block_ops = _parse_changed(
                doc_id, old_text, new_text, not partial, windows_only
            )
        else:
            old_doc, new_doc = _parse(doc_id, old_text), _parse(doc_id, new_text)
        diff = compare_documents(old_doc, new_doc, block_ops)
        if authors:
            attribute(diff, authors[0])
    old_entry, new_entry = old.register.entry(doc_id), new.register.entry(doc_id)
    shown = new_doc or old_doc
    title = shown.title if shown else str(doc_id)
    titles = {s.author.id: s.title for s in steps}
    touched = list(
        {a.id: RedlineChange(a.id, titles.get(a.id, ""), a.date) for a in authors}.values()
    )
    return DocRedline(
        doc_id,
        title,
        old_entry.version if old_entry and old_text else None,
        new_entry.version if new_entry and new_text else None,
        diff,
        touched,
    )


def _steps(
    tree: Tree, old: Snapshot, new: Snapshot, wanted: set[DocId] | None = None
) -> list[Step]:
    """The designation steps from ``old`` to ``new``, one per change set where possible.

    With ``wanted``, only change sets that touch those documents are replayed.
    """
    if old.record is None:
        return []
    register = tree.register
    records = [
        r
        for r in register.ordered()
        if r.label > old.record.label and (new.record is None or r.label <= new.record.label)
    ]
    if new.record is not None and new.record.label < old.record.label:
        return []  # a comparison backwards in time: attributed to TO as a whole
    steps: list[Step] = []
    previous = old
    # Only documents that several change sets changed need the text between them replayed.
    snapshots = [tree.version_snapshot(r) for r in records]
    touched: dict[DocId, int] = {}
    for snapshot, record in zip(snapshots, records, strict=True):
        for item in record.changes:
            change = load_change_at(snapshot, item.id)
            for doc_id in change.documents if change else ():
                touched[doc_id] = touched.get(doc_id, 0) + 1
    # Against the working tree, a document's text after its one change set is not TO's
    # text (uncommitted edits follow it), so every touched document is replayed.
    several = 1 if new.record is not None else 0
    shared = {d for d, n in touched.items() if n > several and (wanted is None or d in wanted)}
    for snapshot, record in zip(snapshots, records, strict=True):
        steps += _replay(tree, previous, snapshot, record, wanted, shared)
        previous = snapshot
    return steps


def _replay(
    tree: Tree,
    previous: Snapshot,
    snapshot: Snapshot,
    record: VersionRecord,
    wanted: set[DocId] | None = None,
    shared: set[DocId] | None = None,
) -> list[Step]:
    """One step per change set of a version; texts only for the ``shared`` documents."""
    from sectool.designate import approval_order

    changes = [c for c in (load_change_at(snapshot, x.id) for x in record.changes) if c]
    if wanted is not None:  # the others cannot affect these documents
        changes = [c for c in changes if set(c.documents) & wanted]
    changes.sort(key=approval_order)
    steps: list[Step] = []
    try:
        for change, results in apply_in_turn(
            tree, changes, previous, {}, reading=Reading(snapshot, shared)
        ):
            if any(not r.clean for r in results.values()):
                raise MergeConflict("replay failed", "")
            step_texts = {d: r.text for d, r in results.items()}
            steps.append(
                Step(
                    Author(change.id, record.effective),
                    change.title,
                    step_texts,
                    set(change.documents),
                )
            )
    except SectoolError:
        ids = ", ".join(c.id for c in record.changes) or f"SEC {record.version}"
        texts = {e.doc_id: snapshot.text(e.path) for e in snapshot.entries}
        return [Step(Author(ids, record.effective), f"SEC {record.version}", texts)]
    return steps


def _with_steps(tree: Tree, new: Snapshot, ids: list[str], date: str):
    """Pending change sets applied on top of TO, in the order given."""
    current: dict[DocId, str | None] = {}
    steps = []
    changes = [load_change(tree, change_id) for change_id in ids]
    for change, results in apply_in_turn(tree, changes, new, current, _label(new)):
        failed = [str(d) for d, r in results.items() if not r.clean]
        if failed:
            raise MergeConflict(
                f"{change.id} does not apply on {_label(new)} with the change sets before it: "
                f"{', '.join(failed)}",
                f"rebase it (`sectool mod rebase {change.id}`) or leave it out",
            )
        step_texts = {d: r.text for d, r in results.items()}
        steps.append(Step(Author(change.id, date), change.title, step_texts))
    return steps, current
