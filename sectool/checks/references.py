"""references: every cross-reference resolves in the same version, ranges run forwards, and a
heading given in brackets matches the heading of the clause it names."""

from __future__ import annotations

from sectool.checks.context import CheckContext
from sectool.model import ClauseRef, Finding, Severity
from sectool.numbering import ClauseNumber
from sectool.references import Reference, extract_references


def check(context: CheckContext, scope: set[str] | None) -> list[Finding]:
    out = []
    for doc_id, document in context.documents.items():
        if not context.in_scope(doc_id, scope):
            continue
        for ref in extract_references(document):
            out += _check_reference(context, ref)
    return out


def _where(ref: Reference) -> dict:
    return {"path": ref.source.path, "line": ref.line, "clause": ref.source_clause}


def _check_reference(context: CheckContext, ref: Reference) -> list[Finding]:
    found, heading = context.resolve(ref.target, ref.clause)
    name = str(ClauseRef(ref.target, ref.clause)) if ref.clause else str(ref.target)
    if not found and ref.target.path in context.files and ref.target not in context.documents:
        return []  # the document did not parse: structure.parse reports it, not each reference
    if not found and ref.target not in context.documents:
        # A tree may hold only part of the code (documents are adopted one at a time), so a
        # reference to a document the tree does not hold is a warning; one to a clause
        # missing from a document it holds is an error.
        return [
            Finding(
                "references.absent-document",
                Severity.WARNING,
                f"'{ref.text}' refers to {name}, which this tree does not hold",
                f"add {ref.target} to the tree (sectool import, then mod record), or correct "
                "the reference",
                **_where(ref),
            )
        ]
    if not found:
        return [
            Finding(
                "references.unresolved",
                Severity.ERROR,
                f"'{ref.text}' refers to {name}: no such clause",
                "correct the reference, or add what it names",
                **_where(ref),
            )
        ]
    out = []
    if ref.end:
        end_found, _ = context.resolve(ref.target, ref.end)
        if not end_found:
            out.append(
                Finding(
                    "references.unresolved",
                    Severity.ERROR,
                    f"'{ref.text}' ends at {ref.end}: no such clause",
                    "correct the end of the range",
                    **_where(ref),
                )
            )
        elif ref.clause and _backwards(ref.clause, ref.end):
            out.append(
                Finding(
                    "references.range",
                    Severity.ERROR,
                    f"'{ref.text}' runs backwards",
                    "write the lower clause first",
                    **_where(ref),
                )
            )
    if ref.heading and heading and _norm(ref.heading) != _norm(heading):
        out.append(
            Finding(
                "references.heading",
                Severity.ERROR,
                f"'{ref.text}': {name} is headed '{heading}'",
                f"write ({heading}), or correct the clause number",
                **_where(ref),
            )
        )
    return out


def _norm(text: str) -> str:
    return " ".join(text.split()).casefold()


def _backwards(first: str, last: str) -> bool:
    """Whether a range's last clause comes before its first in code order (M6.2A < M6.2AA)."""
    try:
        return ClauseNumber.parse(last) < ClauseNumber.parse(first)
    except ValueError:
        return False
