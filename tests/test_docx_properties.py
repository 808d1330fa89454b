"""Word's 255-character limit on core properties never breaks a .docx."""

from __future__ import annotations

import io
import json
from pathlib import Path

import docx
from docx.oxml.ns import qn

from sectool.render.docx import CORE_PROPERTY_LIMIT, core_property

LONG = "DCCKI Certificate Policy" + " and its very long annexed schedules" * 10


def _retitle(root: Path, doc_id: str, rel: str, title: str) -> None:
    """Give a document a new title in the register and in its own heading (uncommitted)."""
    register = json.loads((root / "register.json").read_text(encoding="utf-8"))
    for entry in register["documents"]:
        if entry["id"] == doc_id:
            entry["title"] = title
    (root / "register.json").write_text(json.dumps(register, indent=2) + "\n", encoding="utf-8")
    path = root / rel
    _, rest = path.read_text(encoding="utf-8").split("\n", 1)
    path.write_text(f"# {doc_id}: {title}\n{rest}", encoding="utf-8")


def test_a_long_title_is_shortened_in_the_property_only(sample_tree, sec, tmp_path):
    _retitle(sample_tree, "Appendix S", "appendices/S.md", LONG)
    for args in (
        ("diff", "5.7", "working", "Appendix S", "--format", "docx"),
        ("export", "working", "Appendix S", "--format", "docx"),
    ):
        out = tmp_path / f"{args[0]}.docx"
        result = sec(*args, "-o", str(out))
        assert result.exit_code == 0, result.stderr
        document = docx.Document(io.BytesIO(out.read_bytes()))
        title = document.core_properties.title
        assert len(title) <= CORE_PROPERTY_LIMIT and title.endswith("\N{HORIZONTAL ELLIPSIS}")
        assert LONG.startswith(title[:-1].rstrip().removeprefix("Appendix S: "))
        body = document.element.body
        text = "".join(t.text or "" for t in body.iter(qn("w:t")))
        assert LONG in text  # the document itself keeps the whole title


def test_core_property_keeps_what_fits():
    assert core_property("Appendix S") == "Appendix S"
    exact = "x" * CORE_PROPERTY_LIMIT
    assert core_property(exact) == exact
    assert core_property(exact + "y") == "x" * (CORE_PROPERTY_LIMIT - 1) + "\N{HORIZONTAL ELLIPSIS}"
