"""changes: manifests are valid, lifecycles consistent, pending change sets apply to the latest
version and do not conflict; impact: a change set that deletes or renumbers a clause is
reported with every reference to that clause elsewhere in the code."""

from __future__ import annotations

from sectool.changes.changeset import FOLDER, ChangeSet, State
from sectool.changes.check import CheckReport, check_changes
from sectool.checks.context import CheckContext
from sectool.document import parse_document
from sectool.errors import SectoolError
from sectool.integrity import lifecycle_problem
from sectool.model import ClauseRef, DocId, Finding, Severity
from sectool.references import extract_references


def _at(change: ChangeSet) -> dict:
    return {"path": change.manifest_path}


def check(context: CheckContext, scope: set[str] | None) -> list[Finding]:
    out = list(context.change_problems)
    for change in context.changes.values():
        out += _lifecycle(context, change)
    out += _registered(context)
    pending = [c.id for c in context.changes.values() if c.pending]
    if pending:
        try:
            report = check_changes(context.tree, pending)
        except SectoolError as exc:  # pragma: no cover - problems are caught per change set
            return out + [Finding("changes.not-applying", Severity.ERROR, exc.message, exc.hint)]
        out += _applies(context, report)
        out += _impact(context, [context.changes[i] for i in pending], report.merges)
    return out


def _lifecycle(context: CheckContext, change: ChangeSet) -> list[Finding]:
    out = []
    problem = lifecycle_problem(change)
    if problem:
        out.append(
            Finding(
                "changes.lifecycle",
                Severity.ERROR,
                f"{change.id} is {change.state} but {problem}",
                "change state only with `sectool mod advance`",
                **_at(change),
            )
        )
    versions = {v.version: v for v in context.tree.register.versions}
    if change.state is State.IMPLEMENTED:
        record = versions.get(change.implemented_in or "")
        if record is None or change.id not in {c.id for c in record.changes}:
            out.append(
                Finding(
                    "changes.lifecycle",
                    Severity.ERROR,
                    f"{change.id} says it was implemented in SEC "
                    f"{change.implemented_in}, which does not record it",
                    "only designation marks a change set implemented",
                    **_at(change),
                )
            )
    elif change.pending:
        if change.base is not None and change.base not in versions:
            out.append(
                Finding(
                    "changes.lifecycle",
                    Severity.ERROR,
                    f"{change.id} is based on SEC {change.base}, which is not a designated version",
                    "rebase it onto a designated version",
                    **_at(change),
                )
            )
        if change.state is State.APPROVED and not change.documents:
            out.append(
                Finding(
                    "changes.lifecycle",
                    Severity.ERROR,
                    f"{change.id} is approved but has no legal text",
                    f"record it with `sectool mod record {change.id}`",
                    **_at(change),
                )
            )
    for doc_id in change.documents:
        if not (context.tree.root / change.diff_path(doc_id)).is_file():
            out.append(
                Finding(
                    "changes.manifest",
                    Severity.ERROR,
                    f"{change.id} names {doc_id} but has no diff for it",
                    "record the change set again",
                    **_at(change),
                )
            )
    return out


def _registered(context: CheckContext) -> list[Finding]:
    """Every change set a designated version lists exists and says it was implemented there."""
    out = []
    for record in context.tree.register.versions:
        for item in record.changes:
            change = context.changes.get(item.id)
            if change is None or change.implemented_in != record.version:
                out.append(
                    Finding(
                        "changes.lifecycle",
                        Severity.ERROR,
                        f"SEC {record.version} implemented {item.id}, but "
                        f"{FOLDER}/{item.id} does not say so",
                        "restore the change set from the version's tag",
                        path="register.json",
                    )
                )
    return out


def _applies(context: CheckContext, report: CheckReport) -> list[Finding]:
    out = []
    for item in report.not_applying:
        change = context.changes[item.id]
        out.append(
            Finding(
                "changes.not-applying",
                Severity.ERROR,
                f"{item.id} does not apply to SEC {report.latest}: {item.reason}",
                f"rebase it: `sectool mod rebase {item.id}`",
                **_at(change),
            )
        )
    for conflict in report.conflicts:
        a, b = (context.changes[i] for i in conflict.changes)
        both_approved = a.state is b.state is State.APPROVED
        out.append(
            Finding(
                "changes.conflict",
                Severity.ERROR if both_approved else Severity.WARNING,
                conflict.describe(),
                "both are approved and would be designated together: rebase one onto the other"
                if both_approved
                else "reconcile the drafts before both are approved",
                path=b.manifest_path,
                clause=conflict.clause,
            )
        )
    return out


def _impact(context: CheckContext, changes: list[ChangeSet], merges: dict) -> list[Finding]:
    out = []
    for change in changes:
        results = merges.get(change.id)
        if results is None:
            continue  # reported by the not-applying rule
        removed: dict[DocId, set[str | None]] = {}  # None: the whole document
        after = dict(context.documents)
        for doc_id, result in results.items():
            if not result.clean:
                continue
            before = context.documents.get(doc_id)
            new = parse_document(result.text, doc_id) if result.text is not None else None
            gone: set[str | None] = set()
            if before:
                gone.update(set(before.index) - set(new.index if new else ()))
            if gone or new is None:
                removed[doc_id] = gone if new is not None else {None}
            if new is None:
                after.pop(doc_id, None)
            else:
                after[doc_id] = new
        if removed:
            out += _broken(change, removed, after)
    return out


def _broken(change: ChangeSet, removed: dict, after: dict) -> list[Finding]:
    out = []
    for doc_id, document in after.items():
        for ref in extract_references(document):
            gone = removed.get(ref.target)
            if not gone:
                continue
            hit = None in gone or ref.clause in gone or (ref.end in gone if ref.end else False)
            if not hit:
                continue
            target = str(ClauseRef(ref.target, ref.clause)) if ref.clause else str(ref.target)
            what = "removes" if None in gone else "deletes or renumbers"
            where = str(ClauseRef(doc_id, ref.source_clause)) if ref.source_clause else str(doc_id)
            out.append(
                Finding(
                    "impact.reference",
                    Severity.WARNING,
                    f"{change.id} {what} {target}, which {where} refers to "
                    f"({doc_id.path}:{ref.line})",
                    f"update the reference in {where} within {change.id}, or keep the clause",
                    path=change.manifest_path,
                    clause=ref.source_clause,
                )
            )
    return out
