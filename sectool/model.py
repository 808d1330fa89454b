"""Value objects that parse and print themselves: document ids, clause references, versions.

Nothing here touches the disk or git.
"""

from __future__ import annotations

import datetime as _dt
import re
from dataclasses import dataclass
from enum import StrEnum

from sectool.errors import BadDate, BadReference, BadVersion
from sectool.numbering import BARE_NUMBER, SUB_NUMBER


class Kind(StrEnum):
    """The three kinds of SEC document, in the order the code lists them."""

    SECTION = "section"
    SCHEDULE = "schedule"
    APPENDIX = "appendix"

    @property
    def folder(self) -> str:
        return {"section": "sections", "schedule": "schedules"}.get(self.value, "appendices")

    @property
    def label(self) -> str:
        return self.value.capitalize()


_KIND_ORDER = {Kind.SECTION: 0, Kind.SCHEDULE: 1, Kind.APPENDIX: 2}
_SECTION_KEY = re.compile(r"[A-Z]")
_SCHEDULE_KEY = re.compile(r"[1-9][0-9]*")
_APPENDIX_KEY = re.compile(r"[A-Z]{1,2}")


def _valid_key(kind: Kind, key: str) -> bool:
    pattern = {Kind.SECTION: _SECTION_KEY, Kind.SCHEDULE: _SCHEDULE_KEY}.get(kind, _APPENDIX_KEY)
    return bool(pattern.fullmatch(key))


@dataclass(frozen=True, order=False)
class DocId:
    """A document's identity: kind plus key ("Section M", "Schedule 11", "Appendix AC")."""

    kind: Kind
    key: str

    def __post_init__(self) -> None:
        if not _valid_key(self.kind, self.key):
            raise BadReference(
                f"'{self.key}' is not a valid {self.kind.value} key",
                "sections are one letter, schedules a number, appendices one or two letters",
            )

    def __str__(self) -> str:
        return f"{self.kind.label} {self.key}"

    @property
    def path(self) -> str:
        """The document's file, relative to the tree root."""
        return f"{self.kind.folder}/{self.key}.md"

    @property
    def sort_key(self) -> tuple[int, int, str]:
        # Appendix letters sort shorter first, then alphabetically (Z before AA).
        if self.kind is Kind.SCHEDULE:
            return (_KIND_ORDER[self.kind], int(self.key), "")
        return (_KIND_ORDER[self.kind], len(self.key), self.key)

    def __lt__(self, other: DocId) -> bool:
        return self.sort_key < other.sort_key

    @classmethod
    def parse(cls, text: str) -> DocId:
        """Parse a fully qualified id such as "Appendix AC" or "section m"."""
        m = re.fullmatch(r"\s*(section|schedule|appendix)\s+(\S+)\s*", text, re.IGNORECASE)
        if not m:
            raise BadReference(
                f"'{text}' is not a document id",
                'write it as "Section M", "Schedule 11" or "Appendix AC"',
            )
        return cls(Kind(m.group(1).lower()), m.group(2).upper())

    @classmethod
    def from_path(cls, path: str) -> DocId | None:
        """The document a tree-relative path names, or None if it is not a document file."""
        m = re.fullmatch(r"(sections|schedules|appendices)/([A-Za-z0-9]+)\.md", path)
        if not m:
            return None
        kind = {"sections": Kind.SECTION, "schedules": Kind.SCHEDULE}.get(m.group(1), Kind.APPENDIX)
        try:
            return cls(kind, m.group(2))
        except BadReference:
            return None


# A clause number: a section paragraph "M6.2", "X1.17A", "1.1AA", a heading "N4A", or bare
# "4.3.1", with sub-paragraphs "(a)", "(za)", "(ii)" (the grammar is sectool.numbering's).
_CLAUSE = re.compile(rf"[A-Z]?(?:{BARE_NUMBER})(?:{SUB_NUMBER})*")


@dataclass(frozen=True)
class ClauseRef:
    """A reference to a document, or to one clause in it ("Section M6.2(a)", "Appendix B 4.3")."""

    doc: DocId | None  # None: the document is implied ("M6.2" names Section M by its prefix)
    clause: str | None
    key_hint: str | None = None  # a bare key such as "AC" whose kind is still to be resolved

    def __str__(self) -> str:
        if self.doc is None:
            head = self.key_hint or ""
            if self.clause and self.key_hint and not self.clause.startswith(self.key_hint):
                return f"{head} {self.clause}"
            return self.clause or head
        if self.clause is None:
            return str(self.doc)
        if self.doc.kind is Kind.SECTION:
            return f"{self.doc.kind.label} {self.clause}"
        return f"{self.doc} {self.clause}"

    @classmethod
    def parse(cls, text: str) -> ClauseRef:
        """Parse the spellings users write: "M6.2", "Section M6.2(a)", "Appendix B 4.3", "AC"."""
        raw = " ".join(text.split())
        m = re.fullmatch(r"(?i:(section|schedule|appendix)s?)\s+(.+)", raw)
        if m:
            return _parse_qualified(Kind(m.group(1).lower()), m.group(2), text)
        return _parse_bare(raw, text)


def _bad(text: str) -> BadReference:
    return BadReference(
        f"'{text}' is not a document or clause reference",
        'try "M6.2", "Section M6.2(a)", "Appendix B 4.3", "Schedule 11" or "AC"',
    )


def _parse_qualified(kind: Kind, rest: str, text: str) -> ClauseRef:
    if kind is Kind.SECTION:
        m = re.fullmatch(r"([A-Za-z])(\d.*)?", rest)
        if not m:
            raise _bad(text)
        key = m.group(1).upper()
        clause = (key + m.group(2)) if m.group(2) else None
        if clause is not None and not _CLAUSE.fullmatch(clause):
            raise _bad(text)
        return ClauseRef(DocId(kind, key), clause)
    parts = rest.split(" ", 1)
    key = parts[0] if kind is Kind.SCHEDULE else parts[0].upper()
    try:
        doc = DocId(kind, key)
    except BadReference:
        raise _bad(text) from None
    clause = parts[1] if len(parts) > 1 else None
    if clause is not None and not _CLAUSE.fullmatch(clause):
        raise _bad(text)
    return ClauseRef(doc, clause)


def _parse_bare(raw: str, text: str) -> ClauseRef:
    # "M6.2(a)": a section clause whose letter names the document.
    m = re.fullmatch(r"([A-Za-z])(\d[\w.()]*)", raw)
    if m and _CLAUSE.fullmatch(m.group(1).upper() + m.group(2)):
        key = m.group(1).upper()
        return ClauseRef(None, key + m.group(2), key_hint=key)
    # "AC", "B", "AC 2.2(b)": a key whose kind is resolved against the tree.
    m = re.fullmatch(r"([A-Za-z]{1,2}|\d+)(?:\s+(\S+))?", raw)
    if m:
        clause = m.group(2)
        if clause is not None and not _CLAUSE.fullmatch(clause):
            raise _bad(text)
        return ClauseRef(None, clause, key_hint=m.group(1).upper())
    raise _bad(text)


_VERSION = re.compile(r"(0|[1-9]\d*)(?:\.(0|[1-9]\d*))+")


@dataclass(frozen=True, order=True)
class Version:
    """A version label ("5.8", "5.10", "27.0", document "1.2"), compared component by component."""

    parts: tuple[int, ...]

    def __str__(self) -> str:
        return ".".join(str(p) for p in self.parts)

    @classmethod
    def parse(cls, text: str) -> Version:
        text = text.strip()
        if not _VERSION.fullmatch(text):
            raise BadVersion(
                f"'{text}' is not a version label",
                "labels are numbers joined by dots, such as 5.8, 5.10 or 27.0",
            )
        return cls(tuple(int(p) for p in text.split(".")))

    def next_minor(self) -> Version:
        return Version(self.parts[:-1] + (self.parts[-1] + 1,))


def looks_like_version(text: str) -> bool:
    return bool(_VERSION.fullmatch(text.strip()))


def parse_date(text: str) -> _dt.date:
    """Parse an ISO date (YYYY-MM-DD)."""
    try:
        return _dt.date.fromisoformat(text.strip())
    except ValueError:
        raise BadDate(
            f"'{text}' is not a date", "write dates as YYYY-MM-DD, e.g. 2017-07-12"
        ) from None


def looks_like_date(text: str) -> bool:
    return bool(re.fullmatch(r"\d{4}-\d{2}-\d{2}", text.strip()))


class Severity(StrEnum):
    """How much a finding matters, lowest first (``check --fail-on`` names the lowest that
    fails). Its value is the word the JSON, the text report and GitHub annotations print."""

    WARNING = "warning"
    ERROR = "error"

    @property
    def rank(self) -> int:
        """1 for a warning, 2 for an error: a finding fails a check when its rank is at least
        the --fail-on severity's."""
        return list(Severity).index(self) + 1


@dataclass(frozen=True)
class Finding:
    """A problem found in content or history: data, not an exception.

    ``severity`` also accepts its word ("error"); an unknown word is a ValueError.
    """

    rule: str
    severity: Severity
    message: str
    hint: str = ""
    path: str | None = None
    line: int | None = None
    clause: str | None = None

    def as_json(self) -> dict[str, str | int | None]:
        return {
            "rule": self.rule,
            "severity": self.severity,
            "path": self.path,
            "line": self.line,
            "clause": self.clause,
            "message": self.message,
            "hint": self.hint,
        }

    def __post_init__(self) -> None:
        object.__setattr__(self, "severity", Severity(self.severity))
