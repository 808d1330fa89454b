"""Three-way merge of document text with git's own ``git merge-file``."""

from __future__ import annotations

import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

from sectool.errors import GitFailure


@dataclass
class MergeResult:
    text: str | None
    conflicts: int

    @property
    def clean(self) -> bool:
        return self.conflicts == 0


def merge_text(
    base: str | None,
    ours: str | None,
    theirs: str | None,
    labels: tuple[str, str, str] = ("ours", "base", "theirs"),
) -> MergeResult:
    """Merge ``theirs`` (base + a change set) onto ``ours`` (the later text) from ``base``.

    Added and removed files are handled here: git merge-file only knows about text.
    """
    if theirs == base:
        return MergeResult(ours or "", 0) if ours is not None else MergeResult("", 0)
    if ours == base:
        return MergeResult(theirs or "", 0)
    if ours == theirs:
        return MergeResult(ours or "", 0)
    if base is None or ours is None or theirs is None:
        # One side adds or removes the whole document while the other changes it.
        return MergeResult(ours or theirs or "", 1)
    with tempfile.TemporaryDirectory(prefix="sectool-merge-") as tmp:
        files = []
        for name, text in (("ours", ours), ("base", base), ("theirs", theirs)):
            path = Path(tmp) / name
            path.write_bytes(text.encode("utf-8"))
            files.append(str(path))
        proc = subprocess.run(
            ["git", "merge-file", "-p", "-L", labels[0], "-L", labels[1], "-L", labels[2], *files],
            capture_output=True,
        )
    if proc.returncode < 0 or proc.returncode > 127:
        raise GitFailure(
            f"git merge-file failed: {proc.stderr.decode(errors='replace')}",
            "check that git is installed and working",
        )
    return MergeResult(proc.stdout.decode("utf-8"), proc.returncode)


def has_conflict_markers(text: str) -> bool:
    lines = text.split("\n")  # as git cuts lines: conflict markers start a real line
    return any(line.startswith("<<<<<<< ") for line in lines) and any(
        line.startswith(">>>>>>> ") for line in lines
    )
