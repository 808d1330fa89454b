"""A .docx package opened as untrusted input: bounded inflation, no DTDs, no entities.

Nothing is extracted to disk. Each part's declared size and compression ratio are checked
before it is inflated, and the inflation itself is bounded while reading, so a zip bomb is
refused within a fraction of a second. XML is parsed by lxml with entity resolution, DTD
loading, network access and huge trees off, and any document type declaration is refused.
"""

from __future__ import annotations

import io
import os
import posixpath
import stat
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, BinaryIO

from lxml import etree

from sectool.errors import BadWordFile, SectoolError

W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
R_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PKG_REL_NS = "http://schemas.openxmlformats.org/package/2006/relationships"
OFFICE_DOCUMENT = R_NS + "/officeDocument"

MAX_PART_BYTES = 256 * 1024 * 1024  # one inflated XML part (a 500-page document is ~30 MB)
MAX_TOTAL_BYTES = 512 * 1024 * 1024  # every part read from one package, inflated
MAX_RATIO = 200  # inflated / compressed; real Word XML compresses 5x to 30x
MAX_FILE_BYTES = 200 * 1024 * 1024  # the .docx itself
_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_CHUNK = 1 << 20


def w(tag: str) -> str:
    """The Clark name of a WordprocessingML element or attribute: ``w("p")``."""
    return f"{{{W_NS}}}{tag}"


def _parser() -> etree.XMLParser:
    return etree.XMLParser(
        resolve_entities=False,
        no_network=True,
        load_dtd=False,
        huge_tree=False,
        dtd_validation=False,
        remove_comments=True,
        remove_pis=True,
    )


@dataclass
class Package:
    """The parts of one .docx that the reader uses, parsed: ``document`` (the main part's root
    element), and ``styles``, ``numbering``, ``footnotes`` (root elements, or None)."""

    name: str
    document: etree._Element
    styles: etree._Element | None = None
    numbering: etree._Element | None = None
    footnotes: etree._Element | None = None
    sizes: dict[str, int] = field(default_factory=dict)


def _refuse(name: str, message: str, hint: str) -> SectoolError:
    return BadWordFile(f"{name}: {message}", hint)


def _refuse_duplicates(name: str, members: list[str]) -> None:
    """Refuse a zip holding one member name twice: readers disagree on which copy counts
    (pandoc takes the first, Python's zipfile the last), so the text would depend on the tool.
    Names compare case-insensitively, as OPC part names do (ECMA-376 Part 2)."""
    seen: set[str] = set()
    for member in members:
        key = member.casefold()
        if key in seen:
            raise _refuse(
                name,
                f"holds the zip member {member} twice",
                "the file is damaged or hostile: save it again from Word",
            )
        seen.add(key)


class _Reader:
    """Reads named members of a zip with every bound checked."""

    def __init__(self, name: str, archive: zipfile.ZipFile) -> None:
        self.name = name
        self.archive = archive
        self.members = {info.filename: info for info in archive.infolist()}
        _refuse_duplicates(name, [info.filename for info in archive.infolist()])
        self.total = 0

    def has(self, member: str) -> bool:
        return member in self.members

    def read(self, member: str) -> bytes:
        info = self.members[member]
        if info.flag_bits & 0x1:
            raise _refuse(self.name, f"part {member} is encrypted", "save it without a password")
        if info.file_size > MAX_PART_BYTES:
            raise _refuse(
                self.name,
                f"part {member} declares {info.file_size} bytes (limit {MAX_PART_BYTES})",
                "this is not a Word document sectool will read",
            )
        if info.file_size > MAX_RATIO * max(info.compress_size, 1) and info.file_size > _CHUNK:
            raise _refuse(
                self.name,
                f"part {member} would inflate {info.file_size // max(info.compress_size, 1)} "
                f"times (limit {MAX_RATIO}): a zip bomb",
                "this is not a Word document sectool will read",
            )
        limit = min(info.file_size, MAX_PART_BYTES)
        chunks: list[bytes] = []
        size = 0
        try:
            with self.archive.open(info) as stream:
                while True:
                    chunk = stream.read(_CHUNK)
                    if not chunk:
                        break
                    size += len(chunk)
                    if size > limit:  # more than it declared: never trust the header alone
                        raise _refuse(
                            self.name,
                            f"part {member} inflates past its declared size",
                            "the file is damaged or hostile",
                        )
                    chunks.append(chunk)
        except (zipfile.BadZipFile, zipfile.LargeZipFile, EOFError, OSError, ValueError) as exc:
            raise _refuse(self.name, f"part {member} cannot be read ({exc})", _DAMAGED) from None
        except NotImplementedError:
            raise _refuse(
                self.name, f"part {member} uses an unsupported compression", _DAMAGED
            ) from None
        self.total += size
        if self.total > MAX_TOTAL_BYTES:
            raise _refuse(self.name, "the package inflates past 512 MB", _DAMAGED)
        return b"".join(chunks)

    def xml(self, member: str) -> etree._Element:
        return parse_xml(self.read(member), f"{self.name}: {member}")


_DAMAGED = "open it in Word and save it again as a .docx"


def parse_xml(data: bytes, where: str) -> etree._Element:
    """Parse one XML part safely; any DTD or entity declaration is refused."""
    head = data[:4096].lstrip()
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        probe = data.decode("utf-16", errors="replace")
    else:
        probe = data.decode("utf-8", errors="replace")
    if "<!DOCTYPE" in probe or "<!ENTITY" in probe:
        raise BadWordFile(
            f"{where} declares a DTD or entities, which Word never writes",
            "this file was made to attack XML readers; it was not read",
        )
    try:
        root = etree.fromstring(data, _parser())
    except etree.XMLSyntaxError as exc:
        raise BadWordFile(f"{where} is not well-formed XML ({exc})", _DAMAGED) from None
    if root.getroottree().docinfo.internalDTD is not None:  # belt and braces
        raise BadWordFile(f"{where} declares a DTD", "the file was not read")
    return root


def _relationships(reader: _Reader, source: str) -> dict[str, tuple[str, str]]:
    """id -> (type, part name) of a part's relationships (``source`` "" is the package)."""
    folder, base = posixpath.split(source)
    rels = posixpath.join(folder, "_rels", base + ".rels")
    if not reader.has(rels):
        return {}
    out: dict[str, tuple[str, str]] = {}
    for rel in reader.xml(rels).iter(f"{{{PKG_REL_NS}}}Relationship"):
        if rel.get("TargetMode") == "External":
            continue
        target = rel.get("Target", "")
        if target.startswith("/"):
            name = target[1:]
        else:
            name = posixpath.normpath(posixpath.join(folder, target))
        out[rel.get("Id", "")] = (rel.get("Type", ""), name)
    return out


def open_package(path: Path) -> Package:
    """Open a .docx at ``path`` and parse the parts the reader needs.

    Raises BadWordFile (``bad-docx``, exit 4) for anything that is not a plain, unencrypted
    Word package: not a zip, an OLE compound file (an encrypted package or a legacy .doc),
    a part too large or too compressed, a DTD or entity declaration, malformed XML.
    """
    name = path.name
    # O_NONBLOCK: opening a FIFO for reading must not wait for a writer; fstat then refuses it.
    handle = os.fdopen(os.open(path, os.O_RDONLY | os.O_NONBLOCK), "rb")
    try:
        mode = os.fstat(handle.fileno())
        if not stat.S_ISREG(mode.st_mode):  # /dev/zero, a FIFO, a socket: no size to trust
            raise _refuse(
                name,
                "is not a regular file (a device, a pipe or a socket)",
                "save the Word document to a file and give that file",
            )
        if mode.st_size > MAX_FILE_BYTES:
            raise _refuse(name, f"is {mode.st_size} bytes (limit {MAX_FILE_BYTES})", _DAMAGED)
        head = handle.read(8)
        if head.startswith(_OLE_MAGIC):
            raise _refuse(
                name,
                "is an OLE compound file: a password-protected (encrypted) Word package or a "
                "legacy .doc",
                "remove the password, or save it from Word as a .docx (Word Document)",
            )
        try:
            archive = zipfile.ZipFile(_Bounded(handle, MAX_FILE_BYTES))
        except (zipfile.BadZipFile, OSError, ValueError):
            raise _refuse(
                name, "is not a Word document (not a zip package)", "give a .docx file"
            ) from None
        with archive:
            return _read_parts(_Reader(name, archive))
    finally:
        handle.close()


class _Bounded(io.RawIOBase):
    """A seekable view of the first ``limit`` bytes of a file opened for reading: the zip
    reader sees a file that ends there, so a file growing while it is read (or a lying size)
    never makes sectool read more than ``limit`` bytes."""

    def __init__(self, handle: BinaryIO, limit: int) -> None:
        self._handle = handle
        self._end = min(os.fstat(handle.fileno()).st_size, limit)
        self._at = 0

    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return True

    def tell(self) -> int:
        return self._at

    def seek(self, offset: int, whence: int = io.SEEK_SET) -> int:
        base = {io.SEEK_SET: 0, io.SEEK_CUR: self._at, io.SEEK_END: self._end}[whence]
        if base + offset < 0:
            raise ValueError("negative seek position")
        self._at = base + offset
        return self._at

    def readinto(self, buffer: Any) -> int:
        want = max(0, min(len(buffer), self._end - self._at))
        if want == 0:
            return 0
        self._handle.seek(self._at)
        data = self._handle.read(want)
        buffer[: len(data)] = data
        self._at += len(data)
        return len(data)


def _read_parts(reader: _Reader) -> Package:
    rels = _relationships(reader, "")
    main = next((n for t, n in rels.values() if t == OFFICE_DOCUMENT), "word/document.xml")
    if not reader.has(main):
        raise _refuse(reader.name, "has no main document part", "give a .docx file")
    package = Package(reader.name, reader.xml(main))
    if package.document.tag != w("document"):
        raise _refuse(reader.name, "is not a Word document (no w:document)", "give a .docx file")
    kinds = {"styles": "styles", "numbering": "numbering", "footnotes": "footnotes"}
    for rel_type, part in _relationships(reader, main).values():
        kind = kinds.get(rel_type.rsplit("/", 1)[-1])
        if kind and reader.has(part) and getattr(package, kind) is None:
            setattr(package, kind, reader.xml(part))
    return package
