"""Benchmarks at SEC scale, each case measured side by side with what users would use instead.

Runs every case --repeat times on a corpus from make_corpus.py and reports the median wall time
and peak memory of each, as ratios (sectool / baseline) in a table, and as JSON.

    python benchmarks/run.py [--corpus DIR | --words N --documents N --largest N --changes N]
                             [--repeat 3] [--json OUT] [--skip-peer]

Cases:
  designate   sectool designate of the release      vs git apply --3way of the same patches,
                                                       commit and tag (the git floor)
  diff-text   sectool diff BASE RELEASE (text)      vs git diff --word-diff BASE RELEASE
  diff-json   sectool diff BASE RELEASE --format json
  docx        sectool diff of the largest changed   vs python-redlines (Docxodus) comparing the
              document as Word tracked changes         same two versions exported by sectool
  check       sectool check of the whole tree       vs reading and tokenising every file
  startup     sectool --help                        vs python -c pass
  record      sectool mod record of 20 edits to a     vs sectool designate of that change set
              10,000-paragraph appendix (--paragraphs)
  record-half the same on 5,000 paragraphs            vs sectool designate of that change set
  record-scaling  record                              vs record-half (linear: <= 2.5)
  history-5   sectool diff 1.0 6.0 of an appendix     vs the five single-version redlines
              edited by five change sets in turn       1.0 2.0 ... 5.0 6.0, summed
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

HERE = Path(__file__).resolve().parent
TARGETS = {
    "designate": 3.0,
    "diff-text": 2.0,
    "diff-json": 2.0,
    "docx": 0.1,
    "check": 5.0,
    "startup": 3.0,
    "record": 2.0,
    "record-half": 2.0,
    "record-scaling": 2.5,
    "history-5": 1.5,
    "word-import": 3.0,
}
# The Word-import floor: python-docx merely opening a .docx and reading its paragraphs' text.
PYDOCX_FLOOR = (
    "import sys, docx\n"
    "document = docx.Document(sys.argv[1])\n"
    "print(sum(len(p.text) for p in document.paragraphs))\n"
)
MEMORY_TARGET = 10.0  # peak memory at most this many times the corpus on disk


@dataclass
class Measure:
    seconds: list[float] = field(default_factory=list)
    peak_kb: list[int] = field(default_factory=list)  # the largest process's (not the sum)
    cpu: list[float] = field(default_factory=list)  # user + system, all processes

    @property
    def median(self) -> float:
        return statistics.median(self.seconds)

    @property
    def peak_mb(self) -> float:
        return max(self.peak_kb) / 1024


Run = tuple[float, int, float]  # wall seconds, peak resident KB, CPU seconds


def timed(argv: list[str], cwd: Path, ok: tuple[int, ...] = (0,)) -> Run:
    """Wall time, peak resident memory and CPU time of one command, through launch.py."""
    proc = subprocess.run(
        [sys.executable, str(HERE / "launch.py"), *argv],
        cwd=cwd,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    lines = proc.stderr.decode(errors="replace").rstrip().splitlines()
    report = json.loads(lines[-1])
    if report["code"] not in ok:
        raise RuntimeError(
            f"{' '.join(argv)} failed ({report['code']}): " + "\n".join(lines[-6:-1])
        )
    return report["seconds"], report["peak_kb"], report["cpu_seconds"]


def measure(make_run, repeat: int) -> Measure:
    m = Measure()
    for _ in range(repeat):
        seconds, peak, cpu = make_run()
        m.seconds.append(seconds)
        m.peak_kb.append(peak)
        m.cpu.append(cpu)
    return m


SECTOOL = [sys.executable, "-m", "sectool"]


def fresh_copy(corpus: Path, work: Path, name: str) -> Path:
    target = work / name
    if target.exists():
        shutil.rmtree(target)
    shutil.copytree(corpus, target, symlinks=True)
    return target


def release_patches(corpus: Path, out: Path) -> list[Path]:
    """One git-format patch per approved change set, as git would apply them."""
    data = json.loads(
        subprocess.run(
            SECTOOL + ["mod", "list", "--state", "approved", "--json"],
            cwd=corpus,
            capture_output=True,
            check=True,
        ).stdout
    )
    patches = []
    out.mkdir(parents=True, exist_ok=True)
    for change in data:
        text = "".join(
            (corpus / f"modifications/{change['id']}/{d}.diff").read_text()
            for d in sorted(_paths(change))
        )
        path = out / f"{change['id']}.patch"
        path.write_text(text)
        patches.append(path)
    return patches


def _paths(change: dict) -> list[str]:
    from sectool.model import DocId

    return [DocId.parse(d).path for d in change["documents"]]


IDENTITY = {
    "GIT_AUTHOR_NAME": "benchmark",
    "GIT_AUTHOR_EMAIL": "benchmark@localhost",
    "GIT_COMMITTER_NAME": "benchmark",
    "GIT_COMMITTER_EMAIL": "benchmark@localhost",
}


def git_floor(copy: Path, patches: list[Path]) -> None:
    env = {**IDENTITY, **os.environ}  # a machine without a git identity can still commit
    # a copied repository's index has stale file times; git status would refresh it too
    subprocess.run(["git", "update-index", "-q", "--refresh"], cwd=copy)
    for patch in patches:
        subprocess.run(
            ["git", "apply", "--3way", "--index", str(patch)],
            cwd=copy,
            check=True,
            capture_output=True,
        )
    subprocess.run(["git", "commit", "-qm", "release"], cwd=copy, check=True, env=env)
    subprocess.run(
        ["git", "tag", "-a", "floor-1.1", "-m", "release"], cwd=copy, check=True, env=env
    )


def run_cases(
    corpus: Path, work: Path, repeat: int, skip_peer: bool, paragraphs: int = 10_000
) -> dict:
    results: dict[str, dict] = {}
    patches = release_patches(corpus, work / "patches")
    floor_script = work / "floor.py"
    floor_script.write_text(
        f"import sys\nsys.path.insert(0, {str(HERE)!r})\nfrom run import git_floor\n"
        "from pathlib import Path\ngit_floor(Path(sys.argv[1]), [Path(p) for p in sys.argv[2:]])\n"
    )

    def designate():
        copy = fresh_copy(corpus, work, "designate")
        return timed(SECTOOL + ["designate", "1.1", "--effective", "2020-06-01"], copy)

    def floor():
        copy = fresh_copy(corpus, work, "floor")
        return timed(
            [sys.executable, str(floor_script), str(copy)] + [str(p) for p in patches], copy
        )

    results["designate"] = pair(
        measure(designate, repeat), measure(floor, repeat), "git apply --3way + commit + tag"
    )
    released = fresh_copy(corpus, work, "released")
    subprocess.run(
        SECTOOL + ["designate", "1.1", "--effective", "2020-06-01"],
        cwd=released,
        check=True,
        capture_output=True,
    )
    word_diff = measure(
        lambda: timed(["git", "diff", "--word-diff", "sec/1.0", "sec/1.1"], released), repeat
    )
    for fmt in ("text", "json"):
        out = work / f"diff.{fmt}"
        results[f"diff-{fmt}"] = pair(
            measure(
                lambda fmt=fmt, out=out: timed(
                    SECTOOL + ["diff", "1.0", "1.1", "--format", fmt, "-o", str(out)], released
                ),
                repeat,
            ),
            word_diff,
            "git diff --word-diff",
        )
    results["docx"] = docx_case(released, work, repeat, skip_peer)
    results["word-import"] = word_import_case(released, work, repeat)
    results["check"] = pair(
        measure(lambda: timed(SECTOOL + ["check"], released, (0, 1)), repeat),
        measure(lambda: timed([sys.executable, "-c", READ_FLOOR], released), repeat),
        "read and tokenise every file in Python",
    )
    results["startup"] = pair(
        measure(lambda: timed(SECTOOL + ["--help"], released), repeat),
        measure(lambda: timed([sys.executable, "-c", "pass"], released), repeat),
        "python -c pass",
    )
    results.update(drafting_cases(work, paragraphs, repeat))
    return results


def drafting_cases(work: Path, paragraphs: int, repeat: int) -> dict:
    """The cases on one long appendix of ``paragraphs`` paragraphs (10,000 by default):
    ``record``, ``record-half`` (at half the length), ``record-scaling`` and ``history-5``."""
    half = paragraphs // 2
    results = {
        "record": record_case(work, paragraphs, repeat),
        "record-half": record_case(work, half, repeat),
    }
    large, small = results["record"]["sectool"], results["record-half"]["sectool"]
    results["record-scaling"] = {
        "sectool": large,
        "baseline": small,
        "baseline_is": f"sectool mod record at {half:,} paragraphs",
        "ratio": large["median_s"] / small["median_s"],
    }
    results["history-5"] = history_case(work, paragraphs, repeat)
    for case, n in (("record", paragraphs), ("record-half", half), ("history-5", paragraphs)):
        results[case]["paragraphs"] = n
    return results


def drafting_tree(work: Path, name: str, paragraphs: int, versions: int = 1) -> Path:
    """A tree whose Appendix ZZ has ``paragraphs`` numbered paragraphs, designated SEC 1.0,
    then edited ``versions - 1`` times, each time 10% of the paragraphs (a different tenth),
    recorded as change set X<k> and designated SEC <k>.0."""
    root = work / name
    if root.exists():
        shutil.rmtree(root)
    env = {**IDENTITY, **os.environ}

    def sectool(*args: str) -> None:
        subprocess.run(SECTOOL + list(args), cwd=root, check=True, capture_output=True, env=env)

    subprocess.run(SECTOOL + ["init", str(root)], check=True, capture_output=True, env=env)
    for k in range(1, versions + 1):
        write_appendix(root, paragraphs, k - 1)
        sectool("mod", "new", f"X{k}", "--title", f"edit {k}", "--kind", "direction")
        sectool("mod", "record", f"X{k}")
        sectool("designate", f"{k}.0", "--effective", f"{2010 + k}-01-01", "--change", f"X{k}")
    return root


def write_appendix(root: Path, paragraphs: int, edits: int, every: int = 10) -> None:
    """Appendix ZZ after ``edits`` rounds of edits, round r rewording each paragraph i with
    i % every == r - 1 (rounds beyond ``every`` reword the same paragraphs again)."""

    def paragraph(i: int) -> str:
        text = f"1.{i} The Party number {i} shall pay the Charges within {i % 30} Working Days."
        for r in range(1, edits + 1):
            if i % every == (r - 1) % every:
                text = text.replace("shall pay", f"shall in round {r} pay")
        return text

    body = "\n\n".join(paragraph(i) for i in range(1, paragraphs + 1))
    path = root / "appendices" / "ZZ.md"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(f"# Appendix ZZ: Test Appendix\n\n## 1 General\n\n{body}\n")


def record_case(work: Path, paragraphs: int, repeat: int) -> dict:
    """``mod record`` of 20 edits spread through the appendix, against ``designate`` of the
    change set it records (each run on a fresh copy of the same tree)."""
    base = drafting_tree(work, f"draft-{paragraphs}", paragraphs)
    every = paragraphs // 20
    write_appendix(base, paragraphs, 1, every)
    subprocess.run(
        SECTOOL + ["mod", "new", "X2", "--title", "twenty edits", "--kind", "direction"],
        cwd=base,
        check=True,
        capture_output=True,
    )

    def record() -> Run:
        return timed(SECTOOL + ["mod", "record", "X2"], fresh_copy(base, work, "record"))

    recorded = fresh_copy(base, work, f"recorded-{paragraphs}")
    subprocess.run(SECTOOL + ["mod", "record", "X2"], cwd=recorded, check=True, capture_output=True)

    def designate() -> Run:
        copy = fresh_copy(recorded, work, "designate-x2")
        return timed(SECTOOL + ["designate", "2.0", "--effective", "2012-01-01"], copy)

    return pair(
        measure(record, repeat), measure(designate, repeat), "sectool designate of the change set"
    )


def history_case(work: Path, paragraphs: int, repeat: int) -> dict:
    """The redline 1.0 -> 6.0 across five change sets, against the five single-version
    redlines summed (each run of each measured on its own, medians summed)."""
    root = drafting_tree(work, "history", paragraphs, versions=6)

    def redline(a: str, b: str) -> Run:
        out = work / "history.txt"
        argv = ["diff", a, b, "Appendix ZZ", "--format", "text", "-o", str(out)]
        return timed(SECTOOL + argv, root)

    whole = measure(lambda: redline("1.0", "6.0"), repeat)
    steps = [measure(lambda k=k: redline(f"{k}.0", f"{k + 1}.0"), repeat) for k in range(1, 6)]
    summed = Measure(
        [sum(m.seconds[n] for m in steps) for n in range(repeat)],
        [max(m.peak_kb[n] for m in steps) for n in range(repeat)],
        [sum(m.cpu[n] for m in steps) for n in range(repeat)],
    )
    return pair(whole, summed, "the five single-version redlines, summed")


READ_FLOOR = """
import re, pathlib
words = 0
for folder in ("sections", "schedules", "appendices"):
    for path in pathlib.Path(folder).glob("*.md"):
        words += len(re.findall(r"\\w+|[^\\w\\s]", path.read_text(encoding="utf-8")))
"""


def largest_changed(released: Path) -> str:
    data = json.loads(
        subprocess.run(
            SECTOOL + ["versions", "--json"], cwd=released, capture_output=True, check=True
        ).stdout
    )
    before, after = data[0]["documents"], data[1]["documents"]
    changed = [d for d in after if after[d] != before.get(d)]
    from sectool.model import DocId

    return max(changed, key=lambda d: (released / DocId.parse(d).path).stat().st_size)


def word_import_case(released: Path, work: Path, repeat: int) -> dict:
    """`sectool import` of the largest changed document's clean .docx export (about 560
    pages at the default size), against python-docx opening it and reading its paragraphs.
    The import must give the document back byte for byte."""
    doc = largest_changed(released)
    source = work / "import-source.docx"
    subprocess.run(
        SECTOOL + ["export", "1.1", doc, "--format", "docx", "-o", str(source)],
        cwd=released,
        check=True,
        capture_output=True,
    )
    from sectool.model import DocId

    path = DocId.parse(doc).path
    copy = fresh_copy(released, work, "imported")

    def ours() -> Run:
        return timed(SECTOOL + ["import", str(source), "--as", doc], copy)

    result = pair(
        measure(ours, repeat),
        measure(lambda: timed([sys.executable, "-c", PYDOCX_FLOOR, str(source)], copy), repeat),
        "python-docx: open and read every paragraph",
    )
    if (copy / path).read_bytes() != (released / path).read_bytes():
        raise SystemExit(f"the import of {doc} did not give its text back")
    result["document"] = doc
    return result


def docx_case(released: Path, work: Path, repeat: int, skip_peer: bool) -> dict:
    doc = largest_changed(released)
    ours = work / "ours.docx"
    sectool = measure(
        lambda: timed(
            SECTOOL + ["diff", "1.0", "1.1", doc, "--format", "docx", "-o", str(ours)], released
        ),
        repeat,
    )
    clean = {}
    for version in ("1.0", "1.1"):
        clean[version] = work / f"clean-{version}.docx"
        subprocess.run(
            SECTOOL + ["export", version, doc, "-o", str(clean[version])],
            cwd=released,
            check=True,
            capture_output=True,
        )
    result = {
        "document": doc,
        "sectool": summary(sectool),
        "sectool_round_trip": round_trip(ours, clean),
    }
    if skip_peer:
        result["peer"] = None
        return result
    peer_out = work / "peer.docx"
    script = (
        "import sys\nfrom python_redlines.engines import DocxodusEngine\n"
        "out, _, _ = DocxodusEngine().run_redline('peer', open(sys.argv[1], 'rb').read(), "
        "open(sys.argv[2], 'rb').read())\nopen(sys.argv[3], 'wb').write(out)\n"
    )
    peer_python = os.environ.get("PEER_PYTHON", sys.executable)
    try:
        peer = measure(
            lambda: timed(
                [peer_python, "-c", script, str(clean["1.0"]), str(clean["1.1"]), str(peer_out)],
                work,
            ),
            repeat,
        )
    except RuntimeError as exc:
        result["peer"] = None
        result["peer_error"] = str(exc)[:300]
        return result
    result["peer"] = summary(peer)
    result["ratio"] = sectool.median / peer.median
    result["speedup"] = peer.median / sectool.median
    result["peer_round_trip"] = round_trip(peer_out, clean)
    return result


def _words(path: Path, mode: str | None = None) -> list[str]:
    argv = ["pandoc", str(path), "-t", "plain", "--wrap=none"]
    if mode:
        argv.insert(1, f"--track-changes={mode}")
    text = subprocess.run(argv, capture_output=True, text=True, check=True).stdout
    # our redline's cover ends with this sentence; the clean copies have none
    return text.split("gives the earlier one.", 1)[-1].split()


def round_trip(redline: Path, clean: dict[str, Path]) -> dict:
    """Accept-all against the clean 1.1 and reject-all against the clean 1.0, word for word,
    every file read by pandoc (which may lift a first Title paragraph into metadata, so the
    title line is left out of the comparison)."""
    if not shutil.which("pandoc"):
        return {"checked": False, "reason": "pandoc not installed"}
    out = {"checked": True}
    for mode, version in (("accept", "1.1"), ("reject", "1.0")):
        got, want = _words(redline, mode), _words(clean[version])
        title = len(got) - len(want)
        out[mode] = got[title:] == want if title >= 0 else False
    return out


def summary(m: Measure) -> dict:
    return {
        "median_s": round(m.median, 4),
        "runs_s": [round(x, 4) for x in m.seconds],
        "cpu_s": round(statistics.median(m.cpu), 4) if m.cpu else None,
        "peak_mb": round(m.peak_mb, 1),
    }


def pair(ours: Measure, base: Measure, baseline: str) -> dict:
    return {
        "sectool": summary(ours),
        "baseline": summary(base),
        "baseline_is": baseline,
        "ratio": ours.median / base.median,
    }


def corpus_size_mb(corpus: Path) -> float:
    total = sum(p.stat().st_size for p in corpus.rglob("*") if p.is_file())
    return total / 1024 / 1024


def table(results: dict, size_mb: float) -> str:
    lines = [
        "| case | sectool (median) | baseline | baseline (median) | ratio | target | "
        f"peak memory | memory / corpus (target <= {MEMORY_TARGET:g}) |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for case, r in results.items():
        if case == "docx":
            ours = r["sectool"]
            if r.get("peer"):
                lines.append(
                    f"| docx redline ({r['document']}) | {ours['median_s']:.2f} s | "
                    f"python-redlines (Docxodus) | {r['peer']['median_s']:.2f} s | "
                    f"{r['ratio']:.3f} ({r['speedup']:.1f}x faster) | >= 10x faster | "
                    f"{ours['peak_mb']:.0f} MB | {ours['peak_mb'] / size_mb:.1f}x |"
                )
            else:
                lines.append(
                    f"| docx redline ({r['document']}) | {ours['median_s']:.2f} s | "
                    f"python-redlines (not run) | - | - | >= 10x faster | "
                    f"{ours['peak_mb']:.0f} MB | {ours['peak_mb'] / size_mb:.1f}x |"
                )
            continue
        ours, base = r["sectool"], r["baseline"]
        name = f"{case} ({r['paragraphs']:,} paragraphs)" if "paragraphs" in r else case
        lines.append(
            f"| {name} | {ours['median_s']:.3f} s | {r['baseline_is']} | "
            f"{base['median_s']:.3f} s | {r['ratio']:.2f} | <= {TARGETS[case]:g} | "
            f"{ours['peak_mb']:.0f} MB | {ours['peak_mb'] / size_mb:.1f}x |"
        )
    lines += ["", "CPU time (user + system, every process; wall time above is what a user waits):"]
    for case in ("diff-text", "diff-json"):
        if case in results and results[case]["sectool"].get("cpu_s"):
            ours, base = results[case]["sectool"], results[case]["baseline"]
            lines.append(
                f"- {case}: {ours['cpu_s']:.3f} s against {base['cpu_s']:.3f} s "
                f"({ours['cpu_s'] / base['cpu_s']:.2f}x)"
            )
    return "\n".join(lines)


def compile_bytecode() -> None:
    """Compile the measured sectool's modules to bytecode, as installing it with pip does: an
    editable install (or PYTHONDONTWRITEBYTECODE) would compile them again on every run."""
    subprocess.run(
        [
            sys.executable,
            "-c",
            "import compileall, pathlib, sectool; "
            "compileall.compile_dir(pathlib.Path(sectool.__file__).parent, quiet=1)",
        ],
        check=True,
    )


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--corpus", type=Path, help="an existing corpus (from make_corpus.py)")
    parser.add_argument("--words", type=int, default=3_000_000)
    parser.add_argument("--documents", type=int, default=100)
    parser.add_argument("--largest", type=int, default=250_000)
    parser.add_argument("--changes", type=int, default=20)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument(
        "--paragraphs",
        type=int,
        default=10_000,
        help="the long appendix of the record and history cases (record also at half this)",
    )
    parser.add_argument("--json", type=Path, default=HERE / "out" / "results.json")
    parser.add_argument(
        "--skip-peer",
        action="store_true",
        help="do not run python-redlines (it is an optional extra)",
    )
    args = parser.parse_args(argv)
    work = Path(tempfile.mkdtemp(prefix="sectool-bench-"))
    try:
        corpus = args.corpus
        if corpus is None:
            corpus = work / "corpus"
            subprocess.run(
                [
                    sys.executable,
                    str(HERE / "make_corpus.py"),
                    str(corpus),
                    "--words",
                    str(args.words),
                    "--documents",
                    str(args.documents),
                    "--largest",
                    str(args.largest),
                    "--changes",
                    str(args.changes),
                ],
                check=True,
            )
        size = corpus_size_mb(corpus)
        compile_bytecode()
        results = run_cases(corpus.resolve(), work, args.repeat, args.skip_peer, args.paragraphs)
        print(
            f"corpus: {corpus} ({size:.1f} MB on disk with its git history); "
            f"median of {args.repeat} runs"
        )
        print(table(results, size))
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(
            json.dumps({"corpus_mb": size, "repeat": args.repeat, "results": results}, indent=2)
            + "\n"
        )
        print(f"JSON: {args.json}")
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    sys.path.insert(0, str(HERE.parent))
    main()
