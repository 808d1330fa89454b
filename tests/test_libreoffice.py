"""LibreOffice as a third, independent reader: its own Accept All / Reject All of our redlines
must give exactly the later and the earlier text, paragraph by paragraph.

Driven through LibreOffice's UNO bridge by tests/tools/lo_revisions.py, run with the Python that
has it (Debian's python3-uno). Skipped where that is missing, except in CI.
"""

from __future__ import annotations

import io
import json
import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings

from sectool.demo import run_demo
from sectool.model import DocId
from sectool.render.docx import paragraph_texts
from sectool.tree import Tree
from tests.test_publish import CASES
from tests.test_redline_properties import document_pairs, redline_bytes

TOOL = Path(__file__).parent / "tools" / "lo_revisions.py"
UNO_PYTHON = os.environ.get("SECTOOL_UNO_PYTHON", "/usr/bin/python3")


def _has_uno() -> bool:
    if not (shutil.which("soffice") and Path(UNO_PYTHON).exists()):
        return False
    return subprocess.run([UNO_PYTHON, "-c", "import uno"], capture_output=True).returncode == 0


pytestmark = pytest.mark.skipif(
    not _has_uno() and not os.environ.get("SECTOOL_REQUIRE_READERS"),
    reason="LibreOffice's UNO bridge (python3-uno) is not installed; CI installs it",
)


def libreoffice(mode: str, files: list[Path]) -> dict[str, list[str]]:
    result = subprocess.run(
        [UNO_PYTHON, str(TOOL), mode, *map(str, files)], capture_output=True, text=True, timeout=300
    )
    assert result.returncode == 0, result.stderr[-2000:]
    return json.loads(result.stdout)


def body(paragraphs: list[str], end: str, after_cover: bool) -> list[str]:
    """The document's own paragraphs: after the cover's page break, before the end line."""
    start = 0
    if after_cover:
        start = (
            next(
                i for i, p in enumerate(paragraphs) if p.startswith("Every insertion and deletion")
            )
            + 2
        )
    else:
        start = 1  # the page break
    stop = len(paragraphs) - 1 - paragraphs[::-1].index(end)
    return paragraphs[start:stop]


def at_page_breaks(paragraphs: list[str], want: list[str]) -> list[str]:
    """LibreOffice's paragraphs joined where a page break (a form feed) split them.

    Writer holds no page break inside a paragraph: it splits the paragraph there, and its
    Accept All / Reject All leave the split even where the break itself was inserted or
    deleted. So a wanted paragraph is matched by the run of LibreOffice's paragraphs that
    spell it without its form feeds, each a piece of it in order; a document without page
    breaks is compared paragraph for paragraph.
    """
    out: list[str] = []
    rest = iter(paragraphs)
    for text in want:
        got = next(rest, None)
        if got is None:
            break
        bare = text.replace("\f", "")
        while got != bare and bare.startswith(got):
            more = next(rest, None)
            if more is None:
                break
            got += more
        out.append(got)
    return out + list(rest)


def test_libreoffice_accepts_and_rejects_the_sample_redlines_exactly(tmp_path):
    root = run_demo(tmp_path / "demo", lambda _line: None)
    tree = Tree(root)
    files = []
    for old, new, doc in CASES:
        path = tmp_path / f"{doc.replace(' ', '-')}_{old}_{new}.docx"
        subprocess.run(
            [
                sys.executable,
                "-m",
                "sectool",
                "-C",
                str(root),
                "diff",
                old,
                new,
                doc,
                "--format",
                "docx",
                "-o",
                str(path),
            ],
            check=True,
            capture_output=True,
        )
        files.append(path)
    for mode, side in (("accept", 1), ("reject", 0)):
        views = libreoffice(mode, files)
        for (old, new, doc), path in zip(CASES, files, strict=True):
            version = (old, new)[side]
            want = paragraph_texts(tree.snapshot(version).document(DocId.parse(doc)))
            assert body(views[str(path)], f"End of {doc}", True) == want, (mode, doc)


@given(document_pairs())
@settings(
    max_examples=int(os.environ.get("SECTOOL_LO_EXAMPLES", "6")),
    deadline=None,
    derandomize=not os.environ.get("SECTOOL_LO_EXAMPLES"),
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
def test_libreoffice_agrees_on_random_documents(tmp_path_factory, pair):
    old, new = pair
    data, old_doc, new_doc = redline_bytes(old, new)
    path = tmp_path_factory.mktemp("lo") / "r.docx"
    path.write_bytes(data)
    for mode, document in (("accept", new_doc), ("reject", old_doc)):
        view = libreoffice(mode, [path])[str(path)]
        want = paragraph_texts(document)
        got = at_page_breaks(body(view, "End of Appendix AC", False), want)
        assert got == [text.replace("\f", "") for text in want], mode


def test_libreoffice_reads_page_breaks_inserted_and_deleted(tmp_path):
    from tests.test_redline_properties import render

    old = render(
        [("para", "pay\fthe Charges"), ("para", "comply.\f"), ("para", "a third page")], "X"
    )
    new = render([("para", "pay the Charges"), ("para", "comply."), ("para", "a third\fpage")], "X")
    data, old_doc, new_doc = redline_bytes(old, new)
    assert b'<w:br w:type="page"/></w:r></w:del>' in zipfile.ZipFile(io.BytesIO(data)).read(
        "word/document.xml"
    )
    path = tmp_path / "pages.docx"
    path.write_bytes(data)
    for mode, document in (("accept", new_doc), ("reject", old_doc)):
        view = body(libreoffice(mode, [path])[str(path)], "End of Appendix AC", False)
        want = paragraph_texts(document)
        assert at_page_breaks(view, want) == [text.replace("\f", "") for text in want], mode
    # Writer splits the paragraph at a page break and keeps the split after Accept All
    accepted = body(libreoffice("accept", [path])[str(path)], "End of Appendix AC", False)
    assert "1.1 pay" in accepted and " the Charges" in accepted


def test_libreoffice_handles_a_moved_paragraph(tmp_path):
    from tests.test_redline_properties import render

    old = render([("para", "a"), ("move", "one"), ("para", "b"), ("sub", "x"), ("para", "c")], "X")
    new = render([("para", "a"), ("para", "b"), ("sub", "x"), ("para", "c"), ("move", "one")], "X")
    data, old_doc, new_doc = redline_bytes(old, new)
    assert b"moveFrom" in zipfile.ZipFile(io.BytesIO(data)).read("word/document.xml")
    path = tmp_path / "move.docx"
    path.write_bytes(data)
    for mode, document in (("accept", new_doc), ("reject", old_doc)):
        view = libreoffice(mode, [path])[str(path)]
        assert body(view, "End of Appendix AC", False) == paragraph_texts(document), mode
