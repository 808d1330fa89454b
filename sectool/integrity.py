"""Designation integrity: the rules that keep a designated version equal to its base version plus
the approved change sets named in it.

The rules are shared by ``designate`` (which refuses on the first one broken) and ``check``
(which reports them as findings, so CI catches them on the pull request):

- legal text and the Document Log change only through designation (:func:`edited_outside`);
- every designated version is in the history of the branch being designated on
  (:func:`lost_designations`);
- a change set's history supports its state (:func:`lifecycle_problem`);
- legal text and titles hold no control characters (:func:`control_character`).
"""

from __future__ import annotations

import datetime as dt
import re

from sectool.model import DocId, Finding, Severity
from sectool.records import record_from_tag
from sectool.register import REGISTER, Register
from sectool.tree import LEGAL_FOLDERS, Tree, decode

DESIGNATORS = ".sectool/designators"  # who may designate (see sectool.signing)
# The control characters (Unicode category Cc: U+0000-U+001F and U+007F-U+009F), searched
# for by one regular expression: a whole code base is read at every designation. Tab and
# line breaks are text; a form feed is a page break, kept as a line break.
# A title is one line, so it also refuses the line and paragraph separators U+2028 and U+2029
# (U+0085 is Cc): Markdown readers break lines there, and a title could fake a heading in
# CHANGELOG.md. Both refuse the noncharacters U+FFFE and U+FFFF, which XML, and so a Word
# redline or export, cannot hold: they would come back from Word as U+FFFD.
_CONTROLS = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029\ufffe\uffff]")
_CONTROLS_BUT_BREAKS = re.compile("[\x00-\x08\x0b\x0e-\x1f\x7f-\x9f\ufffe\uffff]")


def control_character(text: str, allow_breaks: bool = True) -> tuple[int, str] | None:
    """The first control character in ``text`` as (line number from 1, "U+000B"), or None.

    ``allow_breaks`` allows tab, CR, LF and form feed (legal text); titles allow none, nor the
    separators U+2028 and U+2029. Both refuse U+FFFE and U+FFFF (not characters XML holds).
    """
    m = (_CONTROLS_BUT_BREAKS if allow_breaks else _CONTROLS).search(text)
    if m is None:
        return None
    return text.count("\n", 0, m.start()) + 1, f"U+{ord(m.group()):04X}"


def _undo(tree: Tree, tag: str, path: str) -> str:
    """The git command that puts ``path`` back as the designated version ``tag`` has it."""
    if tree.store.read(tag, path) is None:  # new since: there is nothing to check out
        return f"`git rm {path}` (or delete it, if it is not committed)"
    return f"`git checkout {tag.removeprefix('refs/tags/')} -- {path}`"


def title_control_character(text: str) -> tuple[int, str] | None:
    """The first control character in a document's title (its first line: the Document Log
    and CHANGELOG.md print it) as (1, "U+2028"), or None."""
    found = control_character(text.partition("\n")[0].rstrip("\r"), allow_breaks=False)
    return (1, found[1]) if found else None


def lifecycle_problem(change) -> str | None:
    """Why ``change``'s history does not support its state, or None when it does.

    The history must start where registration starts (raised; approved for a direction), each
    step must be one the lifecycle allows from the one before, dates must be ISO dates that do
    not go back, and the last step must be the change set's state.
    """
    from sectool.changes.changeset import ChangeSet, State

    history = change.history
    if not history:
        return "its history is empty"
    first = history[0].state
    start = State.APPROVED if change.kind == "direction" else State.RAISED
    if first != start:
        return f"its history starts at {first}, not {start}"
    dates = []
    for step in history:
        try:
            dates.append(dt.date.fromisoformat(step.date))
        except ValueError:
            return f"its {step.state} step has no valid date"
    if dates != sorted(dates):
        return "its history goes back in time"
    walker = ChangeSet(change.id, change.title, change.kind, change.path, state=start)
    for step in history[1:]:
        state = step.state
        allowed = walker.allowed_next()
        if state is State.IMPLEMENTED and walker.state is State.APPROVED:
            allowed = (*allowed, State.IMPLEMENTED)
        if state not in allowed:
            return f"its history goes from {walker.state} to {state}, which the lifecycle forbids"
        walker.state = state
    if walker.state != change.state:
        return f"its history ends {walker.state}, not {change.state}"
    return None


def edited_outside(tree: Tree, rev: str | None = None) -> list[Finding]:
    """Legal text or Document Log at ``rev`` (None: the working tree) that differs from the
    latest designated version, which only a designation may change."""
    latest = tree.register.latest if rev is None else _register_at(tree, rev).latest
    if latest is None or tree.store.rev(f"refs/tags/{latest.tag}") is None:
        return []
    tag = f"refs/tags/{latest.tag}"
    watched = [*LEGAL_FOLDERS, REGISTER, DESIGNATORS]
    if rev is None:
        changed = set(tree.store.changed_in_worktree(tag, watched))
    else:
        changed = set(tree.store.changed_between(tag, rev, watched))
    out = []
    for path in sorted(changed):
        if path == REGISTER:
            if not _log_changed(tree, tag, rev):
                continue
            what = "the Document Log in register.json"
        elif path == DESIGNATORS:
            what = f"the designators file {DESIGNATORS}"
        else:
            doc = DocId.from_path(path)
            what = str(doc) if doc else path
        out.append(
            Finding(
                "integrity.edited-outside-designation",
                Severity.ERROR,
                f"{what} differs from SEC {latest.version} without a designation",
                f"record the edit as a change set (`sectool mod new ID --title ...`, then "
                f"`sectool mod record ID`), or undo it with {_undo(tree, tag, path)}",
                path=path,
            )
        )
    return out


def _register_at(tree: Tree, rev: str) -> Register:
    data = tree.store.read(rev, REGISTER)
    return Register.loads(decode(data, REGISTER)) if data else tree.register


def _log_changed(tree: Tree, tag: str, rev: str | None) -> bool:
    """Whether the documents or the designated versions in the register differ from ``tag``'s."""
    then = _register_at(tree, tag)
    now = tree.register if rev is None else _register_at(tree, rev)

    def log(register: Register) -> tuple:
        docs = sorted((str(e.doc_id), e.version, e.title) for e in register.documents)
        return docs, [v.as_json() for v in register.versions]

    return log(then) != log(now)


def lost_designations(tree: Tree, rev: str = "HEAD") -> list[Finding]:
    """Designation tags (annotated, carrying a designation record) that ``rev`` does not
    descend from: designating there would silently drop their changes."""
    out = []
    for name, tag in sorted(tree.store.tags("sec/").items()):
        if record_from_tag(tag.message) is None:
            continue
        if not tree.store.is_ancestor(tag.commit, rev):
            version = name.removeprefix("sec/")
            out.append(
                Finding(
                    "integrity.lost-designation",
                    Severity.ERROR,
                    f"SEC {version} (tag {name}) is not in the history of {rev}",
                    f"bring it in (`git merge {name}`) or switch to the branch that holds it",
                )
            )
    return out


def content_findings(tree: Tree, texts: dict[DocId, str], changes) -> list[Finding]:
    """Control characters in documents' text and in change sets' titles."""
    out = []
    for doc_id, text in sorted(texts.items()):
        found = control_character(text) or title_control_character(text)
        if found:
            out.append(
                Finding(
                    "integrity.control-character",
                    Severity.ERROR,
                    f"{doc_id.path} holds the control character {found[1]}",
                    "delete it (often pasted from Word); legal text allows tabs and line breaks",
                    path=doc_id.path,
                    line=found[0],
                )
            )
    for change in changes:
        found = control_character(change.title, allow_breaks=False)
        if found:
            out.append(
                Finding(
                    "integrity.control-character",
                    Severity.ERROR,
                    f"{change.id}'s title holds the control character {found[1]}",
                    f"retitle it with `sectool mod edit {change.id}`",
                    path=change.manifest_path,
                )
            )
    return out
