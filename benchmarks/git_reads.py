"""Reading a version's many documents from git: sectool's store against GitPython, same run.

A designated version is read whole by `diff`, `check` and `designate`: every document's blob at
one revision. sectool's store does it through one persistent ``git cat-file --batch``. This
measures that against GitPython (the adapter the design card once named), reading the same blobs
at the same revision through its object database, and against one ``git show`` per file (the
naive floor), and reports the medians and the ratios to the store.

    python benchmarks/git_reads.py [--documents 100] [--words 3000000] [--repeat 5] [--json OUT]

GitPython is not a dependency of sectool; install it to run this (``pip install gitpython``).
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sectool.store import Store  # noqa: E402

WORDS = "the Party shall ensure that its Smart Metering System complies with this Section".split()


def make_repo(root: Path, documents: int, words: int, seed: int = 7) -> tuple[str, list[str]]:
    """A git repository with ``documents`` files of about ``words`` words in all, committed."""
    rng = random.Random(seed)
    paths = []
    for n in range(documents):
        path = f"sections/D{n:03}.md"
        text = " ".join(rng.choice(WORDS) for _ in range(words // documents))
        (root / path).parent.mkdir(parents=True, exist_ok=True)
        (root / path).write_text(f"# Section D{n}\n\n{text}\n", encoding="utf-8")
        paths.append(path)
    git = ["git", "-c", "user.name=bench", "-c", "user.email=bench@localhost"]
    subprocess.run([*git, "init", "-q", "-b", "main"], cwd=root, check=True)
    subprocess.run([*git, "add", "-A"], cwd=root, check=True)
    subprocess.run([*git, "commit", "-q", "-m", "corpus"], cwd=root, check=True)
    rev = subprocess.run(
        ["git", "rev-parse", "HEAD"], cwd=root, check=True, capture_output=True, text=True
    ).stdout.strip()
    return rev, paths


def read_with_store(root: Path, rev: str, paths: list[str]) -> int:
    store = Store(root)
    try:
        return sum(len(data or b"") for data in store.read_many(rev, paths).values())
    finally:
        store.close()


def read_with_gitpython(root: Path, rev: str, paths: list[str]) -> int:
    import git  # GitPython: imported here so the rest runs without it

    repo = git.Repo(root)
    try:
        tree = repo.commit(rev).tree
        return sum(len(tree[path].data_stream.read()) for path in paths)
    finally:
        repo.close()


def read_with_git_show(root: Path, rev: str, paths: list[str]) -> int:
    return sum(
        len(subprocess.run(["git", "show", f"{rev}:{p}"], cwd=root, capture_output=True).stdout)
        for p in paths
    )


def import_seconds(module: str) -> float:
    """Wall time of ``python -c 'import MODULE'`` less that of ``python -c pass``."""

    def run(code: str) -> float:
        start = time.perf_counter()
        subprocess.run([sys.executable, "-c", code], check=True, capture_output=True)
        return time.perf_counter() - start

    return statistics.median(run(f"import {module}") - run("pass") for _ in range(5))


def median_seconds(read: Callable[[], int], repeat: int, expected: int) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        got = read()
        times.append(time.perf_counter() - start)
        if got != expected:
            raise RuntimeError(f"read {got} bytes, expected {expected}")
    return statistics.median(times)


def main(argv: list[str] | None = None) -> dict:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--documents", type=int, default=100)
    parser.add_argument("--words", type=int, default=3_000_000)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--json", type=Path)
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="sectool-git-reads-") as tmp:
        root = Path(tmp)
        rev, paths = make_repo(root, args.documents, args.words)
        expected = read_with_store(root, rev, paths)
        store = median_seconds(lambda: read_with_store(root, rev, paths), args.repeat, expected)
        results = {"documents": len(paths), "bytes": expected, "store_seconds": store}
        readers = {"gitpython": read_with_gitpython, "git_show": read_with_git_show}
        for name, reader in readers.items():
            try:
                seconds = median_seconds(
                    lambda reader=reader: reader(root, rev, paths), args.repeat, expected
                )
            except ImportError:
                continue
            results[f"{name}_seconds"] = seconds
            results[f"{name}_ratio"] = seconds / store
    try:
        results["gitpython_import_seconds"] = import_seconds("git")
    except subprocess.CalledProcessError:
        pass
    for key, value in results.items():
        print(f"{key:28} {value:.4f}" if isinstance(value, float) else f"{key:28} {value}")
    if args.json:
        args.json.write_text(json.dumps(results, indent=2) + "\n")
    return results


if __name__ == "__main__":
    main()
