"""The bundled sample SEC and the creation of new trees (``sectool init``)."""

from __future__ import annotations

import json
import os
import shutil
import tempfile
from importlib import resources
from pathlib import Path

from sectool.document import parse_document
from sectool.errors import TreeExists
from sectool.model import DocId
from sectool.output import current_umask
from sectool.records import (
    CHANGELOG,
    CHANGELOG_HEAD,
    add_to_changelog,
    changelog_entry,
    tag_message,
)
from sectool.register import REGISTER, DocEntry, Register, VersionRecord
from sectool.store import Store
from sectool.tree import FOLDERS

GITIGNORE = (
    "# sectool keeps its lock and journal inside .git.\n"
    "# Redlines and exports written into the tree (as `sectool demo` does) are not the code:\n"
    "/publications/\n"
)


def sample_root() -> Path:
    """Where the bundled sample lives: the installed package data, or this source checkout."""
    packaged = Path(str(resources.files("sectool") / "sample"))
    if (packaged / "sample.json").is_file():
        return packaged
    return Path(__file__).resolve().parent.parent


def sample_documents(root: Path | None = None) -> dict[str, str]:
    """Tree-relative path -> text of every bundled document and change set file."""
    root = root or sample_root()
    files = {}
    for folder in FOLDERS:
        base = root / folder
        if not base.is_dir():
            continue
        for path in sorted(base.rglob("*")):
            if path.is_file() and path.suffix in (".md", ".json", ".diff"):
                files[path.relative_to(root).as_posix()] = path.read_text(encoding="utf-8")
    return files


def create_tree(dest: Path, sample: bool) -> tuple[Path, Register]:
    """Create a new git-backed SEC tree at ``dest``, all or nothing."""
    if not sample:
        return create_tree_with(dest, {}, None)
    meta = json.loads((sample_root() / "sample.json").read_text(encoding="utf-8"))
    record = VersionRecord(
        meta["version"],
        meta["effective"],
        meta["by"],
        documents=dict(meta["documents"]),
        designated=meta["effective"],
    )
    return create_tree_with(dest, sample_documents(), record, "(the bundled sample)")


def create_tree_with(
    dest: Path, files: dict[str, str], record: VersionRecord | None, note: str = ""
) -> tuple[Path, Register]:
    """A new tree holding ``files`` (documents and change sets), designated as ``record``.

    ``record.documents`` gives each document's version. Built in a staging folder next to
    ``dest`` and renamed into place, so a failure leaves nothing behind.
    """
    dest = Path(dest).absolute()
    if dest.exists() and (not dest.is_dir() or any(dest.iterdir())):
        raise TreeExists(
            f"{dest} already exists and is not empty",
            "choose a new directory, or empty this one first",
        )
    dest.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=".sectool-init-", dir=dest.parent))
    # mkdtemp makes it private; a tree is a normal folder
    staging.chmod(0o777 & ~current_umask())
    try:
        register = _populate(staging, files, record, note)
        if dest.exists():
            dest.rmdir()
        os.rename(staging, dest)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return dest, register


def _populate(
    root: Path, files: dict[str, str], record: VersionRecord | None, note: str
) -> Register:
    store = Store.init(root)
    for folder in FOLDERS:
        (root / folder).mkdir()
        (root / folder / ".gitkeep").write_text("")
    register = Register()
    changelog = CHANGELOG_HEAD
    for path, text in files.items():
        (root / path).parent.mkdir(parents=True, exist_ok=True)
        (root / path).write_text(text, encoding="utf-8")
    if record is not None:
        for display, version in record.documents.items():
            doc_id = DocId.parse(display)
            document = parse_document(files[doc_id.path], doc_id)
            register.documents.append(DocEntry(doc_id, document.title, version))
        register.versions.append(record)
        changelog = add_to_changelog(changelog, changelog_entry(record, None))
    (root / REGISTER).write_text(register.dumps(), encoding="utf-8")
    (root / CHANGELOG).write_text(changelog, encoding="utf-8")
    (root / ".gitignore").write_text(GITIGNORE)
    if record is None:
        store.commit_all("Start an empty SEC tree")
    else:
        commit = store.commit_all(f"Designate SEC {record.version} {note}".rstrip())
        store.tag(record.tag, commit, tag_message(record, None))
    store.close()
    return register
