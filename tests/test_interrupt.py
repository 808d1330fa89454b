"""Ctrl-C anywhere in sectool, its start-up imports included, exits 130 without a traceback."""

from __future__ import annotations

import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

import sectool.__main__ as entry
from sectool.errors import ExitStatus

ROOT = Path(__file__).resolve().parents[1]

# Run the entry point with an interrupt arriving while the named module is imported.
INTERRUPT_DURING_IMPORT = """
import builtins, sys
real, module = builtins.__import__, sys.argv[1]
def interrupted(name, *args, **kwargs):
    if name == module:
        raise KeyboardInterrupt
    return real(name, *args, **kwargs)
builtins.__import__ = interrupted
sys.argv[1:] = ["--version"]
from sectool.__main__ import main
main()
"""


@pytest.mark.parametrize("module", ["click", "sectool.errors"])
def test_an_interrupt_while_importing_exits_130_quietly(module):
    result = subprocess.run(
        [sys.executable, "-c", INTERRUPT_DURING_IMPORT, module],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=60,
    )
    assert (result.returncode, result.stderr, result.stdout) == (130, "", "")


def test_the_command_and_python_m_enter_through_the_guard():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    assert project["project"]["scripts"]["sectool"] == "sectool.__main__:main"
    assert entry.INTERRUPTED == ExitStatus.INTERRUPTED
