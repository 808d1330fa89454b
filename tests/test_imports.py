"""Module boundaries: who may import what, and which dependencies are declared.

In the spirit of click's tests/test_imports.py. Two views of the same rules:
- static: every import statement in sectool/, lazy ones inside functions included;
- at run time: importing the core (or the CLI, for `sectool --help`) in a fresh interpreter
  loads none of the adapters that belong elsewhere or that must be imported lazily.
"""

from __future__ import annotations

import ast
import json
import re
import subprocess
import sys
import tomllib
from importlib.metadata import packages_distributions
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "sectool"

# top-level module -> the only places (paths under sectool/, a folder ends with "/") allowed it
OWNERS = {
    "git": ("store.py",),  # GitPython, should it come back: git belongs to the store
    "click": ("cli/",),
    "rich": ("cli/",),
    "docx": ("render/docx.py", "render/docx/"),
    "diff_match_patch": ("diff.py",),
    "fast_diff_match_patch": ("diff.py",),
}


def modules() -> list[Path]:
    return sorted(p for p in PACKAGE.rglob("*.py") if "sample" not in p.relative_to(ROOT).parts)


def name(path: Path) -> str:
    return path.relative_to(PACKAGE).as_posix()


def imported(path: Path) -> set[str]:
    """Top-level names of every module ``path`` imports, at any depth (absolute imports)."""
    out = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            out |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            out.add(node.module.split(".")[0])
    return out


def runs_git(path: Path) -> bool:
    """A module that can start processes and names the git command (``"git"`` or ``"git ..."``)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    if not imported(path) & {"subprocess", "os"}:
        return False
    return any(
        isinstance(node, ast.Constant)
        and isinstance(node.value, str)
        and re.fullmatch(r"git( .*)?", node.value)
        for node in ast.walk(tree)
    )


def allowed(path: Path, places: tuple[str, ...]) -> bool:
    return any(name(path).startswith(p) if p.endswith("/") else name(path) == p for p in places)


@pytest.mark.parametrize("module", sorted(OWNERS))
def test_each_adapter_is_imported_only_where_it_belongs(module):
    trespassers = [
        name(p) for p in modules() if module in imported(p) and not allowed(p, OWNERS[module])
    ]
    assert trespassers == [], f"{module} may be imported only in {OWNERS[module]}"


def test_only_the_store_runs_git():
    assert [name(p) for p in modules() if runs_git(p) and name(p) != "store.py"] == []


def loaded_after(code: str) -> set[str]:
    """Top-level modules loaded by a fresh interpreter after running ``code``."""
    tops = "sorted({m.split('.')[0] for m in sys.modules})"
    probe = f"{code}\nimport json, sys\nprint(json.dumps({tops}))"
    out = subprocess.run(
        [sys.executable, "-c", probe], cwd=ROOT, capture_output=True, text=True, check=True
    )
    return set(json.loads(out.stdout.splitlines()[-1]))


def dotted(path: Path) -> str:
    return ".".join(path.relative_to(ROOT).with_suffix("").parts).removesuffix(".__init__")


def test_the_core_loads_no_cli_and_no_adapter():
    # the CLI, the Word writer, and the Word reader with the import command built on it
    adapters = ("cli/", "render/docx", "word/", "importing.py")
    core = [
        dotted(p)
        for p in modules()
        if not name(p).startswith(adapters) and name(p) != "__main__.py"
    ]
    loaded = loaded_after("\n".join(f"import {m}" for m in core))
    assert loaded & {"click", "rich", "git", "docx", "lxml", "diff_match_patch"} == set()


def test_the_cli_imports_heavy_adapters_lazily():
    loaded = loaded_after("import sectool.cli, sectool.cli.commands")
    assert "click" in loaded  # the probe works
    assert loaded & {
        "rich",
        "git",
        "docx",
        "lxml",
        "diff_match_patch",
        "fast_diff_match_patch",
        "orjson",
    } == (set())


def test_sectool_help_loads_no_tree_code():
    """Start-up is a benchmark case: the commands' module-level imports stay light, and the
    tree, the store and the parser load when a command first asks for a tree."""
    probe = (
        "import sys, sectool.cli, sectool.cli.commands\n"
        "print(' '.join(sorted(m for m in sys.modules if m.startswith('sectool'))))"
    )
    out = subprocess.run(
        [sys.executable, "-c", probe], cwd=ROOT, capture_output=True, text=True, check=True
    )
    loaded = set(out.stdout.split())
    assert "sectool.cli.commands" in loaded  # the probe works
    assert loaded & {"sectool.tree", "sectool.store", "sectool.document"} == set()


def _normal(dist: str) -> str:
    return re.sub(r"[-_.]+", "-", dist).lower()


def test_every_imported_dependency_is_declared_and_every_declared_one_imported():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    declared = {
        _normal(re.split(r"[<>=!~;\[ ]", d, maxsplit=1)[0]) for d in project["dependencies"]
    }
    third_party = set().union(*(imported(p) for p in modules())) - set(sys.stdlib_module_names)
    third_party.discard("sectool")
    owners = packages_distributions()
    used = {_normal(owners.get(m, [m])[0]) for m in third_party}
    assert used - declared == set(), "imported but not declared in pyproject.toml"
    assert declared - used == set(), "declared in pyproject.toml but imported nowhere"
