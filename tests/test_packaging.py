"""The wheel users install holds every module and the whole bundled sample.

The other tests run against an editable install, which would hide a package missing from
pyproject.toml; this builds the real wheel and looks inside it.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

ROOT = Path(__file__).parent.parent


def clean_copy(target: Path) -> Path:
    """The tracked files only: a stale build/ folder in a checkout would hide a missing package."""
    files = (
        subprocess.run(["git", "ls-files", "-z"], cwd=ROOT, capture_output=True, check=True)
        .stdout.decode()
        .split("\0")
    )
    for name in filter(None, files):
        source, dest = ROOT / name, target / name
        if source.is_file():
            dest.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, dest)
    return target


def test_the_wheel_has_every_module_and_the_sample(tmp_path):
    source = clean_copy(tmp_path / "src")
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "--no-deps",
            "-q",
            "-w",
            str(tmp_path),
            str(source),
        ],
        check=True,
        capture_output=True,
    )
    [wheel] = tmp_path.glob("sectool-*.whl")
    names = set(zipfile.ZipFile(wheel).namelist())
    modules = {p.relative_to(ROOT).as_posix() for p in (ROOT / "sectool").rglob("*.py")}
    assert sorted(modules - names) == []
    sample = {
        f"sectool/sample/{p.relative_to(ROOT).as_posix()}"
        for folder in ("sections", "schedules", "appendices", "modifications")
        for p in (ROOT / folder).rglob("*")
        if p.is_file() and p.name != ".gitkeep"
    }
    assert "sectool/sample/sample.json" in names
    assert sorted(sample - names) == []
