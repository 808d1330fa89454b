"""Registering, drafting and advancing change sets. Every write is one atomic commit."""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field

from sectool.changes.changeset import (
    DIRECTION_PATHS,
    FOLDER,
    KINDS,
    MODIFICATION_PATHS,
    ChangeSet,
    DocChange,
    HistoryStep,
    State,
    check_id,
    today,
)
from sectool.changes.io import (
    change_texts,
    ensure_clean,
    load_change,
    snapshot_text,
    write_file,
)
from sectool.changes.merge import has_conflict_markers
from sectool.changes.patch import apply_patch, make_diff, parse_patch
from sectool.document import parse_document
from sectool.errors import (
    BadDate,
    BadTransition,
    ControlCharacter,
    DuplicateChange,
    MalformedChange,
    MalformedDocument,
    NothingToDo,
    PatchMismatch,
)
from sectool.integrity import control_character, title_control_character
from sectool.model import DocId, parse_date
from sectool.tree import LEGAL_FOLDERS, Snapshot, Tree, decode

# A drafting session in progress (a conflicted rebase, or `mod edit`): the change set's text is
# in the working tree, and the next `mod record` replaces the change set's text as a whole.
REBASE_STATE = "session.json"


def commit_change(
    tree: Tree, change: ChangeSet, diffs: Mapping[DocId, str | None], message: str
) -> str:
    """Write the manifest and diffs of a change set as one commit (the caller holds the lock)."""
    files: dict[str, bytes | None] = {change.manifest_path: change.dumps().encode("utf-8")}
    for doc_id, text in diffs.items():
        files[change.diff_path(doc_id)] = text.encode("utf-8") if text is not None else None
    ensure_clean(tree, sorted(files), f"cannot write {change.id}")
    return tree.store.transaction(files, message)


@dataclass(frozen=True)
class Registration:
    """A change set to register: its id and title; ``kind`` (modification or direction);
    ``path`` (default 2 for a modification, variation for a direction); ``base`` the version
    it is drafted on (default the latest); ``date`` the YYYY-MM-DD it was raised (default today).
    """

    change_id: str
    title: str
    kind: str = "modification"
    path: str | None = None
    base: str | None = None
    date: str | None = None


def new_change(tree: Tree, request: Registration) -> ChangeSet:
    """Register a proposal (``raised``) or a direction (``approved``).

    Raises MalformedChange (bad id, title, kind or path), ControlCharacter, BadDate,
    UnknownVersion (``base``) or DuplicateChange.
    """
    change_id, title, kind, path = request.change_id, request.title, request.kind, request.path
    base, date = request.base, request.date
    check_id(change_id)
    if not title.strip():
        raise MalformedChange("a change set needs a title", "give one with --title")
    found = control_character(title, allow_breaks=False)
    if found:
        raise ControlCharacter(
            f"the title holds the control character {found[1]}",
            "give a title on one line, without control characters",
        )
    if kind not in KINDS:
        raise MalformedChange(
            f"kind '{kind}' is not one of {', '.join(KINDS)}",
            "use --kind modification or --kind direction",
        )
    paths = DIRECTION_PATHS if kind == "direction" else MODIFICATION_PATHS
    path = path or ("variation" if kind == "direction" else "2")
    if path not in paths:
        raise MalformedChange(
            f"path '{path}' does not fit a {kind}",
            f"a {kind}'s --path is one of: {', '.join(paths)}",
        )
    latest = tree.register.latest
    if base is None:
        base = latest.version if latest else None
    else:
        base = tree.register.at(base).version
    when = _step_date(date)
    state = State.APPROVED if kind == "direction" else State.RAISED
    change = ChangeSet(
        change_id,
        title.strip(),
        kind,
        path,
        base,
        state,
        [HistoryStep(state, when, "registered")],
    )
    with tree.store.lock():
        # ids that differ only in case are one folder on Windows and macOS file systems
        folder = tree.root / FOLDER
        taken = [p.name for p in folder.iterdir()] if folder.is_dir() else []
        same = next((name for name in taken if name.casefold() == change_id.casefold()), None)
        if same is not None:
            raise DuplicateChange(
                f"a change set {same} already exists"
                + ("" if same == change_id else f" (ids differ only in case: {change_id})"),
                f"see it with `sectool mod show {same}`, or pick a new id",
            )
        commit_change(tree, change, {}, f"{change_id}: register ({kind}, {state})")
    return change


def _step_date(date: str | None) -> str:
    """A lifecycle step's date: today by default, never in the future (BadDate), since a
    step dated ahead would block every real step after it."""
    if not date:
        return today()
    day = parse_date(date).isoformat()
    if day > today():
        raise BadDate(
            f"{day} is in the future; a lifecycle step records what has happened",
            "give the date the step was taken (today by default)",
        )
    return day


def advance_change(
    tree: Tree, change_id: str, state: str, date: str | None = None, note: str = ""
) -> ChangeSet:
    change = load_change(tree, change_id)
    before = change.state
    change.advance(state, _step_date(date), note)
    with tree.store.lock():
        commit_change(tree, change, {}, f"{change_id}: {before} -> {state}")
    return change


@dataclass
class RecordResult:
    change: ChangeSet
    documents: list[DocId] = field(default_factory=list)
    restored: list[str] = field(default_factory=list)


def _document_paths(tree: Tree, snapshot: Snapshot | None) -> list[str]:
    paths = set()
    for folder in LEGAL_FOLDERS:
        for file in (tree.root / folder).glob("*.md"):
            paths.add(file.relative_to(tree.root).as_posix())
    if snapshot is not None:
        paths.update(e.path for e in snapshot.entries)
    return sorted(p for p in paths if DocId.from_path(p))


def _document_id(path: str) -> DocId:
    """The document a path names, for paths already known to be document files."""
    doc_id = DocId.from_path(path)
    if doc_id is None:
        raise MalformedChange(f"{path} is not a document file", "documents are sections/*.md")
    return doc_id


def _check_editable(change: ChangeSet) -> None:
    if not change.pending or change.state is State.IMPLEMENTED:
        raise BadTransition(
            f"{change.id} is {change.state}; its text can no longer change",
            "register a new change set for further edits",
        )


def _parse_new(doc_id: DocId, text: str | None, where: str) -> str | None:
    if text is not None:
        found = control_character(text) or title_control_character(text)
        if found:
            raise ControlCharacter(
                f"{where} holds the control character {found[1]}",
                "delete it (often pasted from Word); legal text allows tabs and line breaks, "
                "its title line neither",
                path=where,
                line=found[0],
            )
        try:
            parse_document(text, doc_id)
        except MalformedDocument as exc:
            exc.path = exc.path if exc.path and exc.path != doc_id.path else where
            raise
    return text


def record_worktree(tree: Tree, change_id: str) -> RecordResult:
    """Capture the working tree's edits to documents into the change set, then restore them."""
    change = load_change(tree, change_id)
    _check_editable(change)
    rebase = _rebase_state(tree)
    if rebase and rebase["id"] != change_id:
        raise BadTransition(
            f"{rebase['id']} is being drafted in the working tree",
            f"finish with `sectool mod record {rebase['id']}`, or give it up "
            "with `sectool mod abort`",
        )
    onto_label = (
        rebase["onto"]
        if rebase
        else (tree.register.latest.version if tree.register.latest else None)
    )
    onto = tree.snapshot(onto_label) if onto_label else None
    if change.documents and change.base != onto_label and not rebase:
        raise BadTransition(
            f"{change_id} was drafted on SEC {change.base}, but the tree shows SEC {onto_label}",
            f"bring it up to date with `sectool mod rebase {change_id}` first",
        )
    edits: dict[DocId, tuple[str | None, str | None]] = {}
    paths = _document_paths(tree, onto)
    if onto is not None:
        onto.prefetch(paths)
    for rel in paths:
        doc_id = _document_id(rel)
        file = tree.root / rel
        now = decode(file.read_bytes(), rel) if file.is_file() else None
        before = snapshot_text(onto, doc_id)
        if now != before:
            if now is not None and has_conflict_markers(now):
                raise MalformedDocument(
                    f"{rel} still has conflict markers",
                    "resolve every <<<<<<< ... >>>>>>> block, then record",
                    path=rel,
                )
            edits[doc_id] = (before, _parse_new(doc_id, now, rel))
    if not edits:
        raise NothingToDo(
            f"no document differs from SEC {onto_label or '(empty)'}",
            "edit documents in the working tree, then record",
        )
    diffs: dict[DocId, str | None] = {}
    if rebase:
        diffs = {d: None for d in change.documents if d not in edits}
        change.documents = {}
    for doc_id, (before, now) in edits.items():
        diffs[doc_id] = make_diff(doc_id.path, before, now)
        _set_op(change, doc_id, before, now)
    change.base = onto_label
    with tree.store.lock():
        commit_change(
            tree,
            change,
            diffs,
            f"{change_id}: record legal text (" + ", ".join(str(d) for d in sorted(edits)) + ")",
        )
    latest = tree.register.latest
    restore_documents(tree, edits, onto if onto_label == (latest and latest.version) else None)
    if rebase:
        (tree.store.git_dir / "sectool" / REBASE_STATE).unlink()
    return RecordResult(change, sorted(edits), [d.path for d in sorted(edits)])


def restore_documents(tree: Tree, doc_ids, latest_snapshot: Snapshot | None = None) -> None:
    """Put documents back to the latest designated text (deleting those it lacks).

    ``latest_snapshot``: that version, when the caller has it open already.
    """
    latest = tree.register.latest
    restore_to = latest_snapshot or (tree.snapshot(latest.version) if latest else None)
    for doc_id in doc_ids:
        write_file(tree.root, doc_id.path, snapshot_text(restore_to, doc_id))
    tree.store.refresh_index()
    # an edit staged with `git add` is recorded now: take it out of the index too, or it
    # blocks designation and `git checkout -- <path>` would bring it back
    tree.store.unstage([d.path for d in doc_ids])


def _set_op(change: ChangeSet, doc_id: DocId, before: str | None, now: str | None) -> None:
    previous = change.documents.get(doc_id)
    op = "add" if before is None else "remove" if now is None else "edit"
    version = previous.version if previous else None
    if op == "add" and version is None:
        version = "1.0"
    change.documents[doc_id] = DocChange(doc_id, op, version)


def record_patch(tree: Tree, change_id: str, patch_text: str, source: str) -> RecordResult:
    """Record a unified diff made elsewhere, checked against the change set's base version."""
    change = load_change(tree, change_id)
    _check_editable(change)
    patches = parse_patch(patch_text, source)
    base = tree.snapshot(change.base) if change.base else None
    if base is not None:
        base.prefetch([p.path for p in patches])
    diffs: dict[DocId, str | None] = {}
    texts = {t.doc_id: t for t in change_texts(tree, change)} if change.documents else {}
    touched = []
    for fp in patches:
        doc_id = _document_id(fp.path)
        if doc_id in diffs:
            raise PatchMismatch(f"{source}: {fp.path} appears twice", "merge the two diffs")
        before = snapshot_text(base, doc_id)
        if before is None and fp.old_path is not None:
            raise PatchMismatch(
                f"{source}: {doc_id} is not in SEC {change.base or '(empty)'}",
                "a new document's diff starts from /dev/null; check the document's name",
            )
        now = _parse_new(doc_id, apply_patch(fp, before, source), fp.path)
        if doc_id in texts and texts[doc_id].theirs == now:
            continue
        diffs[doc_id] = make_diff(doc_id.path, before, now)
        _set_op(change, doc_id, before, now)
        touched.append(doc_id)
    if not touched:
        raise NothingToDo(
            f"{source} changes nothing that {change_id} does not already change",
            "check that the patch is the one you meant",
        )
    with tree.store.lock():
        commit_change(
            tree,
            change,
            diffs,
            f"{change_id}: record legal text from {source} ("
            + ", ".join(str(d) for d in sorted(touched))
            + ")",
        )
    return RecordResult(change, sorted(touched))


def _rebase_state(tree: Tree) -> dict | None:
    path = tree.store.git_dir / "sectool" / REBASE_STATE
    return json.loads(path.read_text()) if path.is_file() else None


def start_session(tree: Tree, change_id: str, onto: str | None, mode: str) -> None:
    state = tree.store.git_dir / "sectool" / REBASE_STATE
    state.parent.mkdir(exist_ok=True)
    state.write_text(json.dumps({"id": change_id, "onto": onto, "mode": mode}))


def edit_change(tree: Tree, change_id: str) -> list[DocId]:
    """Put a change set's text into the working tree, to draft it further."""
    from sectool.changes.io import change_texts

    change = load_change(tree, change_id)
    _check_editable(change)
    session = _rebase_state(tree)
    if session:
        raise BadTransition(
            f"{session['id']} is already being drafted",
            "finish with `sectool mod record ID`, or `sectool mod abort`",
        )
    latest = tree.register.latest.version if tree.register.latest else None
    if change.documents and change.base != latest:
        raise BadTransition(
            f"{change_id} is based on SEC {change.base}, not SEC {latest}",
            f"bring it up to date with `sectool mod rebase {change_id}` first",
        )
    paths = [d.path for d in change.documents]
    ensure_clean(tree, paths, f"cannot edit {change_id}")
    for item in change_texts(tree, change):
        write_file(tree.root, item.doc_id.path, item.theirs)
    start_session(tree, change_id, latest, "edit")
    return sorted(change.documents)


def abort_session(tree: Tree) -> str:
    """Give up a drafting session: the change set stays as last recorded."""
    state = _rebase_state(tree)
    if state is None:
        raise NothingToDo(
            "no change set is being drafted in the working tree", "`sectool mod edit ID` starts one"
        )
    restore_documents(tree, load_change(tree, state["id"]).documents)
    (tree.store.git_dir / "sectool" / REBASE_STATE).unlink()
    return state["id"]
