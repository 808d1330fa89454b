"""terms: glossary entries that point elsewhere resolve and the target defines the term;
terms defined inline in bold brackets count as defined; a defined term nobody uses is a
warning; a capitalised phrase used like a defined term but defined nowhere is a warning.

Usage is found in one pass: every run of capitalised words (joined by of, and, for, ...) is
cut into its sub-phrases, which are counted and looked up in a set of terms.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass

from sectool.checks.context import CheckContext
from sectool.document import BlockKind
from sectool.model import DocId, Finding, Kind, Severity
from sectool.references import block_spans, extract_references

GLOSSARY = DocId(Kind.SECTION, "A")
GLOSSARY_CLAUSE = "A1.1"
_POINTER = re.compile(r"has the meaning given to (?:that expression|it|that term) in ")
_INLINE = re.compile(r"\((?:the|a|an)\s+\*\*(?P<term>[^*]+)\*\*\)")
_WORD = r"[A-Z][A-Za-z0-9]*(?:['’]s)?"
_CONNECT = r"(?:of|and|for|to|the|in|on|by)"
_RUN = re.compile(rf"{_WORD}(?:[ \t]+(?:{_CONNECT}[ \t]+)*{_WORD})*")
_STOP = set(
    """A An And Any All As At Before Both By Each Either Every Except Following For From
Having If In Its No Nothing On Once Save Subject Such That The Their These This Those To Under
Unless Until Upon When Where Whether Within Without Notwithstanding""".split()
)
# The code's own nouns for its parts: capitalised by convention, never defined.
KIND_WORDS = {
    "Section",
    "Sections",
    "Schedule",
    "Schedules",
    "Appendix",
    "Appendices",
    "Annex",
    "Annexes",
}
# Names that are capitalised in English, not because they are defined.
CALENDAR = set(
    """January February March April May June July August September October November
December Monday Tuesday Wednesday Thursday Friday Saturday Sunday""".split()
)


@dataclass
class Definition:
    term: str
    doc_id: DocId
    line: int
    clause: str | None
    block_index: int


def _plain(word: str) -> str:
    if word.endswith(("'s", "’s")):
        return word[:-2]
    return word


def _singular(phrase: str) -> str:
    if phrase.endswith("ies"):
        return phrase[:-3] + "y"
    if phrase.endswith("s") and not phrase.endswith("ss"):
        return phrase[:-1]
    return phrase


def check(context: CheckContext, scope: set[str] | None) -> list[Finding]:
    definitions = _definitions(context)
    terms = {d.term for d in definitions}
    titles = {d.title for d in context.documents.values()}
    known = terms | titles | KIND_WORDS | CALENDAR | _glossary_phrases(context)
    longest = max((len(k.split()) for k in known), default=1)
    out = _pointers(context, scope)
    usage: Counter = Counter()
    own: dict[tuple[DocId, int], Counter] = {
        (d.doc_id, d.block_index): Counter() for d in definitions
    }
    undefined: list[Finding] = []
    glossary_span = _glossary_span(context)
    for doc_id, document in context.documents.items():
        report = context.in_scope(doc_id, scope)
        spans = block_spans(document)
        for index, block in enumerate(document.blocks):
            text = block.text
            if " " not in text:
                continue
            runs = [r for r in _RUN.findall(_mask(text, spans.get(index, ()))) if " " in r]
            if not runs:
                continue
            counters = [usage] + ([own[(doc_id, index)]] if (doc_id, index) in own else [])
            skip = (
                not report
                or block.kind in (BlockKind.TITLE, BlockKind.HEADING, BlockKind.TOPIC)
                or (doc_id == GLOSSARY and glossary_span[0] <= index < glossary_span[1])
            )
            for run in runs:
                words = [_plain(w) for w in run.split()]
                used, covered = _scan(words, terms, known, longest)
                for term in used:
                    for counter in counters:
                        counter[term] += 1
                if not skip:
                    undefined += _undefined(words, covered, doc_id, block)
    # a document that did not parse (reported as structure.parse) may use any term
    unread = any(f.rule == "structure.parse" for f in context.problems)
    for d in [] if unread else definitions:
        uses = usage[d.term] - own[(d.doc_id, d.block_index)][d.term]
        if uses <= 0 and context.in_scope(d.doc_id, scope):
            out.append(
                Finding(
                    "terms.unused",
                    Severity.WARNING,
                    f"'{d.term}' is defined but never used",
                    "use it, or remove the definition",
                    path=d.doc_id.path,
                    line=d.line,
                    clause=d.clause,
                )
            )
    return out + _first_of_each(undefined)


def _scan(
    words: list[str], terms: set[str], known: set[str], longest: int
) -> tuple[list[str], list[bool]]:
    """The terms a run of capitalised words uses, and which of its words known phrases cover."""
    used: list[str] = []
    covered = [False] * len(words)
    for i, first in enumerate(words):
        if not first[:1].isupper():
            continue
        for j in range(i, min(len(words), i + longest)):
            if not words[j][:1].isupper():
                continue
            phrase = " ".join(words[i : j + 1])
            hit = phrase if phrase in known else None
            if hit is None and phrase.endswith("s"):
                singular = _singular(phrase)
                hit = singular if singular in known else None
            if hit is not None:
                if hit in terms:
                    used.append(hit)
                for k in range(i, j + 1):
                    covered[k] = True
    return used, covered


def _mask(text: str, spans) -> str:
    """Blank out references, so their words ("Section", headings in brackets) are not read."""
    for a, b in spans:
        text = text[:a] + " " * (b - a) + text[b:]
    return text


def _glossary_phrases(context: CheckContext) -> set[str]:
    """Capitalised phrases the glossary itself uses ("in England and Wales"): the code's own
    vocabulary, even where they are not defined terms."""
    document = context.documents.get(GLOSSARY)
    start, end = _glossary_span(context)
    phrases = set()
    for block in document.blocks[start:end] if document else ():
        for run in _RUN.findall(block.text):
            words = run.split()
            while words and words[0] in _STOP:
                words.pop(0)
            if len(words) > 1:
                phrases.add(" ".join(_plain(w) for w in words))
    return phrases


def _glossary_span(context: CheckContext) -> tuple[int, int]:
    document = context.documents.get(GLOSSARY)
    if document is None or GLOSSARY_CLAUSE not in document.index:
        return (0, 0)
    return document.span(GLOSSARY_CLAUSE)


def _definitions(context: CheckContext) -> list[Definition]:
    out = []
    glossary = context.documents.get(GLOSSARY)
    start, end = _glossary_span(context)
    if glossary is not None:
        for index in range(start, end):
            block = glossary.blocks[index]
            if block.label:
                out.append(Definition(block.label, GLOSSARY, block.line, block.clause, index))
    for doc_id, document in context.documents.items():
        for index, block in enumerate(document.blocks):
            for m in _INLINE.finditer(block.text):
                line = block.line + block.text.count("\n", 0, m.start())
                out.append(Definition(m.group("term"), doc_id, line, block.clause, index))
    return out


def _pointers(context: CheckContext, scope) -> list[Finding]:
    """Glossary entries that say the term is defined elsewhere: is it, there?"""
    glossary = context.documents.get(GLOSSARY)
    if glossary is None or not context.in_scope(GLOSSARY, scope):
        return []
    out = []
    start, end = _glossary_span(context)
    refs = [r for r in extract_references(glossary)]
    for block in glossary.blocks[start:end]:
        m = _POINTER.search(block.text)
        if not block.label or not m:
            continue
        target = next((r for r in refs if r.line == block.line and r.start >= m.end()), None)
        if target is None or target.clause is None:
            out.append(
                Finding(
                    "terms.pointer",
                    Severity.ERROR,
                    f"'{block.label}' points elsewhere but names no clause",
                    "write: has the meaning given to that expression in Section D7.1",
                    path=GLOSSARY.path,
                    line=block.line,
                    clause=block.clause,
                )
            )
            continue
        document = context.documents.get(target.target)
        if document is None or target.clause not in document.index:
            continue  # the references rule reports it
        if f"**{block.label}**" not in document.clause_text(target.clause):
            out.append(
                Finding(
                    "terms.pointer",
                    Severity.ERROR,
                    f"'{block.label}' is said to be defined in {target.text}, "
                    "which does not define it",
                    f"define it there as (the **{block.label}**), or correct the pointer",
                    path=GLOSSARY.path,
                    line=block.line,
                    clause=block.clause,
                )
            )
    return out


def _undefined(words: list[str], covered: list[bool], doc_id: DocId, block) -> list[Finding]:
    """A run of two or more capitalised words that no known phrase covers at all."""
    start = 0
    while start < len(words) and words[start] in _STOP:
        start += 1
    rest, flags = words[start:], covered[start:]
    if any(flags) or sum(1 for w in rest if w[:1].isupper()) < 2:
        return []
    phrase = " ".join(rest)
    return [
        Finding(
            "terms.undefined",
            Severity.WARNING,
            f"'{phrase}' is capitalised like a defined term but is defined nowhere",
            "define it in Section A1.1, or write it in lower case",
            path=doc_id.path,
            line=block.line,
            clause=block.clause,
        )
    ]


def _first_of_each(findings: list[Finding]) -> list[Finding]:
    """Report each undefined phrase once per document, where it first appears."""
    seen, out = set(), []
    for f in findings:
        key = (f.path, f.message)
        if key not in seen:
            seen.add(key)
            out.append(f)
    return out
