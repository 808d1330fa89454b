"""structure: documents parse, numbering has no gaps, headings are well formed, and the
Document Log matches the files."""

from __future__ import annotations

import re

from sectool.checks.context import CheckContext
from sectool.document import BlockKind
from sectool.model import Finding, Kind, Severity
from sectool.numbering import number_parts

_NUMBERED_HEADING = re.compile(r"#{2,6}[ \t]+([A-Z]?\d[\w.]*)(?:[ \t]|$)")


def check(context: CheckContext) -> list[Finding]:
    out = list(context.problems)
    for document in context.documents.values():
        out += document_findings(document)
    out += _log(context)
    return out


def document_findings(document) -> list[Finding]:
    """Numbering and heading findings within one parsed document."""
    return _gaps(document) + _headings(document) + _ambiguous(document)


def _gaps(document) -> list[Finding]:
    """Consecutive siblings must go up by one, unless the later one is a lettered insertion."""
    out = []
    last: dict[tuple, tuple] = {}
    for block in document.blocks:
        if block.kind not in (BlockKind.HEADING, BlockKind.PARAGRAPH) or not block.clause:
            continue
        comps = number_parts(block.clause)
        parent = comps[:-1]
        number, letter = comps[-1]
        prev = last.get(parent)
        last[parent] = comps[-1]
        if prev is None or letter:
            continue
        expected = prev[0] + 1
        if number > expected:
            missing = _name(block.clause, expected)
            out.append(
                Finding(
                    "structure.gap",
                    Severity.ERROR,
                    f"{document.doc_id}: {block.clause} follows "
                    f"{_name(block.clause, prev[0], prev[1])}; {missing} is missing",
                    "number clauses without gaps; keep a deleted clause as '[Not used]'",
                    path=document.doc_id.path,
                    line=block.line,
                    clause=block.clause,
                )
            )
    return out


def _ambiguous(document) -> list[Finding]:
    """Sub-paragraphs whose letter or numeral reading no neighbour settles ((h), (i), end)."""
    return [
        Finding(
            "structure.ambiguous",
            Severity.WARNING,
            f"{document.doc_id}: {message}",
            "make the next sub-paragraph settle it: (j) after a letter (i), (ii) after a "
            "numeral (i)",
            path=document.doc_id.path,
            line=line,
        )
        for line, message in document.ambiguities
    ]


def _name(clause: str, number: int, letter: str = "") -> str:
    head, _, _ = clause.rpartition(".")
    if not head:
        prefix = clause[0] if clause[0].isalpha() else ""
        return f"{prefix}{number}{letter}"
    return f"{head}.{number}{letter}"


def _headings(document) -> list[Finding]:
    out = []
    for block in document.blocks:
        path, line = document.doc_id.path, block.line
        if block.kind is BlockKind.HEADING and not block.label:
            out.append(
                Finding(
                    "structure.heading",
                    Severity.ERROR,
                    f"heading {block.clause} has no title",
                    f"write it as: ## {block.clause} Title",
                    path=path,
                    line=line,
                    clause=block.clause,
                )
            )
        if block.kind is BlockKind.TOPIC:
            m = _NUMBERED_HEADING.match(block.text)
            if m and block.text.startswith("## "):
                hint = (
                    f"sub-sections of {document.doc_id} are numbered "
                    f"{document.doc_id.key}1, {document.doc_id.key}2, ..."
                    if document.doc_id.kind is Kind.SECTION
                    else "use a bare number: ## 4"
                )
                out.append(
                    Finding(
                        "structure.heading",
                        Severity.ERROR,
                        f"heading '{m.group(1)}' is not a sub-section of {document.doc_id}",
                        hint,
                        path=path,
                        line=line,
                    )
                )
    return out


def _log(context: CheckContext) -> list[Finding]:
    out = []
    register = context.tree.register
    logged = {e.doc_id: e for e in register.documents}
    for doc_id, entry in sorted(logged.items()):
        if entry.path not in context.files:
            out.append(
                Finding(
                    "structure.log-missing-file",
                    Severity.ERROR,
                    f"the Document Log lists {doc_id} but {entry.path} is missing",
                    "restore the file, or remove the document by a change set",
                    path="register.json",
                )
            )
        elif doc_id in context.documents and context.documents[doc_id].title != entry.title:
            out.append(
                Finding(
                    "structure.log-title",
                    Severity.ERROR,
                    f"{doc_id} is titled '{context.documents[doc_id].title}' but the "
                    f"Document Log says '{entry.title}'",
                    "titles change only by designation; restore one or the other",
                    path=entry.path,
                    line=1,
                )
            )
    for doc_id in sorted(set(context.documents) - set(logged)):
        out.append(
            Finding(
                "structure.log-extra-file",
                Severity.ERROR,
                f"{doc_id.path} is not in the Document Log",
                "add a document through a change set (`sectool mod record`), "
                "not by committing the file",
                path=doc_id.path,
                line=1,
            )
        )
    return out
