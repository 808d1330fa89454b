"""`sectool mod ...`: register, draft, review, advance, check and rebase change sets."""

from __future__ import annotations

from pathlib import Path

import click

from sectool.cli import cli
from sectool.cli.common import echo_json, tree_from, use_colour, working_dir
from sectool.errors import BadPatch


@cli.group(cls=type(cli))
def mod() -> None:
    """Change sets: the legal text of modifications and directions.

    \b
    Example:
      sectool mod new SECMP0039 --title "Party Details updates" --path 3
    """


@mod.command("new")
@click.argument("change_id", metavar="ID")
@click.option("--title", required=True, help="The modification's title.")
@click.option(
    "--kind",
    type=click.Choice(["modification", "direction"]),
    default="modification",
    show_default=True,
)
@click.option(
    "--path",
    "path_",
    default=None,
    help="Modification path: 1, 2, 3, fast-track, urgent (default 2); for a "
    "direction: designation, re-designation, variation (default variation).",
)
@click.option("--base", default=None, help="Base version (default: the latest designated).")
@click.option("--date", default=None, help="Date raised (default today), YYYY-MM-DD.")
@click.pass_context
def mod_new(ctx, change_id, title, kind, path_, base, date) -> None:
    """Register a change set. A modification starts raised; a direction starts approved.

    \b
    Example:
      sectool mod new SoS-2017-07 --kind direction --path re-designation --title "R1.3"
    """
    from sectool.changes.record import Registration, new_change

    request = Registration(change_id, title, kind, path_, base, date)
    change = new_change(tree_from(ctx), request)
    click.echo(
        f"Registered {change.id} ({change.kind}, path {change.path}), {change.state}, "
        f"based on SEC {change.base or '(empty)'}"
    )


@mod.command("record")
@click.argument("change_id", metavar="ID")
@click.option(
    "--from-patch",
    "patch",
    type=click.Path(dir_okay=False, allow_dash=True),
    default=None,
    help="Record a unified diff (git diff format) instead of the "
    "working tree's edits; '-' reads stdin.",
)
@click.option(
    "--from-docx",
    "docx",
    type=click.Path(dir_okay=False),
    default=None,
    help="Record a drafter's Word redline (tracked changes) of the document named by --as.",
)
@click.option("--as", "as_doc", default=None, metavar="DOC", help="The document a redline edits.")
@click.pass_context
def mod_record(ctx, change_id, patch, docx, as_doc) -> None:
    """Capture edited documents into a change set, then restore the designated text.

    With --from-docx, the redline's original text must be the document at the change set's
    base version; its changed text becomes the change set's.

    \b
    Example:
      $EDITOR sections/M.md && sectool mod record SECMP0039
      sectool mod record SECMP0039 --from-docx redline.docx --as "Section M"
    """
    from sectool.changes.record import record_patch, record_worktree

    tree = tree_from(ctx)
    if docx or as_doc:
        if not (docx and as_doc) or patch:
            raise click.UsageError("--from-docx FILE needs --as DOC, and excludes --from-patch")
        from sectool.importing import record_docx
        from sectool.model import DocId

        result = record_docx(tree, change_id, working_dir(ctx) / docx, DocId.parse(as_doc))
        click.echo(
            f"Recorded {change_id} against SEC {result.change.base or '(empty)'}: "
            f"{result.documents[0]}, from the Word redline {Path(docx).name}"
        )
        for entry in result.change.provenance[-1]["revisions"]:
            kinds = ", ".join(f"{n} {k}" for k, n in entry["counts"].items())
            click.echo(
                f"  {entry['author'] or '(no author)'}, {entry['date'] or '(no date)'}: {kinds}"
            )
        return
    if patch:
        text = _read_patch(patch)
        result = record_patch(tree, change_id, text, "stdin" if patch == "-" else patch)
    else:
        result = record_worktree(tree, change_id)
    docs = ", ".join(str(d) for d in result.documents)
    click.echo(f"Recorded {change_id} against SEC {result.change.base or '(empty)'}: {docs}")
    if result.restored:
        click.echo(f"Restored {len(result.restored)} document(s) to the designated text")


def _read_patch(patch: str) -> str:
    # click.open_file treats "-" as stdin, opened for bytes (get_binary_stream is deprecated)
    with click.open_file(patch, "rb") as stream:
        data = stream.read()
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        raise BadPatch(
            f"{patch} is not UTF-8 text", "a patch of SEC documents is UTF-8 text"
        ) from None


@mod.command("show")
@click.argument("change_id", metavar="ID")
@click.option(
    "--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True
)
@click.pass_context
def mod_show(ctx, change_id, fmt) -> None:
    """Show a change set as a word-level redline, clause by clause.

    \b
    Example:
      sectool mod show SECMP0035 --format json
    """
    from sectool.changes.show import change_redline

    view = change_redline(tree_from(ctx), change_id)
    if fmt == "json":
        echo_json(view.as_json())
        return
    from sectool.cli.draw import print_rich
    from sectool.render.text import plain

    lines = view.lines()
    if use_colour():
        print_rich(lines)
    else:
        click.echo(plain(lines), nl=False)


@mod.command("list")
@click.option("--state", default=None, help="Only change sets in this state.")
@click.option("--json", "as_json", is_flag=True, help="Print as JSON.")
@click.pass_context
def mod_list(ctx, state, as_json) -> None:
    """List change sets with their state, base and documents.

    \b
    Example:
      sectool mod list --state approved
    """
    from sectool.changes.changeset import STATES
    from sectool.changes.io import load_all
    from sectool.errors import BadTransition

    if state and state not in STATES:
        raise BadTransition(f"'{state}' is not a lifecycle state", "states: " + ", ".join(STATES))
    changes = [c for c in load_all(tree_from(ctx)) if not state or c.state == state]
    if as_json:
        echo_json([c.as_json() for c in changes])
        return
    width = max((len(c.id) for c in changes), default=0)
    for c in changes:
        docs = ", ".join(str(d) for d in sorted(c.documents)) or "no text yet"
        click.echo(f"{c.id:<{width}}  {c.state:<14} base {c.base or '-':<5} {c.title}  [{docs}]")


@mod.command("advance")
@click.argument("change_id", metavar="ID")
@click.argument("state")
@click.option("--date", default=None, help="Date of the step (default today), YYYY-MM-DD.")
@click.option("--note", default="", help="A note for the history.")
@click.pass_context
def mod_advance(ctx, change_id, state, date, note) -> None:
    """Move a change set along the Section D lifecycle.

    States: raised, initial-report, refinement, report-phase, consultation, change-board,
    approved, rejected, withdrawn (implemented is set by designation).

    \b
    Example:
      sectool mod advance SECMP0039 refinement --date 2017-07-19
    """
    from sectool.changes.record import advance_change

    change = advance_change(tree_from(ctx), change_id, state, date, note)
    step = change.history[-1]
    click.echo(f"{change.id} is now {change.state} (from {step.date})")


@mod.command("check")
@click.argument("change_ids", metavar="[ID]...", nargs=-1)
@click.option("--json", "as_json", is_flag=True, help="Print as JSON.")
@click.pass_context
def mod_check(ctx, change_ids, as_json) -> None:
    """Check that pending change sets apply to the latest version and do not conflict.

    Exit 0 when clean, 1 when something was found.

    \b
    Example:
      sectool mod check --json
    """
    from sectool.changes.check import check_changes

    report = check_changes(tree_from(ctx), list(change_ids) or None)
    if as_json:
        echo_json(report.as_json())
    else:
        for item in report.not_applying:
            click.echo(f"does not apply: {item.id}: {item.reason}")
        for conflict in report.conflicts:
            click.echo(f"conflict: {conflict.describe()}")
        click.echo(
            f"{len(report.checked)} change set(s) checked against SEC "
            f"{report.latest or '(empty)'}: {len(report.conflicts)} conflict(s), "
            f"{len(report.not_applying)} not applying"
        )
    ctx.exit(0 if report.clean else 1)


@mod.command("rebase")
@click.argument("change_id", metavar="ID")
@click.option("--onto", default=None, help="Version to rebase onto (default: the latest).")
@click.pass_context
def mod_rebase(ctx, change_id, onto) -> None:
    """Re-base a change set onto a later version by three-way merge.

    On a conflict the merged documents, with conflict markers, are left in the working tree:
    resolve them and run `sectool mod record ID` to finish.

    \b
    Example:
      sectool mod rebase SECMP0039 --onto 5.9
    """
    from sectool.changes.check import rebase_change

    change = rebase_change(tree_from(ctx), change_id, onto)
    click.echo(f"Rebased {change.id} onto SEC {change.base}")


@mod.command("edit")
@click.argument("change_id", metavar="ID")
@click.pass_context
def mod_edit(ctx, change_id) -> None:
    """Put a change set's text into the working tree, to go on drafting it.

    Edit the documents, then `sectool mod record ID` replaces the change set's text with what
    the working tree then says (a document put back as designated leaves the change set).

    \b
    Example:
      sectool mod edit SECMP0039 && $EDITOR sections/M.md && sectool mod record SECMP0039
    """
    from sectool.changes.record import edit_change

    docs = edit_change(tree_from(ctx), change_id)
    click.echo(
        f"{change_id}'s text is in the working tree: "
        + (", ".join(str(d) for d in docs) or "no documents yet")
    )
    click.echo(f"Edit, then run `sectool mod record {change_id}` (or `sectool mod abort`)")


@mod.command("abort")
@click.pass_context
def mod_abort(ctx) -> None:
    """Give up drafting in the working tree (after `mod edit`, or a conflicted rebase).

    The documents go back to the designated text; the change set stays as last recorded.

    \b
    Example:
      sectool mod abort
    """
    from sectool.changes.record import abort_session

    change_id = abort_session(tree_from(ctx))
    click.echo(f"Stopped drafting {change_id}; the documents show the designated text again")
