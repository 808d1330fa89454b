"""LibreOffice as the cross-check of Word list labels: on generated documents exercising every
numbering rule, its UNO ``ListLabelString`` must equal the label sectool computes."""

from __future__ import annotations

from sectool.word.package import open_package
from sectool.word.views import read_view
from tests.test_libreoffice import libreoffice, pytestmark  # noqa: F401  (the same skip)
from tests.word_docs import abstract, docx, lvl, num, p, style

LEVELS = (
    lvl(0, "%1", start=3),
    lvl(1, "%1.%2"),
    lvl(2, "(%3)", "lowerLetter"),
    lvl(3, "(%4)", "lowerRoman"),
    lvl(4, "(%5)", "upperLetter"),
)


def documents() -> dict[str, bytes]:
    numbering = (
        abstract(0, *LEVELS)
        + num(1, 0)
        + num(2, 0)
        + num(3, 0, '<w:lvlOverride w:ilvl="0"><w:startOverride w:val="1"/></w:lvlOverride>')
        + abstract(2, lvl(0, "%1)", "lowerLetter"))
        + num(5, 2)
    )
    styles = style("Clause", '<w:numPr><w:ilvl w:val="1"/><w:numId w:val="1"/></w:numPr>')
    styles += style("Sub", '<w:numPr><w:ilvl w:val="2"/></w:numPr>', based_on="Clause")
    clauses = "".join(
        p(f"text {n}", "Clause" if n % 3 else "Sub", num=("2", None) if n % 5 == 0 else None)
        for n in range(12)
    )
    levels = "".join(p(f"deep {n}", num=("1", str(n % 5))) for n in range(25))
    restarted = (
        p("before", num=("1", "2")) + p("restart", num=("3", "0")) + p("more", num=("3", "1"))
    )
    # w:isLgl is left out: LibreOffice before 24.2 ignores it (Word prints "1.1", it "I.1");
    # tests/test_word_numbering.py pins it instead.
    letters = "".join(p(f"letter {n}", num=("5", "0")) for n in range(60))
    return {
        "clauses": docx(clauses, numbering, styles),
        "levels": docx(levels, numbering, styles),
        "restarted": docx(levels + restarted + levels, numbering, styles),
        "letters": docx(letters, numbering, styles),
    }


def test_libreoffice_prints_the_labels_sectool_computes(tmp_path):
    files = []
    for name, data in documents().items():
        path = tmp_path / f"{name}.docx"
        path.write_bytes(data)
        files.append(path)
    theirs = libreoffice("labels", files)
    for path in files:
        ours = [[x.label, x.text] for x in read_view(open_package(path), "accept").paragraphs()]
        assert ours == theirs[str(path)], path.name
        assert any(label for label, _ in ours)
