"""List labels as Word prints them, computed from ``numbering.xml`` and the styles.

The rules (ECMA-376 Part 1, 17.9), each pinned by a test:

1. A paragraph's ``numId`` and ``ilvl`` come from its own ``w:numPr``; a missing field comes
   from its style and that style's ``basedOn`` chain, each field on its own. ``numId`` 0 means
   no number. With no ``ilvl``, the level whose ``w:pStyle`` names the paragraph's style, else 0.
2. ``w:num`` -> ``w:abstractNum``, following ``w:numStyleLink`` to the numbering style's list;
   ``w:lvlOverride/w:lvl`` replaces a level and ``w:startOverride`` restarts that level the
   first time the num is used.
3. Counters belong to the abstract list: two nums sharing one continue one list.
4. Using level L resets deeper levels, unless their ``w:lvlRestart`` says otherwise (0 = never).
5. A level used before its parent: the parent counts from its start value.
6. The label is ``lvlText`` with ``%N`` replaced by level N-1's counter in that level's format
   (all decimal when the level has ``w:isLgl``); letters run a..z, aa..zz, aaa...
"""

from __future__ import annotations

from dataclasses import dataclass, field

from lxml import etree

from sectool.errors import BadWordFile
from sectool.numbering import to_roman
from sectool.word.package import w

# Symbol-font code points Word uses for bullets, as the characters they draw.
_BULLETS = {"\uf0b7": "•", "\uf0a7": "▪", "\uf0d8": "➢", "\uf0fc": "✓", "\uf076": "❖"}


def roman(n: int) -> str:
    """Lower-case roman numeral of ``n`` >= 1 (0 and below print as decimal, as Word does)."""
    return to_roman(n) if n > 0 else str(n)


def letters(n: int) -> str:
    """Word's lowerLetter: 1 -> a, 26 -> z, 27 -> aa, 28 -> bb, 53 -> aaa."""
    if n <= 0:
        return str(n)
    return chr(ord("a") + (n - 1) % 26) * ((n - 1) // 26 + 1)


# The longest label a list's start value may print as. A hostile w:start (say 1000000000 with
# upperLetter, which repeats one letter n/26 times) would otherwise turn a few bytes of input into
# megabytes of text per paragraph. Counting on from a sane start stays proportional to the input:
# Word's own lowerLetter list of 3,500 items reaches 135 letters, one paragraph at a time.
MAX_START_CHARS = 64


def _start_too_long(n: int, fmt: str) -> bool:
    """Whether start value ``n`` in ``fmt`` would print past MAX_START_CHARS (checked before the
    label is built, since building it is the cost)."""
    if n <= 0 or fmt not in ("lowerLetter", "upperLetter", "lowerRoman", "upperRoman"):
        return len(str(n)) > MAX_START_CHARS
    if fmt.endswith("Letter"):
        return (n - 1) // 26 + 1 > MAX_START_CHARS
    return n // 1000 > MAX_START_CHARS  # each thousand is one "m"


def checked_start(n: int, fmt: str) -> int:
    """``n``, a list level's start value; raises BadWordFile (``bad-docx``) when it would print
    longer than MAX_START_CHARS characters in ``fmt``."""
    if _start_too_long(n, fmt):
        raise BadWordFile(
            f"a list starts at {n} (format {fmt}), which would print longer than "
            f"{MAX_START_CHARS} characters",
            "check the list's start value (Word: Set Numbering Value) and save it again",
        )
    return n


# The longest list label, whole, after every %N is replaced: real SEC labels are under 30
# characters ("1.2.3.4(a)(iv)"). Without it, a lvlText of %1 repeated thousands of times over
# a 64-character start value made a 5 KB file print megabytes of label per paragraph.
MAX_LABEL_CHARS = 256


def _label_too_long(length: int) -> BadWordFile:
    return BadWordFile(
        f"a list label would print longer than {MAX_LABEL_CHARS} characters ({length} or more)",
        "check the list's number format (Word: Define New Multilevel List) and save it again",
    )


def format_number(n: int, fmt: str) -> str:
    """One counter in a ``w:numFmt``; unknown formats print decimal (reported by the caller)."""
    if fmt in ("lowerLetter",):
        return letters(n)
    if fmt == "upperLetter":
        return letters(n).upper()
    if fmt == "lowerRoman":
        return roman(n)
    if fmt == "upperRoman":
        return roman(n).upper()
    if fmt == "decimalZero":
        return f"{n:02d}"
    if fmt in ("none", "bullet"):
        return ""
    return str(n)


KNOWN_FORMATS = {
    "decimal",
    "lowerLetter",
    "upperLetter",
    "lowerRoman",
    "upperRoman",
    "decimalZero",
    "none",
    "bullet",
}


@dataclass
class Level:
    """One list level: start value, number format, label pattern and behaviour."""

    start: int = 1
    fmt: str = "decimal"
    text: str | None = None  # lvlText; None when absent (then no label)
    legal: bool = False  # w:isLgl
    restart: int | None = None  # w:lvlRestart (1-based level, 0 = never); None = default
    suffix: str = "tab"  # tab | space | nothing
    style: str | None = None  # w:pStyle: the paragraph style bound to this level


def _val(element: etree._Element | None, tag: str) -> str | None:
    if element is None:
        return None
    child = element.find(w(tag))
    return None if child is None else child.get(w("val"))


def _int(text: str | None, default: int) -> int:
    try:
        return int(text) if text is not None else default
    except ValueError:
        return default


def _level(lvl: etree._Element) -> Level:
    legal = lvl.find(w("isLgl"))
    restart = _val(lvl, "lvlRestart")
    return Level(
        start=_int(_val(lvl, "start"), 0),  # ECMA-376: an omitted start is 0
        fmt=_val(lvl, "numFmt") or "decimal",
        text=_val(lvl, "lvlText"),
        legal=legal is not None and legal.get(w("val"), "true") not in ("0", "false", "off"),
        restart=_int(restart, -1) if restart is not None else None,
        suffix=_val(lvl, "suff") or "tab",
        style=_val(lvl, "pStyle"),
    )


@dataclass
class Style:
    """What the reader needs of a paragraph style."""

    style_id: str
    name: str = ""
    based_on: str | None = None
    num_id: str | None = None
    ilvl: str | None = None
    outline: int | None = None  # w:outlineLvl (0 = Heading 1)


@dataclass
class Styles:
    """Paragraph styles by id, and the default paragraph style."""

    by_id: dict[str, Style] = field(default_factory=dict)
    default: str | None = None

    def chain(self, style_id: str | None):
        """The style and its basedOn ancestors, nearest first (cycles cut)."""
        seen = set()
        while style_id and style_id in self.by_id and style_id not in seen:
            seen.add(style_id)
            style = self.by_id[style_id]
            yield style
            style_id = style.based_on

    def numbering(self, style_id: str | None) -> tuple[str | None, str | None]:
        """(numId, ilvl) a style gives, each field from the nearest style that sets it."""
        num_id = ilvl = None
        for style in self.chain(style_id):
            num_id = num_id if num_id is not None else style.num_id
            ilvl = ilvl if ilvl is not None else style.ilvl
        return num_id, ilvl

    def outline(self, style_id: str | None) -> int | None:
        for style in self.chain(style_id):
            if style.outline is not None:
                return style.outline
        return None

    def name(self, style_id: str | None) -> str:
        style = self.by_id.get(style_id or "")
        return style.name if style else ""


def read_styles(root: etree._Element | None) -> Styles:
    styles = Styles()
    if root is None:
        return styles
    for element in root.iter(w("style")):
        if element.get(w("type")) != "paragraph":
            continue
        style_id = element.get(w("styleId"), "")
        ppr = element.find(w("pPr"))
        numpr = ppr.find(w("numPr")) if ppr is not None else None
        outline = _val(ppr, "outlineLvl")
        styles.by_id[style_id] = Style(
            style_id,
            name=_val(element, "name") or style_id,
            based_on=_val(element, "basedOn"),
            num_id=_val(numpr, "numId"),
            ilvl=_val(numpr, "ilvl"),
            outline=_int(outline, 9) if outline is not None else None,
        )
        if element.get(w("default")) in ("1", "true", "on"):
            styles.default = style_id
    return styles


@dataclass
class _Num:
    abstract: str
    levels: dict[int, Level]
    restarts: dict[int, int]  # startOverride per level


class Numbering:
    """The lists of one document and their counters, as the body is walked in order.

    Create one per view: numbers are computed separately for the accept and reject views.
    """

    def __init__(self, root: etree._Element | None, styles: Styles) -> None:
        self.styles = styles
        self.nums: dict[str, _Num] = {}
        self.counters: dict[str, dict[int, int]] = {}
        self.used: set[str] = set()
        self.unknown_formats: set[str] = set()
        if root is not None:
            self._read(root)

    def _read(self, root: etree._Element) -> None:
        abstracts: dict[str, etree._Element] = {}
        links: dict[str, str] = {}  # styleLink name -> abstractNumId (the list it defines)
        for element in root.findall(w("abstractNum")):
            abstract_id = element.get(w("abstractNumId"), "")
            abstracts[abstract_id] = element
            style_link = _val(element, "styleLink")
            if style_link:
                links[style_link] = abstract_id
        num_abstract = {
            n.get(w("numId"), ""): _val(n, "abstractNumId") or "" for n in root.findall(w("num"))
        }
        for num in root.findall(w("num")):
            num_id = num.get(w("numId"), "")
            abstract_id = self._follow(num_abstract[num_id], abstracts, links, num_abstract)
            definition = abstracts.get(abstract_id)
            levels: dict[int, Level] = {}
            if definition is not None:
                for defined in definition.findall(w("lvl")):
                    levels[_int(defined.get(w("ilvl")), 0)] = _level(defined)
            restarts: dict[int, int] = {}
            for override in num.findall(w("lvlOverride")):
                ilvl = _int(override.get(w("ilvl")), 0)
                replaced = override.find(w("lvl"))
                if replaced is not None:
                    levels[ilvl] = _level(replaced)
                start = _val(override, "startOverride")
                if start is not None:
                    restarts[ilvl] = _int(start, 0)
            self.nums[num_id] = _Num(abstract_id, levels, restarts)

    def _follow(self, abstract_id: str, abstracts, links, num_abstract) -> str:
        """Follow w:numStyleLink to the abstract list the numbering style defines."""
        for _ in range(8):
            element = abstracts.get(abstract_id)
            link = _val(element, "numStyleLink") if element is not None else None
            if not link:
                return abstract_id
            if link in links:
                abstract_id = links[link]
                continue
            num_id, _ilvl = self.styles.numbering(link)
            if num_id is None or num_id not in num_abstract:
                return abstract_id
            abstract_id = num_abstract[num_id]
        return abstract_id

    def resolve(
        self, style_id: str | None, num_id: str | None, ilvl: str | None
    ) -> tuple[str, int] | None:
        """Rule 1: the paragraph's (numId, level), or None when it is not numbered."""
        style_num, style_ilvl = self.styles.numbering(style_id)
        num_id = num_id if num_id is not None else style_num
        if num_id is None or num_id == "0" or num_id not in self.nums:
            return None
        if ilvl is None:
            ilvl = style_ilvl
        if ilvl is None:
            levels = self.nums[num_id].levels
            bound = [k for k, lvl in levels.items() if style_id and lvl.style == style_id]
            return num_id, bound[0] if bound else 0
        return num_id, _int(ilvl, 0)

    def next_label(self, num_id: str, ilvl: int) -> tuple[str, str]:
        """Count one paragraph at (numId, ilvl); return its label and suffix (tab, space,
        nothing)."""
        num = self.nums[num_id]
        counters = self.counters.setdefault(num.abstract, {})
        if num_id not in self.used:  # rule 2: a startOverride restarts on first use
            self.used.add(num_id)
            for restarted, start in num.restarts.items():
                counters[restarted] = checked_start(start, _fmt(num, restarted)) - 1
                for deeper in [k for k in counters if k > restarted]:
                    del counters[deeper]
        level = num.levels.get(ilvl, Level())
        counters[ilvl] = (
            counters[ilvl] + 1 if ilvl in counters else checked_start(level.start, level.fmt)
        )
        for deeper in [k for k in counters if k > ilvl]:  # rule 4
            restart = num.levels.get(deeper, Level()).restart
            if restart is None or (restart != 0 and ilvl < restart):
                del counters[deeper]
        for parent in range(ilvl):  # rule 5
            if parent not in counters:
                counters[parent] = checked_start(
                    num.levels.get(parent, Level()).start, _fmt(num, parent)
                )
        return self._label(num, counters, level), level.suffix

    def _label(self, num: _Num, counters: dict[int, int], level: Level) -> str:
        if level.text is None:
            return ""
        if level.fmt == "bullet":
            if len(level.text) > MAX_LABEL_CHARS:
                raise _label_too_long(len(level.text))
            return "".join(_BULLETS.get(c, c) for c in level.text)
        out: list[str] = []
        length = 0  # checked as the label grows, so building it never costs more than the cap
        text = level.text
        i = 0
        while i < len(text):
            if length > MAX_LABEL_CHARS:
                raise _label_too_long(length)
            c = text[i]
            if c == "%" and i + 1 < len(text) and text[i + 1].isdigit():
                k = int(text[i + 1]) - 1
                source = num.levels.get(k, Level())
                fmt = "decimal" if level.legal else source.fmt
                if fmt not in KNOWN_FORMATS:
                    self.unknown_formats.add(fmt)
                n = counters[k] if k in counters else checked_start(source.start, source.fmt)
                out.append(format_number(n, fmt))
                length += len(out[-1])
                i += 2
                continue
            out.append(c)
            length += 1
            i += 1
        if length > MAX_LABEL_CHARS:
            raise _label_too_long(length)
        return "".join(out)


def _fmt(num: _Num, ilvl: int) -> str:
    return num.levels.get(ilvl, Level()).fmt
