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


def git(root: Path, *args: str) -> str:
    import subprocess

    return subprocess.run(
        ["git", *args], cwd=root, capture_output=True, text=True, check=True
    ).stdout


def repo_state(root: Path) -> dict:
    """Everything a failed command must leave as it was: HEAD, refs, index, working tree."""
    import hashlib

    files = {}
    for path in sorted(root.rglob("*")):
        if ".git" in path.relative_to(root).parts or not path.is_file():
            continue
        files[path.relative_to(root).as_posix()] = hashlib.sha1(path.read_bytes()).hexdigest()
    return {
        "refs": git(root, "for-each-ref", "--format=%(refname) %(objectname)"),
        "head": git(root, "rev-parse", "HEAD"),
        "index": git(root, "ls-files", "--stage"),
        "status": git(root, "status", "--porcelain", "--untracked-files=all"),
        "files": files,
    }


def edit(root: Path, rel: str, old: str, new: str) -> None:
    path = root / rel
    text = path.read_text(encoding="utf-8")
    assert text.count(old) == 1, f"{old!r} appears {text.count(old)} times in {rel}"
    path.write_text(text.replace(old, new), encoding="utf-8")


@pytest.fixture
def versions(empty_tree: Path):
    """Designate one appendix's successive texts as SEC 1.0, 2.0, ... (see tests/chain.py)."""
    from tests.chain import Chain

    return Chain(empty_tree)
