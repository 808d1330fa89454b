"""``sectool demo``: the bundled sample, replayed step by step, with what each step did."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from sectool.model import ClauseRef
from sectool.seed import create_tree
from sectool.tree import Tree


def default_folder(base: Path) -> Path:
    for n in range(1, 1000):
        candidate = base / ("sec-demo" if n == 1 else f"sec-demo-{n}")
        if not candidate.exists():
            return candidate
    raise RuntimeError("no free sec-demo folder name")  # pragma: no cover


def run_demo(folder: Path | None, say: Callable[[str], None]) -> Path:
    """Create the demo tree and report each step; returns its root."""
    root, register = create_tree(folder or default_folder(Path.cwd()), sample=True)
    say(f"1. Created a SEC tree in {root}")
    say(f"   SEC {register.latest.version} (effective {register.latest.effective}), "
        f"{len(register.documents)} documents, tagged {register.latest.tag}")
    tree = Tree(root)
    snapshot = tree.snapshot()
    entry, clause = snapshot.resolve(ClauseRef.parse("M6.2"))
    text = snapshot.document(entry.doc_id).clause_text(clause)
    say(f"2. {ClauseRef(entry.doc_id, clause)} reads:")
    say("   " + text.strip())
    say(f"\nTry: cd {root} && sectool ls && sectool show \"Appendix B 4.3\"")
    tree.store.close()
    return root
