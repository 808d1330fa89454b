"""The change set record: manifest, lifecycle, and where its files live in the tree.

``modifications/<ID>/change.json`` holds the record; ``modifications/<ID>/<document path>.diff``
holds one git-format unified diff per document, from the base version's text.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from sectool.errors import BadTransition, MalformedChange
from sectool.model import DocId, looks_like_date, looks_like_version

FOLDER = "modifications"
MANIFEST = "change.json"
_ID = re.compile(r"[A-Za-z0-9](?:[A-Za-z0-9.-]{0,62}[A-Za-z0-9])?")

MODIFICATION_PATHS = ("1", "2", "3", "fast-track", "urgent")
DIRECTION_PATHS = ("designation", "re-designation", "variation")
KINDS = ("modification", "direction")


class State(StrEnum):
    """A change set's place in the Section D lifecycle; the value is the word change.json holds."""

    RAISED = "raised"
    INITIAL_REPORT = "initial-report"
    REFINEMENT = "refinement"
    REPORT_PHASE = "report-phase"
    CONSULTATION = "consultation"
    CHANGE_BOARD = "change-board"
    APPROVED = "approved"
    REJECTED = "rejected"
    WITHDRAWN = "withdrawn"
    IMPLEMENTED = "implemented"

    @classmethod
    def parse(cls, text: object) -> State | None:
        """The state named by ``text``, or None when it names none."""
        return next((state for state in cls if state.value == text), None)


STATES: tuple[State, ...] = tuple(State)
PENDING = STATES[: STATES.index(State.APPROVED) + 1]  # every state before a final one

# The Section D lifecycle: where a proposal may go next. "implemented" is set by designation.
_NEXT: dict[State, tuple[State, ...]] = {
    State.RAISED: (State.INITIAL_REPORT, State.WITHDRAWN),
    State.INITIAL_REPORT: (State.REFINEMENT, State.REPORT_PHASE, State.RAISED, State.WITHDRAWN),
    State.REFINEMENT: (State.REPORT_PHASE, State.INITIAL_REPORT, State.WITHDRAWN),
    State.REPORT_PHASE: (State.CONSULTATION, State.REFINEMENT, State.WITHDRAWN),
    State.CONSULTATION: (State.CHANGE_BOARD, State.REPORT_PHASE, State.WITHDRAWN),
    State.CHANGE_BOARD: (State.APPROVED, State.REJECTED, State.REPORT_PHASE, State.WITHDRAWN),
    State.APPROVED: (State.WITHDRAWN,),
    State.REJECTED: (),
    State.WITHDRAWN: (),
    State.IMPLEMENTED: (),
}
_SHORTCUTS: dict[str, dict[State, tuple[State, ...]]] = {
    "fast-track": {State.RAISED: (State.APPROVED,), State.INITIAL_REPORT: (State.APPROVED,)},
    "urgent": {
        State.RAISED: (State.REPORT_PHASE, State.CONSULTATION),
        State.INITIAL_REPORT: (State.CONSULTATION,),
    },
}


def valid_id(change_id: str) -> bool:
    return bool(_ID.fullmatch(change_id)) and ".." not in change_id


def check_id(change_id: str) -> str:
    if not valid_id(change_id):
        raise MalformedChange(
            f"'{change_id}' is not a valid change set id",
            "use letters, digits, dots and hyphens, e.g. SECMP0035, MP102A, DP012, SoS-2017-07",
        )
    return change_id


def today() -> str:
    return dt.date.today().isoformat()


@dataclass(frozen=True)
class HistoryStep:
    """One step of a change set's lifecycle: the state reached, on a YYYY-MM-DD date."""

    state: State
    date: str
    note: str | None = None  # None: change.json's step has no "note"

    def to_json(self) -> dict[str, str]:
        """The step as change.json holds it: state, date and (when there is one) note."""
        out = {"state": str(self.state), "date": self.date}
        if self.note is not None:
            out["note"] = self.note
        return out


def _history(raw: list[Any]) -> tuple[list[HistoryStep], list[str]]:
    """change.json's history steps as records, and what is wrong with those that are not."""
    steps: list[HistoryStep] = []
    problems: list[str] = []
    for number, step in enumerate(raw, 1):
        state = State.parse(step.get("state")) if isinstance(step, dict) else None
        if state is None:
            problems.append(f"history step {number} has no lifecycle state")
        elif not looks_like_date(str(step.get("date", ""))):
            problems.append(f"history step {number} ({state}) has no YYYY-MM-DD date")
        else:
            note = step.get("note")
            steps.append(HistoryStep(state, step["date"], note))
    return steps, problems


@dataclass
class DocChange:
    """What a change set does to one document."""

    doc_id: DocId
    op: str  # edit | add | remove
    version: str | None = None  # the document version the change set sets, if it sets one

    def as_json(self) -> dict:
        out = {"op": self.op}
        if self.version:
            out["version"] = self.version
        return out


@dataclass
class ChangeSet:
    """A modification or direction, its lifecycle and the documents it changes."""

    id: str
    title: str
    kind: str = "modification"
    path: str = "2"
    base: str | None = None
    state: State = State.RAISED
    history: list[HistoryStep] = field(default_factory=list)
    documents: dict[DocId, DocChange] = field(default_factory=dict)
    implemented_in: str | None = None
    # where recorded text came from when it was not typed here: one entry per Word redline
    # (document, file, sha256, and the Word revisions' authors and dates)
    provenance: list[dict] = field(default_factory=list)

    @property
    def folder(self) -> str:
        return f"{FOLDER}/{self.id}"

    @property
    def manifest_path(self) -> str:
        return f"{self.folder}/{MANIFEST}"

    def diff_path(self, doc_id: DocId) -> str:
        return f"{self.folder}/{doc_id.path}.diff"

    @property
    def pending(self) -> bool:
        return self.state in PENDING

    def allowed_next(self) -> tuple[State, ...]:
        extra = _SHORTCUTS.get(self.path, {}).get(self.state, ())
        return tuple(dict.fromkeys(_NEXT[self.state] + extra))

    def advance(self, name: str, date: str, note: str = "") -> None:
        """Move along the lifecycle, or refuse with the states that are allowed.

        ``name`` is a state's word (``State`` members are such words); ``date`` is YYYY-MM-DD.
        Raises BadTransition for an unknown state, a move the lifecycle forbids, or a date
        before the last step's.
        """
        state = State.parse(name)
        if state is None:
            raise BadTransition(
                f"'{name}' is not a lifecycle state", "states: " + ", ".join(STATES)
            )
        if state is State.IMPLEMENTED:
            raise BadTransition(
                f"{self.id} can only become implemented by designation",
                f"run `sectool designate VERSION --change {self.id}`",
            )
        allowed = self.allowed_next()
        if state not in allowed:
            raise BadTransition(
                f"{self.id} cannot go from {self.state} to {state}",
                ("allowed next: " + ", ".join(allowed)) if allowed else f"{self.state} is final",
            )
        if self.history and date < self.history[-1].date:
            raise BadTransition(
                f"{date} is before {self.id}'s last step ({self.history[-1].date})",
                "give a date on or after the last step, with --date",
            )
        self.state = state
        self.history.append(HistoryStep(state, date, note))

    def approved_on(self) -> str:
        dates = [h.date for h in self.history if h.state is State.APPROVED]
        return dates[-1] if dates else ""

    def dumps(self) -> str:
        data = {
            "id": self.id,
            "title": self.title,
            "kind": self.kind,
            "path": self.path,
            "base": self.base,
            "state": self.state,
            "implemented_in": self.implemented_in,
            "documents": {str(d): c.as_json() for d, c in sorted(self.documents.items())},
            "history": [step.to_json() for step in self.history],
        }
        if self.provenance:
            data["provenance"] = self.provenance
        return json.dumps(data, indent=2, ensure_ascii=False) + "\n"

    def as_json(self) -> dict:
        data = json.loads(self.dumps())
        data["documents"] = [str(d) for d in sorted(self.documents)]
        data["document_changes"] = {str(d): c.as_json() for d, c in sorted(self.documents.items())}
        return data

    @classmethod
    def loads(cls, text: str, path: str) -> ChangeSet:
        try:
            data = json.loads(text)
            state = State.parse(data["state"])
            history, history_problems = _history(list(data.get("history", [])))
            change = cls(
                id=check_id(data["id"]),
                title=str(data["title"]),
                kind=data["kind"],
                path=str(data["path"]),
                base=data.get("base"),
                state=state or State.RAISED,
                history=history,
                implemented_in=data.get("implemented_in"),
                provenance=list(data.get("provenance", [])),
            )
            for name, spec in data.get("documents", {}).items():
                doc_id = DocId.parse(name)
                change.documents[doc_id] = DocChange(doc_id, spec["op"], spec.get("version"))
        except MalformedChange as exc:
            exc.path = path
            raise
        except Exception as exc:  # noqa: BLE001 - any shape error is a malformed manifest
            raise MalformedChange(
                f"{path} is not a valid change set manifest: {exc}",
                "fix the JSON, or restore it with git checkout",
                path=path,
            ) from None
        _validate(change, path, None if state else data["state"], history_problems)
        return change


def _is_label(value: object) -> bool:
    """A version label: a string (5.10 as a JSON number would read as 5.1) that looks like one."""
    return isinstance(value, str) and looks_like_version(value)


def _validate(
    change: ChangeSet, path: str, unknown_state: object = None, history: list[str] | None = None
) -> None:
    problems = []
    if path.split("/")[-2:-1] and path.split("/")[-2] != change.id:
        problems.append(f"its id {change.id} does not match its folder")
    if change.kind not in KINDS:
        problems.append(f"kind '{change.kind}' is not one of {', '.join(KINDS)}")
    paths = DIRECTION_PATHS if change.kind == "direction" else MODIFICATION_PATHS
    if change.path not in paths:
        problems.append(f"path '{change.path}' is not one of {', '.join(paths)}")
    if unknown_state is not None:
        problems.append(f"state '{unknown_state}' is not one of {', '.join(STATES)}")
    if change.base is not None and not _is_label(change.base):
        problems.append(f"base '{change.base}' is not a version label (a string)")
    problems += history or []
    for doc in change.documents.values():
        if doc.op not in ("edit", "add", "remove"):
            problems.append(f"{doc.doc_id}: op '{doc.op}' is not edit, add or remove")
        if doc.version is not None and not _is_label(doc.version):
            problems.append(f"{doc.doc_id}: version '{doc.version}' is not a version label")
    if problems:
        raise MalformedChange(
            f"{path}: " + "; ".join(problems),
            "fix the manifest; `sectool mod new --help` lists the values",
            path=path,
        )
