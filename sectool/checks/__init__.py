"""`sectool check`: validation rules that return findings as data.

Each rule family lives in its own module and returns :class:`~sectool.model.Finding` objects:
structure, references, terms, changes (change sets and their impact) and history (the verify
checks). :func:`run_checks` runs them over the working tree and filters to what was asked for.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from sectool.checks.context import CheckContext
from sectool.model import Finding, Severity
from sectool.tree import Tree


@dataclass
class CheckResult:
    findings: list[Finding]
    documents: int
    change_sets: int
    scope: list[str] = field(default_factory=list)

    def count(self, severity: Severity) -> int:
        return sum(1 for f in self.findings if f.severity == severity)

    def failed(self, fail_on: Severity) -> bool:
        """Whether any finding is at or above ``fail_on``."""
        return any(f.severity.rank >= fail_on.rank for f in self.findings)

    def summary(self) -> dict:
        return {
            "errors": self.count(Severity.ERROR),
            "warnings": self.count(Severity.WARNING),
            "documents": self.documents,
            "change_sets": self.change_sets,
        }


def run_checks(
    tree: Tree,
    targets: list[str] | None = None,
    changed_since: str | None = None,
    base: Path | None = None,
) -> CheckResult:
    """Check the working tree; limit the findings to ``targets`` and/or what changed."""
    from sectool.checks import changes, history, integrity, references, structure, terms

    context = CheckContext.load(tree)
    scope = context.scope(targets or [], changed_since, base or Path.cwd())
    findings: list[Finding] = []
    findings += structure.check(context)
    findings += references.check(context, scope)
    findings += terms.check(context, scope)
    findings += changes.check(context, scope)
    findings += integrity.check(context, context.changed if changed_since else None)
    # the history rules are cheap next to parsing, and a branch that edits legal text
    # directly touches nothing else they look at
    findings += history.check(context)
    if scope is not None:
        findings = [f for f in findings if f.path is None or _in(f.path, scope)]
    findings.sort(key=lambda f: (f.path or "", f.line or 0, f.rule))
    return CheckResult(
        findings,
        len(context.documents),
        len(context.changes),
        sorted(scope) if scope is not None else [],
    )


def _in(path: str, scope: set[str]) -> bool:
    return any(path == s or path.startswith(s.rstrip("/") + "/") for s in scope)
