"""Unified diffs in git's format: written per document, parsed strictly, applied exactly.

A change set stores one diff per document (``--- a/appendices/B.md``). Applying a diff to the
base text it was made from is exact: every context and removed line must match, or the patch
is refused. Merging onto a later text is the job of :mod:`sectool.changes.merge`.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterator
from dataclasses import dataclass, field

from sectool.diff import DELETE, EQUAL, diff_sequences
from sectool.errors import BadPatch, PatchMismatch
from sectool.model import DocId

NO_NEWLINE = "\\ No newline at end of file"
_HUNK = re.compile(r"@@ -(\d+)(?:,(\d+))? \+(\d+)(?:,(\d+))? @@.*")


@dataclass
class FilePatch:
    """The diff of one document: ``old_path``/``new_path`` are None for /dev/null."""

    old_path: str | None
    new_path: str | None
    hunks: list[tuple[int, int, int, int, list[str]]] = field(default_factory=list)
    line: int = 1  # where it starts in the patch file

    @property
    def path(self) -> str:
        return self.new_path or self.old_path or ""


def make_diff(path: str, old: str | None, new: str | None, context: int = 3) -> str:
    """A git-style unified diff from ``old`` to ``new`` (None: the file does not exist)."""
    a = split_lines(old or "")
    b = split_lines(new or "")
    head = [f"diff --git a/{path} b/{path}"]
    # git's blob ids let `git apply --3way` find the base text in the repository
    ids = f"index {blob_id(old)}..{blob_id(new)}"
    if old is None:
        head += ["new file mode 100644", ids, "--- /dev/null", f"+++ b/{path}"]
    elif new is None:
        head += ["deleted file mode 100644", ids, f"--- a/{path}", "+++ /dev/null"]
    else:
        head += [ids + " 100644", f"--- a/{path}", f"+++ b/{path}"]
    body: list[str] = []
    for group in _grouped(_opcodes(a, b), context):
        i1, i2, j1, j2 = group[0][1], group[-1][2], group[0][3], group[-1][4]
        body.append(f"@@ -{_range(i1, i2 - i1)} +{_range(j1, j2 - j1)} @@")
        for tag, x1, x2, y1, y2 in group:
            if tag == "equal":
                body += _lines(" ", a[x1:x2])
                continue
            body += _lines("-", a[x1:x2])
            body += _lines("+", b[y1:y2])
    return "\n".join(head + body) + "\n"


def split_lines(text: str) -> list[str]:
    """``text`` cut into lines as git cuts them: after each ``\\n`` only, ends kept.

    ``str.splitlines`` also cuts at form feeds, vertical tabs, lone CRs, U+0085, U+2028 and
    the like, which git keeps inside a line; a diff cut that way does not apply with git.
    """
    lines = text.split("\n")
    last = lines.pop()
    out = [line + "\n" for line in lines]
    if last:
        out.append(last)
    return out


Opcode = tuple[str, int, int, int, int]  # (tag, i1, i2, j1, j2), as difflib's get_opcodes


def _opcodes(a: list[str], b: list[str]) -> list[Opcode]:
    """Line-level edits from ``a`` to ``b``: tags equal, delete, insert or replace.

    The lines go to diff-match-patch (in C++ when installed), which runs in about linear time
    on a few edits to a long document: difflib's matcher was quadratic here, worse with the
    thousands of identical blank lines between paragraphs.
    """
    codes: list[Opcode] = []
    i = j = 0
    i0, j0 = i, j  # where the pending deletions and insertions began
    for op, count in diff_sequences(a, b):
        if op == EQUAL:
            _flush(codes, i0, i, j0, j)
            codes.append(("equal", i, i + count, j, j + count))
            i, j = i + count, j + count
            i0, j0 = i, j
        elif op == DELETE:
            i += count
        else:
            j += count
    _flush(codes, i0, i, j0, j)
    return codes


def _flush(codes: list[Opcode], i1: int, i2: int, j1: int, j2: int) -> None:
    if i1 < i2 or j1 < j2:
        tag = "replace" if i1 < i2 and j1 < j2 else "delete" if i1 < i2 else "insert"
        codes.append((tag, i1, i2, j1, j2))


def _grouped(codes: list[Opcode], context: int) -> Iterator[list[Opcode]]:
    """The edits in hunks, each with up to ``context`` equal lines on either side."""
    if not any(tag != "equal" for tag, *_ in codes):
        return
    tag, i1, i2, j1, j2 = codes[0]
    if tag == "equal":
        codes[0] = (tag, max(i1, i2 - context), i2, max(j1, j2 - context), j2)
    tag, i1, i2, j1, j2 = codes[-1]
    if tag == "equal":
        codes[-1] = (tag, i1, min(i2, i1 + context), j1, min(j2, j1 + context))
    group: list[Opcode] = []
    for tag, i1, i2, j1, j2 in codes:
        # a long run of equal lines ends one hunk and starts the next
        if tag == "equal" and i2 - i1 > 2 * context and group:
            group.append((tag, i1, min(i2, i1 + context), j1, min(j2, j1 + context)))
            yield group
            group = []
            i1, j1 = max(i1, i2 - context), max(j1, j2 - context)
        group.append((tag, i1, i2, j1, j2))
    if any(tag != "equal" for tag, *_ in group):
        yield group


def blob_id(text: str | None) -> str:
    """The id git gives a file with this text (all zeros for no file)."""
    if text is None:
        return "0" * 40
    data = text.encode("utf-8")
    return hashlib.sha1(b"blob %d\0" % len(data) + data).hexdigest()


def _range(start: int, length: int) -> str:
    first = start + 1 if length else start
    return f"{first}" if length == 1 else f"{first},{length}"


def _lines(prefix: str, lines: list[str]) -> list[str]:
    out = []
    for line in lines:
        if line.endswith("\n"):
            out.append(prefix + line[:-1])
        else:
            out += [prefix + line, NO_NEWLINE]
    return out


def parse_patch(text: str, source: str = "patch") -> list[FilePatch]:
    """Parse a (multi-file) unified diff; refuse binary patches, renames and unsafe paths.

    A patch saved with CRLF line endings (every line, headers too, ends in CR) is read as the
    patch git made; one whose headers end in CR but not all of its lines is refused.
    """
    lines = text.split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    lines = _undo_crlf(lines, source)
    patches: list[FilePatch] = []
    current: FilePatch | None = None
    i = 0
    while i < len(lines):
        line = lines[i]
        if line.startswith("GIT binary patch") or line.startswith("Binary files"):
            raise BadPatch(
                f"{source}:{i + 1}: binary patches cannot be recorded",
                "a SEC document is text; diff the text files instead",
            )
        if line.startswith(("rename from", "rename to", "copy from", "copy to")):
            raise BadPatch(
                f"{source}:{i + 1}: renames are not supported",
                "record the removal and the addition as two files",
            )
        if line.startswith("--- ") and i + 1 < len(lines) and lines[i + 1].startswith("+++ "):
            current = FilePatch(
                _path(line[4:], source, i + 1), _path(lines[i + 1][4:], source, i + 2), line=i + 1
            )
            patches.append(current)
            i += 2
            continue
        m = _HUNK.fullmatch(line)
        if m:
            if current is None:
                raise BadPatch(
                    f"{source}:{i + 1}: a hunk before any file header",
                    "the patch needs --- and +++ lines before each file's hunks",
                )
            i = _read_hunk(m, lines, i + 1, current, source)
            continue
        i += 1
    if not patches:
        raise BadPatch(
            f"{source} contains no file differences",
            "make the patch with `git diff` or `diff -u` from the tree root",
        )
    return patches


def _undo_crlf(lines: list[str], source: str) -> list[str]:
    """The lines of a patch saved with CRLF endings, each without the CR the saving added.

    git never writes a CR at the end of a header line, so one there means the file was saved
    with Windows line endings after git made it.
    """
    header = next(
        (
            line
            for i, line in enumerate(lines)
            if line.startswith("diff --git ")
            or (line.startswith("--- ") and i + 1 < len(lines) and lines[i + 1].startswith("+++ "))
        ),
        "",
    )  # the first file header: before any hunk, so never a line of the document
    if not header.endswith("\r"):
        return lines
    if all(line.endswith("\r") for line in lines):
        return [line[:-1] for line in lines]
    raise BadPatch(
        f"{source}: the patch mixes CRLF and LF line endings",
        "save the patch with the line endings git wrote (LF), or make it again with git diff",
    )


def _read_hunk(m: re.Match, lines: list[str], i: int, fp: FilePatch, source: str) -> int:
    old_start, new_start = int(m.group(1)), int(m.group(3))
    old_len = int(m.group(2)) if m.group(2) is not None else 1
    new_len = int(m.group(4)) if m.group(4) is not None else 1
    body: list[str] = []
    seen_old = seen_new = 0
    while i < len(lines) and (seen_old < old_len or seen_new < new_len):
        line = lines[i]
        tag = line[:1] if line else " "
        if tag not in " +-\\":
            break
        if tag == "\\":
            body.append(line)
            i += 1
            continue
        body.append(line if line else " ")
        seen_old += tag in " -"
        seen_new += tag in " +"
        i += 1
    while i < len(lines) and lines[i].startswith("\\"):
        body.append(lines[i])
        i += 1
    if seen_old != old_len or seen_new != new_len:
        raise BadPatch(
            f"{source}:{i}: a hunk of {fp.path} is shorter than its header says",
            "the patch was truncated or edited by hand; make it again",
        )
    fp.hunks.append((old_start, old_len, new_start, new_len, body))
    return i


def _path(raw: str, source: str, line: int) -> str | None:
    raw = raw.split("\t")[0].strip()
    if raw == "/dev/null":
        return None
    if raw.startswith(("a/", "b/")):
        raw = raw[2:]
    if raw.startswith("/") or ".." in raw.split("/"):
        raise BadPatch(
            f"{source}:{line}: path {raw} is outside the tree",
            "paths must be relative to the tree root, like appendices/B.md",
        )
    if DocId.from_path(raw) is None:
        raise BadPatch(
            f"{source}:{line}: {raw} is not a SEC document",
            "documents are sections/<Letter>.md, schedules/<N>.md, appendices/<Letters>.md",
        )
    return raw


def apply_patch(fp: FilePatch, base: str | None, source: str = "patch") -> str | None:
    """Apply one file's diff to the exact text it was made from."""
    if fp.old_path is None and base is not None:
        raise PatchMismatch(
            f"{source}: {fp.path} already exists in the base version",
            "diff against the base version, or edit the existing document",
        )
    if fp.old_path is not None and base is None:
        raise PatchMismatch(
            f"{source}: {fp.path} does not exist in the base version",
            "check the change set's base version (sectool mod show)",
        )
    old = split_lines(base or "")
    out: list[str] = []
    pos = 0
    for old_start, old_len, _new_start, _new_len, body in fp.hunks:
        start = old_start - 1 if old_len else old_start
        if start < pos:
            raise BadPatch(f"{source}: hunks of {fp.path} overlap", "make the patch again")
        out += old[pos:start]
        pos = start
        pos, added = _apply_hunk(body, old, pos, fp, source, old_start)
        out += added
    out += old[pos:]
    if fp.new_path is None:
        if out:
            raise PatchMismatch(
                f"{source}: deleting {fp.path} leaves text behind",
                "the base version has text this patch does not remove",
            )
        return None
    return "".join(out)


def _apply_hunk(body, old, pos, fp, source, old_start) -> tuple[int, list[str]]:
    added: list[str] = []
    last: list[str] | None = None  # the list the previous line went to (for "\ No newline")
    for line in body:
        tag, text = line[:1], line[1:]
        if tag == "\\":
            if last:
                last[-1] = last[-1][:-1] if last[-1].endswith("\n") else last[-1]
            continue
        if tag in " -":
            expected = old[pos] if pos < len(old) else None
            if expected is None or expected.rstrip("\n") != text:
                raise PatchMismatch(
                    f"{source}: {fp.path} line {pos + 1} does not match the patch "
                    f"(hunk @@ -{old_start})",
                    "the patch was made against different text; "
                    "make it against the change set's base version",
                )
            pos += 1
        if tag in " +":
            added.append(text + "\n")
            last = added
        else:
            last = None
    return pos, added
