"""Writing redlines and clean copies to files: what `sectool diff` and `sectool export` make."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

from sectool import __version__
from sectool.diff import SAME, BlockDiff
from sectool.document import Document
from sectool.errors import OutputError
from sectool.model import ClauseRef, DocId
from sectool.output import STDOUT, write_output
from sectool.parallel import map_groups
from sectool.redline import DocRedline, Redline
from sectool.tree import Snapshot

R = TypeVar("R")


def slug(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9.]+", "-", text).strip("-")


def redline_docx(redline: Redline, doc: DocRedline) -> bytes:
    """One document's redline as a .docx with native tracked changes and a cover table."""
    from sectool.render.docx import DocxBuilder, add_block, end_marker

    builder = DocxBuilder(redline.date, f"{doc.name}: tracked changes")
    changes = "\n".join(f"{c.id}: {c.title} (effective {c.date})" for c in doc.changes) or "none"
    builder.cover(
        f"Tracked changes: {doc.doc_id}",
        [
            ("Document", doc.name),
            (
                "From",
                f"{redline.from_label}, document version {doc.from_version or 'none'}"
                + (f", effective {redline.from_effective}" if redline.from_effective else ""),
            ),
            (
                "To",
                f"{redline.to_label}, document version {doc.to_version or 'removed'}"
                + (f", effective {redline.to_effective}" if redline.to_effective else ""),
            ),
            ("Change sets", changes),
            ("Made by", f"sectool {__version__}"),
        ],
        "Every insertion and deletion below is a Word revision, attributed to the change set "
        "that made it and dated by the effective date of its version. Accepting all changes "
        "gives the text of the later version; rejecting all gives the earlier one.",
    )
    for item in doc.diff.blocks:
        add_block(builder, item)
    end_marker(builder, str(doc.doc_id))
    return builder.to_bytes()


def docx_name(redline: Redline, doc: DocRedline, suffix: str = ".docx") -> str:
    """A redline's file name: ``Appendix-B_SEC-5.7_SEC-5.8.docx`` (or ``.pdf``)."""
    return f"{slug(str(doc.doc_id))}_{slug(redline.from_label)}_{slug(redline.to_label)}{suffix}"


def write_diff(
    redline: Redline, fmt: str, output: Path | None, one_file: bool
) -> tuple[str | None, list[Path]]:
    """Render; return text for stdout (or None) and the files written."""
    if fmt in ("docx", "pdf"):
        return None, _write_word(redline, fmt, output, one_file)
    if fmt == "json":
        text = redline_json(redline)
    elif fmt == "html":
        from sectool.render.html import render_html

        text = render_html(redline)
    elif fmt == "md":
        from sectool.render.markdown import render_markdown

        text = render_markdown(redline)
    else:
        from sectool.render.text import plain

        text = plain(redline_lines(redline))
    if output is None:
        return text, []
    return None, [output] if _write(output, text.encode("utf-8")) else []


def redline_json(redline: Redline) -> str:
    """The redline as JSON text, indented by two: ``json.dumps(redline.as_json(), indent=2,
    ensure_ascii=False) + "\\n"`` to the byte, encoded by orjson (whose indented form is the
    standard library's, many times faster)."""
    import orjson

    options = orjson.OPT_INDENT_2 | orjson.OPT_APPEND_NEWLINE
    return orjson.dumps(redline.as_json(), option=options).decode()


def rendered(redline: Redline, render: Callable[[DocRedline], R]) -> list[R]:
    """``render`` of each document of the redline, in order, shared out over processes
    (:func:`sectool.parallel.map_groups`, by the size of what each compares): for renderings
    that cost more than sending their result back (Word files)."""
    docs = redline.documents
    return map_groups(lambda part: [render(d) for d in part], docs, [d.size for d in docs])


def redline_lines(redline: Redline) -> list:
    """The text redline as lines of styled runs (:mod:`sectool.render.text`)."""
    from sectool.render.text import Run, redline_runs

    lines = [[Run(f"Tracked changes: {redline.from_label} to {redline.to_label}", "heading")]]
    if not redline.documents:
        lines.append([Run("no document changed", "meta")])
    for doc in redline.documents:
        lines.append([Run("")])
        lines += redline_runs(
            f"{doc.name} ({doc.from_version or 'new'} -> {doc.to_version or 'removed'})",
            doc.diff,
            doc.shown_changes(),
        )
    return lines


def write_file(path: Path, data: bytes) -> bool:
    """Write a file whole or not at all; see :func:`sectool.output.write_output` (True when a
    regular file was written, False for standard output or a special file)."""
    return _write(path, data)


def _write(path: Path, data: bytes) -> bool:
    if path != STDOUT:
        _refuse_tree_files(path)
    return write_output(path, data)


def _write_word(redline: Redline, fmt: str, output: Path | None, one_file: bool) -> list[Path]:
    """One .docx (or, through LibreOffice, .pdf) per changed document; every target is checked
    and (for pdf) every file converted before any is written, so a refusal or a failed
    conversion writes nothing."""
    docs = redline.documents
    if not docs:
        return []
    paths = _redline_paths(redline, output, one_file, f".{fmt}")
    for path in paths:  # every target checked before any is written: none or all
        if path != STDOUT:
            _refuse_tree_files(path)
            if path.is_dir():
                raise OutputError(
                    f"{path} is a directory", "remove or rename it, or give another -o folder"
                )
    files = rendered(redline, lambda doc: redline_docx(redline, doc))
    if fmt == "docx":
        return [path for path, data in zip(paths, files, strict=True) if _write(path, data)]
    from sectool.render.pdf import docx_to_pdf

    stems = [docx_name(redline, doc, "") for doc in docs]
    pdfs = docx_to_pdf(dict(zip(stems, files, strict=True)))
    return [path for path, stem in zip(paths, stems, strict=True) if _write(path, pdfs[stem])]


def _refuse_tree_files(path: Path) -> None:
    """Output never lands on the SEC tree's own files: legal text, change sets, the register,
    the changelog or git's folder (OutputError)."""
    from sectool.tree import FOLDERS, is_tree

    target = path.resolve()
    for folder in target.parents:
        if is_tree(folder):
            top = target.relative_to(folder).parts[0]
            if top in (*FOLDERS, ".git", ".sectool", "register.json", "CHANGELOG.md"):
                raise OutputError(
                    f"{path} is part of the SEC tree at {folder}",
                    "write output elsewhere, e.g. -o out/ or -o ../redlines/",
                )
            return


def _redline_paths(
    redline: Redline, output: Path | None, one_file: bool, suffix: str
) -> list[Path]:
    docs = redline.documents
    single = one_file and len(docs) == 1
    if output == STDOUT:
        if len(docs) > 1:
            raise OutputError(
                "several documents changed, and standard output holds one file",
                "name one document, or give a folder with -o DIR",
            )
        return [STDOUT]
    if (
        single
        and (output is None or not output.is_dir())
        and (output is None or output.suffix.lower() == suffix)
    ):
        return [output or Path(docx_name(redline, docs[0], suffix))]
    folder = output or Path(f"redline_{slug(redline.from_label)}_{slug(redline.to_label)}")
    if folder.exists() and not folder.is_dir():
        raise OutputError(
            f"{folder} is a file, and several documents changed",
            "give a folder with -o DIR, or name one document",
        )
    return [folder / docx_name(redline, doc, suffix) for doc in docs]


def _same_blocks(document: Document) -> list[BlockDiff]:
    return [BlockDiff(SAME, b, b) for b in document.blocks]


def export(snapshot: Snapshot, doc_ids: list[DocId], fmt: str, whole_code: bool) -> bytes:
    """Clean consolidated copies: the named documents, or the whole code with contents.

    ``fmt`` is docx, pdf (the docx converted by LibreOffice; see sectool.render.pdf for its
    errors), html or md; the result is the file's bytes. Raises UnknownReference for a
    document the snapshot does not hold."""
    entries = [snapshot.resolve(ClauseRef(d, None))[0] for d in doc_ids]
    documents = [(f"{e.doc_id}: {e.title}", snapshot.document(e.doc_id)) for e in entries]
    label = f"SEC {snapshot.label}" if snapshot.record else "the working tree"
    title = (
        f"Smart Energy Code, {label}"
        if whole_code
        else (documents[0][0] if len(documents) == 1 else f"Smart Energy Code, {label} (extract)")
    )
    log = [(str(e.doc_id), e.title, e.version) for e in entries]
    if fmt == "md":
        return "\n".join(str(d).rstrip("\n") + "\n" for _, d in documents).encode("utf-8")
    if fmt == "html":
        from sectool.render.html import render_clean_html

        return render_clean_html(title, documents, log).encode("utf-8")
    data = _export_docx(snapshot, title, documents, log, whole_code or len(documents) > 1)
    if fmt == "pdf":
        from sectool.render.pdf import docx_to_pdf

        stem = slug(title) or "export"
        return docx_to_pdf({stem: data})[stem]
    return data


def _export_docx(snapshot, title, documents, log, with_front) -> bytes:
    import datetime as dt

    from sectool.render.docx import DocxBuilder, add_block, end_marker

    date = snapshot.record.effective if snapshot.record else dt.date.today().isoformat()
    builder = DocxBuilder(date, title)
    if with_front:
        effective = f", effective {date}" if snapshot.record else ""
        builder.text_paragraph("Title", title)
        builder.text_paragraph(
            "SEC Cover", f"Consolidated copy{effective}. Made by sectool {__version__}."
        )
        builder.text_paragraph("Heading 1", "Contents")
        for name, _ in documents:
            builder.text_paragraph("SEC Text", name)
        builder.text_paragraph("Heading 1", "Document Log")
        builder.cover(
            "",
            [("Document", "Title / version")] + [(a, f"{b}, version {c}") for a, b, c in log],
            f"{len(log)} documents.",
        )
    for n, (name, document) in enumerate(documents):
        if n:
            builder.page_break()
        for item in _same_blocks(document):
            add_block(builder, item)
        end_marker(builder, name.split(":")[0])
    return builder.to_bytes()
