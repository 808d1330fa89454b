"""The code through time: designated versions, a document's or clause's history, integrity."""

from __future__ import annotations

import json
from dataclasses import dataclass

from sectool.errors import SectoolError
from sectool.model import ClauseRef, DocId, Finding, Severity
from sectool.records import record_from_tag
from sectool.register import REGISTER, ChangeRef, Register, VersionRecord
from sectool.tree import LEGAL_FOLDERS, Tree, decode


def versions(tree: Tree) -> list[dict]:
    """Every designated version with its record, tag and commit."""
    tags = tree.store.tags("sec/")
    out = []
    for record in tree.register.ordered():
        data = record.as_json()
        tag = tags.get(record.tag)
        data["tag"] = record.tag if tag else None
        data["commit"] = tag.commit if tag else None
        out.append(data)
    return out


@dataclass
class HistoryEntry:
    version: str
    effective: str
    changes: list[ChangeRef]
    what: str  # added | changed | removed
    document_version: str | None

    def as_json(self) -> dict:
        return {
            "version": self.version,
            "effective": self.effective,
            "changes": [c.to_json() for c in self.changes],
            "what": self.what,
            "document_version": self.document_version,
        }


def history(tree: Tree, ref: ClauseRef) -> tuple[str, list[HistoryEntry]]:
    """Every version that changed a document (or one clause), and the change sets responsible."""
    records = tree.register.ordered()
    previous: str | None = None
    entries: list[HistoryEntry] = []
    name = ""
    doc_key: str | None = None  # kept from earlier versions, for a document since removed
    for record in records:
        snapshot = tree.version_snapshot(record)
        try:
            found, clause = snapshot.resolve(ref)
        except SectoolError:
            text, entry = None, None
        else:
            entry = found
            name = str(ClauseRef(found.doc_id, clause)) if clause else str(found.doc_id)
            doc_key = str(found.doc_id)
            document = snapshot.document(found.doc_id)
            text = document.clause_text(clause) if clause else str(document)
        if text != previous:
            what = "added" if previous is None else "removed" if text is None else "changed"
            changes = [
                c
                for c in record.changes
                if doc_key is None or _touches(tree, record, c.id, doc_key)
            ]
            entries.append(
                HistoryEntry(
                    record.version,
                    record.effective,
                    changes,
                    what,
                    entry.version if entry else None,
                )
            )
        previous = text
    if not entries:
        tree.snapshot().resolve(ref)  # raises the usual unknown-reference error
    return name or str(ref), entries


def _touches(tree: Tree, record: VersionRecord, change_id: str, doc_key: str) -> bool:
    rel = f"modifications/{change_id}/change.json"
    data = tree.store.read(f"refs/tags/{record.tag}", rel)
    if data is None:
        return True
    return doc_key in json.loads(data).get("documents", {})


def verify(tree: Tree) -> list[Finding]:
    """Tags, commits, register entries and the Document Log agree; nothing edited outside."""
    findings: list[Finding] = []
    register = tree.register
    tags = tree.store.tags("sec/")
    known = {r.tag for r in register.versions}
    for name in sorted(set(tags) - known):
        if record_from_tag(tags[name].message) is not None:
            # a genuine designation this branch has lost (reset, or a branch without it)
            message = f"tag {name} is a designation this branch's register lacks"
            hint = f"bring it back (`git merge {name}`) or switch to the branch that holds it"
        else:
            message = f"tag {name} names a version the register does not record"
            hint = "a designation tag was made by hand; remove it"
        findings.append(
            Finding("history.unknown-tag", Severity.ERROR, message, hint, path=REGISTER)
        )
    previous = None
    for record in register.ordered():
        findings += _verify_version(tree, record, tags)
        findings += _verify_signature(tree, record, previous, tags)
        previous = record
    latest = register.latest
    if latest and latest.tag in tags:
        findings += _verify_head(tree, latest)
    return findings


def _verify_signature(
    tree: Tree, record: VersionRecord, previous: VersionRecord | None, tags
) -> list[Finding]:
    """A version after one that lists designators has a tag signed by one of them."""
    from sectool.signing import DESIGNATORS, describe, designators_at

    tag = tags.get(record.tag)
    allowed = designators_at(tree, previous)
    if tag is None or allowed is None:
        return []
    found = tree.store.verify_tag(tag.object, allowed)
    if found.trusted:
        return []
    if not found.signed:
        rule, message = "history.unsigned-tag", f"{record.tag} is not signed"
    else:
        rule = "history.unlisted-signer"
        message = f"{record.tag} is signed by {describe(found)}, not listed"
    return [
        Finding(
            rule,
            Severity.ERROR,
            f"{message}, but SEC {previous.version}'s {DESIGNATORS} requires a listed designator"
            if previous
            else message,
            "the tag was replaced or made without a designator's key; restore the signed tag",
            path=REGISTER,
        )
    ]


def signatures(tree: Tree) -> list[dict]:
    """Each designated version's tag signature: version, tag, signed, trusted, signer, key.

    ``trusted`` is None when no earlier version lists designators to check it against.
    """
    from sectool.signing import designators_at

    tags = tree.store.tags("sec/")
    out = []
    previous = None
    for record in tree.register.ordered():
        tag = tags.get(record.tag)
        allowed = designators_at(tree, previous)
        # with no earlier list to trust, the version's own list at least names the signer
        naming = allowed if allowed is not None else designators_at(tree, record)
        found = tree.store.verify_tag(tag.object, naming) if tag else None
        out.append(
            {
                "version": record.version,
                "tag": record.tag,
                "signed": bool(found and found.signed),
                "trusted": (found.trusted if found else False) if allowed is not None else None,
                "signer": found.signer if found else None,
                "key": found.key if found else None,
            }
        )
        previous = record
    return out


def _verify_version(tree: Tree, record: VersionRecord, tags) -> list[Finding]:
    tag = tags.get(record.tag)
    where = REGISTER
    if tag is None:
        return [
            Finding(
                "history.missing-tag",
                Severity.ERROR,
                f"SEC {record.version} has no tag {record.tag}",
                "the tag was deleted; restore it from a clone or backup",
                path=where,
            )
        ]
    out = []
    if tag.object == tag.commit:
        out.append(
            Finding(
                "history.lightweight-tag",
                Severity.ERROR,
                f"{record.tag} is not an annotated designation tag",
                "the tag was replaced by hand; restore the original",
                path=where,
            )
        )
    tagged = record_from_tag(tag.message)
    if tagged != record.as_json():
        out.append(
            Finding(
                "history.tag-record",
                Severity.ERROR,
                f"{record.tag}'s record does not match the register's SEC {record.version}",
                "the tag or the register was edited",
                path=where,
            )
        )
    at_tag = tree.store.read(tag.commit, REGISTER)
    theirs = Register.loads(decode(at_tag, REGISTER)) if at_tag else Register()
    latest_there = theirs.latest
    if latest_there is None or latest_there.version != record.version:
        out.append(
            Finding(
                "history.moved-tag",
                Severity.ERROR,
                f"{record.tag} points at a commit that is not SEC {record.version}'s designation",
                "the tag was moved; put it back on the designation commit",
                path=where,
            )
        )
        return out
    parent = tree.store.rev(tag.commit + "^")
    before = tree.store.read(parent, REGISTER) if parent else None
    if before and record.version in {
        v.version for v in Register.loads(decode(before, REGISTER)).versions
    }:
        out.append(
            Finding(
                "history.moved-tag",
                Severity.ERROR,
                f"{record.tag} points after SEC {record.version}'s designation commit",
                "the tag was moved; put it back on the designation commit",
                path=where,
            )
        )
    out += _verify_documents(tree, record, theirs, tag.commit)
    return out


def _verify_documents(
    tree: Tree, record: VersionRecord, theirs: Register, commit: str
) -> list[Finding]:
    out = []
    logged = {str(e.doc_id): e.version for e in theirs.documents}
    if logged != record.documents:
        out.append(
            Finding(
                "history.document-log",
                Severity.ERROR,
                f"SEC {record.version}'s Document Log differs from its record",
                "the register was edited outside a designation",
                path=REGISTER,
            )
        )
    # Designation parsed every document it wrote; here it is enough that each one is there.
    present = set(tree.store.ls_files(commit, "."))
    for entry in theirs.documents:
        if entry.path not in present:
            out.append(
                Finding(
                    "history.missing-document",
                    Severity.ERROR,
                    f"{entry.doc_id} is missing from SEC {record.version}",
                    "the designation commit lacks the file",
                    path=entry.path,
                )
            )
    return out


def _verify_head(tree: Tree, latest: VersionRecord) -> list[Finding]:
    changed = tree.store.changed_between(
        f"refs/tags/{latest.tag}", "HEAD", [*LEGAL_FOLDERS, REGISTER]
    )
    out = []
    for path in changed:
        doc = DocId.from_path(path)
        what = str(doc) if doc else path
        out.append(
            Finding(
                "history.edited-outside-designation",
                Severity.ERROR,
                f"{what} was committed with changes since SEC {latest.version} "
                "without a designation",
                "revert the commit, and record the edit as a change set",
                path=path,
            )
        )
    return out
