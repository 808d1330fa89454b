"""A register.json of the wrong shape is `malformed-register` (exit 4) naming the JSON path."""

from __future__ import annotations

import copy
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from sectool.errors import MalformedRegister
from sectool.records import changelog_entry
from sectool.register import Register
from tests.conftest import run_cli

BAD_VALUES: list[Any] = ["x", 1, None, True, [], {}, ["x"], [1], [{}], [None], {"a": 1}]


def _register(sample_tree: Path) -> dict:
    return json.loads((sample_tree / "register.json").read_text(encoding="utf-8"))


@pytest.mark.parametrize("value", ["x", ["x"], [1], [{}], [None], {"a": 1}])
@pytest.mark.parametrize("command", ["versions", "check"])
def test_bad_changes_list_is_malformed_register(sample_tree: Path, command: str, value: Any):
    data = _register(sample_tree)
    data["versions"][0]["changes"] = value
    (sample_tree / "register.json").write_text(json.dumps(data), encoding="utf-8")
    result = run_cli(command, cwd=sample_tree)
    assert result.exit_code == 4, result.stderr
    assert "error[malformed-register]" in result.stderr
    assert "$.versions[0].changes" in result.stderr
    assert "internal" not in result.stderr


@pytest.mark.parametrize("command", ["versions", "check"])
def test_a_register_nested_too_deep_is_malformed_register(sample_tree: Path, command: str):
    (sample_tree / "register.json").write_text("[" * 100_000 + "]" * 100_000, encoding="utf-8")
    result = run_cli(command, cwd=sample_tree)
    assert result.exit_code == 4 and "error[malformed-register]" in result.stderr
    assert "internal" not in result.stderr


def _paths(node: Any, path: tuple = ()) -> Iterator[tuple]:
    yield path
    if isinstance(node, dict):
        for key, value in node.items():
            yield from _paths(value, (*path, key))
    elif isinstance(node, list):
        for index, value in enumerate(node[:2]):
            yield from _paths(value, (*path, index))


def _replaced(data: Any, path: tuple, value: Any) -> Any:
    if not path:
        return value
    out = copy.deepcopy(data)
    node = out
    for step in path[:-1]:
        node = node[step]
    node[path[-1]] = value
    return out


def _removed(data: Any, path: tuple) -> Any:
    out = copy.deepcopy(data)
    node = out
    for step in path[:-1]:
        node = node[step]
    del node[path[-1]]
    return out


def test_every_mutation_either_loads_and_works_or_is_malformed_register(sample_tree: Path):
    """Fuzz: replace or delete every node; the register loads and is usable, or is refused."""
    data = _register(sample_tree)
    mutants = [_replaced(data, p, v) for p in _paths(data) for v in BAD_VALUES]
    mutants += [_removed(data, p) for p in _paths(data) if p]
    refused = 0
    for mutant in mutants:
        try:
            register = Register.loads(json.dumps(mutant))
        except MalformedRegister as exc:
            refused += 1
            assert "$" in exc.message, exc.message
            continue
        previous: dict[str, str] | None = None
        for record in register.ordered():
            changelog_entry(record, previous)
            previous = record.documents
        register.dumps()
    assert len(mutants) > 200 and refused > 100
