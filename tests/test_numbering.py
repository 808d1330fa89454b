"""Clause numbering as GB drafters write it: insertions at every level, (i) as letter or
numeral, hard wraps, blank separator lines, byte order marks."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sectool.document import parse_document
from sectool.errors import MalformedDocument
from sectool.model import DocId
from sectool.numbering import ALPHA, ROMAN, UPPER, ClauseNumber, SubNumber
from sectool.references import extract_references
from tests.conftest import Result, run_cli

ZZ = DocId.parse("Appendix ZZ")
HEAD = "# Appendix ZZ: Test Appendix\n\n## 1 General\n\n"


def appendix(body: str):
    return parse_document(HEAD + body, ZZ)


def subs(tokens: str, lead: str = "1.1 The Party shall:") -> str:
    return "\n\n".join([lead, *(f"({t}) item {t};" for t in tokens.split())]) + "\n"


@pytest.mark.parametrize(
    "text",
    ["N4A", "N4AA", "N4ZA", "X1.17A", "4.3A", "1.1AA", "M6.2(aa)(ii)", "4.3.1(za)(A)(I)"],
)
def test_clause_numbers_print_as_parsed(text: str) -> None:
    assert str(ClauseNumber.parse(text)) == text


def test_code_order_puts_insertions_after_what_they_follow() -> None:
    order = ["1.1", "1.1A", "1.1AA", "1.1AB", "1.1B", "1.1Z", "1.1ZA", "1.2", "1.10"]
    assert sorted(order[::-1], key=ClauseNumber.parse) == order
    subs_order = ["1.1(a)", "1.1(aa)", "1.1(ab)", "1.1(b)", "1.1(z)", "1.1(za)"]
    assert sorted(subs_order[::-1], key=ClauseNumber.parse) == subs_order


@pytest.mark.parametrize("text", ["", "M", "1.1(", "1.1(a", "1.1(abcd)", "1.1 (a)"])
def test_what_is_not_a_clause_number(text: str) -> None:
    with pytest.raises(ValueError):
        ClauseNumber.parse(text)


def test_double_letter_paragraph_is_a_clause_of_its_own() -> None:
    d = appendix("1.1 First.\n\n1.1A Earlier.\n\n1.1AA Between.\n\n1.1B Later.\n\n1.2 Last.\n")
    assert d.clauses() == ["1", "1.1", "1.1A", "1.1AA", "1.1B", "1.2"]
    assert d.clause_text("1.1AA") == "1.1AA Between.\n"


def test_double_letter_sub_section_headings_order() -> None:
    text = "# Section N: T\n\n## N4 A\n\n## N4A B\n\n## N4AA C\n\n## N4B D\n\n## N4ZA E\n"
    assert parse_document(text, DocId.parse("Section N")).clauses() == [
        "N4",
        "N4A",
        "N4AA",
        "N4B",
        "N4ZA",
    ]


def test_inserted_sub_paragraphs() -> None:
    d = appendix(subs("a aa ab b ba c"))
    assert [c for c in d.clauses() if "(" in c] == [
        f"1.1({t})" for t in ("a", "aa", "ab", "b", "ba", "c")
    ]
    every = " ".join(chr(c) for c in range(ord("a"), ord("z") + 1))
    assert appendix(subs(every + " za zb")).clauses()[-2:] == ["1.1(za)", "1.1(zb)"]
    assert appendix(subs(every + " aa bb")).clauses()[-2:] == ["1.1(aa)", "1.1(bb)"]


def test_roman_list_under_h_when_ii_follows() -> None:
    d = appendix(subs("a b c d e f g h i A ii i j"))
    assert d.clauses()[-6:] == [
        "1.1(h)",
        "1.1(h)(i)",
        "1.1(h)(i)(A)",
        "1.1(h)(ii)",
        "1.1(i)",
        "1.1(j)",
    ]
    assert not d.ambiguities


def test_letter_i_after_h_when_j_follows() -> None:
    d = appendix(subs("a b c d e f g h i j"))
    assert "1.1(i)" in d.clauses() and not d.ambiguities


def test_unsettled_i_after_h_is_read_as_a_letter_and_recorded() -> None:
    d = appendix(subs("a b c d e f g h i") + "\n1.2 End.\n")
    assert "1.1(i)" in d.clauses()
    ((line, message),) = d.ambiguities
    assert line == HEAD.count("\n") + 1 + 2 * 9
    assert "(i) under 1.1 is read as the letter (i)" in message and "numeral" in message


def test_upper_roman_level_and_upper_insertions() -> None:
    d = appendix(subs("a i A AA B I II ii b"))
    assert d.clauses()[2:] == [
        "1.1(a)",
        "1.1(a)(i)",
        "1.1(a)(i)(A)",
        "1.1(a)(i)(AA)",
        "1.1(a)(i)(B)",
        "1.1(a)(i)(B)(I)",
        "1.1(a)(i)(B)(II)",
        "1.1(a)(ii)",
        "1.1(b)",
    ]


def test_a_line_starting_with_a_word_in_brackets_stays_text() -> None:
    d = appendix("1.1 The Party shall pay.\n\n(see) the note above.\n")
    assert d.clauses() == ["1", "1.1"] and d.blocks[-1].kind == "text"


@pytest.mark.parametrize("second", ["M6.2 within five days.", "F8.6 shall notify the Panel."])
def test_a_hard_wrap_never_starts_a_clause(second: str) -> None:
    text = f"# Section M: G\n\n## M6 P\n\nM6.2 Text.\n\nM6.3 A Party under Section\n{second}\n"
    d = parse_document(text, DocId.parse("Section M"))
    assert d.clauses() == ["M6", "M6.2", "M6.3"]
    assert d.clause_text("M6.3").endswith(second + "\n")


def test_a_line_of_spaces_separates_and_belongs_to_no_clause() -> None:
    spaced = appendix("1.1 The Party shall pay.\n   \n1.2 Each Party.\n")
    plain = appendix("1.1 The Party shall pay.\n\n1.2 Each Party.\n")
    assert str(spaced) == HEAD + "1.1 The Party shall pay.\n   \n1.2 Each Party.\n"
    assert spaced.clause_text("1.1") == plain.clause_text("1.1")
    assert spaced.blocks[2].text == plain.blocks[2].text == "1.1 The Party shall pay."


def test_a_byte_order_mark_is_refused_by_name() -> None:
    with pytest.raises(MalformedDocument) as info:
        parse_document("\ufeff" + HEAD + "1.1 Text.\n", ZZ)
    assert "byte order mark" in info.value.message and "BOM" in info.value.hint
    assert info.value.line == 1


# --- generated numbering: insertions at every level --------------------------------------

LETTERS = ["", "A", "AA", "AB", "B", "Z", "ZA"]  # insertion letters, in code order
steps = st.sampled_from(["main", "main", "main", "insert", "bump"])


def walk(style: str, moves: list[str]) -> list[SubNumber]:
    """A list of sub-paragraph numbers from (a) (or (A)) by the given moves."""
    first = SubNumber.first("A" if style == UPPER else "a")
    assert first is not None
    out = [first]
    for move in moves:
        options = sorted(out[-1].successors().values(), key=lambda s: s.key)
        if move == "insert" and len(out[-1].ins) < 2:
            step = options[0]  # (a) -> (aa)
        elif move == "bump" and len(options) > 2:
            step = options[1]  # (aa) -> (ab)
        else:
            step = options[-1]  # the next letter of the list
        if str(step) in map(str, out):  # past (z), a doubled (aa) prints as the (aa) inserted
            break  # after (a): the list ends there
        out.append(step)
    return out


@st.composite
def sub_lists(draw) -> list[tuple[SubNumber, ...]]:
    """Chains of sub-paragraph numbers in document order: letters, numerals below some of
    them (always two or more, so (ii) settles them), capitals below some numerals."""
    out: list[tuple[SubNumber, ...]] = []
    for letter in walk(ALPHA, draw(st.lists(steps, max_size=28))):
        out.append((letter,))
        for n in range(draw(st.sampled_from([0, 0, 2, 3]))):
            numeral = SubNumber(ROMAN, ["i", "ii", "iii"][n])
            out.append((letter, numeral))
            if draw(st.booleans()):
                for upper in walk(UPPER, draw(st.lists(steps, max_size=3))):
                    out.append((letter, numeral, upper))
    return out


@st.composite
def sections(draw) -> list[tuple[str, list[tuple[SubNumber, ...]]]]:
    """Section N's numbering: (clause id, sub-paragraph chains below it) in document order."""
    out: list[tuple[str, list[tuple[SubNumber, ...]]]] = []
    for main in range(1, draw(st.integers(1, 3)) + 1):
        for heading in sorted(draw(st.sets(st.sampled_from(LETTERS[1:]), max_size=2)) | {""}):
            out.append((f"N{main}{heading}", []))
            for para in range(1, draw(st.integers(1, 3)) + 1):
                for letters in sorted(draw(st.sets(st.sampled_from(LETTERS), max_size=3)) | {""}):
                    chains = draw(sub_lists()) if draw(st.booleans()) else []
                    out.append((f"N{main}{heading}.{para}{letters}", chains))
    return out


def render(numbering: list[tuple[str, list[tuple[SubNumber, ...]]]]) -> tuple[str, list[str]]:
    blocks, ids = ["# Section N: Generated"], []
    for number, chains in numbering:
        ids.append(number)
        if "." not in number:
            blocks.append(f"## {number} Heading")
            continue
        blocks.append(f"{number} The Party shall,\nwrapped here:")
        for chain in chains:
            ids.append(number + "".join(str(s) for s in chain))
            blocks.append(f"{chain[-1]} do this;")
    return "\n\n".join(blocks) + "\n", ids


@given(sections())
@settings(max_examples=60, deadline=None)
def test_generated_numbering_parses_prints_and_sorts(numbering) -> None:
    text, ids = render(numbering)
    document = parse_document(text, DocId.parse("Section N"))
    assert str(document) == text
    assert document.clauses() == ids
    parsed = [ClauseNumber.parse(i) for i in ids]
    assert [str(n) for n in parsed] == ids
    # Document order is code order. Read alone, a doubled letter past (z) -- the 27th item,
    # (aa) -- is the insertion after (a): only the document around it tells them apart (the
    # parse above), so such ids and those below them are left out of the order check here.
    past_z = {number + "".join(str(s) for s in chain[: k + 1])
              for number, chains in numbering for chain in chains
              for k, s in enumerate(chain) if len(s.main) > 1}  # fmt: skip
    alone = [n for n, i in zip(parsed, ids, strict=True)
             if not any(i.startswith(p) for p in past_z)]  # fmt: skip
    assert sorted(alone) == alone


@given(sections())
@settings(max_examples=30, deadline=None)
def test_references_to_every_generated_clause_resolve(numbering) -> None:
    text, ids = render(numbering)
    target = parse_document(text, DocId.parse("Section N"))
    body = "\n\n".join(f"M1.{k} As Section {i} says." for k, i in enumerate(ids, start=1))
    source = parse_document(f"# Section M: G\n\n## M1 P\n\n{body}\n", DocId.parse("Section M"))
    found = [ref.clause for ref in extract_references(source)]
    assert found == ids
    assert all(clause in target.index for clause in found)


# --- end to end, through the installed command's code paths -------------------------------


def designate(root: Path, text: str, label: str, year: int) -> Result:
    """Write appendices/ZZ.md, record it as change set X<label> and designate <label>.0."""
    (root / "appendices" / "ZZ.md").write_text(text, encoding="utf-8")
    change = f"X{label}"
    run_cli("mod", "new", change, "--title", "t", "--kind", "direction", cwd=root)
    recorded = run_cli("mod", "record", change, cwd=root)
    if recorded.exit_code:
        return recorded
    return run_cli(
        "designate", f"{label}.0", "--effective", f"{year}-01-01", "--change", change, cwd=root
    )


def test_inserted_forms_record_designate_and_redline(empty_tree: Path) -> None:
    first = (
        HEAD + "1.1 First.\n\n1.1A Earlier.\n\n1.1B Later.\n\n" + subs("a b c d e f g h", "1.2 Do:")
    )
    assert designate(empty_tree, first, "1", 2011).exit_code == 0
    second = first.replace("1.1B", "1.1AA Between.\n\n1.1B").replace(
        "(b) item b;", "(aa) new;\n\n(b) item b;\n\n(ba) new;"
    )
    second = second.replace("(h) item h;\n", "(h) item h;\n\n(i) one;\n\n(ii) two;\n")
    assert designate(empty_tree, second, "2", 2012).exit_code == 0
    result = run_cli("diff", "1.0", "2.0", "--format", "json", cwd=empty_tree)
    ops = {
        c["clause"]: c["op"] for d in json.loads(result.stdout)["documents"] for c in d["clauses"]
    }
    assert ops == {
        "1.1AA": "inserted",
        "1.2(aa)": "inserted",
        "1.2(ba)": "inserted",
        "1.2(h)(i)": "inserted",
        "1.2(h)(ii)": "inserted",
    }
    shown = run_cli("show", "ZZ 1.1AA", cwd=empty_tree)
    assert shown.exit_code == 0 and "Between." in shown.stdout


def test_check_warns_of_an_unsettled_numeral_with_file_and_line(empty_tree: Path) -> None:
    text = HEAD + subs("a b c d e f g h i")
    assert designate(empty_tree, text, "1", 2011).exit_code == 0
    result = run_cli("check", "--format", "json", cwd=empty_tree)
    found = [f for f in json.loads(result.stdout)["findings"] if f["rule"] == "structure.ambiguous"]
    assert [(f["path"], f["line"], f["severity"]) for f in found] == [
        ("appendices/ZZ.md", text.count("\n"), "warning")
    ]


def test_a_byte_order_mark_is_refused_by_mod_record(empty_tree: Path) -> None:
    result = designate(empty_tree, "\ufeff" + HEAD + "1.1 Text.\n", "1", 2011)
    assert result.exit_code == 4
    assert "byte order mark" in result.stderr and "Traceback" not in result.stderr
    assert not (empty_tree / "modifications" / "X1" / "appendices").exists()


def test_windows_read_an_i_by_the_sub_paragraphs_beyond_them() -> None:
    """The whole-code diff classifies only windows around changes; an (i) at a window's end is
    still read by the (ii) after it, as the full parse reads it."""
    from tests.test_diff import _both

    old = HEAD + subs("a b c d e f g h i A B ii i j") + "\n1.2 End.\n"
    new = old.replace("(i) item i;", "(i) item i, changed;", 1)
    full, windowed = _both(old, new, ZZ)
    assert windowed == full
    assert [c[1] for c in full] == ["1.1(h)(i)"]


def test_a_file_with_cr_line_endings_is_refused_not_read_as_one_title() -> None:
    text = (HEAD + "1.1 Text.\n").replace("\n", "\r")
    with pytest.raises(MalformedDocument) as info:
        parse_document(text, ZZ)
    assert "CR" in info.value.message and info.value.line == 1
    # a lone CR inside a clause stays allowed; one inside a heading is refused
    assert str(parse_document(HEAD + "1.1 Text\rmore.\n", ZZ)) == HEAD + "1.1 Text\rmore.\n"
    with pytest.raises(MalformedDocument):
        parse_document(HEAD + "## 2 Other\rheading\n\n2.1 Text.\n", ZZ)


def test_mod_record_refuses_a_document_saved_with_cr_line_endings(sample_tree: Path) -> None:
    path = sample_tree / "appendices/S.md"
    path.write_bytes(path.read_bytes().replace(b"\n", b"\r"))
    run_cli("mod", "new", "DP8", "--title", "resave", "--kind", "direction", cwd=sample_tree)
    result = run_cli("mod", "record", "DP8", cwd=sample_tree)
    assert result.exit_code == 4, result.stderr
    assert "U+000D" in result.stderr or "line endings" in result.stderr
    assert "DP8" not in run_cli("versions", cwd=sample_tree).stdout
