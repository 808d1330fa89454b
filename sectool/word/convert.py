"""From a .docx file to sectool Markdown: pick the view, convert, validate."""

from __future__ import annotations

from pathlib import Path

from sectool.document import Document, parse_document
from sectool.errors import MalformedDocument, TrackedChanges
from sectool.model import DocId
from sectool.word.markdown import Conversion, to_markdown
from sectool.word.numbering import read_styles
from sectool.word.package import Package, open_package
from sectool.word.views import ACCEPT, REJECT, View, has_revisions, read_view


def read_views(package: Package, modes: tuple[str, ...]) -> dict[str, View]:
    """The named views (``"accept"``, ``"reject"``) of an opened package."""
    styles = read_styles(package.styles)
    return {mode: read_view(package, mode, styles) for mode in modes}


def convert_docx(
    path: Path,
    doc_id: DocId,
    view: str | None = None,
    title: str | None = None,
    default_title: str | None = None,
) -> tuple[Conversion, Document]:
    """Convert the Word file at ``path`` into the Markdown of ``doc_id``, parsed.

    ``view`` is ``"accept"``, ``"reject"`` or None. With None, a file whose tracked changes
    change its text is refused (TrackedChanges, exit 2); revisions that change no text are
    reported as warnings. The title is ``title``, else the Title-style paragraph's text, else
    ``default_title``. Raises BadWordFile for an unreadable or hostile file, and
    MalformedDocument when the result is not a valid sectool document (nothing is written).
    """
    package = open_package(path)
    if view is None and has_revisions(package):
        views = read_views(package, (ACCEPT, REJECT))
        converted = {m: to_markdown(v, doc_id, title, default_title) for m, v in views.items()}
        if converted[ACCEPT].text != converted[REJECT].text:
            accepted = views[ACCEPT]
            # run formatting never changes the text; a paragraph's style (a heading's level) can
            count = sum(1 for r in accepted.revisions.values() if r.kind != "format")
            count += accepted.notes["paragraph-property revisions"]
            raise TrackedChanges(
                f"{path.name} has tracked changes ({count} revisions)",
                "choose a view: --accept-changes (the text as changed) or --reject-changes "
                "(the text before the changes)",
            )
        conversion = converted[ACCEPT]
        conversion.warnings.append("tracked changes that change no text (ignored)")
    else:
        mode = view or ACCEPT
        conversion = to_markdown(read_views(package, (mode,))[mode], doc_id, title, default_title)
    return conversion, validate(conversion, doc_id, path.name)


def validate(conversion: Conversion, doc_id: DocId, source: str) -> Document:
    """Parse the converted text as ``doc_id``; a title is required."""
    if not conversion.title:
        raise MalformedDocument(
            f"{source} has no paragraph in the Title style to take {doc_id}'s title from",
            'give the title with --title "TEXT"',
        )
    try:
        return parse_document(conversion.text, doc_id)
    except MalformedDocument as exc:
        raise MalformedDocument(
            f"{source} converted as {doc_id}, line {exc.line}: {exc.message}",
            exc.hint or "fix the numbering in Word, or import as a document of another kind",
            clause=exc.clause,
        ) from None
