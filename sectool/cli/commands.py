"""Registers every command on the group (imported by main)."""

from sectool.cli import tree_cmds  # noqa: F401
