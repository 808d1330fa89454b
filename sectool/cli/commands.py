"""Registers every command on the group (imported by main)."""

from sectool.cli import (  # noqa: F401
    check_cmds,
    mod_cmds,
    publish_cmds,
    tree_cmds,
    version_cmds,
    word_cmds,
)
