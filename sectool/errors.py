"""One exception family for every user-facing failure.

Each error has a stable kebab-case ``code``, a message, a hint that says what to do next,
and optionally where it applies. The CLI boundary maps ``exit_code`` to the process exit status.
"""

from __future__ import annotations

from enum import IntEnum


class ExitStatus(IntEnum):
    """Documented process exit codes (tests/test_errors.py checks the README's table)."""

    OK = 0
    FINDINGS = 1  # the command ran and found something (conflicts, check findings, tampering)
    USAGE = 2  # bad arguments or options
    NOT_FOUND = 3  # unknown document, clause, version, change set
    INVALID = 4  # malformed input: a document, manifest, patch or date
    CONFLICT = 5  # a change set does not apply or conflicts; nothing was written
    STATE = 6  # the repository is not in a state that allows this (dirty tree, lock, no tree)
    UNAVAILABLE = 69  # a program sectool needs (LibreOffice, for PDF) is missing, failed or hung
    INTERNAL = 70  # a bug: please report it
    INTERRUPTED = 130  # stopped by Ctrl-C (SIGINT) or a closed output pipe; nothing half-written


# Codes the CLI boundary gives to failures that are not SectoolErrors: code -> (exit, meaning).
BOUNDARY_CODES = {
    "usage": (ExitStatus.USAGE, "A bad option or argument (click's usage errors)."),
    "file-system": (ExitStatus.STATE, "The file system refused a read or write."),
    "internal": (ExitStatus.INTERNAL, "A bug in sectool."),
}


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


class NotATree(SectoolError):
    """No SEC tree here or above."""

    code = "not-a-tree"
    exit_code = ExitStatus.STATE


class TreeExists(SectoolError):
    """The target already exists."""

    code = "tree-exists"
    exit_code = ExitStatus.STATE


class UnknownReference(SectoolError):
    """No such document or clause."""

    code = "unknown-reference"
    exit_code = ExitStatus.NOT_FOUND


class AmbiguousReference(SectoolError):
    """A reference fits several."""

    code = "ambiguous-reference"
    exit_code = ExitStatus.USAGE


class BadReference(SectoolError):
    """Unparseable reference."""

    code = "bad-reference"
    exit_code = ExitStatus.USAGE


class MalformedDocument(SectoolError):
    """A document does not parse."""

    code = "malformed-document"
    exit_code = ExitStatus.INVALID


class MalformedRegister(SectoolError):
    """register.json is invalid."""

    code = "malformed-register"
    exit_code = ExitStatus.INVALID


class UnknownVersion(SectoolError):
    """No version."""

    code = "unknown-version"
    exit_code = ExitStatus.NOT_FOUND


class BadVersion(SectoolError):
    """Not a version label."""

    code = "bad-version"
    exit_code = ExitStatus.USAGE


class BadDate(SectoolError):
    """Not an ISO date."""

    code = "bad-date"
    exit_code = ExitStatus.USAGE


class UnknownChange(SectoolError):
    """No change set."""

    code = "unknown-change"
    exit_code = ExitStatus.NOT_FOUND


class DuplicateChange(SectoolError):
    """Id in use."""

    code = "duplicate-change"
    exit_code = ExitStatus.STATE


class MalformedChange(SectoolError):
    """A change set is invalid."""

    code = "malformed-change"
    exit_code = ExitStatus.INVALID


class BadPatch(SectoolError):
    """A patch cannot be used."""

    code = "bad-patch"
    exit_code = ExitStatus.INVALID


class PatchMismatch(SectoolError):
    """A patch does not fit its base."""

    code = "patch-mismatch"
    exit_code = ExitStatus.CONFLICT


class MergeConflict(SectoolError):
    """Edits overlap."""

    code = "merge-conflict"
    exit_code = ExitStatus.CONFLICT


class BadTransition(SectoolError):
    """Lifecycle does not allow this."""

    code = "bad-transition"
    exit_code = ExitStatus.STATE


class NothingToDo(SectoolError):
    """No change to act on."""

    code = "nothing-to-do"
    exit_code = ExitStatus.STATE


class DirtyTree(SectoolError):
    """Uncommitted changes."""

    code = "dirty-tree"
    exit_code = ExitStatus.STATE


class Locked(SectoolError):
    """Another sectool run holds the lock."""

    code = "locked"
    exit_code = ExitStatus.STATE


class DesignationRefused(SectoolError):
    """Designation not allowed."""

    code = "designation-refused"
    exit_code = ExitStatus.STATE


class GitFailure(SectoolError):
    """A git command failed."""

    code = "git-failed"
    exit_code = ExitStatus.STATE


class OutputError(SectoolError):
    """An output path cannot be written as asked."""

    code = "bad-output"
    exit_code = ExitStatus.INVALID


class EditedOutsideDesignation(SectoolError):
    """Legal text or the Document Log changed without a designation."""

    code = "edited-outside-designation"
    exit_code = ExitStatus.STATE


class LostDesignation(SectoolError):
    """A designated version is missing from the branch's history."""

    code = "lost-designation"
    exit_code = ExitStatus.STATE


class UnsupportedState(SectoolError):
    """A change set's history does not support its state."""

    code = "unsupported-state"
    exit_code = ExitStatus.STATE


class BadDocVersion(SectoolError):
    """A document version is malformed or does not increase."""

    code = "bad-doc-version"
    exit_code = ExitStatus.USAGE


class ControlCharacter(SectoolError):
    """Text holds a control character."""

    code = "control-character"
    exit_code = ExitStatus.INVALID


class CheckFailed(SectoolError):
    """The designated text would fail check."""

    code = "check-failed"
    exit_code = ExitStatus.FINDINGS


class BadWordFile(SectoolError):
    """A Word file cannot be read safely."""

    code = "bad-docx"
    exit_code = ExitStatus.INVALID


class TrackedChanges(SectoolError):
    """A Word file has tracked changes and no view was chosen."""

    code = "tracked-changes"
    exit_code = ExitStatus.USAGE


class RedlineMismatch(SectoolError):
    """A Word redline's original text is not the change set's base."""

    code = "redline-mismatch"
    exit_code = ExitStatus.CONFLICT


class BadTimeout(SectoolError):
    """Not a number of seconds."""

    code = "bad-timeout"
    exit_code = ExitStatus.USAGE


class ConverterMissing(SectoolError):
    """LibreOffice, which PDF output needs, is not installed."""

    code = "libreoffice-missing"
    exit_code = ExitStatus.UNAVAILABLE


class ConversionFailed(SectoolError):
    """LibreOffice made no PDF."""

    code = "pdf-failed"
    exit_code = ExitStatus.UNAVAILABLE


class ConversionTimedOut(SectoolError):
    """LibreOffice did not finish in time, and was stopped."""

    code = "pdf-timeout"
    exit_code = ExitStatus.UNAVAILABLE


class Interrupted(SectoolError):
    """An interrupted sectool write cannot be finished or undone safely."""

    code = "interrupted-write"
    exit_code = ExitStatus.STATE


class SigningFailed(SectoolError):
    """git's signing set-up could not sign."""

    code = "signing-failed"
    exit_code = ExitStatus.STATE


class UnauthorisedDesignation(SectoolError):
    """The designation is not signed by a listed designator."""

    code = "unauthorised-designation"
    exit_code = ExitStatus.STATE


class BadDesignators(SectoolError):
    """A designators file is not in git's allowed-signers format."""

    code = "bad-designators"
    exit_code = ExitStatus.INVALID
