"""Redlines and clean copies: `sectool diff` and `sectool export`."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from sectool.cli import cli
from sectool.cli.common import raw, tree_from, use_colour


def _progress():
    """A progress bar on stderr for long runs; nothing when stderr is not a terminal."""
    if sys.stderr is None or not sys.stderr.isatty():  # None: started with stderr closed
        return None, None
    from rich.console import Console
    from rich.progress import Progress

    # Drawn when told, not by a thread of its own: documents are compared in forked worker
    # processes (sectool.parallel), which is done only while no other thread runs.
    console = Console(file=raw(sys.stderr))  # its own escapes, not shown as symbols
    progress = Progress(console=console, transient=True, auto_refresh=False)
    task = progress.add_task("Comparing documents", total=None)

    def update(done: int, total: int) -> None:
        progress.update(task, completed=done, total=total, refresh=True)

    return progress, update


@cli.command()
@click.argument("from_spec", metavar="FROM")
@click.argument("to_spec", metavar="TO")
@click.argument("refs", metavar="[REF]...", nargs=-1)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["text", "html", "docx", "pdf", "md", "json"]),
    default="text",
    show_default=True,
)
@click.option(
    "-o",
    "--output",
    type=click.Path(path_type=Path),
    default=None,
    help="File (or, for docx and pdf with several documents, folder) to write; - for stdout.",
)
@click.option(
    "--with",
    "with_ids",
    multiple=True,
    metavar="ID",
    help="Apply a pending change set on top of TO (repeatable): a what-if preview.",
)
@click.pass_context
def diff(ctx, from_spec, to_spec, refs, fmt, output, with_ids) -> None:
    """Tracked changes between two versions of the code.

    FROM and TO are version labels (5.8), dates (2017-07-15) or `working`. Every change is
    attributed to the change set that made it. docx writes one Word file per changed document
    (into a folder), or one file when one document is asked for; pdf does the same with the
    Word file converted by LibreOffice, tracked changes shown.

    \b
    Example:
      sectool diff 5.7 5.9 "Appendix B" --format docx -o appendix-b.docx
    """
    from sectool.publish import write_diff
    from sectool.redline import RedlineRequest, build_redline

    tree = tree_from(ctx)
    if fmt == "pdf":
        from sectool.render.pdf import check_ready

        check_ready()
    progress, update = _progress() if not refs else (None, None)
    if progress:
        progress.start()
    try:
        request = RedlineRequest(
            from_spec,
            to_spec,
            list(refs) or None,
            list(with_ids) or None,
            changes_only=fmt in ("text", "json", "md"),
            windows_only=fmt in ("text", "json"),
        )
        redline = build_redline(tree, request, update)
    finally:
        if progress:
            progress.stop()
    if fmt == "text" and output is None and use_colour():
        from sectool.cli.draw import print_rich
        from sectool.publish import redline_lines

        print_rich(redline_lines(redline))
        return
    text, written = write_diff(redline, fmt, output, one_file=len(refs) == 1)
    if text is not None:
        click.echo(text, nl=False)
    for path in written:
        click.echo(f"Wrote {path}")
    if fmt in ("docx", "pdf") and not redline.documents:
        click.echo(f"No document changed between {redline.from_label} and {redline.to_label}")


@cli.command()
@click.argument("version")
@click.argument("refs", metavar="[REF]...", nargs=-1)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["docx", "pdf", "html", "md"]),
    default="docx",
    show_default=True,
)
@click.option(
    "-o",
    "--output",
    type=click.Path(path_type=Path),
    default=None,
    help="File to write, - for stdout (default: SEC-<version>.<format>, or stdout for html/md).",
)
@click.pass_context
def export(ctx, version, refs, fmt, output) -> None:
    """Clean consolidated copies of a version: some documents, or the whole code in one file.

    pdf is the docx converted by LibreOffice headless (SECTOOL_PDF_TIMEOUT seconds at most,
    default 300).

    \b
    Example:
      sectool export 5.9 --format docx -o SEC-5.9.docx
    """
    from sectool.model import ClauseRef
    from sectool.publish import export as run
    from sectool.publish import slug, write_file

    snapshot = tree_from(ctx).snapshot(version)
    if fmt == "pdf":
        from sectool.render.pdf import check_ready

        check_ready()
    if refs:
        doc_ids = []
        for ref in refs:
            entry, _ = snapshot.resolve(ClauseRef.parse(ref))
            doc_ids.append(entry.doc_id)
    else:
        doc_ids = [e.doc_id for e in snapshot.entries]
    data = run(snapshot, doc_ids, fmt, whole_code=not refs)
    if output is None and fmt in ("html", "md"):
        click.echo(data.decode("utf-8"), nl=False)
        return
    name = slug(str(doc_ids[0])) if len(doc_ids) == 1 and refs else "SEC"
    path = output or Path(f"{name}-{slug(snapshot.label)}.{fmt}")
    if write_file(path, data):  # not for standard output or a special file: it is the output
        click.echo(f"Wrote {path}")
