"""Independent work on many documents, shared out over the machine's cores.

A whole-code redline compares each changed document on its own; on a machine with several
cores, :func:`map_groups` forks workers that each take a share of the documents (balanced by
their size in bytes) and send back what they made, pickled. The result is the same, in the
same order, as one process working through the list: a worker that fails for any reason
(an error in a document, a signal, running out of memory) has its share done again by the
main process, in order, so an error is the one a single process would have raised.

Forking is used only where it is safe and cheap: on Linux and the BSDs (not macOS, whose
system libraries may not survive a fork; not Windows, which has none), from a process with
no other thread running. ``SECTOOL_WORKERS=1`` turns it off; ``SECTOOL_WORKERS=N`` sets the
number of processes (at most 32; default: the cores this process may use, at most 4). Any
other value is ignored.
"""

from __future__ import annotations

import contextlib
import os
import pickle
import signal
import sys
import threading
from collections.abc import Callable, Sequence
from typing import TypeVar

T = TypeVar("T")
R = TypeVar("R")

MAX_WORKERS = 4  # beyond this, reading the blobs (one git process each) dominates
MAX_ASKED = 32  # the most SECTOOL_WORKERS may ask for (each worker runs its own git process)
_CHILD_FAILED = 1


def worker_count() -> int:
    """How many processes :func:`map_groups` may use (1: work in this process only)."""
    wanted = os.environ.get("SECTOOL_WORKERS", "").strip()
    if wanted.isascii() and wanted.isdigit() and int(wanted) >= 1:  # not "²"
        return min(int(wanted), MAX_ASKED)
    if not hasattr(os, "fork") or sys.platform == "darwin":
        return 1
    try:
        cores = len(os.sched_getaffinity(0))
    except (AttributeError, OSError):
        cores = os.cpu_count() or 1
    return max(1, min(cores, MAX_WORKERS))


def share(weights: Sequence[int], count: int) -> list[list[int]]:
    """Split positions ``0..len(weights)-1`` into at most ``count`` groups of about equal total
    weight (largest first, each to the lightest group), each group in ascending order.
    Deterministic for the same input."""
    count = max(1, min(count, len(weights)))
    groups: list[list[int]] = [[] for _ in range(count)]
    totals = [0] * count
    for position in sorted(range(len(weights)), key=lambda k: (-weights[k], k)):
        lightest = min(range(count), key=lambda g: (totals[g], g))
        groups[lightest].append(position)
        totals[lightest] += weights[position]
    return [sorted(g) for g in groups if g]


def map_groups(
    work: Callable[[list[T]], list[R]],
    items: Sequence[T],
    weights: Sequence[int],
    workers: int | None = None,
) -> list[R]:
    """``work(items)`` (one result per item, in order), computed by up to ``workers``
    processes (default :func:`worker_count`), each calling ``work`` on a share of the items.

    ``work`` must depend only on its items and on state the process held before the call,
    and its results must pickle. Whatever ``work`` raises for an item, this raises exactly as
    ``work(list(items))`` would in one process.
    """
    count = worker_count() if workers is None else workers
    groups = share(weights, count) if items else []
    if len(groups) < 2 or threading.active_count() > 1:
        return work(list(items))
    children: list[tuple[int, int, list[int]]] = []  # (pid, read end, positions)
    results: dict[int, R] = {}
    try:
        for group in groups[1:]:
            try:
                children.append(_fork(work, [items[k] for k in group], group))
            except OSError:  # no process or pipe to be had: this share is done here, below
                break
        try:
            results.update(zip(groups[0], work([items[k] for k in groups[0]]), strict=True))
        except Exception:  # noqa: BLE001 - redone below, in order, to raise as one process
            pass
        while children:
            results.update(_collect(*children[0]))
            children.pop(0)
    finally:
        for pid, fd, _ in children:  # interrupted: stop and reap the rest
            with contextlib.suppress(OSError):
                os.kill(pid, signal.SIGKILL)
            with contextlib.suppress(OSError):
                os.close(fd)
            with contextlib.suppress(OSError):
                os.waitpid(pid, 0)
    missing = [k for k in range(len(items)) if k not in results]
    if missing:  # a share that failed, done again here: its first error is raised in order
        results.update(zip(missing, work([items[k] for k in missing]), strict=True))
    return [results[k] for k in range(len(items))]


# Called in a worker before it ends (it ends with os._exit, which runs no clean-up of its
# own): each stops what the worker started, such as its git processes.
WORKER_EXIT: list[Callable[[], None]] = []


def _fork(work: Callable[[list[T]], list[R]], items: list[T], group: list[int]):
    read_end, write_end = os.pipe()
    try:
        pid = os.fork()
    except OSError:
        os.close(read_end)
        os.close(write_end)
        raise
    if pid == 0:  # the worker: never returns
        code = _CHILD_FAILED
        try:
            os.close(read_end)
            signal.signal(signal.SIGINT, signal.SIG_DFL)  # Ctrl-C: the main process reports
            data = pickle.dumps(work(items), protocol=pickle.HIGHEST_PROTOCOL)
            with os.fdopen(write_end, "wb") as pipe:
                pipe.write(data)
            code = 0
        except BaseException:  # noqa: BLE001 - reported by the exit code; the parent redoes it
            pass
        finally:
            for stop in WORKER_EXIT:
                with contextlib.suppress(BaseException):
                    stop()
            os._exit(code)
    os.close(write_end)
    return pid, read_end, group


def _collect(pid: int, fd: int, group: list[int]) -> dict:
    with os.fdopen(fd, "rb") as pipe:
        data = pipe.read()
    _, status = os.waitpid(pid, 0)
    if status != 0 or not data:
        return {}
    try:
        return dict(zip(group, pickle.loads(data), strict=True))
    except Exception:  # noqa: BLE001 - a torn result is redone by the caller
        return {}
