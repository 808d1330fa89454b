"""The benchmark corpus is valid and deterministic, and the git floor does the same work."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import git, run_cli

BENCH = Path(__file__).parent.parent / "benchmarks"
sys.path.insert(0, str(BENCH))

import make_corpus  # noqa: E402
import run as bench  # noqa: E402

TINY = ["--words", "20000", "--documents", "20", "--largest", "3000", "--changes", "3"]


@pytest.fixture(scope="module")
def corpus(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("corpus") / "c"
    make_corpus.main([str(root), *TINY])
    return root


def documents(root: Path) -> dict[str, str]:
    return {
        p.relative_to(root).as_posix(): p.read_text()
        for folder in ("sections", "schedules", "appendices")
        for p in sorted((root / folder).glob("*.md"))
    }


def test_the_corpus_is_deterministic(corpus, tmp_path):
    again = tmp_path / "again"
    make_corpus.main([str(again), *TINY])
    assert documents(again) == documents(corpus)
    assert git(again, "show", "HEAD:modifications/MP201/change.json") == git(
        corpus, "show", "HEAD:modifications/MP201/change.json"
    )


def test_the_corpus_is_a_valid_code_with_a_release_to_designate(corpus):
    data = json.loads(run_cli("check", "--format", "json", cwd=corpus).stdout)
    assert data["summary"]["errors"] == 0, data["findings"][:3]
    assert data["summary"]["documents"] == 20
    approved = json.loads(
        run_cli("mod", "list", "--state", "approved", "--json", cwd=corpus).stdout
    )
    assert [c["id"] for c in approved] == ["MP200", "MP201", "MP202"]
    assert all(c["base"] == "1.0" and c["documents"] for c in approved)


def test_git_floor_and_sectool_designate_produce_the_same_documents(corpus, tmp_path):
    floor = bench.fresh_copy(corpus, tmp_path, "floor")
    ours = bench.fresh_copy(corpus, tmp_path, "ours")
    bench.git_floor(floor, bench.release_patches(corpus, tmp_path / "patches"))
    result = run_cli("designate", "1.1", "--effective", "2020-06-01", cwd=ours)
    assert result.exit_code == 0, result.stderr
    assert documents(floor) == documents(ours)
    assert documents(ours) != documents(corpus)


def test_the_launcher_reports_time_memory_cpu_and_exit_code(tmp_path):
    seconds, peak, cpu = bench.timed([sys.executable, "-c", "x = bytearray(30_000_000)"], tmp_path)
    assert seconds > 0 and peak > 30_000 and cpu > 0
    # the CPU time of the processes the command waited for counts too
    spin = "import time\nend = time.process_time() + 0.3\nwhile time.process_time() < end: pass"
    child = f"import subprocess, sys; subprocess.run([sys.executable, '-c', {spin!r}])"
    _, _, cpu = bench.timed([sys.executable, "-c", child], tmp_path)
    assert cpu >= 0.3
    with pytest.raises(RuntimeError):
        bench.timed([sys.executable, "-c", "raise SystemExit(3)"], tmp_path)
    subprocess.run(
        [sys.executable, str(BENCH / "launch.py"), "true"], check=True, capture_output=True
    )


def test_the_drafting_tree_has_one_version_per_round_of_edits(tmp_path):
    root = bench.drafting_tree(tmp_path, "t", 60, versions=3)
    versions = json.loads(run_cli("versions", "--json", cwd=root).stdout)
    assert [v["version"] for v in versions] == ["1.0", "2.0", "3.0"]
    # each round rewords a different tenth of the paragraphs: 6 of 60
    one = git(root, "show", "sec/1.0:appendices/ZZ.md").splitlines()
    for tag in ("sec/2.0", "sec/3.0"):
        other = git(root, "show", f"{tag}:appendices/ZZ.md").splitlines()
        assert len(other) == len(one)
        assert sum(a != b for a, b in zip(one, other, strict=True)) == 6
        one = other


def test_the_record_case_records_twenty_edits(tmp_path):
    bench.drafting_tree(tmp_path, "t", 100)
    bench.write_appendix(tmp_path / "t", 100, 1, every=5)
    text = (tmp_path / "t" / "appendices" / "ZZ.md").read_text()
    assert text.count("shall in round 1 pay") == 20
