"""Designation: turn approved change sets into a designated version of the code, atomically.

Order of application: change sets are applied in the order they were approved (the date of their
last ``approved`` step), ties broken by id; a direction registered as approved counts from its
registration. Each applies by three-way merge from its own base onto the text as it stands after
those before it. Everything is computed and checked first; then one commit and one annotated tag
are written by :meth:`Store.transaction`, so the repository ends either fully designated or
exactly as it was.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field

from sectool.changes.changeset import ChangeSet, HistoryStep, State, today
from sectool.changes.io import apply_in_turn, ensure_clean, load_all, load_change
from sectool.document import Document, parse_document
from sectool.errors import (
    BadDocVersion,
    CheckFailed,
    ControlCharacter,
    DesignationRefused,
    EditedOutsideDesignation,
    LostDesignation,
    MergeConflict,
    NothingToDo,
    UnauthorisedDesignation,
    UnknownReference,
    UnsupportedState,
)
from sectool.integrity import content_findings, edited_outside, lifecycle_problem, lost_designations
from sectool.model import DocId, Finding, Severity, Version, looks_like_version, parse_date
from sectool.records import (
    CHANGELOG,
    add_to_changelog,
    changelog_entry,
    record_from_tag,
    tag_message,
)
from sectool.register import REGISTER, ChangeRef, DocEntry, Register, VersionRecord
from sectool.tree import FOLDERS, Snapshot, Tree


@dataclass
class DocOutcome:
    doc_id: DocId
    old_text: str | None
    new_text: str | None
    old_version: str | None
    new_version: str | None
    by: list[str] = field(default_factory=list)
    title: str = ""
    # new_text parsed (None when removed), kept so the content check does not parse it again
    document: Document | None = field(default=None, compare=False, repr=False)


@dataclass
class Plan:
    record: VersionRecord
    changes: list[ChangeSet]
    documents: list[DocOutcome]
    register: Register
    previous: dict[str, str] | None

    def files(self, tree: Tree) -> dict[str, bytes | None]:
        files: dict[str, bytes | None] = {}
        for doc in self.documents:
            if doc.old_text != doc.new_text:
                files[doc.doc_id.path] = doc.new_text.encode() if doc.new_text is not None else None
        files[REGISTER] = self.register.dumps().encode()
        current = tree.root / CHANGELOG
        old_log = current.read_text(encoding="utf-8") if current.is_file() else None
        entry = changelog_entry(self.record, self.previous)
        files[CHANGELOG] = add_to_changelog(old_log, entry).encode()
        for change in self.changes:
            files[change.manifest_path] = change.dumps().encode()
        return files


def parse_doc_versions(items: list[str]) -> dict[DocId, str]:
    out = {}
    for item in items:
        name, sep, version = item.partition("=")
        if not sep:
            raise BadDocVersion(
                f"'{item}' is not DOCUMENT=VERSION", 'write it as --doc-version "Appendix AC=1.2"'
            )
        out[DocId.parse(name)] = str(Version.parse(version))
    return out


def approval_order(change: ChangeSet) -> tuple[str, str]:
    return (
        change.approved_on() or (change.history[0].date if change.history else ""),
        change.id,
    )


@dataclass(frozen=True)
class DesignationRequest:
    """A designation asked for.

    ``version`` is the new label ("5.8"), ``effective`` the YYYY-MM-DD date it takes effect;
    ``change_ids`` the change sets to implement (None: every approved one); ``by`` the
    designating authority (default: from the change sets); ``doc_versions`` document versions
    set by hand; ``designated`` the YYYY-MM-DD date the designation is made (default today).
    """

    version: str
    effective: str
    change_ids: list[str] | None = None
    by: str | None = None
    doc_versions: dict[DocId, str] | None = None
    designated: str | None = None


def plan_designation(tree: Tree, request: DesignationRequest) -> Plan:
    """Work out everything a designation will write, or refuse with the reason."""
    version, effective, by = request.version, request.effective, request.by
    change_ids, doc_versions, designated = (
        request.change_ids,
        request.doc_versions,
        request.designated,
    )
    label = Version.parse(version)
    effective_day = parse_date(effective)
    register = tree.register
    latest = register.latest
    _check_label(tree, register, label, effective_day)
    _check_history(tree)
    changes = _select(tree, change_ids)
    onto = tree.snapshot(latest.version) if latest else None
    current, touched, targets = apply_changes(tree, changes, onto, f"SEC {version} so far")
    for doc_id in doc_versions or {}:
        if doc_id not in current and register.entry(doc_id) is None:
            raise UnknownReference(
                f"--doc-version names {doc_id}, which SEC {label} would not have",
                "name a document in the Document Log (`sectool ls`) or one the change sets add",
            )
    targets.update(doc_versions or {})
    outcomes = _outcomes(register, onto, current, touched, targets)
    _check_versions(outcomes)
    _check_content(tree, outcomes, changes, onto)
    record = VersionRecord(
        str(label),
        effective_day.isoformat(),
        by or _default_by(changes),
        [ChangeRef(c.id, c.title) for c in changes],
        designated=designated or today(),
    )
    new_register = _new_register(register, outcomes, record)
    for change in changes:
        change.state, change.implemented_in = State.IMPLEMENTED, str(label)
        # dated when the designation is made (history runs forwards); the note says when the
        # version takes effect, which may be before or after that
        change.history.append(
            HistoryStep(
                State.IMPLEMENTED, record.designated, f"SEC {label}, effective {record.effective}"
            )
        )
    previous = dict(latest.documents) if latest else None
    return Plan(record, changes, outcomes, new_register, previous)


def apply_changes(
    tree: Tree, changes: list[ChangeSet], onto: Snapshot | None, label: str
) -> tuple[dict[DocId, str | None], dict[DocId, list[str]], dict[DocId, str | None]]:
    """Merge change sets in turn onto ``onto``, as designation does; refuse on overlap.

    Returns each touched document's new text (None: removed), the change sets that touched
    it, and the document versions the change sets set.
    """
    current: dict[DocId, str | None] = {}
    touched: dict[DocId, list[str]] = {}
    targets: dict[DocId, str | None] = {}
    for change, results in apply_in_turn(tree, changes, onto, current, label):
        failed = [str(d) for d, r in results.items() if not r.clean]
        if failed:
            raise MergeConflict(
                f"{change.id} does not apply to {label}: its edits to "
                f"{', '.join(failed)} overlap other changes",
                f"rebase it (`sectool mod rebase {change.id}`) or leave it out with --change",
            )
        for doc_id in results:
            touched.setdefault(doc_id, []).append(change.id)
            if change.documents[doc_id].version:
                targets[doc_id] = change.documents[doc_id].version
    return current, touched, targets


def _order_key(label: Version) -> tuple[int, ...]:
    """5.8 and 5.8.0 are the same place in the code's version order."""
    parts = list(label.parts)
    while len(parts) > 1 and parts[-1] == 0:
        parts.pop()
    return tuple(parts)


def _check_label(tree: Tree, register: Register, label: Version, effective: dt.date) -> None:
    latest = register.latest
    designated = [v.label for v in register.versions]
    stray = []
    for name, tag in tree.store.tags("sec/").items():
        if record_from_tag(tag.message) is None:
            stray.append(name)
        elif looks_like_version(name.removeprefix("sec/")):
            designated.append(Version.parse(name.removeprefix("sec/")))
    same = [v for v in designated if _order_key(v) == _order_key(label)]
    if same:
        raise DesignationRefused(
            f"SEC {label} is already designated (as {same[0]})",
            "designated versions never change; choose the next label",
        )
    if f"sec/{label}" in stray:
        raise DesignationRefused(
            f"tag sec/{label} exists but is not a designation",
            f"remove the stray tag (`git tag -d sec/{label}`) and designate again",
        )
    later = [v for v in designated if _order_key(v) > _order_key(label)]
    if later:
        raise DesignationRefused(
            f"SEC {label} is not after the latest version, {max(later, key=_order_key)}",
            f"choose a label greater than {max(later, key=_order_key)}",
        )
    if latest and effective < latest.effective_date:
        raise DesignationRefused(
            f"effective date {effective} is before SEC {latest.version}'s ({latest.effective})",
            "versions take effect in order; the same day as the last one is allowed",
        )


def _check_history(tree: Tree) -> None:
    """Refuse when HEAD lacks a designation, or its legal text changed outside designation."""
    lost = lost_designations(tree, "HEAD")
    if lost:
        raise LostDesignation(lost[0].message, lost[0].hint)
    edited = edited_outside(tree, "HEAD")
    if edited:
        more = f" (and {len(edited) - 1} more)" if len(edited) > 1 else ""
        first = edited[0]
        raise EditedOutsideDesignation(first.message + more, first.hint, path=first.path)


def _check_versions(outcomes: list[DocOutcome]) -> None:
    """A changed document's version goes up; an unchanged one's never goes down."""
    for doc in outcomes:
        if doc.new_text is None or doc.old_version is None or doc.new_version is None:
            continue
        old, new = Version.parse(doc.old_version), Version.parse(doc.new_version)
        if doc.new_text != doc.old_text and new <= old:
            raise BadDocVersion(
                f"{doc.doc_id} changes but its version {doc.new_version} is not after "
                f"{doc.old_version}",
                f'give a higher one, e.g. --doc-version "{doc.doc_id}='
                f'{Version.parse(doc.old_version).next_minor()}"',
            )
        if new < old:
            raise BadDocVersion(
                f"{doc.doc_id}'s version would go back from {doc.old_version} to {doc.new_version}",
                "document versions never decrease",
            )


def _check_content(
    tree: Tree, outcomes: list[DocOutcome], changes: list[ChangeSet], onto: Snapshot | None
) -> None:
    """No control characters, and no check errors the designated text would newly have."""
    texts = {d.doc_id: d.new_text for d in outcomes if d.new_text is not None}
    bad = content_findings(tree, texts, changes)
    if bad:
        raise ControlCharacter(bad[0].message, bad[0].hint, path=bad[0].path, line=bad[0].line)
    parsed = {d.doc_id: (d.new_text, d.document) for d in outcomes if d.new_text and d.document}
    new = designated_findings(tree, onto, {d.doc_id: d.new_text for d in outcomes}, parsed)
    if new:
        first = new[0]
        where = f"{first.path}: " if first.path else ""
        more = f" (and {len(new) - 1} more)" if len(new) > 1 else ""
        raise CheckFailed(
            f"the designated text would fail check: {where}{first.message}{more}",
            "fix the change set, record it again, and have it approved again",
            path=first.path,
        )


def designated_findings(
    tree: Tree,
    onto: Snapshot | None,
    after: dict[DocId, str | None],
    known: dict[DocId, tuple[str, Document]] | None = None,
) -> list[Finding]:
    """Numbering and reference errors in the documents ``after`` changes that ``onto`` lacks.

    ``after`` maps each changed document to its new text (None: removed); ``known`` holds
    documents already parsed elsewhere, with the text they were parsed from. Only the changed
    documents and the documents their references name are read and parsed: the findings are
    those of the changed documents, so nothing else can affect them.

    Raises MalformedDocument when a text that is read does not parse.
    """
    known = known or {}
    old_present = _present(onto)
    new_present = (old_present - {d for d, t in after.items() if t is None}) | {
        d for d, t in after.items() if t is not None
    }
    parsed: dict[DocId, Document] = {}

    def old_document(doc_id: DocId) -> Document:
        assert onto is not None  # only documents onto holds are read from it
        text = onto.text(doc_id.path)
        if doc_id in known and known[doc_id][0] == text:
            return known[doc_id][1]
        return onto.document(doc_id)

    def new_document(doc_id: DocId) -> Document:
        text = after.get(doc_id)
        if text is None or (doc_id in old_present and onto and onto.text(doc_id.path) == text):
            return old_document(doc_id)
        if doc_id in known and known[doc_id][0] == text:
            return known[doc_id][1]
        if doc_id not in parsed:
            parsed[doc_id] = parse_document(text, doc_id)
        return parsed[doc_id]

    new = _errors(tree, after, new_present, old_present, new_document)
    if not new:  # the usual case: nothing to subtract, so the earlier text is not checked
        return []
    old = _errors(tree, after, old_present, old_present, old_document)
    return sorted(new - old, key=lambda f: (f.path or "", f.message))


def _present(onto: Snapshot | None) -> set[DocId]:
    """The documents of the Document Log whose file ``onto`` holds."""
    if onto is None:
        return set()
    blobs = onto.blob_ids()
    if blobs is None:
        return {e.doc_id for e in onto.entries if onto.text(e.doc_id.path) is not None}
    return {e.doc_id for e in onto.entries if e.doc_id.path in blobs}


def _errors(
    tree: Tree,
    after: dict[DocId, str | None],
    present: set[DocId],
    older: set[DocId],
    document: Callable[[DocId], Document],
) -> set[Finding]:
    """The error findings of the changed documents, in a version holding ``present``
    (``older``: the documents of the version they change)."""
    from sectool.checks import references, structure
    from sectool.checks.context import CheckContext
    from sectool.references import extract_references

    # in the order the full check parsed them: the version's documents, then the added ones
    changed = sorted(d for d in after if d in present and d in older) + [
        d for d in after if d in present and d not in older
    ]
    named = {r.target for d in changed for r in extract_references(document(d))}
    context = CheckContext(tree)
    for doc_id in sorted(set(changed) | (named & present)):
        context.documents[doc_id] = document(doc_id)
    found = references.check(context, {d.path for d in after})
    for doc_id in changed:
        found += structure.document_findings(context.documents[doc_id])
    return {
        Finding(f.rule, f.severity, f.message, path=f.path, clause=f.clause)
        for f in found
        if f.severity is Severity.ERROR
    }


def _select(tree: Tree, change_ids: list[str] | None) -> list[ChangeSet]:
    if change_ids:
        changes = [load_change(tree, i) for i in dict.fromkeys(change_ids)]
        for change in changes:
            if change.state is not State.APPROVED:
                raise DesignationRefused(
                    f"{change.id} is {change.state}, not approved",
                    f"only approved change sets can be designated "
                    f"(`sectool mod advance {change.id} approved`)",
                )
    else:
        changes = [c for c in load_all(tree) if c.state is State.APPROVED]
    if not changes:
        raise NothingToDo(
            "there is no approved change set to designate",
            "approve one with `sectool mod advance ID approved`, or name it with --change",
        )
    for change in changes:
        problem = lifecycle_problem(change)
        if problem:
            raise UnsupportedState(
                f"{change.id} is {change.state} but {problem}",
                "change state only with `sectool mod advance`; restore change.json from git",
                path=change.manifest_path,
            )
    empty = [c.id for c in changes if not c.documents]
    if empty:
        raise DesignationRefused(
            f"{', '.join(empty)} has no legal text recorded",
            "record it with `sectool mod record ID` first",
        )
    return sorted(changes, key=approval_order)


def _default_by(changes: list[ChangeSet]) -> str:
    if all(c.kind == "direction" for c in changes):
        return "the Secretary of State"
    return "the Code Administrator"


def _outcomes(register, onto, current, touched, targets) -> list[DocOutcome]:
    outcomes = []
    for doc_id in sorted(set(current) | set(targets)):
        entry = register.entry(doc_id)
        old_text = onto.text(doc_id.path) if onto else None
        new_text = current.get(doc_id, old_text)
        old_version = entry.version if entry else None
        if new_text is None:
            new_version = None
        elif doc_id in targets:
            new_version = targets[doc_id]
        elif old_text == new_text:
            new_version = old_version
        else:
            new_version = str(Version.parse(old_version).next_minor()) if old_version else "1.0"
        if new_text is None:
            document = None
        elif new_text == old_text:
            document = onto.document(doc_id)  # the snapshot keeps it for the content check
        else:
            document = parse_document(new_text, doc_id)
        outcomes.append(
            DocOutcome(
                doc_id,
                old_text,
                new_text,
                old_version,
                new_version,
                touched.get(doc_id, []),
                document.title if document else "",
                document,
            )
        )
    return outcomes


def _new_register(
    register: Register, outcomes: list[DocOutcome], record: VersionRecord
) -> Register:
    entries = {e.doc_id: e for e in register.documents}
    for doc in outcomes:
        if doc.new_text is None:
            entries.pop(doc.doc_id, None)
            continue
        entries[doc.doc_id] = DocEntry(doc.doc_id, doc.title, doc.new_version or "1.0")
    ordered = sorted(entries.values(), key=lambda e: e.doc_id)
    record.documents = {str(e.doc_id): e.version for e in ordered}
    return Register(ordered, register.versions + [record])


def designate(
    tree: Tree,
    request: DesignationRequest,
    dry_run: bool = False,
    sign: bool = False,
    designators: bytes | None = None,
) -> Plan:
    """Designate a version: all of it, or (on any failure) nothing.

    ``sign`` signs the tag with git's signing set-up; ``designators`` (allowed-signers bytes)
    becomes the version's ``.sectool/designators``. When the latest version has that file, the
    tag must be signed by a key it lists (UnauthorisedDesignation otherwise).
    """
    from sectool.signing import DESIGNATORS, designators_at, require_designator

    version = request.version
    if dry_run:
        return plan_designation(tree, request)
    with tree.store.lock():
        tree.reload()  # another designation may have finished while we waited
        ensure_clean(
            tree, [*FOLDERS, REGISTER, CHANGELOG, DESIGNATORS], f"cannot designate SEC {version}"
        )
        plan = plan_designation(tree, request)
        latest = tree.register.latest
        allowed = designators_at(tree, latest)
        if latest is not None and allowed is not None and not sign:
            raise UnauthorisedDesignation(
                f"SEC {latest.version} lists designators: SEC {version} must be signed",
                "add --sign (git's signing set-up: gpg.format and user.signingKey)",
            )
        files = plan.files(tree)
        if designators is not None:
            files[DESIGNATORS] = designators
        message = f"Designate SEC {plan.record.version} (effective {plan.record.effective})" + (
            ": " + ", ".join(c.id for c in plan.record.changes)
        )
        tree.store.transaction(
            files,
            message,
            tag=(plan.record.tag, tag_message(plan.record, plan.previous)),
            sign=sign,
            check_tag=(
                (lambda obj: require_designator(tree, allowed, plan.record.version, obj))
                if allowed is not None
                else None
            ),
        )
    tree.reload()
    return plan
