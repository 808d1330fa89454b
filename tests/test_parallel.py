"""Work shared over processes gives what one process gives: the same results, in order, and
the same error; a forked worker reads git through its own cat-file process."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from sectool import parallel
from sectool.errors import MalformedDocument
from sectool.parallel import map_groups, share
from sectool.store import Store

forking = pytest.mark.skipif(
    not hasattr(os, "fork") or sys.platform == "darwin", reason="workers are forked"
)


def test_share_balances_by_weight_and_keeps_order():
    weights = [100, 1, 1, 1, 50, 50, 1]
    groups = share(weights, 2)
    assert sorted(k for g in groups for k in g) == list(range(7))
    assert all(g == sorted(g) for g in groups)
    totals = sorted(sum(weights[k] for k in g) for g in groups)
    assert totals == [102, 102]
    assert share(weights, 2) == groups  # deterministic
    assert share([5], 4) == [[0]]
    assert share([], 3) == []


def _tagged(items: list[int]) -> list[tuple[int, int]]:
    return [(x * x, os.getpid()) for x in items]


@forking
def test_results_come_back_in_order_from_several_processes():
    items = list(range(40))
    out = map_groups(_tagged, items, [1] * 40, workers=3)
    assert [square for square, _ in out] == [x * x for x in items]
    assert len({pid for _, pid in out}) == 3  # really shared out
    assert {pid for _, pid in out} >= {os.getpid()}


def test_one_worker_works_here(monkeypatch):
    monkeypatch.setenv("SECTOOL_WORKERS", "1")
    out = map_groups(_tagged, list(range(10)), [1] * 10)
    assert {pid for _, pid in out} == {os.getpid()}


def _fails_at(bad: set[int]):
    def work(items: list[int]) -> list[int]:
        for x in items:
            if x in bad:
                raise MalformedDocument(f"item {x} is malformed", "fix it", path=f"{x}.md")
        return items

    return work


@forking
@pytest.mark.parametrize("bad", [{7}, {2, 7}, {3, 6}, {0, 9}])
def test_the_error_is_the_one_a_single_process_raises(bad):
    items = list(range(10))
    with pytest.raises(MalformedDocument) as single:
        _fails_at(bad)(items)
    with pytest.raises(MalformedDocument) as shared:
        map_groups(_fails_at(bad), items, [1] * 10, workers=2)
    assert str(shared.value) == str(single.value) == f"item {min(bad)} is malformed"


def _dies_in_a_worker(parent: int):
    def work(items: list[int]) -> list[int]:
        if os.getpid() != parent:
            os._exit(9)  # killed, out of memory, ...: nothing comes back
        return [x + 1 for x in items]

    return work


@forking
def test_a_share_whose_worker_died_is_done_again_here():
    items = list(range(12))
    out = map_groups(_dies_in_a_worker(os.getpid()), items, [1] * 12, workers=2)
    assert out == [x + 1 for x in items]


@forking
def test_a_forked_worker_reads_through_its_own_cat_file(tmp_path: Path):
    subprocess.run(["git", "init", "-q", str(tmp_path)], check=True)
    names = [f"f{k}.md" for k in range(30)]
    for k, name in enumerate(names):
        (tmp_path / name).write_text(f"file {k}\n" * (2000 + 100 * k))
    subprocess.run(["git", "-C", str(tmp_path), "add", "."], check=True)
    subprocess.run(
        [
            "git",
            "-C",
            str(tmp_path),
            "-c",
            "user.name=t",
            "-c",
            "user.email=t@t",
            "commit",
            "-qm",
            "x",
        ],
        check=True,
    )
    store = Store(tmp_path)
    assert store.read("HEAD", names[0]) is not None  # the parent's reader is running
    parent = os.getpid()

    def read(paths: list[str]) -> list[tuple[bytes | None, bool]]:
        # a worker starts with no reader: it must never write to its parent's
        inherited = os.getpid() != parent and store._catfile is not None
        return [(store.read("HEAD", p), inherited) for p in paths]

    out = map_groups(read, names, [1] * len(names), workers=2)
    assert [data for data, _ in out] == [(tmp_path / n).read_bytes() for n in names]
    assert not any(inherited for _, inherited in out)
    assert store.read("HEAD", names[-1]) == (tmp_path / names[-1]).read_bytes()  # still works


def test_worker_count_setting(monkeypatch):
    monkeypatch.setenv("SECTOOL_WORKERS", "3")
    assert parallel.worker_count() == 3
    monkeypatch.setenv("SECTOOL_WORKERS", "100000")
    assert parallel.worker_count() == parallel.MAX_ASKED
    for ignored in ("nonsense", "0", "-2", "", "\u00b2"):
        monkeypatch.setenv("SECTOOL_WORKERS", ignored)
        assert 1 <= parallel.worker_count() <= parallel.MAX_WORKERS


@forking
def test_when_no_worker_can_start_the_work_is_done_here(monkeypatch):
    def no_fork() -> int:
        raise OSError(11, "Resource temporarily unavailable")

    monkeypatch.setattr(os, "fork", no_fork)
    out = map_groups(_tagged, list(range(10)), [1] * 10, workers=3)
    assert [square for square, _ in out] == [x * x for x in range(10)]
    assert {pid for _, pid in out} == {os.getpid()}


@forking
def test_a_worker_stops_its_git_process_before_it_ends(tmp_path: Path):
    subprocess.run(["git", "init", "-q", str(tmp_path)], check=True)
    (tmp_path / "a.md").write_text("text\n")
    subprocess.run(["git", "-C", str(tmp_path), "add", "."], check=True)
    commit = ["git", "-C", str(tmp_path), "-c", "user.name=t", "-c", "user.email=t@t"]
    subprocess.run([*commit, "commit", "-qm", "x"], check=True)
    store = Store(tmp_path)
    parent = os.getpid()

    def read(items: list[int]) -> list[int]:
        store.read("HEAD", "a.md")
        assert store._catfile is not None
        return [store._catfile.pid if os.getpid() != parent else 0 for _ in items]

    pids = {pid for pid in map_groups(read, [1, 2, 3, 4], [1] * 4, workers=4) if pid}
    assert len(pids) == 3
    for pid in pids:  # waited for by its worker, so gone, not left to init
        with pytest.raises(ProcessLookupError):
            os.kill(pid, 0)
