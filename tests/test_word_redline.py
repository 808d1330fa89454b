"""`sectool mod record ID --from-docx FILE --as DOC`: a drafter's Word redline recorded as a
change set's edit, checked against the change set's base."""

from __future__ import annotations

import io
import json
import re
import shutil
import subprocess
import tempfile
import zipfile
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sectool.demo import run_demo
from sectool.model import DocId
from sectool.render.docx import paragraph_texts
from sectool.tree import Tree
from sectool.word.convert import read_views
from sectool.word.markdown import to_markdown
from sectool.word.package import open_package
from tests.conftest import git, run_cli
from tests.docx_walker import view
from tests.test_redline_properties import kinds, redline_bytes, render


@pytest.fixture(scope="module")
def demo(tmp_path_factory) -> Path:
    return run_demo(tmp_path_factory.mktemp("word") / "demo", lambda _line: None)


def _redline(demo: Path, tmp: Path) -> Path:
    out = tmp / "b-redline.docx"
    result = run_cli(
        "diff", "5.7", "5.8", "Appendix B", "--format", "docx", "-o", str(out), cwd=demo
    )
    assert result.exit_code == 0, result.stderr
    return out


def test_a_redline_records_exactly_the_change_it_shows(demo, tmp_path):
    redline = _redline(demo, tmp_path)
    assert (
        run_cli("mod", "new", "DP101", "--title", "ARL", "--base", "5.7", cwd=demo).exit_code == 0
    )
    result = run_cli(
        "mod", "record", "DP101", "--from-docx", str(redline), "--as", "Appendix B", cwd=demo
    )
    assert result.exit_code == 0, result.stderr
    assert result.stdout.splitlines() == [
        "Recorded DP101 against SEC 5.7: Appendix B, from the Word redline b-redline.docx",
        "  SECMP0035, 2017-07-12T00:00:00Z: 1 del, 1 ins",
        "  SECMP0035, 2017-07-12T00:30:00Z: 2 ins",
    ]
    ours = demo / "modifications" / "DP101" / "appendices" / "B.md.diff"
    theirs = demo / "modifications" / "SECMP0035" / "appendices" / "B.md.diff"
    assert ours.read_text() == theirs.read_text()
    record = json.loads((demo / "modifications" / "DP101" / "change.json").read_text())
    [provenance] = record["provenance"]
    assert provenance["document"] == "Appendix B" and provenance["source"] == "b-redline.docx"
    assert {r["author"] for r in provenance["revisions"]} == {"SECMP0035"}
    assert git(demo, "status", "--porcelain") == ""


def test_a_redline_on_another_version_is_refused_naming_clauses_and_version(demo, tmp_path):
    redline = _redline(demo, tmp_path)
    assert run_cli("mod", "new", "DP102", "--title", "ARL", cwd=demo).exit_code == 0
    head = git(demo, "rev-parse", "HEAD")
    result = run_cli(
        "mod", "record", "DP102", "--from-docx", str(redline), "--as", "Appendix B", cwd=demo
    )
    assert result.exit_code == 5
    first, hint = result.stderr.splitlines()
    assert first == (
        "error[redline-mismatch]: b-redline.docx: its original text (changes rejected) is not "
        "Appendix B at SEC 5.9; first differences: 4.3, 4.3.3"
    )
    assert "drafted against SEC 5.7" in hint
    assert git(demo, "rev-parse", "HEAD") == head


def _edited_export(demo: Path, tmp: Path) -> Path:
    """A clean export of Appendix B at 5.9 with one word inserted as a Word revision."""
    out = tmp / "b.docx"
    assert (
        run_cli(
            "export", "5.9", "Appendix B", "--format", "docx", "-o", str(out), cwd=demo
        ).exit_code
        == 0
    )
    source = zipfile.ZipFile(out)
    xml = source.read("word/document.xml").decode()
    old = "shall publish in the SMKI repository:"
    assert old in xml
    xml = xml.replace(
        old,
        'shall publish</w:t></w:r><w:ins w:id="900" w:author="Jane Drafter" '
        'w:date="2026-01-05T10:00:00Z"><w:r><w:t xml:space="preserve"> promptly</w:t></w:r>'
        '</w:ins><w:r><w:t xml:space="preserve"> in the SMKI repository:',
    )
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as target:
        for info in source.infolist():
            data = xml.encode() if info.filename == "word/document.xml" else source.read(info)
            target.writestr(info, data)
    edited = tmp / "b-edited.docx"
    edited.write_bytes(buffer.getvalue())
    return edited


def test_a_word_edit_of_a_clean_export_becomes_the_change(demo, tmp_path):
    edited = _edited_export(demo, tmp_path)
    assert run_cli("mod", "new", "DP103", "--title", "Promptly", cwd=demo).exit_code == 0
    result = run_cli(
        "mod", "record", "DP103", "--from-docx", str(edited), "--as", "Appendix B", cwd=demo
    )
    assert result.exit_code == 0, result.stderr
    assert result.stdout.splitlines()[1] == "  Jane Drafter, 2026-01-05T10:00:00Z: 1 ins"
    diff = (demo / "modifications" / "DP103" / "appendices" / "B.md.diff").read_text()
    assert "\n-2.1 The DCC shall publish in the SMKI repository:\n" in diff
    assert "\n+2.1 The DCC shall publish promptly in the SMKI repository:\n" in diff
    changed = [x for x in diff.splitlines() if x[:1] in "+-" and x[:3] not in ("+++", "---")]
    assert len(changed) == 2


def test_from_docx_needs_as(demo, tmp_path):
    result = run_cli("mod", "record", "DP103", "--from-docx", "x.docx", cwd=demo)
    assert result.exit_code == 2


# -- a form feed inserted and deleted: a page break as a Word revision ----------------------------

OLD_PAGES = (
    "1.1 The Party shall pay\fthe Charges within five Working Days.\n\n"
    "1.2 Each Party shall comply.\f\n\n1.3 A third page."
)
NEW_PAGES = (
    "1.1 The Party shall pay the Charges within five Working Days.\n\n"
    "1.2 Each Party shall comply.\n\n1.3 A third\fpage.\n\n1.4 A new\fclause."
)


@pytest.fixture
def page_redline(versions, tmp_path) -> tuple[Path, Path]:
    """SEC 1.0 and 2.0 of Appendix ZZ, where 2.0 deletes two form feeds and inserts two, and
    the Word redline between them."""
    versions(OLD_PAGES, NEW_PAGES)
    out = tmp_path / "pages.docx"
    result = run_cli(
        "diff", "1.0", "2.0", "Appendix ZZ", "--format", "docx", "-o", str(out), cwd=versions.root
    )
    assert result.exit_code == 0, result.stderr
    return versions.root, out


def test_a_deleted_or_inserted_form_feed_is_a_page_break_revision(page_redline):
    root, out = page_redline
    xml = zipfile.ZipFile(out).read("word/document.xml").decode()
    page = '<w:br w:type="page"/>'
    assert len(re.findall(f"<w:del [^>]*><w:r>{page}</w:r></w:del>", xml)) == 2
    assert re.search(f"<w:ins [^>]*><w:r>{page}</w:r></w:ins>", xml)
    assert re.search(f'<w:ins [^>]*><w:r><w:t xml:space="preserve">1.4 A new</w:t>{page}', xml)
    assert "\u240c" not in xml
    doc_id = DocId.parse("Appendix ZZ")
    tree = Tree(root)
    new, old = (paragraph_texts(tree.snapshot(v).document(doc_id)) for v in ("2.0", "1.0"))
    assert view(out.read_bytes(), accept=True) == new
    assert view(out.read_bytes(), accept=False) == old
    assert "\f" in "".join(new) and "\f" in "".join(old)


def test_a_redline_with_page_breaks_gives_back_both_texts_to_the_character(page_redline):
    root, out = page_redline
    path = root / "appendices" / "ZZ.md"
    for flag, version in (("--accept-changes", "2.0"), ("--reject-changes", "1.0")):
        result = run_cli("import", str(out), "--as", "Appendix ZZ", flag, cwd=root)
        assert result.exit_code == 0, result.stderr
        assert path.read_bytes() == git(root, "show", f"sec/{version}:appendices/ZZ.md").encode()
        git(root, "checkout", "-q", "--", "appendices/ZZ.md")
    assert run_cli("mod", "new", "X9", "--title", "pages", "--base", "1.0", cwd=root).exit_code == 0
    result = run_cli(
        "mod", "record", "X9", "--from-docx", str(out), "--as", "Appendix ZZ", cwd=root
    )
    assert result.exit_code == 0, result.stderr  # its reject view is SEC 1.0 to the character
    ours = root / "modifications" / "X9" / "appendices" / "ZZ.md.diff"
    theirs = root / "modifications" / "X2" / "appendices" / "ZZ.md.diff"
    assert ours.read_bytes() == theirs.read_bytes()


def _pandoc_paragraphs(path: Path, mode: str) -> list[str]:
    """pandoc's paragraphs of a redline's document (after the cover, before the end line),
    every change accepted or rejected; pandoc reads a page break as a line break."""
    data = json.loads(
        subprocess.run(
            ["pandoc", f"--track-changes={mode}", str(path), "-t", "json"],
            capture_output=True,
            text=True,
            check=True,
        ).stdout
    )
    words = {"Space": " ", "SoftBreak": " ", "LineBreak": "\f"}

    def text(inlines: list) -> str:
        return "".join(i["c"] if i["t"] == "Str" else words[i["t"]] for i in inlines)

    out = [
        text(b["c"] if b["t"] == "Para" else b["c"][2])
        for b in data["blocks"]
        if b["t"] in ("Para", "Header")
    ]
    start = next(n for n, t in enumerate(out) if t.startswith("Every insertion")) + 1
    return out[start : out.index("End of Appendix ZZ")]


@pytest.mark.skipif(not shutil.which("pandoc"), reason="pandoc is not installed (CI installs it)")
def test_pandoc_reads_the_page_breaks_of_each_view(page_redline):
    root, out = page_redline
    for mode, version in (("accept", "2.0"), ("reject", "1.0")):
        text = git(root, "show", f"sec/{version}:appendices/ZZ.md")
        want = [re.sub(r"^#+ ", "", block) for block in text.rstrip("\n").split("\n\n")]
        # pandoc drops a line break that ends a paragraph
        assert _pandoc_paragraphs(out, mode) == [t.rstrip("\f") for t in want], mode


# Words with form feeds (doubled, at either end of a clause) and tabs, in any kind of block.
_PAGE_WORDS = st.text(alphabet=st.sampled_from("ab c\t\f\fé中"), max_size=30)


@st.composite
def _page_pairs(draw) -> tuple[str, str]:
    """An appendix and an edit of it: clauses reworded, inserted and deleted."""
    old_items = draw(st.lists(st.tuples(kinds, _PAGE_WORDS), max_size=10))
    new_items = list(old_items)
    for _ in range(draw(st.integers(0, 6))):
        op = draw(st.sampled_from(["reword", "insert", "delete"]))
        at = draw(st.integers(0, len(new_items)))
        if op == "insert" or not new_items:
            new_items.insert(at, (draw(kinds), draw(_PAGE_WORDS)))
        elif op == "reword":
            at %= len(new_items)
            new_items[at] = (new_items[at][0], draw(_PAGE_WORDS))
        else:
            del new_items[at % len(new_items)]
    return render(old_items, "Pages"), render(new_items, "Pages")


@given(_page_pairs())
@settings(max_examples=60, deadline=None, derandomize=True)
def test_the_word_reader_gives_back_both_texts_with_form_feeds(pair):
    """sectool's own Word reader: the accept view of a redline is the new text and the reject
    view the old, to the character, form feeds included."""
    old, new = pair
    data, _, _ = redline_bytes(old, new)
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "r.docx"
        path.write_bytes(data)
        views = read_views(open_package(path), ("accept", "reject"))
    doc_id = DocId.parse("Appendix AC")
    assert to_markdown(views["accept"], doc_id).text == new
    assert to_markdown(views["reject"], doc_id).text == old
