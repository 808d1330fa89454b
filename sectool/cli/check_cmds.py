"""`sectool check`: validation for CI pipelines and pre-commit hooks."""

from __future__ import annotations

import sys

import click

from sectool.cli import cli
from sectool.cli.common import raw, terminal_safe, tree_from, use_colour, working_dir
from sectool.model import Severity


@cli.command()
@click.argument("targets", metavar="[PATH|REF]...", nargs=-1)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["text", "json", "github", "junit"]),
    default="text",
    show_default=True,
)
@click.option(
    "--fail-on",
    type=click.Choice([s.value for s in reversed(Severity)]),
    default="error",
    show_default=True,
    help="The lowest severity that makes the exit code 1.",
)
@click.option(
    "--changed-since",
    metavar="REV",
    default=None,
    help="Only what changed since a git revision, and whatever references it.",
)
@click.pass_context
def check(ctx, targets, fmt, fail_on, changed_since) -> None:
    """Validate the tree: structure, references, defined terms, change sets, history, impact.

    Exit 0 when nothing is at or above --fail-on, 1 when something is, 2 for usage errors.

    \b
    Example:
      sectool check --changed-since origin/main --format github
    """
    from sectool.checks import run_checks
    from sectool.checks.report import render_github, render_json, render_junit, render_text

    result = run_checks(tree_from(ctx), list(targets), changed_since, working_dir(ctx))
    if fmt == "json":
        click.echo(render_json(result), nl=False)
    elif fmt == "github":
        click.echo(render_github(result), nl=False)
    elif fmt == "junit":
        click.echo(render_junit(result, Severity(fail_on)), nl=False)
    elif use_colour():
        from rich.console import Console
        from rich.text import Text

        styles = {
            "heading": "bold",
            "error": "red",
            "warning": "yellow",
            "hint": "dim",
            "summary": "bold",
        }
        console = Console(file=raw(sys.stdout), highlight=False, soft_wrap=True)
        for line, style in render_text(result):
            console.print(Text(terminal_safe(line), style=styles.get(style, "")))
    else:
        click.echo("\n".join(line for line, _ in render_text(result)))
    ctx.exit(1 if result.failed(Severity(fail_on)) else 0)
