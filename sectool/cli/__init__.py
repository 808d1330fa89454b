"""The command line: click commands that call one core function each and print the result.

This package is the only user of click and rich. Errors from the core arrive as SectoolError
and leave through :class:`SectoolGroup`, the one boundary that prints them and sets the exit code.
"""

from __future__ import annotations

import os
import sys
from typing import NoReturn

import click

from sectool import __version__
from sectool.errors import ExitStatus, SectoolError


class SectoolGroup(click.Group):
    """Turns SectoolError into ``error[code]: message`` plus a hint, and a documented exit code."""

    def invoke(self, ctx: click.Context):
        try:
            return super().invoke(ctx)
        except SectoolError as exc:
            where = exc.where()
            prefix = f"{where}: " if where else ""
            _report(ctx, exc.code, prefix + exc.message, exc.hint, exc.exit_code)
        except (KeyboardInterrupt, BrokenPipeError):
            ctx.exit(ExitStatus.INTERRUPTED)
        except OSError as exc:  # the file system refused: not a bug, and nothing was half-done
            where = f": {exc.filename}" if exc.filename else ""
            hint = "check that the path exists, is of the right kind, and that you may write there"
            _report(ctx, "file-system", f"{exc.strerror or exc}{where}", hint, ExitStatus.STATE)
        except (click.exceptions.Exit, click.ClickException):
            raise  # click's own exits and usage errors (exit 2)
        except Exception as exc:  # a bug: say so plainly, keep the traceback for --debug
            hint = "this is a bug in sectool; rerun with --debug for the traceback and report it"
            _report(ctx, "internal", f"{type(exc).__name__}: {exc}", hint, ExitStatus.INTERNAL)

    def main(self, args=None, prog_name=None, complete_var=None, standalone_mode=True, **extra):
        """Run the CLI. Usage mistakes leave as one ``error[usage]`` line plus a hint (exit 2),
        not click's three-line message, and ``--debug`` is accepted anywhere before ``--``."""
        argv = list(sys.argv[1:] if args is None else args)
        end = argv.index("--") if "--" in argv else len(argv)
        if "--debug" in argv[:end]:  # where the internal-error hint tells users to put it
            argv = ["--debug", *(a for a in argv[:end] if a != "--debug"), *argv[end:]]
        if not standalone_mode:
            return super().main(argv, prog_name, complete_var, standalone_mode, **extra)
        try:
            status = super().main(argv, prog_name, complete_var, standalone_mode=False, **extra)
        except click.UsageError as exc:
            message = " ".join(exc.format_message().split())
            where = exc.ctx.command_path if exc.ctx else (prog_name or "sectool")
            click.echo(f"error[usage]: {message}", err=True)
            click.echo(f"  hint: see '{where} --help'", err=True)
            sys.exit(ExitStatus.USAGE)
        except click.ClickException as exc:  # none is raised today; keep click's own form
            exc.show()
            sys.exit(exc.exit_code)
        except click.Abort:  # Ctrl-C at a prompt, or end of input
            sys.exit(ExitStatus.INTERRUPTED)
        sys.exit(status if isinstance(status, int) else ExitStatus.OK)

    # The top-level commands in the order a user meets them: set up, read, draft, designate,
    # publish, check. Sub-groups (mod) keep the order their commands were written in.
    ORDER = (
        "init",
        "demo",
        "ls",
        "show",
        "import",
        "mod",
        "designate",
        "versions",
        "history",
        "verify",
        "diff",
        "export",
        "check",
    )

    def list_commands(self, ctx):
        if ctx.parent is not None:  # a sub-group such as `mod`
            return list(self.commands)
        known = [name for name in self.ORDER if name in self.commands]
        return known + [name for name in self.commands if name not in known]


def _report(ctx: click.Context, code: str, message: str, hint: str, status: int) -> None:
    """The one way a failure reaches the user: error[code] and a hint on stderr, an exit code;
    under --debug the exception itself propagates, with its traceback."""
    if ctx.obj and ctx.obj.get("debug"):
        raise
    click.echo(f"error[{code}]: {message}", err=True)
    if hint:
        click.echo(f"  hint: {hint}", err=True)
    ctx.exit(int(status))


@click.group(cls=SectoolGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, "--version", prog_name="sectool")
@click.option(
    "-C",
    "directory",
    type=click.Path(file_okay=False),
    default=None,
    help="Run as if started in this directory (like git -C).",
)
@click.option("--debug", is_flag=True, hidden=True, help="Show tracebacks.")
@click.pass_context
def cli(ctx: click.Context, directory: str | None, debug: bool) -> None:
    """Version manager for the Smart Energy Code: documents, change sets, designations and
    tracked-change redlines in a git repository.

    \b
    Example:
      sectool init /tmp/sec --sample && cd /tmp/sec && sectool show M6.2
    """
    ctx.ensure_object(dict)
    ctx.obj["debug"] = debug or bool(os.environ.get("SECTOOL_DEBUG"))
    ctx.obj["directory"] = directory


def main() -> None:
    from sectool.cli import commands  # noqa: F401  (registers the commands)
    from sectool.cli.common import guard_terminals

    guard_terminals()  # text from files never commands the user's terminal

    try:
        cli.main(prog_name="sectool", standalone_mode=True)
    except SystemExit as exc:
        code = exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
        _exit_now(code)


def _exit_now(code: int) -> NoReturn:
    """End the process once the command has finished, without tearing the interpreter down.

    Everything written is flushed first, and every file the command writes is complete (and
    temporary folders gone) before it returns; what is left is freeing its objects one by one,
    which after a whole-code redline costs 25 ms, a tenth of the command. A git process the
    command read through sees its input close and ends. Where flushing fails (a closed pipe),
    Python exits as usual and reports it; so it does under a profiler or a coverage tracer,
    which write their results as the interpreter ends.
    """
    watched = sys.gettrace() or sys.getprofile() or "coverage" in sys.modules
    try:
        for stream in (sys.stdout, sys.stderr):
            if stream is not None:  # None: the process was started with it closed
                stream.flush()
    except OSError:
        sys.exit(code)
    if watched:
        sys.exit(code)
    os._exit(code)


__all__ = ["cli", "main", "ExitStatus"]
