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
from dataclasses import dataclass, field

from sectool.changes.changeset import ChangeSet, today
from sectool.changes.io import apply_in_turn, ensure_clean, load_all, load_change
from sectool.document import parse_document
from sectool.errors import DesignationRefused, MergeConflict, NothingToDo
from sectool.model import DocId, Version, parse_date
from sectool.records import CHANGELOG, add_to_changelog, changelog_entry, tag_message
from sectool.register import REGISTER, DocEntry, Register, VersionRecord
from sectool.tree import FOLDERS, Tree


@dataclass
class DocOutcome:
    doc_id: DocId
    old_text: str | None
    new_text: str | None
    old_version: str | None
    new_version: str | None
    by: list[str] = field(default_factory=list)
    title: str = ""


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
            raise DesignationRefused(
                f"'{item}' is not DOCUMENT=VERSION", 'write it as --doc-version "Appendix AC=1.2"'
            )
        out[DocId.parse(name)] = str(Version.parse(version))
    return out


def approval_order(change: ChangeSet) -> tuple[str, str]:
    return (
        change.approved_on() or (change.history[0]["date"] if change.history else ""),
        change.id,
    )


def plan_designation(
    tree: Tree,
    version: str,
    effective: str,
    change_ids: list[str] | None,
    by: str | None = None,
    doc_versions: dict[DocId, str] | None = None,
    designated: str | None = None,
) -> Plan:
    """Work out everything a designation will write, or refuse with the reason."""
    label = Version.parse(version)
    effective_day = parse_date(effective)
    register = tree.register
    latest = register.latest
    _check_label(tree, register, label, effective_day)
    changes = _select(tree, change_ids)
    onto = tree.snapshot(latest.version) if latest else None
    current: dict[DocId, str | None] = {}
    touched: dict[DocId, list[str]] = {}
    targets: dict[DocId, str | None] = {}
    for change, results in apply_in_turn(tree, changes, onto, current, f"SEC {version} so far"):
        failed = [str(d) for d, r in results.items() if not r.clean]
        if failed:
            raise MergeConflict(
                f"{change.id} does not apply to SEC {version}: its edits to "
                f"{', '.join(failed)} overlap other changes",
                f"rebase it (`sectool mod rebase {change.id}`) or leave it out with --change",
            )
        for doc_id in results:
            touched.setdefault(doc_id, []).append(change.id)
            if change.documents[doc_id].version:
                targets[doc_id] = change.documents[doc_id].version
    targets.update(doc_versions or {})
    outcomes = _outcomes(register, onto, current, touched, targets)
    record = VersionRecord(
        str(label),
        effective_day.isoformat(),
        by or _default_by(changes),
        [{"id": c.id, "title": c.title} for c in changes],
        designated=designated or today(),
    )
    new_register = _new_register(register, outcomes, record)
    for change in changes:
        change.state, change.implemented_in = "implemented", str(label)
        # dated when the designation is made (history runs forwards); the note says when the
        # version takes effect, which may be before or after that
        change.history.append(
            {
                "state": "implemented",
                "date": record.designated,
                "note": f"SEC {label}, effective {record.effective}",
            }
        )
    previous = dict(latest.documents) if latest else None
    return Plan(record, changes, outcomes, new_register, previous)


def _check_label(tree: Tree, register: Register, label: Version, effective: dt.date) -> None:
    latest = register.latest
    existing = {v.version for v in register.versions} | {
        t.removeprefix("sec/") for t in tree.store.tags("sec/")
    }
    if str(label) in existing:
        raise DesignationRefused(
            f"SEC {label} is already designated",
            "designated versions never change; choose the next label",
        )
    if latest and label <= latest.label:
        raise DesignationRefused(
            f"SEC {label} is not after the latest version, {latest.version}",
            f"choose a label greater than {latest.version}",
        )
    if latest and effective < latest.effective_date:
        raise DesignationRefused(
            f"effective date {effective} is before SEC {latest.version}'s ({latest.effective})",
            "versions take effect in order; the same day as the last one is allowed",
        )


def _select(tree: Tree, change_ids: list[str] | None) -> list[ChangeSet]:
    if change_ids:
        changes = [load_change(tree, i) for i in dict.fromkeys(change_ids)]
        for change in changes:
            if change.state != "approved":
                raise DesignationRefused(
                    f"{change.id} is {change.state}, not approved",
                    f"only approved change sets can be designated "
                    f"(`sectool mod advance {change.id} approved`)",
                )
    else:
        changes = [c for c in load_all(tree) if c.state == "approved"]
    if not changes:
        raise NothingToDo(
            "there is no approved change set to designate",
            "approve one with `sectool mod advance ID approved`, or name it with --change",
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
        title = parse_document(new_text, doc_id).title if new_text is not None else ""
        outcomes.append(
            DocOutcome(
                doc_id, old_text, new_text, old_version, new_version, touched.get(doc_id, []), title
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
    version: str,
    effective: str,
    change_ids: list[str] | None = None,
    by: str | None = None,
    doc_versions: dict[DocId, str] | None = None,
    dry_run: bool = False,
) -> Plan:
    """Designate a version: all of it, or (on any failure) nothing."""
    if dry_run:
        return plan_designation(tree, version, effective, change_ids, by, doc_versions)
    with tree.store.lock():
        tree.reload()  # another designation may have finished while we waited
        ensure_clean(tree, [*FOLDERS, REGISTER, CHANGELOG], f"cannot designate SEC {version}")
        plan = plan_designation(tree, version, effective, change_ids, by, doc_versions)
        message = f"Designate SEC {plan.record.version} (effective {plan.record.effective})" + (
            ": " + ", ".join(c["id"] for c in plan.record.changes)
        )
        tree.store.transaction(
            plan.files(tree),
            message,
            tag=(plan.record.tag, tag_message(plan.record, plan.previous)),
        )
    tree.reload()
    return plan
