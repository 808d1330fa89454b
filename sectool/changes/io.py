"""Reading change sets from the tree, and their text: base, theirs, and merged onto a version."""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from sectool.changes.changeset import FOLDER, MANIFEST, ChangeSet, check_id
from sectool.changes.merge import MergeResult, merge_text
from sectool.changes.patch import apply_patch, parse_patch
from sectool.errors import DirtyTree, UnknownChange
from sectool.model import DocId
from sectool.tree import Snapshot, Tree, decode


def change_ids(tree: Tree) -> list[str]:
    folder = tree.root / FOLDER
    if not folder.is_dir():
        return []
    return sorted(p.parent.name for p in folder.glob(f"*/{MANIFEST}"))


def load_change(tree: Tree, change_id: str) -> ChangeSet:
    """A change set as it is in the working tree."""
    check_id(change_id)
    path = tree.root / FOLDER / change_id / MANIFEST
    if not path.is_file():
        known = change_ids(tree)
        import difflib

        close = difflib.get_close_matches(change_id, known, n=3, cutoff=0.5)
        raise UnknownChange(
            f"there is no change set {change_id}",
            ("closest: " + ", ".join(close))
            if close
            else f"register it with `sectool mod new {change_id} --title ...`",
        )
    rel = f"{FOLDER}/{change_id}/{MANIFEST}"
    return ChangeSet.loads(decode(path.read_bytes(), rel), rel)


def load_all(tree: Tree) -> list[ChangeSet]:
    return [load_change(tree, i) for i in change_ids(tree)]


def load_change_at(snapshot: Snapshot, change_id: str) -> ChangeSet | None:
    """A change set as it was recorded in a designated version, or None if it is not there."""
    rel = f"{FOLDER}/{change_id}/{MANIFEST}"
    text = snapshot.text(rel)
    return ChangeSet.loads(text, rel) if text is not None else None


def read_diff(
    tree: Tree, change: ChangeSet, doc_id: DocId, snapshot: Snapshot | None = None
) -> str:
    rel = change.diff_path(doc_id)
    if snapshot is not None and snapshot.rev is not None:
        text = snapshot.text(rel)
    else:
        path = tree.root / rel
        text = decode(path.read_bytes(), rel) if path.is_file() else None
    if text is None:
        raise UnknownChange(
            f"{change.id} names {doc_id} but {rel} is missing",
            "record the change set again, or restore the file from git",
            path=rel,
        )
    return text


def base_snapshot(tree: Tree, change: ChangeSet) -> Snapshot | None:
    return tree.snapshot(change.base) if change.base else None


def snapshot_text(snapshot: Snapshot | None, doc_id: DocId) -> str | None:
    return snapshot.text(doc_id.path) if snapshot is not None else None


@dataclass
class DocTexts:
    """One document of a change set: its text at the base, and with the change set applied."""

    doc_id: DocId
    base: str | None
    theirs: str | None


def change_texts(
    tree: Tree, change: ChangeSet, at: Snapshot | None = None, only: set[DocId] | None = None
) -> list[DocTexts]:
    """Apply each of the change set's diffs to the exact text of its base version.

    The diffs are read from the working tree, or from the designated version ``at``;
    ``only`` limits the work to some documents.
    """
    docs = [d for d in sorted(change.documents) if only is None or d in only]
    base = base_snapshot(tree, change)
    if base is not None:
        base.prefetch([d.path for d in docs])
    out = []
    for doc_id in docs:
        rel = change.diff_path(doc_id)
        patches = parse_patch(read_diff(tree, change, doc_id, at), rel)
        original = snapshot_text(base, doc_id)
        out.append(DocTexts(doc_id, original, apply_patch(patches[0], original, rel)))
    return out


def merge_onto(
    texts: list[DocTexts],
    onto: Snapshot | None,
    current: dict[DocId, str | None] | None = None,
    label: str = "",
) -> dict[DocId, MergeResult]:
    """Each document of a change set merged onto ``onto`` (or onto ``current`` texts)."""
    results = {}
    for item in texts:
        if current is not None and item.doc_id in current:
            ours = current[item.doc_id]
        else:
            ours = snapshot_text(onto, item.doc_id)
        labels = (label or (f"SEC {onto.label}" if onto else "empty"), "base", "change set")
        result = merge_text(item.base, ours, item.theirs, labels)
        if item.theirs is None and result.clean:
            result = MergeResult(None, 0)  # the change set removes the document
        results[item.doc_id] = result
    return results


@dataclass(frozen=True)
class Reading:
    """Where change sets' texts are read: ``at`` a snapshot (None: the working tree), and
    ``only`` those documents (None: every document a change set touches)."""

    at: Snapshot | None = None
    only: set[DocId] | None = None


def apply_in_turn(
    tree: Tree,
    changes: list[ChangeSet],
    onto: Snapshot | None,
    current: dict[DocId, str | None],
    label: str = "",
    reading: Reading | None = None,
) -> Iterator[tuple[ChangeSet, dict[DocId, MergeResult]]]:
    """Merge change sets one after another onto ``onto``, as designation applies them.

    ``current`` holds each document's text so far (the caller's, updated here after each
    change set); each step yields the change set and its merge results, which the caller
    checks (and may stop on) before the next one is applied. ``label`` names ``onto`` in
    conflict markers; ``reading`` says where the change sets' texts are read (default: the
    working tree, every document).
    """
    reading = reading or Reading()
    for change in changes:
        texts = change_texts(tree, change, at=reading.at, only=reading.only)
        for item in texts:
            current.setdefault(item.doc_id, snapshot_text(onto, item.doc_id))
        results = merge_onto(texts, onto, current, label=label)
        yield change, results
        current.update({d: r.text for d, r in results.items()})


def ensure_clean(tree: Tree, paths: list[str], what: str) -> None:
    dirty = tree.store.dirty(paths)
    if dirty:
        raise DirtyTree(
            f"{what}: uncommitted changes in {', '.join(dirty[:3])}"
            + (" and more" if len(dirty) > 3 else ""),
            _dirty_hint(tree, dirty),
        )


def _dirty_hint(tree: Tree, dirty: list[str]) -> str:
    """What to do about uncommitted paths: `git checkout` discards edits, not new files."""
    head = tree.store.head()
    in_head = tree.store.read_many(head, dirty) if head else {}
    new = [path for path in dirty if in_head.get(path) is None]
    if not new:
        return "commit them, or discard them with `git checkout -- <path>`, first"
    if len(new) == len(dirty):
        return f"commit them, or remove them (new files, e.g. {new[0]}), first"
    return (
        "commit them, or discard them first: `git checkout -- <path>` for edits, and remove "
        f"new files such as {new[0]}"
    )


def write_file(root: Path, rel: str, text: str | None) -> None:
    """Write (or with None, delete) a working-tree file atomically."""
    path = root / rel
    if text is None:
        with contextlib.suppress(FileNotFoundError):
            path.unlink()
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.sectool-tmp")
    tmp.write_bytes(text.encode("utf-8"))
    os.replace(tmp, path)
