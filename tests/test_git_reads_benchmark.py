"""benchmarks/git_reads.py reads the same bytes every way it measures, and reports ratios."""

from __future__ import annotations

import sys
from pathlib import Path

BENCH = Path(__file__).parent.parent / "benchmarks"
sys.path.insert(0, str(BENCH))

import git_reads  # noqa: E402


def test_every_reader_reads_the_whole_version(tmp_path):
    rev, paths = git_reads.make_repo(tmp_path, documents=4, words=400)
    expected = git_reads.read_with_store(tmp_path, rev, paths)
    assert expected > 400 * 2  # every document, not just the first
    assert git_reads.read_with_git_show(tmp_path, rev, paths) == expected


def test_the_run_reports_the_store_and_the_naive_floor_as_ratios(tmp_path):
    out = tmp_path / "reads.json"
    results = git_reads.main(
        ["--documents", "3", "--words", "300", "--repeat", "1", "--json", str(out)]
    )
    assert results["documents"] == 3 and results["store_seconds"] > 0
    assert results["git_show_ratio"] == results["git_show_seconds"] / results["store_seconds"]
    assert out.exists()
