"""Do pending change sets still apply, which of them conflict, and re-basing onto a version."""

from __future__ import annotations

from dataclasses import dataclass, field
from itertools import combinations

from sectool.changes.changeset import ChangeSet
from sectool.changes.io import (
    DocTexts,
    change_texts,
    ensure_clean,
    load_all,
    load_change,
    merge_onto,
    write_file,
)
from sectool.changes.merge import merge_text
from sectool.changes.patch import make_diff
from sectool.changes.record import _check_editable, commit_change, start_session
from sectool.diff import changed_clauses, compare_documents
from sectool.document import Document, parse_document
from sectool.errors import MergeConflict, NothingToDo, SectoolError
from sectool.model import ClauseRef, DocId
from sectool.tree import Snapshot, Tree


@dataclass
class Conflict:
    changes: tuple[str, str]
    document: DocId
    clause: str | None
    label: str = ""
    reason: str = "both change it"

    def describe(self) -> str:
        where = str(ClauseRef(self.document, self.clause)) if self.clause else str(self.document)
        if self.label:
            where += f" ({self.label})"
        a, b = self.changes
        return (
            f"{a} and {b} both change {where}"
            if self.reason == "both change it"
            else f"{a} and {b} {self.reason} in {where}"
        )

    def as_json(self) -> dict:
        return {
            "changes": list(self.changes),
            "document": str(self.document),
            "clause": self.clause,
            "label": self.label or None,
            "message": self.describe(),
        }


@dataclass(frozen=True)
class NotApplying:
    """A change set that does not apply to the latest version, and why."""

    id: str
    reason: str

    def to_json(self) -> dict[str, str]:
        return {"id": self.id, "reason": self.reason}


@dataclass
class CheckReport:
    latest: str | None
    checked: list[str] = field(default_factory=list)
    conflicts: list[Conflict] = field(default_factory=list)
    not_applying: list[NotApplying] = field(default_factory=list)
    # each change set's documents merged onto the latest version (clean or not), by id
    merges: dict[str, dict] = field(default_factory=dict)

    @property
    def clean(self) -> bool:
        return not self.conflicts and not self.not_applying

    def as_json(self) -> dict:
        return {
            "latest": self.latest,
            "checked": self.checked,
            "conflicts": [c.as_json() for c in self.conflicts],
            "not_applying": [n.to_json() for n in self.not_applying],
        }


def _parse(doc_id: DocId, text: str | None) -> Document | None:
    return parse_document(text, doc_id) if text is not None else None


def clause_keys(texts: list[DocTexts]) -> dict[DocId, list[tuple[str | None, str]]]:
    """The clauses each document's edit touches (against its own base)."""
    out = {}
    for item in texts:
        diff = compare_documents(_parse(item.doc_id, item.base), _parse(item.doc_id, item.theirs))
        out[item.doc_id] = changed_clauses(diff)
    return out


def check_changes(tree: Tree, ids: list[str] | None = None) -> CheckReport:
    """Check the named (default: every pending) change set against the latest version."""
    latest = tree.register.latest
    onto = tree.snapshot(latest.version) if latest else None
    changes = (
        [load_change(tree, i) for i in ids] if ids else [c for c in load_all(tree) if c.pending]
    )
    report = CheckReport(latest.version if latest else None, [c.id for c in changes])
    merged: dict[str, dict] = {}
    keys: dict[str, dict] = {}
    for change in changes:
        try:
            texts = change_texts(tree, change)
            results = merge_onto(texts, onto)
            keys[change.id] = clause_keys(texts)
        except SectoolError as exc:
            report.not_applying.append(NotApplying(change.id, exc.message))
            continue
        report.merges[change.id] = results
        failed = [str(d) for d, r in results.items() if not r.clean]
        if failed:
            report.not_applying.append(
                NotApplying(
                    change.id,
                    f"drafted on SEC {change.base}; its edits to {', '.join(failed)} "
                    f"overlap changes made since (rebase with `sectool mod rebase "
                    f"{change.id}`)",
                )
            )
            continue
        merged[change.id] = results
    for a, b in combinations([c for c in changes if c.id in merged], 2):
        report.conflicts += _pair_conflicts(a, b, keys, merged, onto)
    return report


def _pair_conflicts(a: ChangeSet, b: ChangeSet, keys, merged, onto: Snapshot | None):
    found = []
    for doc_id in sorted(set(a.documents) & set(b.documents)):
        shared = [k for k in keys[a.id].get(doc_id, []) if k in keys[b.id].get(doc_id, [])]
        for clause, label in shared:
            found.append(Conflict((a.id, b.id), doc_id, clause, label))
        ours = onto.text(doc_id.path) if onto else None
        together = merge_text(ours, merged[a.id][doc_id].text, merged[b.id][doc_id].text)
        if not together.clean and not shared:
            found.append(Conflict((a.id, b.id), doc_id, None, "", "cannot be merged together"))
    return found


def rebase_change(tree: Tree, change_id: str, onto_label: str | None = None) -> ChangeSet:
    """Re-base a change set onto a later version; on conflict leave markers to resolve."""
    change = load_change(tree, change_id)
    _check_editable(change)
    record = tree.register.at(onto_label) if onto_label else tree.register.latest
    if record is None:
        raise NothingToDo(
            "there is no designated version to rebase onto",
            "designate a first version with `sectool designate`",
        )
    if change.base == record.version:
        raise NothingToDo(f"{change_id} is already based on SEC {record.version}", "")
    onto = tree.snapshot(record.version)
    texts = change_texts(tree, change)
    results = merge_onto(texts, onto)
    ensure_clean(tree, [d.path for d in change.documents], f"cannot rebase {change_id}")
    conflicted = [d for d, r in results.items() if not r.clean]
    if not conflicted:
        diffs = {d: make_diff(d.path, onto.text(d.path), r.text) for d, r in results.items()}
        old_base = change.base
        change.base = record.version
        with tree.store.lock():
            commit_change(
                tree,
                change,
                diffs,
                f"{change_id}: rebase from SEC {old_base} onto SEC {record.version}",
            )
        return change
    for doc_id, result in results.items():
        write_file(tree.root, doc_id.path, result.text)
    start_session(tree, change_id, record.version, "rebase")
    raise MergeConflict(
        f"{change_id} conflicts with SEC {record.version} in "
        + ", ".join(f"{d} ({d.path})" for d in conflicted),
        f"resolve the <<<<<<< markers in those files, then run `sectool mod record {change_id}` "
        "to finish the rebase",
    )
