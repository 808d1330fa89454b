"""``sectool demo``: the bundled sample, replayed step by step, with what each step did."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from sectool.changes.check import check_changes
from sectool.designate import DesignationRequest, designate
from sectool.model import ClauseRef
from sectool.seed import create_tree
from sectool.tree import Tree


def default_folder(base: Path) -> Path:
    for n in range(1, 1000):
        candidate = base / ("sec-demo" if n == 1 else f"sec-demo-{n}")
        if not candidate.exists():
            return candidate
    raise RuntimeError("no free sec-demo folder name")  # pragma: no cover


def _clause(tree: Tree, ref: str, at: str | None = None) -> str:
    snapshot = tree.snapshot(at)
    entry, clause = snapshot.resolve(ClauseRef.parse(ref))
    document = snapshot.document(entry.doc_id)
    return (document.clause_text(clause) if clause else str(document)).strip()


def publish(tree: Tree, out: Path) -> list[Path]:
    """The redlines of each designation (docx and html) and the clean 5.9 export."""
    from sectool.publish import export, write_diff
    from sectool.redline import RedlineRequest, build_redline

    written = []
    for old, new in (("5.7", "5.8"), ("5.8", "5.9")):
        redline = build_redline(tree, RedlineRequest(old, new))
        written += write_diff(redline, "docx", out / f"redlines-{old}-to-{new}", False)[1]
        written += write_diff(redline, "html", out / f"redlines-{old}-to-{new}.html", False)[1]
    snapshot = tree.snapshot("5.9")
    path = out / "SEC-5.9.docx"
    path.write_bytes(export(snapshot, [e.doc_id for e in snapshot.entries], "docx", True))
    written.append(path)
    return written


def run_demo(folder: Path | None, say: Callable[[str], None]) -> Path:
    """Create the demo tree, replay the July 2017 designations, and report each step."""
    root, register = create_tree(folder or default_folder(Path.cwd()), sample=True)
    tree = Tree(root)
    say(f"1. Created a SEC tree in {root}")
    latest = register.latest
    assert latest is not None  # the bundled sample is designated
    say(
        f"   SEC {latest.version} (effective {latest.effective}), "
        f"{len(register.documents)} documents, tagged {latest.tag}"
    )
    say(f"   Appendix B 4.3 at 5.7: {_clause(tree, 'Appendix B 4.3')[:140]}...")

    plan = designate(
        tree, DesignationRequest("5.8", "2017-07-12", ["SECMP0035"], "the SEC Change Board")
    )
    docs = ", ".join(f"{d.doc_id} {d.old_version} -> {d.new_version}" for d in plan.documents)
    say(f"2. Designated SEC 5.8 (effective 2017-07-12) implementing SECMP0035: {docs}")
    plan = designate(
        tree, DesignationRequest("5.9", "2017-07-21", ["SOS-2017-R1.3"], "the Secretary of State")
    )
    docs = ", ".join(f"{d.doc_id} {d.old_version} -> {d.new_version}" for d in plan.documents)
    say(f"3. Designated SEC 5.9 (effective 2017-07-21), the Release 1.3 re-designation: {docs}")

    report = check_changes(tree)
    say(f"4. Pending change sets checked against SEC 5.9: {', '.join(report.checked)}")
    for conflict in report.conflicts:
        say(f"   conflict: {conflict.describe()}")
    for item in report.not_applying:
        say(f"   does not apply: {item.id}: {item.reason}")

    say("5. Published:")
    for path in publish(tree, root / "publications"):
        say(f"   {path.relative_to(root)}")

    say(f"\nTry: cd {root}")
    say("     sectool versions")
    say('     sectool show "Appendix B 4.3" --at 2017-07-01')
    say('     sectool history "Appendix B"')
    say("     sectool mod show SECMP0039")
    say("     sectool diff 5.7 5.9 --format docx -o redlines/")
    tree.store.close()
    return root
