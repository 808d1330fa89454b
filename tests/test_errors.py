"""The error contract: the README's tables match errors.py, usage mistakes are one error line."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from sectool import errors
from sectool.cli import cli
from sectool.errors import BOUNDARY_CODES, ExitStatus, NotATree, SectoolError
from tests.conftest import run_cli

README = (Path(__file__).resolve().parents[1] / "README.md").read_text(encoding="utf-8")


def exit_code_section() -> str:
    return README.split("## Exit codes", 1)[1].split("\n## ", 1)[0]


def table_rows(text: str) -> list[list[str]]:
    return [
        [cell.strip().strip("`") for cell in line.strip("|").split("|")]
        for line in text.splitlines()
        if line.startswith("| ") and not line.startswith("| ---")
    ]


def test_every_exit_status_is_in_the_readme_and_only_those():
    rows = table_rows(exit_code_section().split("Errors are one line", 1)[0])
    documented = {int(row[0]) for row in rows if row[0].isdigit()}
    assert documented == {int(status) for status in ExitStatus}


def test_the_readme_error_table_is_errors_py():
    declared = {
        (cls.code, int(cls.exit_code), cls.__doc__)
        for cls in vars(errors).values()
        if isinstance(cls, type) and issubclass(cls, SectoolError) and cls is not SectoolError
    }
    declared |= {(code, int(status), text) for code, (status, text) in BOUNDARY_CODES.items()}
    rows = table_rows(exit_code_section().split("Errors are one line", 1)[1])
    documented = {(code, int(status), text) for code, status, text in rows if status.isdigit()}
    assert documented == declared


@pytest.mark.parametrize(
    "argv,where",
    [
        (["diff", "--nope"], "sectool diff"),
        (["frobnicate"], "sectool"),
        (["check", "--format", "xml"], "sectool check"),
        (["init"], "sectool init"),
    ],
)
def test_a_usage_mistake_is_one_error_line_and_a_hint(tmp_path, argv, where):
    result = CliRunner().invoke(cli, ["-C", str(tmp_path), *argv], prog_name="sectool")
    assert result.exit_code == ExitStatus.USAGE == 2
    first, hint = result.stderr.splitlines()
    assert re.fullmatch(r"error\[usage\]: \S.*", first), first
    assert hint == f"  hint: see '{where} --help'"
    assert result.stdout == ""


@pytest.mark.parametrize("argv", [["--debug", "ls"], ["ls", "--debug"]])
def test_debug_is_accepted_before_and_after_the_command(tmp_path, argv):
    with pytest.raises(NotATree):  # under --debug the error propagates, with its traceback
        CliRunner().invoke(cli, ["-C", str(tmp_path), *argv], catch_exceptions=False)


def test_without_debug_the_same_failure_is_one_error_line(tmp_path):
    result = run_cli("ls", cwd=tmp_path)
    assert result.exit_code == ExitStatus.STATE
    assert result.stderr.startswith("error[not-a-tree]: ")


def test_interrupted_is_130():
    assert ExitStatus.INTERRUPTED == 130
