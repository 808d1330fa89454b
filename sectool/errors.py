"""One exception family for every user-facing failure.

Each error has a stable kebab-case ``code``, a message, a hint that says what to do next,
and optionally where it applies. The CLI boundary maps ``exit_code`` to the process exit status.
"""

from __future__ import annotations

from enum import IntEnum


class ExitStatus(IntEnum):
    """Documented process exit codes (the README's table is generated from the same meaning)."""

    OK = 0
    FINDINGS = 1  # the command ran and found something (conflicts, check findings, tampering)
    USAGE = 2  # bad arguments or options
    NOT_FOUND = 3  # unknown document, clause, version, change set
    INVALID = 4  # malformed input: a document, manifest, patch or date
    CONFLICT = 5  # a change set does not apply or conflicts; nothing was written
    STATE = 6  # the repository is not in a state that allows this (dirty tree, lock, no tree)
    UNAVAILABLE = 69  # a program sectool needs (LibreOffice, for PDF) is missing, failed or hung
    INTERNAL = 70  # a bug: please report it


class SectoolError(Exception):
    """A user-facing failure with a stable code and a hint."""

    code = "error"
    exit_code = ExitStatus.INVALID

    def __init__(
        self,
        message: str,
        hint: str = "",
        *,
        path: str | None = None,
        line: int | None = None,
        clause: str | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint
        self.path = path
        self.line = line
        self.clause = clause

    def where(self) -> str:
        """``file:line`` (or just the file) where the error applies, if known."""
        if self.path and self.line:
            return f"{self.path}:{self.line}"
        return self.path or ""


def _error(name: str, code: str, exit_code: ExitStatus, doc: str) -> type[SectoolError]:
    cls = type(name, (SectoolError,), {"code": code, "exit_code": exit_code, "__doc__": doc})
    return cls


NotATree = _error("NotATree", "not-a-tree", ExitStatus.STATE, "No SEC tree here or above.")
TreeExists = _error("TreeExists", "tree-exists", ExitStatus.STATE, "The target already exists.")
UnknownReference = _error(
    "UnknownReference", "unknown-reference", ExitStatus.NOT_FOUND, "No such document or clause."
)
AmbiguousReference = _error(
    "AmbiguousReference", "ambiguous-reference", ExitStatus.USAGE, "A reference fits several."
)
BadReference = _error("BadReference", "bad-reference", ExitStatus.USAGE, "Unparseable reference.")
MalformedDocument = _error(
    "MalformedDocument", "malformed-document", ExitStatus.INVALID, "A document does not parse."
)
MalformedRegister = _error(
    "MalformedRegister", "malformed-register", ExitStatus.INVALID, "register.json is invalid."
)
UnknownVersion = _error("UnknownVersion", "unknown-version", ExitStatus.NOT_FOUND, "No version.")
BadVersion = _error("BadVersion", "bad-version", ExitStatus.USAGE, "Not a version label.")
BadDate = _error("BadDate", "bad-date", ExitStatus.USAGE, "Not an ISO date.")
UnknownChange = _error("UnknownChange", "unknown-change", ExitStatus.NOT_FOUND, "No change set.")
DuplicateChange = _error("DuplicateChange", "duplicate-change", ExitStatus.STATE, "Id in use.")
MalformedChange = _error(
    "MalformedChange", "malformed-change", ExitStatus.INVALID, "A change set is invalid."
)
BadPatch = _error("BadPatch", "bad-patch", ExitStatus.INVALID, "A patch cannot be used.")
PatchMismatch = _error(
    "PatchMismatch", "patch-mismatch", ExitStatus.CONFLICT, "A patch does not fit its base."
)
MergeConflict = _error("MergeConflict", "merge-conflict", ExitStatus.CONFLICT, "Edits overlap.")
BadTransition = _error(
    "BadTransition", "bad-transition", ExitStatus.STATE, "Lifecycle does not allow this."
)
NothingToDo = _error("NothingToDo", "nothing-to-do", ExitStatus.STATE, "No change to act on.")
DirtyTree = _error("DirtyTree", "dirty-tree", ExitStatus.STATE, "Uncommitted changes.")
Locked = _error("Locked", "locked", ExitStatus.STATE, "Another sectool run holds the lock.")
DesignationRefused = _error(
    "DesignationRefused", "designation-refused", ExitStatus.STATE, "Designation not allowed."
)
GitFailure = _error("GitFailure", "git-failed", ExitStatus.STATE, "A git command failed.")
OutputError = _error(
    "OutputError", "bad-output", ExitStatus.INVALID, "An output path cannot be written as asked."
)
EditedOutsideDesignation = _error(
    "EditedOutsideDesignation",
    "edited-outside-designation",
    ExitStatus.STATE,
    "Legal text or the Document Log changed without a designation.",
)
LostDesignation = _error(
    "LostDesignation",
    "lost-designation",
    ExitStatus.STATE,
    "A designated version is missing from the branch's history.",
)
UnsupportedState = _error(
    "UnsupportedState",
    "unsupported-state",
    ExitStatus.STATE,
    "A change set's history does not support its state.",
)
BadDocVersion = _error(
    "BadDocVersion", "bad-doc-version", ExitStatus.USAGE, "A document version does not increase."
)
ControlCharacter = _error(
    "ControlCharacter", "control-character", ExitStatus.INVALID, "Text holds a control character."
)
CheckFailed = _error(
    "CheckFailed", "check-failed", ExitStatus.FINDINGS, "The designated text would fail check."
)
BadWordFile = _error(
    "BadWordFile", "bad-docx", ExitStatus.INVALID, "A Word file cannot be read safely."
)
TrackedChanges = _error(
    "TrackedChanges",
    "tracked-changes",
    ExitStatus.USAGE,
    "A Word file has tracked changes and no view was chosen.",
)
RedlineMismatch = _error(
    "RedlineMismatch",
    "redline-mismatch",
    ExitStatus.CONFLICT,
    "A Word redline's original text is not the change set's base.",
)
BadTimeout = _error("BadTimeout", "bad-timeout", ExitStatus.USAGE, "Not a number of seconds.")
ConverterMissing = _error(
    "ConverterMissing",
    "libreoffice-missing",
    ExitStatus.UNAVAILABLE,
    "LibreOffice, which PDF output needs, is not installed.",
)
ConversionFailed = _error(
    "ConversionFailed", "pdf-failed", ExitStatus.UNAVAILABLE, "LibreOffice made no PDF."
)
ConversionTimedOut = _error(
    "ConversionTimedOut",
    "pdf-timeout",
    ExitStatus.UNAVAILABLE,
    "LibreOffice did not finish in time, and was stopped.",
)
Interrupted = _error(
    "Interrupted",
    "interrupted-write",
    ExitStatus.STATE,
    "An interrupted sectool write cannot be finished or undone safely.",
)
SigningFailed = _error(
    "SigningFailed", "signing-failed", ExitStatus.STATE, "git's signing set-up could not sign."
)
UnauthorisedDesignation = _error(
    "UnauthorisedDesignation",
    "unauthorised-designation",
    ExitStatus.STATE,
    "The designation is not signed by a listed designator.",
)
BadDesignators = _error(
    "BadDesignators",
    "bad-designators",
    ExitStatus.INVALID,
    "A designators file is not in git's allowed-signers format.",
)
