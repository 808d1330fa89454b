"""integrity: what would break designation integrity, caught before designation.

Designation tags missing from the branch's history, control characters in legal text and
change-set titles, legal text changed outside a change set since ``--changed-since REF``, and
approved change sets whose designated text would fail the numbering and reference rules.
"""

from __future__ import annotations

from sectool.changes.changeset import State
from sectool.checks.context import CheckContext
from sectool.errors import SectoolError
from sectool.integrity import content_findings, edited_outside, lost_designations
from sectool.model import Finding, Severity
from sectool.tree import LEGAL_FOLDERS


def check(context: CheckContext, changed: set[str] | None) -> list[Finding]:
    """``changed``: the paths changed since ``--changed-since REF``, or None without it."""
    tree = context.tree
    out = lost_designations(tree, "HEAD") if tree.store.head() else []
    out += content_findings(tree, context.texts, list(context.changes.values()))
    if changed is not None:
        legal = {p for p in changed if p.split("/")[0] in LEGAL_FOLDERS}
        out += [f for f in edited_outside(tree) if f.path in legal]
    out += _approved(context)
    return out


def _approved(context: CheckContext) -> list[Finding]:
    """Each approved change set, designated alone onto the latest version, adds no errors."""
    from sectool.designate import apply_changes, designated_findings

    tree = context.tree
    latest = tree.register.latest
    approved = [c for c in context.changes.values() if c.state is State.APPROVED and c.documents]
    if not approved:
        return []
    onto = tree.snapshot(latest.version) if latest else None
    # the working tree's documents, parsed already: reused where they equal the version's
    known = {d: (context.texts[d], doc) for d, doc in context.documents.items()}
    out = []
    for change in approved:
        try:
            after, _, _ = apply_changes(tree, [change], onto, f"SEC {latest and latest.version}")
            found = designated_findings(tree, onto, after, known)
        except SectoolError:
            continue  # the changes rules report a change set that does not apply or parse
        for f in found:
            out.append(
                Finding(
                    "changes.designated-text",
                    Severity.ERROR,
                    f"designating {change.id} would leave {f.path} with: {f.message}",
                    "fix the change set and record it again before it is designated",
                    path=change.manifest_path,
                    clause=f.clause,
                )
            )
    return out
