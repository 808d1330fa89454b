"""Word in: `sectool import` (a Word document becomes a document of the working tree) and
`mod record --from-docx` (a drafter's Word redline becomes a change set's edit)."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

from sectool.changes.changeset import ChangeSet
from sectool.changes.io import load_change, snapshot_text, write_file
from sectool.changes.patch import make_diff
from sectool.changes.record import RecordResult, commit_change
from sectool.changes.record import _check_editable as check_editable
from sectool.changes.record import _parse_new as parse_new
from sectool.changes.record import _set_op as set_op
from sectool.document import BlockKind, parse_document
from sectool.errors import (
    ControlCharacter,
    DirtyTree,
    MalformedDocument,
    NothingToDo,
    RedlineMismatch,
    SectoolError,
)
from sectool.integrity import control_character
from sectool.model import DocId
from sectool.tree import Tree
from sectool.word.convert import convert_docx, read_views
from sectool.word.markdown import Conversion, to_markdown
from sectool.word.package import open_package
from sectool.word.views import ACCEPT, REJECT


@dataclass
class ImportResult:
    """What an import wrote: the document, its path in the tree, whether it replaced an
    existing file, and the conversion (text, summary counts, warnings)."""

    doc_id: DocId
    path: str
    replaced: bool
    conversion: Conversion


def import_docx(
    tree: Tree, source: Path, doc_id: DocId, view: str | None = None, title: str | None = None
) -> ImportResult:
    """Convert ``source`` (a .docx) and write it as ``doc_id``'s working-tree text.

    ``view``: ``"accept"``, ``"reject"`` or None (refused if tracked changes change the text).
    The title is ``title``, else the Word Title paragraph, else the Document Log's title.
    Everything is checked before the one atomic write; on any error nothing is written.
    Raises DirtyTree (exit 6) when ``doc_id``'s file has uncommitted changes, and
    ControlCharacter (exit 4) when the title holds a line break or a control character.
    """
    if tree.store.dirty([doc_id.path]):
        raise DirtyTree(
            f"{doc_id.path} has uncommitted changes, which the import would overwrite",
            "commit them, record them in a change set (sectool mod record), or discard them "
            f"(git checkout -- {doc_id.path}, or remove it if it is new), first",
        )
    entry = tree.register.entry(doc_id)
    if title:
        _check_title(title)
    conversion, _ = convert_docx(
        source, doc_id, view, title or None, default_title=entry.title if entry else None
    )
    _check_title(conversion.title)
    path = tree.root / doc_id.path
    replaced = path.exists()
    write_file(tree.root, doc_id.path, conversion.text)
    return ImportResult(doc_id, doc_id.path, replaced, conversion)


def _check_title(title: str | None) -> None:
    found = control_character(title or "", allow_breaks=False)
    if found:
        raise ControlCharacter(
            f"the title holds the control character {found[1]}",
            "give a title on one line, without control characters",
        )


def record_docx(tree: Tree, change_id: str, source: Path, doc_id: DocId) -> RecordResult:
    """Record a drafter's Word redline of ``doc_id`` as the change set's edit to it.

    The redline's reject view, converted, must equal the document's text at the change set's
    base version (else RedlineMismatch, exit 5, naming the first clauses that differ and the
    designated version the redline matches, if any); its accept view becomes the change set's
    text. The Word revisions' authors and dates go into the change set's ``provenance``.
    """
    change = load_change(tree, change_id)
    check_editable(change)
    base = tree.snapshot(change.base) if change.base else None
    before = snapshot_text(base, doc_id)
    entry = (base.register if base else tree.register).entry(doc_id)
    fallback = entry.title if entry else None
    package = open_package(source)
    views = read_views(package, (ACCEPT, REJECT))
    original = to_markdown(views[REJECT], doc_id, None, fallback)
    if before is None:
        if any(p.text.strip() for p in views[REJECT].paragraphs()):
            raise RedlineMismatch(
                f"{doc_id} is not in SEC {change.base or '(empty)'}, but {source.name} has "
                "original text",
                "a new document's redline is all insertions; or import it with `sectool import`",
            )
    elif original.text != before:
        raise _mismatch(tree, change, doc_id, source.name, original.text, before)
    changed = to_markdown(views[ACCEPT], doc_id, None, fallback)
    now = parse_new(doc_id, changed.text, source.name)
    if now == before:
        raise NothingToDo(
            f"{source.name} makes no change to the text of {doc_id}",
            "check that the file is the redline you meant, with its changes still tracked",
        )
    set_op(change, doc_id, before, now)
    change.provenance = [p for p in change.provenance if p.get("document") != str(doc_id)] + [
        _provenance(views[ACCEPT], doc_id, source)
    ]
    with tree.store.lock():
        commit_change(
            tree,
            change,
            {doc_id: make_diff(doc_id.path, before, now)},
            f"{change_id}: record legal text from the Word redline {source.name} ({doc_id})",
        )
    return RecordResult(change, [doc_id])


def _provenance(view, doc_id: DocId, source: Path) -> dict:
    """The redline's revisions grouped by author and date, with counts per kind."""
    groups: dict[tuple[str, str], dict[str, int]] = {}
    for revision in view.revisions.values():
        counts = groups.setdefault((revision.author, revision.date), {})
        counts[revision.kind] = counts.get(revision.kind, 0) + 1
    return {
        "document": str(doc_id),
        "source": source.name,
        "sha256": hashlib.sha256(source.read_bytes()).hexdigest(),
        "revisions": [
            {"author": author, "date": date, "counts": dict(sorted(counts.items()))}
            for (author, date), counts in sorted(groups.items())
        ],
    }


def _mismatch(
    tree: Tree, change: ChangeSet, doc_id: DocId, name: str, original: str, before: str
) -> SectoolError:
    differ = _first_differences(doc_id, before, original)
    drafted = _matching_version(tree, doc_id, original)
    if drafted:
        hint = (
            f"the redline was drafted against SEC {drafted}; ask for one against SEC "
            f"{change.base}, or register the change set with --base {drafted}"
        )
    else:
        hint = (
            f"the redline must be drafted on {doc_id} as at SEC {change.base}: export it "
            f'with `sectool export {change.base} "{doc_id}" --format docx`'
        )
    return RedlineMismatch(
        f"{name}: its original text (changes rejected) is not {doc_id} at SEC {change.base}; "
        f"first differences: {differ}",
        hint,
    )


def _first_differences(doc_id: DocId, before: str, original: str, limit: int = 3) -> str:
    """The first clauses (or lines) where the redline's original differs from the base."""
    import difflib

    old = parse_document(before, doc_id)
    try:
        new_blocks = parse_document(original, doc_id).blocks
    except MalformedDocument:
        new_blocks = None
    if new_blocks is None:
        a, b = before.splitlines(), original.splitlines()
        lines = [f"line {i + 1}" for i, (x, y) in enumerate(zip(a, b, strict=False)) if x != y]
        return ", ".join(lines[:limit]) or "the end of the document"
    matcher = difflib.SequenceMatcher(
        None, [x.text for x in old.blocks], [x.text for x in new_blocks], autojunk=False
    )
    names: list[str] = []
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        if op == "equal":
            continue
        blocks = old.blocks[i1:i2] or new_blocks[j1:j2]
        for block in blocks:
            name = block.clause or (
                "the title" if block.kind is BlockKind.TITLE else f"line {block.line}"
            )
            if name not in names:
                names.append(name)
    return ", ".join(names[:limit])


def _matching_version(tree: Tree, doc_id: DocId, text: str) -> str | None:
    for record in reversed(tree.register.ordered()):
        if tree.snapshot(record.version).text(doc_id.path) == text:
            return record.version
    return None
