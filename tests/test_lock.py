"""requirements.lock pins every dependency pyproject.toml declares, at a release it allows."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

ROOT = Path(__file__).resolve().parents[1]
REFRESH = "refresh it as the README says (uv pip compile ... -o requirements.lock)"


def locked() -> dict[str, str]:
    pins = {}
    for line in (ROOT / "requirements.lock").read_text(encoding="utf-8").splitlines():
        match = re.match(r"([A-Za-z0-9_.-]+)==([^ ;]+)", line)
        if match:
            pins[canonicalize_name(match[1])] = match[2]
    return pins


def test_the_lock_satisfies_pyproject():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    wanted = [
        Requirement(r) for r in project["dependencies"] + project["optional-dependencies"]["test"]
    ]
    pins = locked()
    missing = [str(r) for r in wanted if canonicalize_name(r.name) not in pins]
    assert missing == [], f"requirements.lock lacks {missing}: {REFRESH}"
    outside = [
        f"{r} (locked {pins[canonicalize_name(r.name)]})"
        for r in wanted
        if not r.specifier.contains(pins[canonicalize_name(r.name)], prereleases=True)
    ]
    assert outside == [], f"requirements.lock pins releases pyproject.toml refuses: {REFRESH}"
