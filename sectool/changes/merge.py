"""Three-way merge of document text with git's own ``git merge-file`` (run by the store)."""

from __future__ import annotations

from dataclasses import dataclass

from sectool.store import merge_file


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
    text, conflicts = merge_file(base, ours, theirs, labels)
    return MergeResult(text, conflicts)


def has_conflict_markers(text: str) -> bool:
    lines = text.split("\n")  # as git cuts lines: conflict markers start a real line
    return any(line.startswith("<<<<<<< ") for line in lines) and any(
        line.startswith(">>>>>>> ") for line in lines
    )
