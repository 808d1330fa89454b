"""How a designated version's record is written: CHANGELOG.md entries and tag messages."""

from __future__ import annotations

import json

from sectool.register import VersionRecord

CHANGELOG = "CHANGELOG.md"
CHANGELOG_HEAD = (
    "# Changelog of the Smart Energy Code\n\n"
    "Every designated version of the code, newest first. `sectool designate` writes each entry;\n"
    "do not edit them by hand.\n"
)
RECORD_MARK = "sectool-record: "


def document_lines(record: VersionRecord, previous: dict[str, str] | None) -> list[str]:
    """One line per document whose version changed (every document for a first version)."""
    lines = []
    earlier = previous or {}
    for doc, version in record.documents.items():
        before = earlier.get(doc)
        if previous is None:
            lines.append(f"- {doc} {version}")
        elif before is None:
            lines.append(f"- {doc}: new, {version}")
        elif before != version:
            lines.append(f"- {doc}: {before} -> {version}")
    for doc in sorted(set(earlier) - set(record.documents)):
        lines.append(f"- {doc}: removed (was {earlier[doc]})")
    return lines


def changelog_entry(record: VersionRecord, previous: dict[str, str] | None) -> str:
    """The Markdown entry for one version."""
    out = [f"## SEC {record.version} (effective {record.effective})", ""]
    out.append(
        f"Designated by {record.by}" + (f" on {record.designated}." if record.designated else ".")
    )
    out.append("")
    if record.changes:
        out.append("Change sets:")
        out.append("")
        out += [f"- {c.id}: {c.title}" for c in record.changes]
        out.append("")
    out.append("Documents:" if previous is not None else "Document Log:")
    out.append("")
    out += document_lines(record, previous) or ["- no document versions changed"]
    return "\n".join(out) + "\n"


def add_to_changelog(text: str | None, entry: str) -> str:
    """Insert an entry above the newest one, keeping the file's own heading."""
    if not text or not text.startswith("# "):
        return CHANGELOG_HEAD + "\n" + entry
    head, sep, rest = text.partition("\n## ")
    return head.rstrip("\n") + "\n\n" + entry + (("\n## " + rest) if sep else "")


def tag_message(record: VersionRecord, previous: dict[str, str] | None) -> str:
    """The annotated tag's message: the changelog entry plus the machine-readable record."""
    body = changelog_entry(record, previous).replace("## ", "", 1)
    return body + "\n" + RECORD_MARK + json.dumps(record.as_json(), sort_keys=True) + "\n"


def record_from_tag(message: str) -> dict | None:
    for line in message.splitlines():
        if line.startswith(RECORD_MARK):
            try:
                return json.loads(line[len(RECORD_MARK) :])
            except ValueError:
                return None
    return None
