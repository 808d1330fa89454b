"""Who changed what: every inserted and deleted word attributed to the step that made it.

A comparison across several versions (5.7 -> 5.9) is the end of a chain of steps, one per change
set, each with its author (the change set id) and date (the version's effective date). When only
one step touched a block, everything in it is that step's. When several did, each word is
followed through the chain: a deleted word belongs to the step that removed it, an inserted word
to the step that added it.
"""

from __future__ import annotations

from dataclasses import dataclass

from sectool.diff import (
    CHANGED,
    DELETE,
    EQUAL,
    INSERT,
    BlockDiff,
    DocumentDiff,
    Segment,
    _key,
    diff_sequences,
    tokens,
)
from sectool.document import Document


@dataclass(frozen=True)
class Author:
    id: str
    date: str


def _occurrences(document: Document | None) -> dict[tuple[str, int], str]:
    """Block text by (key, occurrence) so a block can be found again in another version."""
    out: dict[tuple[str, int], str] = {}
    counts: dict[str, int] = {}
    for block in document.blocks if document else []:
        key = _key(block)
        n = counts.get(key, 0)
        counts[key] = n + 1
        out[(key, n)] = block.text
    return out


def _occurrence_of(document: Document | None, block) -> tuple[str, int] | None:
    if document is None or block is None:
        return None
    key, n = _key(block), 0
    for other in document.blocks:
        if other is block:
            return (key, n)
        if _key(other) == key:
            n += 1
    return None


def attribute(diff: DocumentDiff, chain: list[tuple[Document | None, Author]]) -> None:
    """Fill in ``by``/``date`` on every changed block and segment of ``diff``.

    ``chain`` is the document after each step, with the step's author; its last entry is the
    document the diff compares to.
    """
    if not chain:
        return
    if len(chain) == 1:
        for item in diff.changes:
            _stamp(item, chain[0][1])
        return
    first = _occurrences(diff.old)
    stations = [_occurrences(doc) for doc, _ in chain]
    for item in diff.changes:
        where_old = _occurrence_of(diff.old, item.old)
        where_new = _occurrence_of(diff.new, item.new)
        texts = [first.get(where_old, "") if where_old else ""]
        key = where_new or where_old
        texts += [station.get(key, "") for station in stations]
        if (
            item.old is not None
            and texts[0] != item.old.text
            or item.new is not None
            and texts[-1] != item.new.text
        ):
            _stamp(item, chain[-1][1])
            continue
        changed_at = [k for k in range(1, len(texts)) if texts[k] != texts[k - 1]]
        if len(changed_at) <= 1:
            step = changed_at[0] if changed_at else len(chain)
            _stamp(item, chain[step - 1][1])
        else:
            _attribute_words(item, texts, [a for _, a in chain])


def _stamp(item: BlockDiff, author: Author) -> None:
    item.by, item.date = (author.id,), author.date
    for segment in item.segments:
        if segment.op != EQUAL:
            segment.by, segment.date = author.id, author.date


def _attribute_words(item: BlockDiff, texts: list[str], authors: list[Author]) -> None:
    chain = [tokens(t) for t in texts]
    n = len(chain) - 1
    deleted_at = _follow(chain, backwards=False)
    inserted_at = _follow(chain, backwards=True)
    segments: list[Segment] = []
    i = j = 0
    for op, count in diff_sequences(chain[0], chain[n], semantic=True):
        if op == EQUAL:
            _append(segments, EQUAL, "".join(chain[0][i : i + count]), None)
            i += count
            j += count
            continue
        if op == DELETE:
            for k in range(i, i + count):
                _append(segments, DELETE, chain[0][k], authors[(deleted_at[k] or n) - 1])
            i += count
        else:
            for k in range(j, j + count):
                _append(segments, INSERT, chain[n][k], authors[(inserted_at[k] or n) - 1])
            j += count
    if item.op == CHANGED:
        item.segments = segments
    else:  # a whole block inserted or deleted over several steps: keep the per-word authors
        item.segments = [s for s in segments if s.op != EQUAL]
    used = [s for s in segments if s.op != EQUAL]
    item.by = tuple(dict.fromkeys(s.by for s in used))
    item.date = max((s.date for s in used), default=authors[-1].date)


def _append(segments: list[Segment], op: str, text: str, author: Author | None) -> None:
    by, date = (author.id, author.date) if author else ("", "")
    last = segments[-1] if segments else None
    if last and last.op == op and last.by == by:
        last.text += text
    elif text:
        segments.append(Segment(op, text, by, date))


def _maps(old: list[str], new: list[str]) -> tuple[list[int | None], list[int | None]]:
    """Index maps old->new and new->old (None: deleted / inserted)."""
    forward: list[int | None] = [None] * len(old)
    backward: list[int | None] = [None] * len(new)
    i = j = 0
    for op, count in diff_sequences(old, new):
        if op == EQUAL:
            for k in range(count):
                forward[i + k], backward[j + k] = j + k, i + k
            i += count
            j += count
        elif op == DELETE:
            i += count
        else:
            j += count
    return forward, backward


def _follow(chain: list[list[str]], backwards: bool) -> list[int | None]:
    """Follow each token of the first text forwards (or of the last text backwards) through
    the chain: the step (1-based) that deleted (inserted) it, or None if it never was."""
    n = len(chain) - 1
    start = chain[n] if backwards else chain[0]
    position: list[int | None] = list(range(len(start)))
    found: list[int | None] = [None] * len(start)
    for step in range(n, 0, -1) if backwards else range(1, n + 1):
        forward, backward = _maps(chain[step - 1], chain[step])
        moves = backward if backwards else forward
        for t, p in enumerate(position):
            if p is None:
                continue
            q = moves[p]
            if q is None:
                found[t] = step
            position[t] = q
    return found
