"""Word in: `sectool import`."""

from __future__ import annotations

from pathlib import Path

import click

from sectool.cli import cli
from sectool.cli.common import tree_from, working_dir


def view_options(func):
    """--accept-changes / --reject-changes: which view of a Word redline to take."""
    func = click.option(
        "--reject-changes",
        "reject",
        is_flag=True,
        help="Take the text before the tracked changes (reject all).",
    )(func)
    return click.option(
        "--accept-changes",
        "accept",
        is_flag=True,
        help="Take the text with the tracked changes made (accept all).",
    )(func)


def chosen_view(accept: bool, reject: bool) -> str | None:
    if accept and reject:
        raise click.UsageError("give --accept-changes or --reject-changes, not both")
    return "accept" if accept else "reject" if reject else None


def echo_conversion(counts: dict[str, int], warnings: list[str]) -> None:
    summary = ", ".join(
        f"{counts.get(k, 0)} {k}" for k in ("paragraphs", "numbered paragraphs", "tables")
    )
    click.echo(f"  {summary}, {counts.get('footnotes', 0)} footnotes")
    for warning in warnings:
        click.echo(f"warning: {warning}", err=True)


@cli.command("import")
@click.argument("source", metavar="FILE.docx", type=click.Path(dir_okay=False))
@click.option("--as", "as_doc", required=True, metavar="DOC", help='The document: "Appendix ZZ".')
@click.option("--title", default=None, help="The document's title (default: Word's Title).")
@view_options
@click.pass_context
def import_cmd(ctx, source, as_doc, title, accept, reject) -> None:
    """Import a Word document as a document of the working tree.

    List numbers are computed as Word prints them; headings, clause paragraphs,
    sub-paragraphs, tables and footnotes become sectool Markdown. A document with tracked
    changes needs --accept-changes or --reject-changes. Record the result with `mod record`.

    \b
    Example:
      sectool import appendix-zz.docx --as "Appendix ZZ" && sectool mod record SECMP0050
    """
    from sectool.importing import import_docx
    from sectool.model import DocId

    view = chosen_view(accept, reject)
    tree = tree_from(ctx)
    doc_id = DocId.parse(as_doc)
    result = import_docx(tree, working_dir(ctx) / Path(source), doc_id, view, title)
    what = "replaced" if result.replaced else "new"
    click.echo(f"Imported {Path(source).name} as {doc_id} ({result.path}, {what})")
    echo_conversion(result.conversion.counts, result.conversion.warnings)
