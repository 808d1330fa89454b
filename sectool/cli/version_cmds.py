"""Designation and time: designate, versions, history, verify."""

from __future__ import annotations

import click

from sectool.cli import cli
from sectool.cli.common import echo_json, tree_from
from sectool.model import ClauseRef


@cli.command()
@click.argument("version")
@click.option(
    "--effective",
    required=True,
    metavar="DATE",
    help="The date the version takes effect (YYYY-MM-DD).",
)
@click.option(
    "--change",
    "changes",
    multiple=True,
    metavar="ID",
    help="A change set to implement (repeatable); default: every approved one.",
)
@click.option(
    "--by",
    default=None,
    help="Who designates (default: the Code Administrator, or "
    "the Secretary of State for directions only).",
)
@click.option(
    "--doc-version",
    "doc_versions",
    multiple=True,
    metavar='"DOC=VERSION"',
    help='Set a document\'s new version, e.g. "Appendix AC=1.2" (repeatable).',
)
@click.option("--dry-run", is_flag=True, help="Print what would be designated; write nothing.")
@click.option(
    "--sign", is_flag=True, help="Sign the tag with git's signing set-up (SSH or OpenPGP)."
)
@click.option(
    "--designators",
    type=click.Path(exists=True, dir_okay=False),
    default=None,
    help="Who may sign later designations (git's allowed-signers format).",
)
@click.pass_context
def designate(ctx, version, effective, changes, by, doc_versions, dry_run, sign, designators):
    """Designate VERSION: apply approved change sets, version the documents, commit and tag.

    All or nothing: on any failure the repository is left exactly as it was.

    \b
    Example:
      sectool designate 5.8 --effective 2017-07-12 --change SECMP0035 --sign
    """
    from pathlib import Path

    from sectool.designate import DesignationRequest, parse_doc_versions
    from sectool.designate import designate as run
    from sectool.signing import parse_designators

    tree = tree_from(ctx)
    allowed = (
        parse_designators(Path(designators).read_bytes(), designators) if designators else None
    )
    request = DesignationRequest(
        version, effective, list(changes) or None, by, parse_doc_versions(list(doc_versions))
    )
    plan = run(tree, request, dry_run, sign, allowed)
    record = plan.record
    verb = "Would designate" if dry_run else "Designated"
    click.echo(f"{verb} SEC {record.version}, effective {record.effective}, by {record.by}")
    for change in plan.changes:
        click.echo(f"  {change.id}: {change.title}")
    for doc in plan.documents:
        if doc.new_text is None:
            click.echo(f"  {doc.doc_id}: removed (was {doc.old_version})")
        elif doc.old_version is None:
            click.echo(f"  {doc.doc_id}: new, {doc.new_version}")
        else:
            summary = _summary(doc) if dry_run else ""
            click.echo(f"  {doc.doc_id}: {doc.old_version} -> {doc.new_version}{summary}")
    if not dry_run:
        click.echo(f"Tagged {record.tag}")


def _summary(doc) -> str:
    from sectool.diff import compare_documents
    from sectool.document import parse_document

    diff = compare_documents(
        parse_document(doc.old_text, doc.doc_id), parse_document(doc.new_text, doc.doc_id)
    )
    counts: dict[str, int] = {}
    for item in diff.changes:
        counts[item.op] = counts.get(item.op, 0) + 1
    return " (" + ", ".join(f"{n} {op}" for op, n in counts.items()) + ")" if counts else ""


@cli.command("versions")
@click.option("--json", "as_json", is_flag=True, help="Print as JSON.")
@click.pass_context
def list_versions(ctx, as_json) -> None:
    """List every designated version: date, authority, change sets, Document Log, tag, commit.

    \b
    Example:
      sectool versions --json
    """
    from sectool.history import versions

    data = versions(tree_from(ctx))
    if as_json:
        echo_json(data)
        return
    for v in data:
        changes = ", ".join(c["id"] for c in v["changes"]) or "baseline"
        commit = (v["commit"] or "no tag")[:10]
        click.echo(
            f"SEC {v['version']:<6} effective {v['effective']}  {commit}  {changes}  (by {v['by']})"
        )


@cli.command("history")
@click.argument("reference")
@click.option("--json", "as_json", is_flag=True, help="Print as JSON.")
@click.pass_context
def show_history(ctx, reference, as_json) -> None:
    """Every version that changed a document or clause, and the change sets responsible.

    \b
    Example:
      sectool history "Appendix B 4.3"
    """
    from sectool.history import history

    name, entries = history(tree_from(ctx), ClauseRef.parse(reference))
    if as_json:
        echo_json([e.as_json() for e in entries])
        return
    click.echo(f"Changes to {name}")
    for e in entries:
        changes = ", ".join(f"{c.id} ({c.title})" for c in e.changes) or "as designated"
        version = f" [document version {e.document_version}]" if e.document_version else ""
        click.echo(f"  SEC {e.version:<6} effective {e.effective}  {e.what}{version}: {changes}")


@cli.command()
@click.option("--json", "as_json", is_flag=True, help="Print findings as JSON.")
@click.pass_context
def verify(ctx, as_json) -> None:
    """Check that tags, commits, the register and the Document Log agree.

    Reports moved or deleted designation tags, designated documents committed without a
    designation, and tags that are unsigned or signed by a key the previous version's
    designators file does not list. --json names each version's signer. Exit 0 when all
    agree, 1 otherwise.

    \b
    Example:
      sectool verify
    """
    from sectool.history import signatures
    from sectool.history import verify as run

    tree = tree_from(ctx)
    findings = run(tree)
    if as_json:
        echo_json({"findings": [f.as_json() for f in findings], "versions": signatures(tree)})
    else:
        for f in findings:
            click.echo(f"{f.severity}[{f.rule}]: {f.path}: {f.message}")
            if f.hint:
                click.echo(f"  hint: {f.hint}")
        count = len(tree.register.versions)
        click.echo(
            f"{count} designated version(s) verified: "
            + ("all agree" if not findings else f"{len(findings)} problem(s)")
        )
    ctx.exit(1 if findings else 0)
