"""Commands on the tree itself: init, ls, show, demo."""

from __future__ import annotations

from pathlib import Path

import click

from sectool.cli import cli
from sectool.cli.common import at_option, echo_json, tree_from
from sectool.model import ClauseRef


@cli.command()
@click.argument("directory", type=click.Path(file_okay=True))
@click.option("--sample", is_flag=True, help="Seed the tree with the bundled sample SEC 5.7.")
def init(directory: str, sample: bool) -> None:
    """Create a new SEC tree in DIRECTORY, as a new git repository.

    Without --sample the tree is empty and has no designated version yet; the first
    designation starts its history.

    \b
    Example:
      sectool init /tmp/sec --sample
    """
    from sectool.seed import create_tree

    root, register = create_tree(Path(directory), sample)
    if register.latest:
        click.echo(
            f"Created {root} with SEC {register.latest.version} "
            f"({len(register.documents)} documents), tagged {register.latest.tag}"
        )
    else:
        click.echo(f"Created an empty SEC tree in {root}")


@cli.command("ls")
@at_option
@click.option("--json", "as_json", is_flag=True, help="Print the Document Log as JSON.")
@click.pass_context
def list_documents(ctx: click.Context, at: str | None, as_json: bool) -> None:
    """List the documents of the code: the Document Log.

    \b
    Example:
      sectool ls --at 2017-07-15 --json
    """
    snapshot = tree_from(ctx).snapshot(at)
    entries = snapshot.entries
    if as_json:
        echo_json([e.as_json() for e in entries])
        return
    if snapshot.record:
        click.echo(f"Document Log of SEC {snapshot.label} (effective {snapshot.record.effective})")
    else:
        latest = snapshot.register.latest
        based = f", based on SEC {latest.version}" if latest else ", nothing designated yet"
        click.echo(f"Document Log (working tree{based})")
    width = max((len(str(e.doc_id)) for e in entries), default=0)
    for e in entries:
        click.echo(f"{str(e.doc_id):<{width}}  {e.version:>6}  {e.title}")


@cli.command()
@click.argument("reference")
@at_option
@click.option("--json", "as_json", is_flag=True, help="Print as JSON.")
@click.pass_context
def show(ctx: click.Context, reference: str, at: str | None, as_json: bool) -> None:
    """Print a document, or one clause with its sub-clauses, exactly as stored.

    REFERENCE is a document ("Appendix AC", "M") or a clause ("M6.2", "Section G6.2(b)",
    "Appendix B 4.3").

    \b
    Example:
      sectool show M6.2 --at 5.7
    """
    snapshot = tree_from(ctx).snapshot(at)
    entry, clause = snapshot.resolve(ClauseRef.parse(reference))
    document = snapshot.document(entry.doc_id)
    text = document.clause_text(clause) if clause else str(document)
    if as_json:
        echo_json(
            {
                "id": str(entry.doc_id),
                "clause": clause,
                "title": entry.title,
                "version": entry.version,
                "at": snapshot.label,
                "text": text,
            }
        )
        return
    click.echo(text, nl=False)


@cli.command()
@click.argument("directory", required=False, type=click.Path())
def demo(directory: str | None) -> None:
    """Build a sample SEC tree and replay the July 2017 events in it.

    DIRECTORY defaults to a new folder (sec-demo, sec-demo-2, ...) under the current one.

    \b
    Example:
      sectool demo /tmp/sec-demo
    """
    from sectool.demo import run_demo

    run_demo(Path(directory) if directory else None, click.echo)
