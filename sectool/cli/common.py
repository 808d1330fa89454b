"""Helpers shared by the commands: finding the tree, printing JSON, colour decisions."""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING

import click

if TYPE_CHECKING:
    from sectool.tree import Tree


def tree_from(ctx: click.Context) -> Tree:
    """The tree the command runs on: -C PATH or the current directory, searching upwards."""
    from sectool.tree import Tree  # not at start-up: `sectool --help` needs no tree

    directory = (ctx.find_root().obj or {}).get("directory")
    tree = Tree.find(Path(directory) if directory else None)
    tree.recover()
    return tree


def working_dir(ctx: click.Context) -> Path:
    """Where relative paths on the command line start: -C PATH, or the current directory."""
    directory = (ctx.find_root().obj or {}).get("directory")
    return Path(directory).absolute() if directory else Path.cwd()


def echo_json(data) -> None:
    click.echo(json.dumps(data, indent=2, ensure_ascii=False))


def use_colour(stream=None) -> bool:
    """Colour only on a terminal, and never when NO_COLOR is set."""
    stream = stream or sys.stdout
    if os.environ.get("NO_COLOR"):
        return False
    if os.environ.get("FORCE_COLOR"):
        return True
    return hasattr(stream, "isatty") and stream.isatty()


def at_option(func):
    return click.option(
        "--at",
        "at",
        default=None,
        metavar="VERSION|DATE",
        help="A version label (5.8) or the date (2017-07-15) the code was in force; "
        "default: the working tree.",
    )(func)
