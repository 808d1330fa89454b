"""Generate a SEC-scale tree: ~100 documents, ~3 million words, and a release of change sets.

Deterministic for a given --seed. The documents have realistic numbering (sub-sections,
paragraphs, sub-paragraphs (a)/(i), letter-suffixed insertions), cross-references that resolve,
and a Section A glossary of defined terms (some defined inline elsewhere). They are designated
as the baseline version 1.0; then N change sets are drafted on it with sectool's own commands
(recorded from edited files, approved) touching about --touch of the clauses: words changed,
whole clauses inserted and deleted. Designating them is what the benchmark measures.

    python benchmarks/make_corpus.py OUT [--words 3000000] [--documents 100] [--largest 250000]
                                         [--changes 20] [--touch 0.02] [--seed 7]
"""

from __future__ import annotations

import argparse
import random
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sectool.changes.record import (  # noqa: E402
    Registration,
    advance_change,
    new_change,
    record_worktree,
)
from sectool.document import parse_document  # noqa: E402
from sectool.model import DocId, Kind  # noqa: E402
from sectool.register import VersionRecord  # noqa: E402
from sectool.seed import create_tree_with  # noqa: E402
from sectool.tree import Tree  # noqa: E402

SECTIONS = "ABCDEFGHIJKLMNPTX"
VOCABULARY = """shall may must each any such other relevant applicable reasonable all within
following before after under accordance provision obligation notice period date time request
information data record report copy consent approval service system process procedure means
writing days months year person party body authority arrangement requirement standard change
event failure breach remedy cost charge payment invoice security access control key certificate
device meter premises supply energy electricity gas network operator supplier consumer user
communication message interface response error status register document version schedule
appendix section clause paragraph term condition right liability obligation purpose extent
practicable promptly without delay subject provided that where which whose whom including
excluding respect relation connection accordance basis manner form content detail evidence
assessment audit review test trial programme plan policy principle objective criteria
threshold limit level volume quantity forecast order delivery installation maintenance
replacement withdrawal decommissioning enrolment registration revocation expiry renewal issue
""".split()
TERM_WORDS = """Meter Asset Data Service Access Control Security Event Register Supply Point
Network Operator Consumer Premises Communications Gateway Device Certificate Key Authority
Schedule Release Interface Message Response Incident Threshold Anomaly Inventory Firmware
Commissioning Enrolment Withdrawal Decommissioning Registration Revocation Relying Party Trust
Anchor Token Charging Invoice Payment Credit Cover Default Suspension Panel Committee Board
Working Group Report Proposal Variation Direction Designation Transition Testing Proving""".split()


@dataclass
class Plan:
    doc_id: DocId
    words: int
    clauses: list[str] = field(default_factory=list)


def document_ids(count: int) -> list[DocId]:
    ids = [DocId(Kind.SECTION, k) for k in SECTIONS]
    ids += [DocId(Kind.SCHEDULE, str(n)) for n in range(1, 12)]
    letters = [chr(c) for c in range(65, 91)]
    appendix_keys = letters + [a + b for a in letters for b in letters]
    ids += [DocId(Kind.APPENDIX, k) for k in appendix_keys[: max(0, count - len(ids))]]
    return ids[:count]


def sizes(rng: random.Random, ids: list[DocId], total: int, largest: int) -> dict[DocId, int]:
    """Word counts: one document of ``largest`` words, the rest lognormally spread."""
    rest = ids[1:]
    weights = [rng.lognormvariate(0, 1) for _ in rest]
    remaining = max(total - largest, 300 * len(rest))
    out = {ids[0]: largest}
    scale = remaining / sum(weights)
    for doc_id, w in zip(rest, weights, strict=True):
        out[doc_id] = max(300, min(int(w * scale), largest - 1))
    return out


def make_terms(rng: random.Random, count: int) -> list[str]:
    terms: set[str] = set()
    while len(terms) < count:
        terms.add(" ".join(rng.sample(TERM_WORDS, rng.choice((2, 2, 3)))))
    return sorted(terms)


def plan_structure(rng: random.Random, doc_id: DocId, words: int) -> list[tuple]:
    """The numbering of one document: (kind, number, length) items."""
    key = doc_id.kind is Kind.SECTION and doc_id.key or ""
    items: list[tuple] = []
    written, heading, suffix = 0, 0, ""
    while written < words:
        heading += 1
        # an inserted sub-section (N4A) sits after N4; never two in a row
        suffix = "A" if rng.random() < 0.02 and heading > 1 and not suffix else ""
        if suffix:
            heading -= 1
        number = f"{key}{heading}{suffix}"
        items.append(("heading", number, 0))
        for p in range(1, rng.randint(6, 16) + 1):
            clause = f"{number}.{p}"
            length = rng.randint(25, 90)
            items.append(("paragraph", clause, length))
            written += length
            if rng.random() < 0.3:
                for s in range(rng.randint(2, 4)):
                    items.append(("sub", f"({chr(97 + s)})", rng.randint(8, 30)))
                    written += 20
                    if s == 0 and rng.random() < 0.3:
                        items += [("sub", "(i)", 12), ("sub", "(ii)", 12)]
                        written += 24
            if written >= words:
                break
    return items


class Writer:
    """Writes text for a planned structure, with terms and resolvable cross-references."""

    def __init__(self, rng: random.Random, terms: list[str], targets: list[tuple[DocId, str]]):
        self.rng, self.terms, self.targets = rng, terms, targets

    def sentence(self, words: int) -> str:
        rng = self.rng
        out = []
        while len(out) < words:
            roll = rng.random()
            if roll < 0.06:
                out.append(rng.choice(self.terms))
            elif roll < 0.075 and self.targets:
                doc_id, clause = rng.choice(self.targets)
                out.append(
                    f"Section {clause}" if doc_id.kind is Kind.SECTION else f"{doc_id} {clause}"
                )
            else:
                out.append(rng.choice(VOCABULARY))
        text = " ".join(out)
        return text[0].upper() + text[1:] + "."

    def document(self, doc_id: DocId, structure: list[tuple], inline: dict[str, str]) -> str:
        lines = [f"# {doc_id}: {' '.join(self.rng.sample(TERM_WORDS, 3))}"]
        for kind, number, length in structure:
            if kind == "heading":
                lines.append(f"## {number} {' '.join(self.rng.sample(TERM_WORDS, 2))}")
            elif kind == "paragraph":
                text = self.sentence(length)
                if number in inline:
                    text += f" This is the arrangement (the **{inline[number]}**)."
                lines.append(f"{number} {text}")
            else:
                lines.append(f"{number} {self.sentence(length)[:-1]};")
        return "\n\n".join(lines) + "\n"


def glossary(rng, terms: list[str], pointers: dict[str, str]) -> str:
    entries = []
    for term in terms:
        if term in pointers:
            entries.append(
                f'"{term}" has the meaning given to that expression in {pointers[term]}.'
            )
        else:
            words = " ".join(rng.choice(VOCABULARY) for _ in range(rng.randint(10, 25)))
            entries.append(f'"{term}" means the {words}.')
    return (
        "# Section A: Definitions and Interpretation\n\n## A1 Definitions\n\n"
        "A1.1 In this Code the following expressions have the meanings given below.\n\n"
        + "\n\n".join(entries)
        + "\n\n## A2 Interpretation\n\n"
        "A2.1 Headings are for convenience only.\n"
    )


def build_documents(args, rng: random.Random) -> dict[str, str]:
    ids = document_ids(args.documents)
    # the largest document is an appendix, as the real DUIS is
    largest = next((d for d in ids if d.kind is Kind.APPENDIX), ids[-1])
    ordered = [largest] + [d for d in ids if d != largest and d.key != "A"]
    words = sizes(rng, ordered, args.words, args.largest)
    terms = make_terms(rng, args.terms)
    structures = {
        d: plan_structure(random.Random(f"{args.seed}-{d}"), d, words[d]) for d in ordered
    }
    targets = [
        (d, number)
        for d, items in structures.items()
        for kind, number, _ in items
        if kind == "paragraph"
    ]
    # a tenth of the terms are defined inline in a section and pointed to from the glossary
    sections = [d for d in ordered if d.kind is Kind.SECTION]
    pointers: dict[str, str] = {}
    inline: dict[DocId, dict[str, str]] = {d: {} for d in ordered}
    for n, term in enumerate(rng.sample(terms, len(terms) // 10) if sections else []):
        doc_id = sections[n % len(sections)]
        paragraphs = [c for k, c, _ in structures[doc_id] if k == "paragraph"]
        clause = paragraphs[(n // len(sections)) % len(paragraphs)]
        if clause in inline[doc_id]:
            continue
        inline[doc_id][clause] = term
        pointers[term] = f"Section {clause}"
    writer = Writer(rng, terms, targets)
    texts = {d.path: writer.document(d, structures[d], inline[d]) for d in ordered}
    texts["sections/A.md"] = glossary(rng, terms, pointers)
    return texts


def draft_release(root: Path, args, rng: random.Random) -> list[str]:
    """N change sets, each recorded from edited files and approved, touching disjoint clauses."""
    tree = Tree(root)
    snapshot = tree.snapshot("1.0")
    docs = {e.doc_id: snapshot.document(e.doc_id) for e in snapshot.entries}
    paragraphs = [
        (d, i)
        for d, doc in docs.items()
        for i, b in enumerate(doc.blocks)
        if b.kind == "paragraph" and not b.clause.endswith("A")
    ]
    total = sum(len(doc.clauses()) for doc in docs.values())
    per_change = max(3, int(total * args.touch / max(1, args.changes)))
    rng.shuffle(paragraphs)
    used: set[tuple[DocId, int]] = set()
    ids = []
    for n in range(args.changes):
        change_id = f"MP{200 + n:03d}"
        chosen = []
        for doc_id, index in paragraphs:
            if len(chosen) >= per_change:
                break
            near = {(doc_id, index + k) for k in range(-2, 3)}
            if near & used:
                continue
            if chosen and doc_id not in {d for d, _ in chosen} and len({d for d, _ in chosen}) >= 4:
                continue
            chosen.append((doc_id, index))
            used |= near
        new_change(
            tree,
            Registration(
                change_id, f"Release change {n + 1}", path="fast-track", date="2020-02-01"
            ),
        )
        for doc_id in sorted({d for d, _ in chosen}):  # one order in every process
            edits = sorted((i for d, i in chosen if d == doc_id), reverse=True)
            path = root / doc_id.path
            path.write_text(edit_document(docs[doc_id], edits, rng), encoding="utf-8")
        record_worktree(tree, change_id)
        advance_change(tree, change_id, "approved", "2020-03-01")
        ids.append(change_id)
    return ids


def edit_document(document, indexes: list[int], rng: random.Random) -> str:
    """Change words in, delete, or insert a clause after, each chosen paragraph."""
    blocks = [b.raw for b in document.blocks]
    for index in indexes:
        block = document.blocks[index]
        start, end = document.span(block.clause)
        roll = rng.random()
        if roll < 0.15 and end - start >= 1:
            # a whole clause and its sub-paragraphs, deleted as the SEC deletes: the number
            # stays, marked not used, so numbering has no gap and references still resolve
            blocks[start:end] = [f"{block.clause} [Not used]\n\n"] + [""] * (end - start - 1)
        elif roll < 0.3:
            number = block.clause + "A"
            if number not in document.index:
                new = f"{number} {' '.join(rng.choice(VOCABULARY) for _ in range(40))}.\n\n"
                blocks.insert(end, new)
        else:
            words = block.raw.split(" ")
            plain = [k for k, w in enumerate(words) if k and w.isalpha()]
            for k in rng.sample(plain, min(len(plain), rng.randint(1, 4))):
                words[k] = rng.choice(VOCABULARY)
            blocks[index] = " ".join(words)
    return "".join(blocks)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("out", type=Path)
    parser.add_argument("--words", type=int, default=3_000_000)
    parser.add_argument("--documents", type=int, default=100)
    parser.add_argument("--largest", type=int, default=250_000)
    parser.add_argument("--terms", type=int, default=300)
    parser.add_argument("--changes", type=int, default=20)
    parser.add_argument("--touch", type=float, default=0.02)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args(argv)
    started = time.perf_counter()
    rng = random.Random(args.seed)
    texts = build_documents(args, rng)
    versions = {str(DocId.from_path(p)): "1.0" for p in sorted(texts)}
    for path, text in texts.items():
        parse_document(text, DocId.from_path(path))  # the corpus must be valid
    record = VersionRecord(
        "1.0", "2020-01-01", "the benchmark generator", documents=versions, designated="2020-01-01"
    )
    root, _ = create_tree_with(args.out, texts, record, "(benchmark corpus)")
    changes = draft_release(root, args, rng)
    words = sum(len(t.split()) for t in texts.values())
    print(
        f"corpus: {root}: {len(texts)} documents, {words:,} words, "
        f"largest {max(len(t.split()) for t in texts.values()):,} words; "
        f"{len(changes)} approved change sets; {time.perf_counter() - started:.1f}s"
    )


if __name__ == "__main__":
    main()
