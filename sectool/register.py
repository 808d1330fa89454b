"""The register: the Document Log in force and the record of every designated version.

Stored as ``register.json`` at the root of the tree. It is plain data, reviewed like code.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass, field
from typing import Any

from sectool.errors import MalformedRegister, UnknownVersion
from sectool.model import DocId, Kind, Version, looks_like_date, looks_like_version, parse_date
from sectool.register_shape import shape_problem

REGISTER = "register.json"
TAG_PREFIX = "sec/"
FORMAT = 1


@dataclass
class DocEntry:
    """One line of the Document Log."""

    doc_id: DocId
    title: str
    version: str

    @property
    def path(self) -> str:
        return self.doc_id.path

    def as_json(self) -> dict:
        return {
            "id": str(self.doc_id),
            "kind": self.doc_id.kind.value,
            "key": self.doc_id.key,
            "title": self.title,
            "version": self.version,
            "path": self.path,
        }


@dataclass(frozen=True)
class ChangeRef:
    """A change set as a designated version's record names it."""

    id: str
    title: str

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> ChangeRef:
        """From register.json's ``{"id": ..., "title": ...}``; KeyError when one is missing."""
        return cls(data["id"], data["title"])

    def to_json(self) -> dict[str, str]:
        return {"id": self.id, "title": self.title}


@dataclass
class VersionRecord:
    """A designated version: its label, effective date, authority, change sets and Document Log."""

    version: str
    effective: str
    by: str
    changes: list[ChangeRef] = field(default_factory=list)
    documents: dict[str, str] = field(default_factory=dict)  # display id -> document version
    designated: str = ""  # the date the designation was made

    @property
    def label(self) -> Version:
        return Version.parse(self.version)

    @property
    def tag(self) -> str:
        return TAG_PREFIX + self.version

    @property
    def effective_date(self) -> dt.date:
        return parse_date(self.effective)

    def as_json(self) -> dict:
        return {
            "version": self.version,
            "effective": self.effective,
            "designated": self.designated,
            "by": self.by,
            "changes": [c.to_json() for c in self.changes],
            "documents": self.documents,
        }


@dataclass
class Register:
    documents: list[DocEntry] = field(default_factory=list)
    versions: list[VersionRecord] = field(default_factory=list)

    @property
    def latest(self) -> VersionRecord | None:
        return max(self.versions, key=lambda v: v.label) if self.versions else None

    def entry(self, doc_id: DocId) -> DocEntry | None:
        return next((d for d in self.documents if d.doc_id == doc_id), None)

    def version(self, label: str) -> VersionRecord:
        for record in self.versions:
            if record.version == label:
                return record
        raise UnknownVersion(
            f"there is no designated version {label}",
            "designated versions: " + (", ".join(v.version for v in self.ordered()) or "none"),
        )

    def ordered(self) -> list[VersionRecord]:
        return sorted(self.versions, key=lambda v: v.label)

    def at(self, when: str) -> VersionRecord:
        """A version by label, or the version in force on an ISO date."""
        if looks_like_date(when):
            day = parse_date(when)
            in_force = [v for v in self.ordered() if v.effective_date <= day]
            if not in_force:
                first = self.ordered()[0].effective if self.versions else "none"
                raise UnknownVersion(
                    f"no version of the code was in force on {when}",
                    f"the first version took effect on {first}",
                )
            return in_force[-1]
        Version.parse(when)
        return self.version(when)

    def dumps(self) -> str:
        data = {
            "sectool": FORMAT,
            "code": "SEC",
            "documents": [d.as_json() for d in sorted(self.documents, key=lambda d: d.doc_id)],
            "versions": [v.as_json() for v in self.ordered()],
        }
        return json.dumps(data, indent=2, ensure_ascii=False) + "\n"

    @classmethod
    def loads(cls, text: str, path: str = REGISTER) -> Register:
        try:
            data = json.loads(text)
            problem = shape_problem(data)
            if problem:
                raise ValueError(problem)
            documents = [
                DocEntry(DocId(Kind(d["kind"]), d["key"]), d["title"], d["version"])
                for d in data["documents"]
            ]
            versions = [
                VersionRecord(
                    v["version"],
                    v["effective"],
                    v.get("by", ""),
                    [ChangeRef.from_json(c) for c in v.get("changes", [])],
                    dict(v.get("documents", {})),
                    v.get("designated", ""),
                )
                for v in data["versions"]
            ]
            labels = [v.version for v in versions] + [d.version for d in documents]
            bad = [label for label in labels if not looks_like_version(str(label))]
            if bad:
                raise ValueError(f"'{bad[0]}' is not a version label")
            for v in versions:
                dt.date.fromisoformat(v.effective)
        except (ValueError, KeyError, TypeError, RecursionError) as exc:  # nested too deep
            raise MalformedRegister(
                f"{path} is not a valid register: {exc}",
                "restore it from git (git checkout -- register.json)",
                path=path,
            ) from None
        return cls(documents, versions)
