"""A SEC tree on disk and in git: finding it, reading documents at a version, resolving refs."""

from __future__ import annotations

import difflib
from dataclasses import dataclass, field
from pathlib import Path

from sectool.document import Document, parse_document
from sectool.errors import (
    AmbiguousReference,
    Locked,
    MalformedDocument,
    NotATree,
    UnknownReference,
    UnknownVersion,
)
from sectool.model import ClauseRef, DocId, Kind
from sectool.register import REGISTER, DocEntry, Register, VersionRecord
from sectool.store import Blob, Store

FOLDERS = ("sections", "schedules", "appendices", "modifications")
LEGAL_FOLDERS = FOLDERS[:3]  # the folders that hold legal text
WORKING = "working"


def decode(data: bytes, path: str) -> str:
    """UTF-8 text, or a MalformedDocument naming the line of the first bad byte."""
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise MalformedDocument(
            f"{path} is not UTF-8 text (byte 0x{data[exc.start]:02x})",
            "save the file as UTF-8",
            path=path,
            line=line,
        ) from None


def is_tree(path: Path) -> bool:
    return (path / REGISTER).is_file() and (path / ".git").exists()


class Tree:
    """The SEC tree rooted at ``root``."""

    def __init__(self, root: Path) -> None:
        self.root = Path(root).resolve()
        self.store = Store(self.root)
        self._register: Register | None = None
        self._versions: dict[str, Snapshot] = {}  # by tag

    @classmethod
    def find(cls, start: Path | None = None) -> Tree:
        """The tree containing ``start`` (default: the current directory), searching upwards."""
        here = Path(start or Path.cwd()).resolve()
        for folder in (here, *here.parents):
            if is_tree(folder):
                return cls(folder)
            if (folder / ".git").exists() and any((folder / f).is_dir() for f in FOLDERS):
                raise NotATree(
                    f"{folder} has SEC folders but no {REGISTER}",
                    f"restore it from git: git -C {folder} checkout -- {REGISTER}",
                )
        raise NotATree(
            f"{here} is not inside a SEC tree",
            "create one with `sectool init DIR --sample`, or point at one with -C PATH",
        )

    @property
    def register(self) -> Register:
        """The register as it is in the working tree."""
        if self._register is None:
            path = self.root / REGISTER
            self._register = Register.loads(decode(path.read_bytes(), REGISTER))
        return self._register

    def reload(self) -> None:
        self._register = None
        self._versions.clear()

    def recover(self) -> None:
        """Finish or undo a write that a killed sectool process left half done.

        A journal beside a live lock holder is a write in progress, not a leftover: leave it.
        """
        if (self.store.git_dir / "sectool" / "journal.json").exists():
            try:
                with self.store.lock():
                    pass  # taking the lock runs the recovery
            except Locked:
                return
            self.reload()

    def snapshot(self, at: str | None = None) -> Snapshot:
        """The code at a version label, an ISO date, or (None / "working") the working tree."""
        if at is None or at == WORKING:
            return Snapshot(self, WORKING, None, self.register)
        record = self.register.at(at)
        return self.version_snapshot(record)

    def version_snapshot(self, record: VersionRecord) -> Snapshot:
        """A designated version, read at its tag; UnknownVersion when the tag is gone.

        One Snapshot per version for the Tree's life (until :meth:`reload`): what it has read
        and parsed is kept for the next caller, since a designated version never changes."""
        known = self._versions.get(record.tag)
        if known is not None and known.record == record:
            return known
        self._versions[record.tag] = self._read_version(record)
        return self._versions[record.tag]

    def _read_version(self, record: VersionRecord) -> Snapshot:
        rev = f"refs/tags/{record.tag}"
        data = self.store.read(rev, REGISTER)
        if data is None and self.store.rev(rev) is None:
            raise UnknownVersion(
                f"SEC {record.version} is in the register but its tag {record.tag} is missing",
                "restore the tag from a clone or backup; `sectool verify` lists what else is wrong",
            )
        register = Register.loads(decode(data, REGISTER)) if data else self.register
        return Snapshot(self, record.version, record, register, rev)


@dataclass
class Snapshot:
    """The whole code at one point: a designated version, or the working tree."""

    tree: Tree
    label: str
    record: VersionRecord | None
    register: Register
    rev: str | None = None
    _docs: dict[DocId, Document] = field(default_factory=dict)
    _texts: dict[str, str] = field(default_factory=dict)
    _blobs: dict[str, Blob] | None = None

    @property
    def entries(self) -> list[DocEntry]:
        return sorted(self.register.documents, key=lambda e: e.doc_id)

    def blob_ids(self) -> dict[str, str] | None:
        """Blob ids of the documents at this version (None for the working tree)."""
        blobs = self._blob_entries()
        return None if blobs is None else {path: b.id for path, b in blobs.items()}

    def blob_sizes(self) -> dict[str, int] | None:
        """Sizes in bytes of the documents at this version (None for the working tree)."""
        blobs = self._blob_entries()
        return None if blobs is None else {path: b.size for path, b in blobs.items()}

    def _blob_entries(self) -> dict[str, Blob] | None:
        if self.rev is None:
            return None
        if self._blobs is None:
            self._blobs = self.tree.store.blobs(self.rev, LEGAL_FOLDERS)
        return self._blobs

    def prefetch(self, paths: list[str]) -> None:
        """Read many files in one pass (at a version, through one cat-file process)."""
        wanted = [p for p in paths if p not in self._texts]
        if self.rev is None or not wanted:
            return
        for path, data in self.tree.store.read_many(self.rev, wanted).items():
            if data is not None:
                self._texts[path] = decode(data, path)

    def text(self, path: str) -> str | None:
        """A file's text in this snapshot, or None when it does not exist."""
        if path not in self._texts:
            if self.rev is None:
                file = self.tree.root / path
                data = file.read_bytes() if file.is_file() else None
            else:
                data = self.tree.store.read(self.rev, path)
            if data is None:
                return None
            self._texts[path] = decode(data, path)
        return self._texts[path]

    def document(self, doc_id: DocId) -> Document:
        if doc_id not in self._docs:
            text = self.text(doc_id.path)
            if text is None:
                raise UnknownReference(
                    f"{doc_id} is in the Document Log but {doc_id.path} is missing",
                    "restore the file, or run `sectool check` to see what else is wrong",
                    path=doc_id.path,
                )
            self._docs[doc_id] = parse_document(text, doc_id)
        return self._docs[doc_id]

    def resolve(self, ref: ClauseRef) -> tuple[DocEntry, str | None]:
        """The document and clause a reference names in this snapshot."""
        entry = self._resolve_document(ref)
        if ref.clause is None:
            return entry, None
        document = self.document(entry.doc_id)
        if ref.clause not in document.index:
            close = difflib.get_close_matches(ref.clause, document.clauses(), n=4, cutoff=0.5)
            raise UnknownReference(
                f"{entry.doc_id} has no clause {ref.clause}",
                ("closest: " + ", ".join(close))
                if close
                else f'see `sectool show "{entry.doc_id}"`',
                clause=ref.clause,
            )
        return entry, ref.clause

    def _resolve_document(self, ref: ClauseRef) -> DocEntry:
        if ref.doc is not None:
            entry = self.register.entry(ref.doc)
            if entry is None:
                raise self._unknown(str(ref.doc))
            return entry
        key = ref.key_hint or ""
        candidates = [e for e in self.entries if e.doc_id.key == key]
        if ref.clause and not ref.clause[:1].isalpha():
            candidates = [e for e in candidates if e.doc_id.kind is not Kind.SECTION]
        elif ref.clause:
            candidates = [e for e in candidates if e.doc_id.kind is Kind.SECTION]
        if not candidates:
            raise self._unknown(str(ref))
        if len(candidates) > 1:
            names = " or ".join(f'"{e.doc_id}"' for e in candidates)
            raise AmbiguousReference(
                f"'{ref}' could mean {names}",
                f"say which, e.g. {names.split(' or ')[0]}",
            )
        return candidates[0]

    def _unknown(self, name: str) -> UnknownReference:
        names = [str(e.doc_id) for e in self.entries]
        close = difflib.get_close_matches(name, names, n=4, cutoff=0.4)
        where = f"at version {self.label}" if self.record else "in this tree"
        return UnknownReference(
            f"there is no document {name} {where}",
            ("closest: " + ", ".join(close)) if close else "list the documents with `sectool ls`",
        )
