"""`sectool import`: a Word document becomes a document of the working tree."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from sectool.changes.io import write_file
from sectool.model import DocId
from sectool.tree import Tree
from sectool.word.convert import convert_docx
from sectool.word.markdown import Conversion


@dataclass
class ImportResult:
    """What an import wrote: the document, its path in the tree, whether it replaced an
    existing file, and the conversion (text, summary counts, warnings)."""

    doc_id: DocId
    path: str
    replaced: bool
    conversion: Conversion


def import_docx(
    tree: Tree, source: Path, doc_id: DocId, view: str | None = None, title: str | None = None
) -> ImportResult:
    """Convert ``source`` (a .docx) and write it as ``doc_id``'s working-tree text.

    ``view``: ``"accept"``, ``"reject"`` or None (refused if tracked changes change the text).
    The title is ``title``, else the Word Title paragraph, else the Document Log's title.
    Everything is checked before the one atomic write; on any error nothing is written.
    """
    entry = tree.register.entry(doc_id)
    conversion, _ = convert_docx(
        source, doc_id, view, title or None, default_title=entry.title if entry else None
    )
    path = tree.root / doc_id.path
    replaced = path.exists()
    write_file(tree.root, doc_id.path, conversion.text)
    return ImportResult(doc_id, doc_id.path, replaced, conversion)
