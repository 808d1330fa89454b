"""`sectool import`: Word revisions in both views, what is warned, hostile files refused,
and the round trip export -> import for every sample document."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pytest

from sectool.document import parse_document
from sectool.model import DocId
from sectool.word.package import open_package
from sectool.word.views import read_view
from tests.conftest import git, repo_state, run_cli
from tests.word_docs import abstract, docx, lvl, num, p, style

SHARED = Path(__file__).resolve().parents[1].parent / "shared"
FIXTURES = SHARED / "fixtures" / "docx"
REV = 'w:author="{a}" w:date="2017-07-0{d}T00:00:00Z"'


def rev(kind: str, rid: int, inner: str, author: str = "Ann", day: int = 1) -> str:
    return f'<w:{kind} w:id="{rid}" {REV.format(a=author, d=day)}>{inner}</w:{kind}>'


def run(text: str, tag: str = "w:t", rpr: str = "") -> str:
    return f'<w:r><w:rPr>{rpr}</w:rPr><{tag} xml:space="preserve">{text}</{tag}></w:r>'


def para(*content: str, ppr: str = "") -> str:
    return f"<w:p><w:pPr>{ppr}</w:pPr>{''.join(content)}</w:p>"


def mark(kind: str, rid: int) -> str:
    return f"<w:rPr>{rev(kind, rid, '')}</w:rPr>".replace("></w:" + kind + ">", "/>")


def views(tmp_path: Path, body: str, **parts: str):
    path = tmp_path / "t.docx"
    path.write_bytes(docx(body, **parts))
    package = open_package(path)
    return read_view(package, "accept"), read_view(package, "reject")


def texts(view) -> list[str]:
    return [x.text for x in view.paragraphs()]


def test_insertions_deletions_and_moves_in_each_view(tmp_path):
    body = para(
        run("The DCC "),
        rev("del", 1, run("may", "w:delText")),
        rev("ins", 2, run("shall")),
        run(" act."),
    )
    body += para(rev("moveFrom", 3, run("Moved.")), ppr=mark("moveFrom", 4))
    body += para(run("Stays."))
    body += para(rev("moveTo", 5, run("Moved.")), ppr=mark("moveTo", 6))
    accept, reject = views(tmp_path, body)
    assert texts(accept) == ["The DCC shall act.", "Stays.", "Moved."]
    assert texts(reject) == ["The DCC may act.", "Moved.", "Stays."]
    assert {(r.kind, r.author) for r in accept.revisions.values()} >= {("ins", "Ann")}


def test_paragraph_marks_join_paragraphs_in_the_view_that_drops_them(tmp_path):
    body = para(run("One "), ppr=mark("del", 1)) + para(run("two."))
    body += para(run("Three"), ppr=mark("ins", 2)) + para(run("four."))
    accept, reject = views(tmp_path, body)
    assert texts(accept) == ["One two.", "Three", "four."]
    assert texts(reject) == ["One ", "two.", "Threefour."]


def test_reject_view_takes_paragraph_properties_from_ppr_change(tmp_path):
    numbering = abstract(0, lvl(0, "%1.")) + num(1, 0)
    numbered = '<w:numPr><w:ilvl w:val="0"/><w:numId w:val="1"/></w:numPr>'
    change = rev("pPrChange", 1, "<w:pPr/>")
    body = para(run("Text"), ppr=numbered + change)
    accept, reject = views(tmp_path, body, numbering=numbering)
    assert [x.label for x in accept.paragraphs()] == ["1."]
    assert [x.label for x in reject.paragraphs()] == [""]


def test_inserted_and_deleted_table_rows_and_cells(tmp_path):
    def row(cells: str, trpr: str = "") -> str:
        return f"<w:tr><w:trPr>{trpr}</w:trPr>{cells}</w:tr>"

    def cell(text: str, tcpr: str = "") -> str:
        return f"<w:tc><w:tcPr>{tcpr}</w:tcPr>{para(run(text))}</w:tc>"

    ins = rev("ins", 1, "").replace("></w:ins>", "/>")
    deleted = rev("del", 2, "").replace("></w:del>", "/>")
    cell_del = rev("cellDel", 3, "").replace("></w:cellDel>", "/>")
    body = "<w:tbl>" + row(cell("A") + cell("B"))
    body += row(cell("new") + cell("row"), ins) + row(cell("old") + cell("row"), deleted)
    body += row(cell("C") + cell("gone", cell_del)) + "</w:tbl>"
    accept, reject = views(tmp_path, body)
    assert texts(accept) == ["A", "B", "new", "row", "C"]
    assert texts(reject) == ["A", "B", "old", "row", "C", "gone"]


def test_fields_content_controls_and_alternate_content(tmp_path):
    fld = (
        '<w:r><w:fldChar w:fldCharType="begin"/></w:r>'
        '<w:r><w:instrText xml:space="preserve"> DATE \\@ "d MMMM yyyy" </w:instrText></w:r>'
        '<w:r><w:fldChar w:fldCharType="separate"/></w:r>'
        + run("12 July 2017")
        + '<w:r><w:fldChar w:fldCharType="end"/></w:r>'
    )
    sdt = f"<w:sdt><w:sdtPr/><w:sdtContent>{run('Party')}</w:sdtContent></w:sdt>"
    mc = (
        '<mc:AlternateContent xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility'
        f'/2006"><mc:Choice Requires="w14">{run("one")}</mc:Choice>'
        f"<mc:Fallback>{run('one')}</mc:Fallback></mc:AlternateContent>"
    )
    listnum = (
        '<w:r><w:fldChar w:fldCharType="begin"/></w:r>'
        "<w:r><w:instrText> LISTNUM </w:instrText></w:r>"
        '<w:r><w:fldChar w:fldCharType="end"/></w:r>'
    )
    body = para(run("On "), fld, run(" each "), sdt, run(" read "), mc, run(" branch."), listnum)
    accept, _ = views(tmp_path, body)
    assert texts(accept) == ["On 12 July 2017 each Party read one branch."]
    assert accept.notes["LISTNUM fields (numbers with no stored text)"] == 1


def test_formatting_that_is_not_text_is_counted(tmp_path):
    hidden = run("secret", rpr="<w:vanish/>")
    struck = run("old", rpr="<w:strike/>")
    red = run("new", rpr='<w:color w:val="FF0000"/>')
    fmt = run(
        "bold",
        rpr="<w:b/>" + rev("rPrChange", 9, "<w:rPr/>"),
    )
    box = (
        "<w:r><w:drawing><w:txbxContent>"
        + para(run("boxed"))
        + "</w:txbxContent></w:drawing></w:r>"
    )
    accept, _ = views(tmp_path, para(run("A "), hidden, struck, red, fmt, box))
    assert texts(accept) == ["A oldnewbold"]
    assert accept.notes["hidden text runs (dropped)"] == 1
    assert accept.notes["struck-through runs (formatting, not revisions)"] == 1
    assert accept.notes["coloured runs (formatting, not revisions)"] == 1
    assert accept.notes["formatting-only revisions"] == 1
    assert accept.notes["text boxes (not imported)"] == 1


# -- the command --------------------------------------------------------------------------------

SEC_NUMBERING = abstract(
    0,
    lvl(0, "%1"),
    lvl(1, "%1.%2"),
    lvl(2, "(%3)", "lowerLetter"),
    lvl(3, "(%4)", "lowerRoman"),
) + num(1, 0)
SEC_STYLES = (
    style("Title", name="Title")
    + style(
        "Heading1",
        '<w:numPr><w:ilvl w:val="0"/><w:numId w:val="1"/></w:numPr><w:outlineLvl w:val="0"/>',
        name="heading 1",
    )
    + style("Clause", '<w:numPr><w:ilvl w:val="1"/><w:numId w:val="1"/></w:numPr>')
    + style("Sub", '<w:numPr><w:ilvl w:val="2"/><w:numId w:val="1"/></w:numPr>')
)


def sec_docx(extra: str = "") -> bytes:
    body = (
        p("Zebra Procedures", "Title")
        + p("Introduction", "Heading1")
        + p("This Appendix sets out the procedures.", "Clause")
        + p("The DCC shall:", "Clause")
        + p("keep a record;", "Sub")
        + p("publish it.", "Sub")
        + extra
        + p("Scope", "Heading1")
        + para(
            run("Footnoted."),
            '<w:r><w:footnoteReference w:id="2"/></w:r>',
            ppr='<w:pStyle w:val="Clause"/>',
        )
    )
    footnotes = (
        '<w:footnote w:type="separator" w:id="0"><w:p/></w:footnote>'
        '<w:footnote w:id="2">' + p("A note.") + "</w:footnote>"
    )
    return docx(body, SEC_NUMBERING, SEC_STYLES, footnotes)


def test_import_writes_sectool_markdown_with_word_numbers(empty_tree, tmp_path):
    source = tmp_path / "zz.docx"
    source.write_bytes(sec_docx())
    result = run_cli("import", str(source), "--as", "Appendix ZZ", cwd=empty_tree)
    assert result.exit_code == 0, result.stderr
    assert result.stdout.splitlines()[0] == (
        "Imported zz.docx as Appendix ZZ (appendices/ZZ.md, new)"
    )
    text = (empty_tree / "appendices" / "ZZ.md").read_text()
    assert text.startswith(
        "# Appendix ZZ: Zebra Procedures\n\n## 1 Introduction\n\n"
        "1.1 This Appendix sets out the procedures.\n\n1.2 The DCC shall:\n\n"
        "(a) keep a record;\n\n(b) publish it.\n\n## 2 Scope\n\n"
    )
    assert text.endswith("2.1 Footnoted.[^1]\n\n[^1]: A note.\n")
    assert result.stdout.splitlines()[1] == (
        "  7 paragraphs, 7 numbered paragraphs, 0 tables, 1 footnotes"
    )
    parsed = parse_document(text, DocId.parse("Appendix ZZ"))
    assert parsed.clauses() == ["1", "1.1", "1.2", "1.2(a)", "1.2(b)", "2", "2.1"]


def test_import_refuses_tracked_changes_without_a_view(empty_tree, tmp_path):
    source = tmp_path / "r.docx"
    change = para(rev("ins", 7, run("new words")))
    source.write_bytes(sec_docx(change))
    result = run_cli("import", str(source), "--as", "Appendix ZZ", cwd=empty_tree)
    assert result.exit_code == 2
    assert result.stderr.startswith("error[tracked-changes]: r.docx has tracked changes")
    assert not (empty_tree / "appendices" / "ZZ.md").exists()
    accepted = run_cli(
        "import", str(source), "--as", "Appendix ZZ", "--accept-changes", cwd=empty_tree
    )
    assert accepted.exit_code == 0
    assert "new words" in (empty_tree / "appendices" / "ZZ.md").read_text()


def _zip(members: dict[str, bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in members.items():
            z.writestr(name, data)
    return out.getvalue()


def _twice(first: bytes, second: bytes, second_name: str = "word/document.xml") -> bytes:
    """A package holding the main document part twice (Python's zipfile warns, then writes)."""
    import warnings

    out = io.BytesIO(_zip({"word/document.xml": first}))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        with zipfile.ZipFile(out, "a") as z:
            z.writestr(second_name, second)
    return out.getvalue()


def _numbering_bomb(start: int = 1_000_000_000, fmt: str = "upperLetter") -> bytes:
    """37 KB of hostile list numbering once made a 230 MB document: one letter repeated
    start/26 times per numbered paragraph."""
    numbering = abstract(0, lvl(0, "%1.", fmt, start=start)) + num(1, 0)
    return docx("".join(p(f"item {i}", num=(1, 0)) for i in range(6)), numbering)


def _label_bomb(repeats: int = 100) -> bytes:
    """A 5 KB file once imported as 61 MB: a lvlText of %1 repeated over a 61-digit start,
    each part within its own limit, the whole label far past any real one."""
    numbering = abstract(0, lvl(0, "%1" * repeats, start=10**60)) + num(1, 0)
    return docx("".join(p(f"item {i}", num=(1, 0)) for i in range(6)), numbering)


_DOC = (
    b'<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">'
    b"<w:body><w:p><w:r><w:t>%s</w:t></w:r></w:p></w:body></w:document>"
)

XXE = (
    b'<?xml version="1.0"?><!DOCTYPE w:document [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
    b'<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">'
    b"<w:body><w:p><w:r><w:t>&x;</w:t></w:r></w:p></w:body></w:document>"
)


@pytest.mark.parametrize(
    "data, message",
    [
        (b"just some text, not a package", "is not a Word document (not a zip package)"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 600, "is an OLE compound file"),
        (_zip({"word/document.xml": b"<a>" + b" " * 50_000_000 + b"</a>"}), "a zip bomb"),
        (_zip({"word/document.xml": XXE}), "declares a DTD or entities"),
        (_zip({"word/other.xml": b"<a/>"}), "has no main document part"),
        (_zip({"word/document.xml": b"<w:document"}), "is not well-formed XML"),
        (_twice(_DOC % b"first", _DOC % b"last"), "holds the zip member word/document.xml twice"),
        (_twice(_DOC % b"a", _DOC % b"b", "WORD/document.xml"), "WORD/document.xml twice"),
        (_numbering_bomb(), "which would print longer than 64 characters"),
        (_numbering_bomb(10**70, "decimal"), "which would print longer than 64 characters"),
        (_numbering_bomb(10**9, "lowerRoman"), "which would print longer than 64 characters"),
        (_label_bomb(), "a list label would print longer than 256 characters"),
    ],
    ids=[
        "not-zip",
        "encrypted",
        "zip-bomb",
        "xxe",
        "no-document",
        "malformed",
        "duplicate-member",
        "duplicate-member-other-case",
        "numbering-bomb-letters",
        "numbering-bomb-decimal",
        "numbering-bomb-roman",
        "numbering-bomb-repeated-label",
    ],
)
def test_hostile_or_broken_files_are_refused_with_one_line(empty_tree, tmp_path, data, message):
    source = tmp_path / "bad.docx"
    source.write_bytes(data)
    before = git(empty_tree, "status", "--porcelain", "--ignored")
    result = run_cli("import", str(source), "--as", "Appendix ZZ", "--title", "T", cwd=empty_tree)
    assert result.exit_code == 4
    first, hint = result.stderr.splitlines()
    assert first.startswith("error[bad-docx]: bad.docx") and message in first
    assert hint.startswith("  hint: ")
    assert git(empty_tree, "status", "--porcelain", "--ignored") == before


def test_a_label_bomb_names_the_paragraph_and_costs_no_more_than_the_cap(tmp_path):
    from sectool.errors import BadWordFile

    source = tmp_path / "labels.docx"
    source.write_bytes(_label_bomb(repeats=100_000))  # 61 digits x 100,000 = 6 MB per label
    with pytest.raises(BadWordFile) as caught:
        read_view(open_package(source), "accept")
    assert caught.value.message.startswith("labels.docx: a list label would print longer than")
    assert caught.value.hint.endswith('the paragraph: "item 0"')


def test_a_label_at_the_cap_is_read(tmp_path):
    numbering = abstract(0, lvl(0, "%1" * 4 + "x" * 12, start=10**60)) + num(1, 0)
    source = tmp_path / "long.docx"
    source.write_bytes(docx(p("item", num=(1, 0)), numbering))
    [para] = read_view(open_package(source), "accept").paragraphs()
    assert para.label == str(10**60) * 4 + "x" * 12  # 256 characters: the most allowed


@pytest.mark.parametrize("command", ["import", "record"])
def test_a_file_that_is_not_regular_is_refused_without_reading_it(empty_tree, tmp_path, command):
    """/dev/zero once read until the OOM killer; a FIFO with no writer once waited forever."""
    import os

    fifo = tmp_path / "pipe.docx"
    os.mkfifo(fifo)
    if command == "record":
        assert run_cli("mod", "new", "SECMP0001", "--title", "T", cwd=empty_tree).exit_code == 0
    before = git(empty_tree, "status", "--porcelain", "--ignored")
    for source in ("/dev/zero", str(fifo)):
        if command == "import":
            args = ("import", source, "--as", "Appendix ZZ", "--title", "T")
        else:
            args = ("mod", "record", "SECMP0001", "--from-docx", source, "--as", "Appendix ZZ")
        result = run_cli(*args, cwd=empty_tree)
        name = Path(source).name
        assert result.exit_code == 4, result.stderr
        first, hint = result.stderr.splitlines()
        assert (
            first
            == f"error[bad-docx]: {name}: is not a regular file (a device, a pipe or a socket)"
        )
        assert hint.startswith("  hint: ")
    assert git(empty_tree, "status", "--porcelain", "--ignored") == before


def test_a_file_past_the_size_limit_is_refused_before_it_is_read(tmp_path, monkeypatch):
    from sectool.errors import BadWordFile
    from sectool.word import package

    source = tmp_path / "big.docx"
    source.write_bytes(docx(p("text")))
    monkeypatch.setattr(package, "MAX_FILE_BYTES", source.stat().st_size - 1)
    with pytest.raises(BadWordFile, match=r"big.docx: is \d+ bytes \(limit \d+\)"):
        open_package(source)


def test_a_member_inflating_past_its_declared_size_is_refused(tmp_path):
    source = tmp_path / "lying.docx"
    source.write_bytes(_zip({"word/document.xml": b"<a>" + b"x" * 100_000 + b"</a>"}))
    data = bytearray(source.read_bytes())
    # shrink the declared size in the central directory and the local header
    at = data.rfind(b"PK\x01\x02")
    data[at + 24 : at + 28] = (10).to_bytes(4, "little")
    data[0 + 22 : 0 + 26] = (10).to_bytes(4, "little")
    source.write_bytes(bytes(data))
    from sectool.errors import BadWordFile

    with pytest.raises(BadWordFile, match="cannot be read|inflates past"):
        open_package(source)


@pytest.mark.parametrize(
    "doc",
    ["Section A", "Section M", "Schedule 11", "Appendix B", "Appendix AC", "Appendix AD"],
)
def test_round_trip_export_then_import_gives_the_text_back(sample_tree, tmp_path, doc):
    out = tmp_path / "out.docx"
    exported = run_cli("export", "5.7", doc, "--format", "docx", "-o", str(out), cwd=sample_tree)
    assert exported.exit_code == 0, exported.stderr
    path = sample_tree / DocId.parse(doc).path
    original = path.read_bytes()
    path.write_text("# placeholder\n")
    git(sample_tree, "commit", "-qam", "placeholder")  # import refuses to overwrite edits
    result = run_cli("import", str(out), "--as", doc, cwd=sample_tree)
    assert result.exit_code == 0, result.stderr
    assert path.read_bytes() == original
    assert result.stderr == ""


def test_import_refuses_to_overwrite_uncommitted_edits(sample_tree, tmp_path):
    out = tmp_path / "ac.docx"
    assert run_cli("export", "5.7", "Appendix AC", "--format", "docx", "-o", str(out),
                   cwd=sample_tree).exit_code == 0  # fmt: skip
    with (sample_tree / "appendices" / "AC.md").open("a", encoding="utf-8") as f:
        f.write("edit\n")
    before = repo_state(sample_tree)
    result = run_cli("import", str(out), "--as", "Appendix AC", cwd=sample_tree)
    assert result.exit_code == 6
    first, hint = result.stderr.splitlines()
    assert first == (
        "error[dirty-tree]: appendices/AC.md has uncommitted changes, which the import would "
        "overwrite"
    )
    assert "commit them, record them in a change set" in hint
    assert repo_state(sample_tree) == before


@pytest.mark.parametrize(
    "title", ["Two\nlines", "Bell\u0007", "Line\u2028sep", "Para\u2029sep", "Next\u0085line"]
)
def test_import_refuses_a_title_with_a_line_break_or_control_character(empty_tree, tmp_path, title):
    source = tmp_path / "zz.docx"
    source.write_bytes(sec_docx())
    before = repo_state(empty_tree)
    result = run_cli("import", str(source), "--as", "Appendix ZZ", "--title", title,
                     cwd=empty_tree)  # fmt: skip
    assert result.exit_code == 4, result.stderr
    assert result.stderr.startswith("error[control-character]: the title holds the control")
    assert repo_state(empty_tree) == before


# -- page breaks: a form feed in sectool's text ------------------------------------------------

PAGE = '<w:r><w:br w:type="page"/></w:r>'


def test_a_page_break_is_a_form_feed_in_each_view(tmp_path):
    body = para(
        run("A"),
        PAGE,
        run("B"),
        rev("ins", 1, PAGE),
        run("C"),
        rev("del", 2, PAGE),
        run("D"),
        rev("del", 3, '<w:r><w:br w:type="page"/><w:delText>E</w:delText></w:r>'),
    )
    # where Word last laid out a page is no text; line and column breaks are line feeds
    body += para(
        '<w:r><w:lastRenderedPageBreak/><w:t>F</w:t><w:br w:type="column"/><w:t>G</w:t>'
        "<w:br/><w:t>H</w:t></w:r>"
    )
    accept, reject = views(tmp_path, body)
    assert texts(accept) == ["A\fB\fCD", "F\nG\nH"]
    assert texts(reject) == ["A\fBC\fD\fE", "F\nG\nH"]


def test_import_keeps_page_breaks_in_the_text_and_drops_layout(empty_tree, tmp_path):
    body = (
        p("Zebra Procedures", "Title")
        + para(PAGE, run("Introduction"), ppr='<w:pStyle w:val="Heading1"/>')
        + para(
            run("The DCC shall pay"), PAGE, run("the Charges:"), ppr='<w:pStyle w:val="Clause"/>'
        )
        + para(PAGE)  # a page break on its own: layout between blocks, as Word's Ctrl+Enter
        + para(run("keep a record;"), PAGE, ppr='<w:pStyle w:val="Sub"/>')
        + para(
            "<w:r><w:lastRenderedPageBreak/><w:t>publish it.</w:t></w:r>",
            ppr='<w:pStyle w:val="Sub"/>',
        )
        + para(PAGE, run("1.3\tThe Party shall comply."))  # a typed number (older Word)
        + para(PAGE, run("See the Annex."))  # text: its page break is a form feed
    )
    source = tmp_path / "pages.docx"
    source.write_bytes(docx(body, SEC_NUMBERING, SEC_STYLES))
    result = run_cli("import", str(source), "--as", "Appendix ZZ", cwd=empty_tree)
    assert result.exit_code == 0, result.stderr
    # A page break before the words of a heading or a clause starts it on a new page; kept, it
    # would hide the number ("## \fM6 Party Details" is a topic heading, "\f1.3" text).
    assert (empty_tree / "appendices" / "ZZ.md").read_text() == (
        "# Appendix ZZ: Zebra Procedures\n\n## 1 Introduction\n\n"
        "1.1 The DCC shall pay\fthe Charges:\n\n(a) keep a record;\f\n\n(b) publish it.\n\n"
        "1.3\tThe Party shall comply.\n\n\fSee the Annex.\n"
    )
    assert "2 page breaks before a heading or a clause (layout, left out)" in result.stderr
