"""Shared fixtures: real git-backed SEC trees under tmp_path, and a CLI runner."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

import pytest
from click.testing import CliRunner

import sectool.cli.commands  # noqa: F401  (registers the commands)
from sectool.cli import cli
from sectool.seed import create_tree

os.environ.setdefault("GIT_AUTHOR_NAME", "sectool tests")
os.environ.setdefault("GIT_AUTHOR_EMAIL", "tests@sectool.invalid")
os.environ.setdefault("GIT_COMMITTER_NAME", "sectool tests")
os.environ.setdefault("GIT_COMMITTER_EMAIL", "tests@sectool.invalid")
os.environ.pop("SECTOOL_FAULT", None)
os.environ["NO_COLOR"] = "1"


@dataclass
class Result:
    exit_code: int
    stdout: str
    stderr: str


def run_cli(*args: str, cwd: Path | None = None, input: str | None = None) -> Result:
    """Run sectool in-process with -C, keeping stdout and stderr apart."""
    argv = (["-C", str(cwd)] if cwd else []) + list(args)
    result = CliRunner().invoke(cli, argv, input=input, catch_exceptions=False)
    return Result(result.exit_code, result.stdout, result.stderr)


@pytest.fixture
def sample_tree(tmp_path: Path) -> Path:
    root, _ = create_tree(tmp_path / "sec", sample=True)
    return root


@pytest.fixture
def empty_tree(tmp_path: Path) -> Path:
    root, _ = create_tree(tmp_path / "empty", sample=False)
    return root


@pytest.fixture
def sec(sample_tree: Path):
    """Run sectool against the sample tree."""

    def run(*args: str, input: str | None = None) -> Result:
        return run_cli(*args, cwd=sample_tree, input=input)

    return run
