"""`sectool diff` and `sectool export` on the sample after the demo's designations."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest

from sectool.demo import run_demo
from sectool.model import DocId
from sectool.render.docx import paragraph_texts
from sectool.tree import Tree
from tests.conftest import edit, run_cli
from tests.docx_walker import dump, view
from tests.test_redline_properties import pandoc_text

GOLDEN = Path(__file__).parent / "golden"
UPDATE = bool(os.environ.get("SECTOOL_UPDATE_GOLDEN"))
REQUIRE = bool(os.environ.get("SECTOOL_REQUIRE_READERS"))


@pytest.fixture(scope="module")
def demo(tmp_path_factory) -> Path:
    return run_demo(tmp_path_factory.mktemp("publish") / "demo", lambda _line: None)


def docx_for(demo: Path, tmp_path: Path, old: str, new: str, doc: str) -> bytes:
    out = tmp_path / "r.docx"
    result = run_cli("diff", old, new, doc, "--format", "docx", "-o", str(out), cwd=demo)
    assert result.exit_code == 0, result.stderr
    return out.read_bytes()


CASES = [
    ("5.7", "5.8", "Appendix B"),
    ("5.7", "5.8", "Appendix S"),
    ("5.8", "5.9", "Appendix AC"),
    ("5.8", "5.9", "Appendix AD"),
    ("5.7", "5.9", "Appendix B"),
]


@pytest.mark.parametrize("old,new,doc", CASES)
def test_golden_redlines(demo, tmp_path, old, new, doc):
    """Normalised dumps (text plus insert/delete runs with author and date).

    Regenerate with SECTOOL_UPDATE_GOLDEN=1 after a deliberate change, and review the diff.
    """
    text = dump(docx_for(demo, tmp_path, old, new, doc))
    golden = GOLDEN / f"{doc.replace(' ', '-')}_{old}_{new}.txt"
    if UPDATE:
        golden.write_text(text)
    assert golden.exists(), f"no golden dump {golden.name}: write it with SECTOOL_UPDATE_GOLDEN=1"
    assert text == golden.read_text()


@pytest.mark.parametrize("old,new,doc", CASES)
def test_accept_all_and_reject_all_on_the_sample(demo, tmp_path, old, new, doc):
    data = docx_for(demo, tmp_path, old, new, doc)
    tree = Tree(demo)
    doc_id = DocId.parse(doc)
    assert view(data, accept=True) == paragraph_texts(tree.snapshot(new).document(doc_id))
    assert view(data, accept=False) == paragraph_texts(tree.snapshot(old).document(doc_id))


def test_attribution_keeps_each_change_set_and_date(demo):
    data = json.loads(run_cli("diff", "5.7", "5.9", "--format", "json", cwd=demo).stdout)
    assert (data["from"], data["to"]) == ("SEC 5.7", "SEC 5.9")
    docs = {d["id"]: d for d in data["documents"]}
    assert set(docs) == {"Appendix B", "Appendix S", "Appendix AC", "Appendix AD"}
    b, ac = docs["Appendix B"], docs["Appendix AC"]
    assert (b["from_version"], b["to_version"]) == ("1.3", "1.4")
    assert {c["op"] for c in b["clauses"]} <= {"inserted", "deleted", "changed", "moved"}
    for clause in b["clauses"]:
        assert clause["by"] == ["SECMP0035"]
    for clause in ac["clauses"]:
        assert clause["by"] == ["SOS-2017-R1.3"]
    changed = next(c for c in b["clauses"] if c["clause"] == "4.3")
    assert changed["op"] == "changed" and "12 months after" in changed["old"]
    assert "up to 13 months after" in changed["new"]


def test_two_versions_changing_one_clause_keep_their_own_authors(tmp_path):
    root = run_demo(tmp_path / "d", lambda _line: None)

    def run(*args):
        result = run_cli(*args, cwd=root)
        assert result.exit_code in (0, 1), result.stderr
        return result

    run("mod", "new", "SECMP0070", "--title", "Later ARL change", "--path", "fast-track")
    edit(
        root,
        "appendices/B.md",
        "after the date on which it was issued.",
        "after the date on which it was first issued.",
    )
    run("mod", "record", "SECMP0070")
    run("mod", "advance", "SECMP0070", "approved")
    run("designate", "5.10", "--effective", "2017-08-01", "--change", "SECMP0070")
    data = json.loads(run("diff", "5.7", "5.10", "Appendix B 4.3", "--format", "json").stdout)
    clause = next(c for c in data["documents"][0]["clauses"] if c["clause"] == "4.3")
    authored = {
        (s["op"], s["text"].strip(), s["by"], s["date"])
        for s in clause["segments"]
        if s["op"] != "equal"
    }
    assert ("delete", "12", "SECMP0035", "2017-07-12") in authored
    assert ("insert", "up to 13", "SECMP0035", "2017-07-12") in authored
    assert ("insert", "first", "SECMP0070", "2017-08-01") in authored
    assert clause["by"] == ["SECMP0035", "SECMP0070"]


def test_what_if_preview_with_pending_change_sets(demo):
    result = run_cli(
        "diff",
        "5.9",
        "5.9",
        "--with",
        "SECMP0039",
        "--with",
        "SECMP0006",
        "--format",
        "json",
        cwd=demo,
    )
    data = json.loads(result.stdout)
    assert data["to"] == "SEC 5.9 with SECMP0039, SECMP0006"
    by = {d["id"]: {tuple(c["by"]) for c in d["clauses"]} for d in data["documents"]}
    assert by == {
        "Section A": {("SECMP0039",)},
        "Section G": {("SECMP0006",)},
        "Section M": {("SECMP0039",)},
    }
    conflict = run_cli("diff", "5.9", "5.9", "--with", "SECMP0041", "--with", "SECMP0042", cwd=demo)
    assert conflict.exit_code == 5 and "SECMP0042 does not apply" in conflict.stderr


def test_redlines_are_byte_identical_on_rerun(demo, tmp_path):
    first = run_cli("diff", "5.7", "5.9", "--format", "docx", "-o", str(tmp_path / "a"), cwd=demo)
    second = run_cli("diff", "5.7", "5.9", "--format", "docx", "-o", str(tmp_path / "b"), cwd=demo)
    assert first.exit_code == second.exit_code == 0
    names = sorted(p.name for p in (tmp_path / "a").iterdir())
    assert len(names) == 4
    for name in names:
        assert (tmp_path / "a" / name).read_bytes() == (tmp_path / "b" / name).read_bytes()
    html = [run_cli("diff", "5.7", "5.9", "--format", "html", cwd=demo).stdout for _ in (1, 2)]
    assert html[0] == html[1]


def test_html_is_self_contained_with_a_table_of_changes(demo):
    page = run_cli("diff", "5.7", "5.8", "--format", "html", cwd=demo).stdout
    assert page.startswith("<!DOCTYPE html>")
    assert "http://" not in page and "https://" not in page and "<script" not in page
    assert '<a href="#d1-b' in page and 'id="d1-b' in page
    assert 'title="SECMP0035, effective 2017-07-12"' in page
    assert "<del " in page and "<ins " in page and "@media print" in page


def test_markdown_is_criticmarkup(demo):
    text = run_cli("diff", "5.7", "5.8", "Appendix B", "--format", "md", cwd=demo).stdout
    assert "falls {--12--}{++up to 13++} months" in text
    assert "{>>SECMP0035, effective 2017-07-12<<}" in text


def test_text_redline_plain_when_piped(demo):
    text = run_cli("diff", "5.7", "5.8", cwd=demo).stdout
    assert "4.3 changed  [SECMP0035]" in text and "[-12-]{+up to 13+}" in text
    assert "\x1b[" not in text


def test_diff_against_the_working_tree(demo, tmp_path):
    root = run_demo(tmp_path / "w", lambda _line: None)
    edit(root, "sections/M.md", "within five Working Days", "within three Working Days")
    data = json.loads(run_cli("diff", "5.9", "working", "--format", "json", cwd=root).stdout)
    assert data["to"] == "working tree"
    assert data["documents"][0]["clauses"][0]["clause"] == "M6.2"


def test_uncommitted_edits_are_the_working_trees_not_the_last_change_sets(demo, tmp_path):
    """SECMP0035 alone changed Appendix B 4.3 between 5.7 and 5.9; an edit made since, not yet
    recorded, is the working tree's, in every format that names authors."""
    root = run_demo(tmp_path / "w", lambda _line: None)
    edit(
        root,
        "appendices/B.md",
        "once in every period of 12 months",
        "once in every period of 9 months",
    )
    data = json.loads(
        run_cli("diff", "5.7", "working", "Appendix B 4.3", "--format", "json", cwd=root).stdout
    )
    [clause] = [c for c in data["documents"][0]["clauses"] if c["clause"] == "4.3"]
    edits = [(s["op"], s["text"], s.get("by")) for s in clause["segments"] if s["op"] != "equal"]
    assert edits == [
        ("delete", "12", "working tree"),
        ("insert", "9", "working tree"),
        ("delete", "12", "SECMP0035"),  # the designated change keeps its own
        ("insert", "up to 13", "SECMP0035"),
    ]
    assert set(data["documents"][0]["changes"][0].values()) >= {"SECMP0035"}
    out = tmp_path / "b.docx"
    run_cli("diff", "5.7", "working", "Appendix B", "--format", "docx", "-o", str(out), cwd=root)
    import zipfile

    xml = zipfile.ZipFile(out).read("word/document.xml").decode()
    assert 'w:author="working tree"' in xml and 'w:author="SECMP0035"' in xml


def test_nothing_changed(demo, tmp_path):
    result = run_cli("diff", "5.9", "5.9", "--format", "docx", "-o", str(tmp_path / "x"), cwd=demo)
    assert result.exit_code == 0 and "No document changed" in result.stdout
    assert not (tmp_path / "x").exists()


@pytest.mark.parametrize(
    "args,code,fragment",
    [
        (["5.7", "6.0"], 3, "no designated version 6.0"),
        (["2016-01-01", "5.8"], 3, "no version of the code was in force on 2016-01-01"),
        (["5.7", "5.8", "Appendix Q"], 3, "no document Appendix Q"),
        (["5.7", "5.8", "--with", "NOPE"], 3, "no change set NOPE"),
    ],
)
def test_diff_errors(demo, args, code, fragment):
    result = run_cli("diff", *args, cwd=demo)
    assert result.exit_code == code
    assert fragment in result.stderr.splitlines()[0]


def test_docx_into_an_existing_file_for_several_documents(demo, tmp_path):
    target = tmp_path / "file.docx"
    target.write_text("mine")
    result = run_cli("diff", "5.7", "5.9", "--format", "docx", "-o", str(target), cwd=demo)
    assert result.exit_code == 4 and "several documents changed" in result.stderr
    assert target.read_text() == "mine"


def test_export_the_whole_code_and_one_document(demo, tmp_path):
    result = run_cli("export", "5.9", "-o", str(tmp_path / "sec.docx"), cwd=demo)
    assert result.exit_code == 0
    md = run_cli("export", "2017-07-15", "Appendix B", "--format", "md", cwd=demo).stdout
    assert md == Tree(demo).snapshot("5.8").text("appendices/B.md")
    html = run_cli("export", "5.9", "--format", "html", cwd=demo).stdout
    assert "<h2>Contents</h2>" in html and "<h2>Document Log</h2>" in html
    assert "Appendix AC: Inventory Enrolment and Withdrawal Procedures" in html


needs_readers = pytest.mark.skipif(
    not (shutil.which("pandoc") and shutil.which("soffice")) and not REQUIRE,
    reason="pandoc and LibreOffice are not installed (CI installs them)",
)


@needs_readers
def test_pandoc_reads_the_sample_redline(demo, tmp_path):
    data = docx_for(demo, tmp_path, "5.7", "5.9", "Appendix B")
    path = tmp_path / "b.docx"
    path.write_bytes(data)

    def words(mode):
        out = pandoc_text(path, mode)
        return out.split("gives the earlier one.")[1].split("End of Appendix B")[0].split()

    tree = Tree(demo)
    for mode, version in (("accept", "5.9"), ("reject", "5.7")):
        expected = paragraph_texts(tree.snapshot(version).document(DocId.parse("Appendix B")))
        assert words(mode) == " ".join(expected).split()


@needs_readers
def test_libreoffice_converts_every_docx_and_html(demo, tmp_path):
    publications = sorted((demo / "publications").rglob("*.docx")) + sorted(
        (demo / "publications").glob("*.html")
    )
    assert len(publications) == 7
    out = tmp_path / "pdf"
    env = {**os.environ, "HOME": str(tmp_path)}  # a private LibreOffice profile
    for path in publications:
        # HTML through Writer's own HTML filter, as a user opening it in LibreOffice would
        html = ["--infilter=HTML (StarWriter)"] if path.suffix == ".html" else []
        result = subprocess.run(
            [
                "soffice",
                "--headless",
                *html,
                "--convert-to",
                "pdf:writer_pdf_Export",
                "--outdir",
                str(out),
                str(path),
            ],
            capture_output=True,
            text=True,
            env=env,
            timeout=180,
        )
        pdf = out / (path.stem + ".pdf")
        assert pdf.exists() and pdf.stat().st_size > 1000, result.stderr
        assert pdf.read_bytes().startswith(b"%PDF")


def test_a_clause_reference_narrows_text_and_json(demo):
    data = json.loads(
        run_cli("diff", "5.7", "5.8", "Appendix B 4.3", "--format", "json", cwd=demo).stdout
    )
    assert [c["clause"] for c in data["documents"][0]["clauses"]] == ["4.3", "4.3.3"]
    text = run_cli("diff", "5.7", "5.8", "Appendix S 4.1", cwd=demo).stdout
    assert "no change" in text


def test_terminal_redline_in_colour(demo, monkeypatch):
    monkeypatch.delenv("NO_COLOR", raising=False)
    monkeypatch.setenv("FORCE_COLOR", "1")
    text = run_cli("diff", "5.7", "5.8", "Appendix B 4.3", cwd=demo).stdout
    assert "\x1b[" in text and "[-12-]" not in text
    assert "\x1b[9;31m12" in text or "\x1b[31;9m12" in text  # red and struck through
    assert "up to 13" in text
    monkeypatch.setenv("NO_COLOR", "1")
    assert "[-12-]{+up to 13+}" in run_cli("diff", "5.7", "5.8", "Appendix B 4.3", cwd=demo).stdout


def test_a_moved_clause_in_every_format(sample_tree):
    entry = (
        '"Working Group" means a group convened by the Panel under Section D4.2 to develop '
        "a Modification Proposal.\n\n"
    )
    text = (sample_tree / "sections/A.md").read_text()
    assert entry in text
    text = text.replace(entry, "")
    text = text.replace('"Authority" means', entry + '"Authority" means')
    run_cli("mod", "new", "SECMP0080", "--title", "Reorder the glossary", cwd=sample_tree)
    (sample_tree / "sections/A.md").write_text(text)
    assert run_cli("mod", "record", "SECMP0080", cwd=sample_tree).exit_code == 0

    def diff(fmt):
        result = run_cli(
            "diff", "5.7", "5.7", "--with", "SECMP0080", "--format", fmt, cwd=sample_tree
        )
        assert result.exit_code == 0, result.stderr
        return result.stdout

    data = json.loads(diff("json"))
    moves = [c for c in data["documents"][0]["clauses"] if c["op"] == "moved"]
    assert {c["move"] for c in moves} == {"from", "to"}
    assert all(c["label"] == "Working Group" and c["by"] == ["SECMP0080"] for c in moves)
    assert "moved (to #1)" in diff("text") and "moved (from #1)" in diff("text")
    assert "{>>moved here<<}" in diff("md") and "{>>moved from here<<}" in diff("md")
    page = diff("html")
    assert 'class="text changed moved"' in page or "changed moved" in page


@pytest.mark.parametrize("fmt", ["text", "json", "md", "html", "docx"])
def test_shared_out_over_processes_the_redline_is_the_same(demo, tmp_path, monkeypatch, fmt):
    """Documents are compared (and Word files rendered) in forked workers (sectool.parallel);
    the output must be the same, byte for byte, as one process gives."""
    outputs = {}
    for workers in ("1", "3"):
        monkeypatch.setenv("SECTOOL_WORKERS", workers)
        out = tmp_path / workers
        result = run_cli("diff", "5.7", "5.9", "--format", fmt, "-o", str(out), cwd=demo)
        assert result.exit_code == 0, result.stderr
        files = sorted(out.iterdir()) if out.is_dir() else [out]
        outputs[workers] = {f.relative_to(out).as_posix(): f.read_bytes() for f in files}
    assert outputs["1"] == outputs["3"]
    shown = b"".join(outputs["1"].values()).count(b"Appendix") + len(outputs["1"])
    assert shown >= 4  # several documents, so really shared out


def test_a_bad_document_in_any_worker_gives_the_one_process_error(demo, tmp_path, monkeypatch):
    root = run_demo(tmp_path / "w", lambda _line: None)
    changed = ["sections/M.md", "appendices/B.md", "appendices/AC.md", "appendices/AD.md"]
    for rel in changed:  # each is not UTF-8: the error is the first document's, in order
        path = root / rel
        path.write_bytes(path.read_bytes() + b"\n\nExtra text \xff.\n")
    results = {}
    for workers in ("1", "2", "4"):
        monkeypatch.setenv("SECTOOL_WORKERS", workers)
        results[workers] = run_cli("diff", "5.9", "working", cwd=root)
    assert {r.exit_code for r in results.values()} == {4}
    assert len({r.stderr for r in results.values()}) == 1
    assert "is not UTF-8" in results["1"].stderr


@pytest.mark.parametrize("old,new", [("5.7", "5.9"), ("5.8", "5.9"), ("5.9", "5.9")])
def test_json_is_the_standard_librarys_indented_encoding(demo, old, new):
    from sectool.publish import redline_json
    from sectool.redline import RedlineRequest, build_redline

    redline = build_redline(Tree(demo), RedlineRequest(old, new, changes_only=True))
    whole = json.dumps(redline.as_json(), indent=2, ensure_ascii=False) + "\n"
    assert redline_json(redline) == whole
    assert json.loads(whole)["documents"] or old == new


@pytest.mark.parametrize("fmt", ["docx"])
def test_a_target_that_is_a_directory_stops_the_run_before_any_file_is_written(demo, tmp_path, fmt):
    out = tmp_path / "redlines"
    first = run_cli("diff", "5.7", "5.9", "--format", fmt, "-o", str(out), cwd=demo)
    names = sorted(p.name for p in out.iterdir())
    assert first.exit_code == 0 and len(names) >= 2
    shutil.rmtree(out)
    (out / names[-1]).mkdir(parents=True)  # the last document's file name is taken
    again = run_cli("diff", "5.7", "5.9", "--format", fmt, "-o", str(out), cwd=demo)
    assert again.exit_code == 4 and f"{names[-1]} is a directory" in again.stderr
    assert sorted(p.name for p in out.iterdir()) == [names[-1]]  # nothing else written
