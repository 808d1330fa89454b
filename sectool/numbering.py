"""Clause numbers as GB drafters write them: parsed, printed and put in code order.

A clause number is a paragraph number and a chain of sub-paragraph numbers:

    M6.2A(aa)(ii)   prefix "M", parts (6, "") (2, "A"), sub-paragraphs (aa) then (ii)
    4.3.1(b)        no prefix (appendices, schedules), parts (4, "") (3, "") (1, "")

Units inserted without renumbering take letters after the number they follow: ``N4A``
between N4 and N5, ``1.1AA`` between 1.1A and 1.1B, ``N4ZA`` after N4Z. Sub-paragraphs go
(a), (i), (A), (I) by depth; an inserted one takes a letter after the one it follows ((aa)
between (a) and (b), (za) after (z)), and after (z) the doubled (aa), (bb), ... also continue a
list. Code order compares numbers first, then insertion letters as text, so
``1.1 < 1.1A < 1.1AA < 1.1B``.

Whether ``(i)`` is a letter or a numeral depends on the clauses around it; the document
parser resolves that and builds :class:`SubNumber` with its style. :meth:`ClauseNumber.parse`
without context takes the style the depth usually has ((a), (i), (A), (I)).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache, total_ordering

INSERTION = "[A-Z]{0,3}"
SECTION_NUMBER = rf"[A-Z]\d+{INSERTION}(?:\.\d+{INSERTION})*"
BARE_NUMBER = rf"\d+{INSERTION}(?:\.\d+{INSERTION})*"
# A sub-paragraph token: letters with insertions ((b), (aa), (za)), or a roman numeral.
SUB_TOKEN = r"[a-z]{1,3}|[ivxlc]{1,7}|[A-Z]{1,3}|[IVXLC]{1,7}"
SUB_NUMBER = rf"\((?:{SUB_TOKEN})\)"

_NUMBER = re.compile(rf"([A-Z]?)(\d+{INSERTION}(?:\.\d+{INSERTION})*)")
_PART = re.compile(rf"(\d+)({INSERTION})")
_SUB = re.compile(rf"\(({SUB_TOKEN})\)")

ALPHA, ROMAN, UPPER, UPPER_ROMAN = "alpha", "roman", "upper", "upper-roman"
DEPTH_STYLES = (ALPHA, ROMAN, UPPER, UPPER_ROMAN)  # the usual style at each depth
_FIRST = {"a": ALPHA, "i": ROMAN, "A": UPPER, "I": UPPER_ROMAN}
_ROMAN_VALUES = {"i": 1, "v": 5, "x": 10, "l": 50, "c": 100}
_ROMAN_SYMBOLS = (
    (1000, "m"),
    (900, "cm"),
    (500, "d"),
    (400, "cd"),
    (100, "c"),
    (90, "xc"),
    (50, "l"),
    (40, "xl"),
    (10, "x"),
    (9, "ix"),
    (5, "v"),
    (4, "iv"),
    (1, "i"),
)


def roman_value(token: str) -> int | None:
    """The value of a canonical lower-case roman numeral ("iv" -> 4), or None."""
    if not token or any(c not in _ROMAN_VALUES for c in token):
        return None
    total = 0
    for a, b in zip(token, token[1:] + " ", strict=False):
        v = _ROMAN_VALUES[a]
        total += -v if b != " " and _ROMAN_VALUES[b] > v else v
    return total if to_roman(total) == token else None


def to_roman(n: int) -> str:
    """``n`` (1 or more) as a lower-case roman numeral."""
    out = ""
    for value, symbol in _ROMAN_SYMBOLS:
        while n >= value:
            out += symbol
            n -= value
    return out


@dataclass(frozen=True)
class SubNumber:
    """One sub-paragraph number: its style and, for letters, the list letter and insertion.

    ``main`` is the letter of the list ("b", or "aa" for the 27th item after (z)); ``ins`` the
    letters of an insertion ("a" in (ba)). For numerals ``main`` is the numeral and ``ins`` "".
    """

    style: str
    main: str
    ins: str = ""

    def __str__(self) -> str:
        return f"({self.main}{self.ins})"

    @property
    def token(self) -> str:
        return self.main + self.ins

    @property
    def key(self) -> tuple[int, str]:
        """Sort key among siblings: the list position, then the insertion letters."""
        if self.style in (ROMAN, UPPER_ROMAN):
            return roman_value(self.main.lower()) or 0, ""
        letter = self.main.lower()
        position = ord(letter[0]) - 96 + 26 * (len(letter) - 1)
        return position, self.ins.lower()

    @classmethod
    def first(cls, token: str) -> SubNumber | None:
        """The number that opens a list: (a), (i), (A) or (I)."""
        style = _FIRST.get(token)
        return cls(style, token) if style else None

    @classmethod
    def of_style(cls, style: str, token: str) -> SubNumber | None:
        """``token`` read in ``style``, or None if it cannot be one (without context, a
        doubled (aa) reads as an insertion after (a))."""
        lower = token.lower()
        upper_case = style in (UPPER, UPPER_ROMAN)
        if token != (token.upper() if upper_case else lower):
            return None
        if style in (ROMAN, UPPER_ROMAN):
            return cls(style, token) if roman_value(lower) else None
        return cls(style, token[0], token[1:])

    def successors(self) -> Mapping[str, SubNumber]:
        """Every number that may follow this one in the same list, by token."""
        return _successors(self)

    def _successors(self) -> dict[str, SubNumber]:
        if self.style in (ROMAN, UPPER_ROMAN):
            value = roman_value(self.main.lower()) or 0
            nxt = to_roman(value + 1)
            nxt = nxt.upper() if self.style == UPPER_ROMAN else nxt
            return {nxt: SubNumber(self.style, nxt)}
        a, z = ("A", "Z") if self.style == UPPER else ("a", "z")
        out = {self.main + self.ins + a: SubNumber(self.style, self.main, self.ins + a)}
        for k in range(len(self.ins), 0, -1):
            if self.ins[k - 1] != z:
                ins = self.ins[: k - 1] + chr(ord(self.ins[k - 1]) + 1)
                out[self.main + ins] = SubNumber(self.style, self.main, ins)
        main = _next_main(self.main, a, z)
        if main:
            out[main] = SubNumber(self.style, main)
        return out


@cache
def _successors(number: SubNumber) -> Mapping[str, SubNumber]:
    return number._successors()  # numbers are few and repeat: (a) .. (z), (i) .. (x)


def _next_main(main: str, a: str, z: str) -> str:
    """The next list letter: b after a, the doubled aa after z, bb after aa."""
    if main == z:
        return a + a
    if main[0] == z:
        return ""
    return chr(ord(main[0]) + 1) * len(main)


@total_ordering
@dataclass(frozen=True)
class ClauseNumber:
    """A clause number that parses and prints itself and sorts in code order."""

    prefix: str  # the Section's letter, or "" for appendices and schedules
    parts: tuple[tuple[int, str], ...]  # (number, insertion letters) per level
    subs: tuple[SubNumber, ...] = ()

    def __str__(self) -> str:
        number = ".".join(f"{n}{letters}" for n, letters in self.parts)
        return self.prefix + number + "".join(str(s) for s in self.subs)

    @property
    def key(self) -> tuple[str, tuple[tuple[int, str], ...], tuple[tuple[int, str], ...]]:
        """Code order: 1.1 < 1.1A < 1.1AA < 1.1B < 1.2, and (a) < (aa) < (b) < (z) < (za)."""
        return self.prefix, self.parts, tuple(s.key for s in self.subs)

    def __lt__(self, other: object) -> bool:
        if not isinstance(other, ClauseNumber):
            return NotImplemented
        return self.key < other.key

    @classmethod
    def parse(cls, text: str) -> ClauseNumber:
        """Parse "M6.2A(aa)(ii)" or "4.3.1(b)"; raise ValueError for anything else."""
        m = _NUMBER.match(text)
        if not m:
            raise ValueError(f"'{text}' is not a clause number")
        subs: list[SubNumber] = []
        pos = m.end()
        while pos < len(text):
            sm = _SUB.match(text, pos)
            if not sm:
                raise ValueError(f"'{text}' is not a clause number")
            subs.append(_guess_style(sm.group(1), len(subs)))
            pos = sm.end()
        return cls(m.group(1), number_parts(m.group(2)), tuple(subs))


def _guess_style(token: str, depth: int) -> SubNumber:
    usual = DEPTH_STYLES[depth % len(DEPTH_STYLES)]
    for style in (usual, *DEPTH_STYLES):
        sub = SubNumber.of_style(style, token)
        if sub is not None:
            return sub
    raise ValueError(f"'({token})' is not a sub-paragraph number")


def number_parts(number: str) -> tuple[tuple[int, str], ...]:
    """ "M6.2A" -> ((6, ""), (2, "A")); "4.3AA" -> ((4, ""), (3, "AA")): comparable numbering.

    A part that is not a number with letters sorts first, as (0, part)."""
    if number[:1].isalpha():
        number = number[1:]
    out = []
    for part in number.split("."):
        if part.isdigit():  # the common case, without a regex
            out.append((int(part), ""))
            continue
        m = _PART.fullmatch(part)
        out.append((int(m.group(1)), m.group(2)) if m else (0, part))
    return tuple(out)
