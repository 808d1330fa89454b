"""Clause-aligned, word-level comparison of two versions of a document.

Blocks (paragraphs) are first matched by equality; only the regions between matches are looked
at more closely: blocks there are paired by clause id (or by the term a glossary entry defines),
and each pair is compared word by word. Unpaired blocks are whole insertions or deletions, and a
deleted block whose text reappears elsewhere is a move. This is the only diff-match-patch user.
"""

from __future__ import annotations

import difflib
import os
import re
from collections import Counter
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from sectool.document import Block, BlockKind, Document


class SegmentOp(StrEnum):
    """What a run of words does: stays, is inserted or is deleted (the JSON's words)."""

    EQUAL = "equal"
    INSERT = "insert"
    DELETE = "delete"


class BlockOp(StrEnum):
    """What happened to a block, as reported: the same words the JSON uses."""

    SAME = "same"
    INSERTED = "inserted"
    DELETED = "deleted"
    CHANGED = "changed"
    MOVED_FROM = "moved-from"
    MOVED_TO = "moved-to"


EQUAL, INSERT, DELETE = SegmentOp.EQUAL, SegmentOp.INSERT, SegmentOp.DELETE
SAME, INSERTED, DELETED, CHANGED = BlockOp.SAME, BlockOp.INSERTED, BlockOp.DELETED, BlockOp.CHANGED
MOVED_FROM, MOVED_TO = BlockOp.MOVED_FROM, BlockOp.MOVED_TO

_TOKEN = re.compile(r"\w+|\s+|[^\w\s]", re.UNICODE)
_MOVE_MIN_CHARS = 24


@dataclass
class Segment:
    op: SegmentOp
    text: str
    by: str = ""  # the change set that made this change (filled in by attribution)
    date: str = ""


@dataclass
class BlockDiff:
    """One block of the comparison: unchanged, inserted, deleted, changed or moved."""

    op: BlockOp
    old: Block | None
    new: Block | None
    segments: list[Segment] = field(default_factory=list)
    move_id: int | None = None
    by: tuple[str, ...] = ()  # the change sets responsible (filled in by attribution)
    date: str = ""

    @property
    def clause(self) -> str | None:
        block = self.new or self.old
        return block.clause if block else None

    @property
    def label(self) -> str:
        block = self.new or self.old
        return block.label if block else ""

    @property
    def block(self) -> Block:
        """The block as it reads after the change (the old one when it was deleted)."""
        block = self.new or self.old
        if block is None:
            raise ValueError("a block comparison without either block")
        return block

    @property
    def old_block(self) -> Block:
        """The old side: present unless the block was inserted (or moved here)."""
        if self.old is None:
            raise ValueError(f"a {self.op} block has no old side")
        return self.old

    @property
    def new_block(self) -> Block:
        """The new side: present unless the block was deleted (or moved away)."""
        if self.new is None:
            raise ValueError(f"a {self.op} block has no new side")
        return self.new

    @property
    def old_text(self) -> str | None:
        return self.old.text if self.old else None

    @property
    def new_text(self) -> str | None:
        return self.new.text if self.new else None


@dataclass
class DocumentDiff:
    """The whole comparison of one document: every block, in reading order."""

    old: Document | None
    new: Document | None
    blocks: list[BlockDiff]

    @property
    def changes(self) -> list[BlockDiff]:
        return [b for b in self.blocks if b.op != SAME]

    @property
    def changed(self) -> bool:
        return any(b.op != SAME for b in self.blocks)

    def listing(self) -> DocumentDiff:
        """Only the changed blocks, without the two documents: all that a listing of changes
        reads, and a small fraction of the whole to keep or send between processes."""
        return DocumentDiff(None, None, self.changes)


def _dmp() -> Any:
    import diff_match_patch

    engine = diff_match_patch.diff_match_patch()
    engine.Diff_Timeout = 0  # the default 1 s silently degrades to "delete all, insert all"
    return engine


_ENGINE: Any = None


def _engine() -> Any:
    global _ENGINE
    if _ENGINE is None:
        _ENGINE = _dmp()
    return _ENGINE


def _encode(seqs: list[list[str]]) -> tuple[list[str], list[str]]:
    """Map each distinct item to one character (skipping the surrogate range)."""
    table: dict[str, str] = {}
    items: list[str] = []
    encoded = []
    for seq in seqs:
        chars = []
        for item in seq:
            ch = table.get(item)
            if ch is None:
                n = len(items) + 1
                if n > _MAX_DISTINCT:  # callers check first (see diff_sequences)
                    raise ValueError("more distinct items than characters")
                ch = chr(n if n < 0xD800 else n + 0x800)
                table[item] = ch
                items.append(item)
            chars.append(ch)
        encoded.append("".join(chars))
    return encoded, items


def _fast() -> Any:
    """The C++ port of diff-match-patch, when installed (SECTOOL_PURE_DMP=1 turns it off)."""
    if os.environ.get("SECTOOL_PURE_DMP"):
        return None
    try:
        import fast_diff_match_patch
    except ImportError:
        return None
    return fast_diff_match_patch


_FAST_OPS = {"=": EQUAL, "+": INSERT, "-": DELETE}
_PURE_OPS = {0: EQUAL, 1: INSERT, -1: DELETE}


def diff_sequences(
    old: list[str], new: list[str], semantic: bool = False
) -> list[tuple[SegmentOp, int]]:
    """Diff two sequences of strings item by item: [(op, count)], ops equal/insert/delete.

    Each distinct item becomes one character, and diff-match-patch runs with no time limit
    (its default of one second silently degrades to "delete all, insert all").
    """
    if len(old) + len(new) > _MAX_DISTINCT and len(set(old) | set(new)) > _MAX_DISTINCT:
        return _replaced(old, new)
    (a, b), _ = _encode([old, new])
    fast = _fast()
    if fast is not None:
        ops = fast.diff(
            a,
            b,
            timelimit=0,
            checklines=False,
            cleanup="Semantic" if semantic else "No",
            counts_only=True,
        )
        return [(_FAST_OPS[op], count) for op, count in ops]
    engine = _engine()
    diffs = engine.diff_main(a, b, False)
    if semantic:
        engine.diff_cleanupSemantic(diffs)
    return [(_PURE_OPS[op], len(text)) for op, text in diffs]


# Each distinct item is one character below U+110000, the surrogates skipped.
_MAX_DISTINCT = 0x10FFFF - 0x800


def _replaced(old: list[str], new: list[str]) -> list[tuple[SegmentOp, int]]:
    """More distinct items than characters to encode them: the common ends are kept and the
    rest shown replaced, which stays exact (a rarity: over a million distinct words)."""
    head, tail = _shared_ends(old, new)
    ops = [
        (EQUAL, head),
        (DELETE, len(old) - head - tail),
        (INSERT, len(new) - head - tail),
        (EQUAL, tail),
    ]
    return [(op, n) for op, n in ops if n]


def changed_spans(old: str, new: str) -> list[tuple[int, int, int, int]]:
    """Where two texts differ, in order: ``(old_start, old_end, new_start, new_end)``
    character offsets of whole lines (cut after each ``\\n``), the text between consecutive
    spans being equal in both.

    The lines are diffed as single characters by diff-match-patch (C++ when installed), so
    a few edits to a long document cost about one pass over it.
    """
    a, b = _lines(old), _lines(new)
    spans: list[tuple[int, int, int, int]] = []
    i = j = 0  # line numbers
    x = y = 0  # their offsets
    x0, y0 = x, y
    for op, count in diff_sequences(a, b):
        if op == EQUAL:
            if (x0, y0) != (x, y):
                spans.append((x0, x, y0, y))
            size = sum(map(len, a[i : i + count])) + count  # with each line's "\\n"
            i, j, x, y = i + count, j + count, x + size, y + size
            x0, y0 = x, y
        elif op == DELETE:
            x += sum(map(len, a[i : i + count])) + count
            i += count
        else:
            y += sum(map(len, b[j : j + count])) + count
            j += count
    if (x0, y0) != (x, y):  # the text's end: no "\\n" after an unterminated last line
        spans.append((x0, min(x, len(old)), y0, min(y, len(new))))
    return spans


def _lines(text: str) -> list[str]:
    """The text's lines without their ``\\n``; a last line that has none (the text does not
    end with one) keeps a ``\\n`` instead, so it never equals a complete line, and counts
    one character more than it has."""
    lines = text.split("\n")
    if lines[-1]:
        lines[-1] += "\n"
    else:
        lines.pop()
    return lines


def tokens(text: str) -> list[str]:
    """Words, runs of white space and single punctuation marks: the unit of comparison."""
    return _TOKEN.findall(text)


def word_diff(old: str, new: str) -> list[Segment]:
    """Word-level segments that turn ``old`` into ``new``: deletes come before inserts.

    Short equalities between two edits (at most two words, no longer than the edits around
    them) are folded into the edit, as Word's compare does, so a rewritten sentence reads as
    one replacement rather than confetti; longer runs of common words stay unchanged.
    """
    # Compared as words with the white space before them, so that common words line up
    # rather than the spaces between different words.
    old_tokens, new_tokens = _UNIT.findall(old), _UNIT.findall(new)
    if "".join(old_tokens) != old or "".join(new_tokens) != new:  # pragma: no cover - safety
        return [Segment(DELETE, old), Segment(INSERT, new)]
    runs: list[list[str]] = []  # [op, text]
    i = j = 0
    for op, count in diff_sequences(old_tokens, new_tokens):
        if op == EQUAL:
            runs.append([op, "".join(old_tokens[i : i + count])])
            i += count
            j += count
        elif op == DELETE:
            runs.append([op, "".join(old_tokens[i : i + count])])
            i += count
        else:
            runs.append([op, "".join(new_tokens[j : j + count])])
            j += count
    return _fold_short_equalities(_refine(runs))


def _refine(runs: list[list[str]]) -> list[list[str]]:
    """Where a replacement has the same words on both sides, only the white space between
    them changed (a line re-wrapped): show just that, the words unchanged."""
    out: list[list[str]] = []
    gap: list[list[str]] = []
    for run in [*runs, [EQUAL, ""]]:
        if run[0] != EQUAL:
            gap.append(run)
            continue
        deleted = "".join(text for op, text in gap if op == DELETE)
        inserted = "".join(text for op, text in gap if op == INSERT)
        if not (deleted and inserted):
            out += gap
        else:
            out += _realign(_spaced_words(deleted), _spaced_words(inserted))
        if run[1]:
            out.append(run)
        gap = []
    return [run for run in out if run[1]]


def _realign(a: list[tuple[str, str]], b: list[tuple[str, str]]) -> list[list[str]]:
    """A replacement as runs: the words it starts and ends with on both sides stay unchanged
    (with any change of the white space before them shown on its own)."""
    head = 0
    while head < min(len(a), len(b)) and a[head][1] == b[head][1]:
        head += 1
    tail = 0
    while tail < min(len(a), len(b)) - head and a[-1 - tail][1] == b[-1 - tail][1]:
        tail += 1
    out: list[list[str]] = []

    def same(pairs_a: list[tuple[str, str]], pairs_b: list[tuple[str, str]]) -> None:
        for (space_a, word), (space_b, _) in zip(pairs_a, pairs_b, strict=True):
            if space_a != space_b:
                out.extend([[DELETE, space_a], [INSERT, space_b]])
            out.append([EQUAL, space_a + word] if space_a == space_b else [EQUAL, word])

    same(a[:head], b[:head])
    out.append([DELETE, "".join(x + y for x, y in a[head : len(a) - tail])])
    out.append([INSERT, "".join(x + y for x, y in b[head : len(b) - tail])])
    same(a[len(a) - tail :], b[len(b) - tail :])
    return out


def _spaced_words(text: str) -> list[tuple[str, str]]:
    """(white space before, word or mark) pairs; trailing white space ends with an empty word."""
    return [(m[1], m[2]) for m in _SPACED.finditer(text) if m[0]]


_SPACED = re.compile(r"(\s*)(\w+|[^\w\s]|$)")


_UNIT = re.compile(r"\s*(?:\w+|[^\w\s])|\s+")
_WORD = re.compile(r"\w+")
_FOLD_MAX_WORDS = 2


def _foldable(text: str, left: list[str], right: list[str]) -> bool:
    # between two plain deletions (or insertions) the common words read better on their own,
    # and so do words beside a change of white space alone
    replacing = all(left) or all(right)
    wordy = any(x.strip() for x in left) and any(x.strip() for x in right)
    return (
        replacing
        and wordy
        and len(_WORD.findall(text)) <= _FOLD_MAX_WORDS
        and len(text) <= max(map(len, left))
        and len(text) <= max(map(len, right))
    )


def _fold_short_equalities(runs: list[list[str]]) -> list[Segment]:
    """Group runs into [equal, (deleted, inserted), equal, ...] and fold each short equality
    that stands between two edits into them (see :func:`word_diff`)."""
    parts: list[list[str]] = []  # [equal text] or [deleted, inserted]
    for op, text in runs:
        if op == EQUAL:
            parts.append([text])
            continue
        if not parts or len(parts[-1]) == 1:
            parts.append(["", ""])
        parts[-1][0 if op == DELETE else 1] += text
    stack: list[list[str]] = []
    for part in parts:
        while (
            len(part) == 2
            and len(stack) >= 2
            and len(stack[-1]) == 1
            and len(stack[-2]) == 2
            and _foldable(stack[-1][0], stack[-2], part)
        ):
            text = stack.pop()[0]
            left = stack.pop()
            part = [left[0] + text + part[0], left[1] + text + part[1]]
        stack.append(part)
    out: list[Segment] = []
    for part in stack:
        if len(part) == 1:
            pairs = [(EQUAL, part[0])]
        else:
            head, deleted, inserted, tail = _common_ends(part[0], part[1])
            pairs = [(EQUAL, head), (DELETE, deleted), (INSERT, inserted), (EQUAL, tail)]
        for op, text in pairs:
            if out and out[-1].op == op == EQUAL:
                out[-1].text += text
            elif text:
                out.append(Segment(op, text))
    return out


def _common_ends(old: str, new: str) -> tuple[str, str, str, str]:
    """Split off the tokens an edit's two sides start and end with (a word whose white space
    alone changed keeps the word unchanged)."""
    a, b = _TOKEN.findall(old), _TOKEN.findall(new)
    head, tail = _shared_ends(a, b)
    return (
        "".join(a[:head]),
        "".join(a[head : len(a) - tail]),
        "".join(b[head : len(b) - tail]),
        "".join(a[len(a) - tail :]),
    )


def _shared_ends(a: list[str], b: list[str]) -> tuple[int, int]:
    """How many items two sequences start with and then end with in common (not overlapping)."""
    head = 0
    while head < min(len(a), len(b)) and a[head] == b[head]:
        head += 1
    tail = 0
    while tail < min(len(a), len(b)) - head and a[-1 - tail] == b[-1 - tail]:
        tail += 1
    return head, tail


def _key(block: Block) -> str:
    if block.kind in (BlockKind.HEADING, BlockKind.PARAGRAPH, BlockKind.SUBPARAGRAPH):
        return f"{block.kind}:{block.clause or ''}"
    if block.kind is BlockKind.TITLE:
        return "title"
    return f"{block.kind}:{block.clause}:{block.label}"


def compare_documents(
    old: Document | None, new: Document | None, block_ops: list[tuple[SegmentOp, int]] | None = None
) -> DocumentDiff:
    """Compare two versions of a document (either may be None: wholly added or removed).

    ``block_ops`` is the block-level diff of their texts, when the caller has it already.
    """
    old_blocks = old.blocks if old else []
    new_blocks = new.blocks if new else []
    out: list[BlockDiff] = []
    i = j = 0
    pending_old: list[Block] = []
    pending_new: list[Block] = []
    ops = block_ops or diff_sequences([b.text for b in old_blocks], [b.text for b in new_blocks])
    for op, count in ops:
        if op == EQUAL:
            out += _pair_region(pending_old, pending_new)
            pending_old, pending_new = [], []
            out += [BlockDiff(SAME, old_blocks[i + k], new_blocks[j + k]) for k in range(count)]
            i += count
            j += count
        elif op == DELETE:
            pending_old += old_blocks[i : i + count]
            i += count
        else:
            pending_new += new_blocks[j : j + count]
            j += count
    out += _pair_region(pending_old, pending_new)
    _find_moves(out)
    return DocumentDiff(old, new, out)


def _pair_region(old: list[Block], new: list[Block]) -> list[BlockDiff]:
    """Within a region of differences, pair blocks by content (or else by clause) and compare
    them word by word."""
    if not old or not new:
        return [BlockDiff(DELETED, b, None) for b in old] + [
            BlockDiff(INSERTED, None, b) for b in new
        ]
    if len(old) == len(new) == 1 and _key(old[0]) == _key(new[0]):
        return [_changed(old[0], new[0])]  # one clause edited: paired whatever its words
    if len(old) * len(new) <= _ALIGN_MAX_PAIRS:
        return _align_region(old, new)
    matcher = difflib.SequenceMatcher(
        None, [_key(b) for b in old], [_key(b) for b in new], autojunk=False
    )
    out: list[BlockDiff] = []
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            for a, b in zip(old[i1:i2], new[j1:j2], strict=True):
                out.append(_changed(a, b))
            continue
        olds, news = old[i1:i2], new[j1:j2]
        # Unnumbered text that stands in the same place is an edit, not a removal.
        while olds and news and olds[0].kind is news[0].kind is BlockKind.TEXT and tag == "replace":
            out.append(_changed(olds.pop(0), news.pop(0)))
        out += [BlockDiff(DELETED, b, None) for b in olds]
        out += [BlockDiff(INSERTED, None, b) for b in news]
    return out


_ALIGN_MAX_PAIRS = 2500  # larger regions are paired by clause alone
_SIMILAR = 0.5  # share of words two blocks must have in common to be one block edited


def _pair_score(a: Block, b: Block, words: dict[int, Counter[str]]) -> float:
    """How much pairing ``a`` with ``b`` is worth: their share of common words when they are
    similar (more with the same clause id), a little for the same clause (rewritten) or for
    unnumbered text, and nothing (never paired) otherwise."""
    wa, wb = words[id(a)], words[id(b)]
    total = sum(wa.values()) + sum(wb.values())
    share = 2 * sum((wa & wb).values()) / total if total else 1.0
    same_key = _key(a) == _key(b)
    if share >= _SIMILAR:
        return share + (0.25 if same_key else 0.0)
    if same_key:
        return 0.1
    return 0.05 if a.kind is b.kind is BlockKind.TEXT else 0.0


def _align_region(old: list[Block], new: list[Block]) -> list[BlockDiff]:
    """Pair the blocks of a small region to make the most of what they share, in order: a
    clause repealed before renumbered ones is a deletion and renumberings, not each clause
    rewritten into its neighbour."""
    words = {id(b): Counter(_WORD.findall(b.text)) for b in [*old, *new]}
    m, n = len(old), len(new)
    best = [[0.0] * (n + 1) for _ in range(m + 1)]  # best[i][j]: old[i:] with new[j:]
    for i in range(m - 1, -1, -1):
        for j in range(n - 1, -1, -1):
            score = _pair_score(old[i], new[j], words)
            paired = best[i + 1][j + 1] + score if score else 0.0
            best[i][j] = max(paired, best[i + 1][j], best[i][j + 1])
    out: list[BlockDiff] = []
    i = j = 0
    while i < m and j < n:
        score = _pair_score(old[i], new[j], words)
        if score and best[i][j] == best[i + 1][j + 1] + score:
            out.append(_changed(old[i], new[j]))
            i, j = i + 1, j + 1
        elif best[i][j] == best[i + 1][j]:
            out.append(BlockDiff(DELETED, old[i], None))
            i += 1
        else:
            out.append(BlockDiff(INSERTED, None, new[j]))
            j += 1
    out += [BlockDiff(DELETED, b, None) for b in old[i:]]
    out += [BlockDiff(INSERTED, None, b) for b in new[j:]]
    return out


def _changed(a: Block, b: Block) -> BlockDiff:
    if a.text == b.text:
        return BlockDiff(SAME, a, b)
    return BlockDiff(CHANGED, a, b, word_diff(a.text, b.text))


def _find_moves(blocks: list[BlockDiff]) -> None:
    """A deleted block whose exact text is inserted elsewhere is a move."""
    inserted: dict[str, list[BlockDiff]] = {}
    for item in blocks:
        if item.op == INSERTED and item.new and len(item.new.text) >= _MOVE_MIN_CHARS:
            inserted.setdefault(item.new.text, []).append(item)
    move = 0
    for item in blocks:
        if item.op != DELETED or item.old is None or not inserted.get(item.old.text):
            continue
        target = inserted[item.old.text].pop(0)
        move += 1
        item.op, item.move_id = MOVED_FROM, move
        target.op, target.move_id = MOVED_TO, move


def changed_clauses(diff: DocumentDiff) -> list[tuple[str | None, str]]:
    """(clause, label) of every changed block, in order, without repeats."""
    seen: list[tuple[str | None, str]] = []
    for item in diff.changes:
        key = (item.clause, item.label)
        if key not in seen:
            seen.append(key)
    return seen
