"""Redlines across several versions are composed from their steps, word by word."""

from __future__ import annotations

from sectool.attribution import Author, compose
from sectool.diff import CHANGED, DELETED, EQUAL, INSERTED, MOVED_FROM, MOVED_TO, SAME
from sectool.document import parse_document
from sectool.model import DocId

DOC = DocId.parse("Appendix ZZ")
AUTHORS = [Author(f"X{n}", f"201{n}-01-01") for n in range(1, 9)]


def appendix(*paragraphs: str) -> str:
    return "# Appendix ZZ: Test Appendix\n\n## 1 General\n\n" + "\n\n".join(paragraphs) + "\n"


def composed(*texts: str):
    documents = [parse_document(t, DOC) for t in texts]
    return compose(documents, AUTHORS[: len(texts) - 1])


def words_by(diff, op: str) -> dict[str, list[str]]:
    """Each author's words shown with ``op`` (insert or delete), in order."""
    out: dict[str, list[str]] = {}
    for item in diff.blocks:
        for segment in item.segments:
            if segment.op == op:
                out.setdefault(segment.by, []).extend(segment.text.split())
    return out


def test_each_word_carries_the_step_that_made_it():
    diff = composed(
        appendix("1.1 The Party shall pay the Charges."),
        appendix("1.1 The Supplier Party shall pay the Charges."),
        appendix("1.1 The Supplier Party shall pay the Charges within five Working Days."),
        appendix("1.1 The Supplier Party shall pay the Charges within ten Working Days."),
    )
    # X3's "ten" replaced X2's "five": "five" never shows, "ten" is X3's
    assert words_by(diff, "insert") == {
        "X1": ["Supplier"],
        "X2": ["within", "Working", "Days"],
        "X3": ["ten"],
    }
    assert words_by(diff, "delete") == {}


def test_a_word_inserted_and_later_deleted_vanishes_and_base_words_keep_their_deleter():
    diff = composed(
        appendix("1.1 Alpha bravo charlie delta echo."),
        appendix("1.1 Alpha charlie delta echo foxtrot."),
        appendix("1.1 Alpha charlie echo."),
    )
    (item,) = [b for b in diff.blocks if b.op == CHANGED]
    shown = [(s.op, s.text.strip(), s.by) for s in item.segments if s.op != EQUAL]
    assert ("delete", "bravo", "X1") in shown
    assert ("delete", "delta", "X2") in shown
    assert not any("foxtrot" in s.text for s in item.segments)


def test_words_in_both_versions_are_never_shown_changed():
    old = appendix("1.1 FOUR FIVE SIX SEVEN EIGHT NINE")
    diff = composed(old, appendix("1.1 FOUR FIVE SIX"), appendix("1.1 ONE TWO THREE FOUR FIVE SIX"))
    (item,) = [b for b in diff.blocks if b.op == CHANGED]
    assert "FOUR FIVE SIX" in "".join(s.text for s in item.segments if s.op == EQUAL)


def test_a_word_deleted_and_put_back_is_unchanged():
    diff = composed(
        appendix("1.1 The Party shall pay."),
        appendix("1.1 The shall pay."),
        appendix("1.1 The Party shall pay."),
    )
    assert all(b.op == SAME for b in diff.blocks)


def test_a_moved_then_edited_paragraph_is_removed_by_the_mover_and_edited_by_the_editor():
    au = '"Authority" means the Gas and Electricity Markets Authority.'
    ch = '"Charges" means the charges payable under Section K.'
    diff = composed(
        appendix("1.1 Terms.", au, ch),
        appendix("1.1 Terms.", ch, au),
        appendix("1.1 Terms.", ch, au.replace("Authority.", "Authority (Ofgem).")),
    )
    removed = [b for b in diff.blocks if b.op in (DELETED, MOVED_FROM)]
    added = [b for b in diff.blocks if b.op in (INSERTED, MOVED_TO)]
    assert [(b.by, b.date) for b in removed] == [(("X1",), "2011-01-01")]
    assert [(b.by[0], b.date) for b in added] == [("X1", "2011-01-01")]
    assert words_by(diff, "insert")["X2"] == ["(Ofgem)"]
    assert all(s.date == "2011-01-01" for s in added[0].segments if s.by == "X1")


def test_a_move_untouched_since_is_shown_as_the_movers_move():
    long = "Text that may be moved elsewhere in the document, unchanged."
    diff = composed(
        appendix("1.1 One.", long, "1.2 Two."),
        appendix("1.1 One.", "1.2 Two.", long),
        appendix("1.1 One, amended.", "1.2 Two.", long),
    )
    ops = {b.op: b.by for b in diff.blocks if b.op in (MOVED_FROM, MOVED_TO)}
    assert ops == {MOVED_FROM: ("X1",), MOVED_TO: ("X1",)}


def test_an_inserted_then_amended_paragraph_is_dated_by_its_insertion():
    diff = composed(
        appendix("1.1 One."),
        appendix("1.1 One.", "1.2 A new duty for the Panel."),
        appendix("1.1 One.", "1.2 A new duty for the Panel and the DCC."),
    )
    (item,) = [b for b in diff.blocks if b.op == INSERTED]
    assert (item.by, item.date) == (("X1", "X2"), "2011-01-01")
    assert words_by(diff, "insert")["X2"] == ["and", "the", "DCC"]


def test_a_rewrite_then_additions_credit_each_addition_alone():
    base = "1.1 The DCC shall bear the costs of its own duties unless this Code says otherwise."
    rewritten = "1.1 Each Party shall bear its own costs. The Panel may decide otherwise."
    steps = [base, rewritten]
    steps.append(steps[-1] + " The Authority shall be told.")
    steps.append(steps[-1].replace("own costs.", "own costs and charges."))
    diff = composed(*[appendix(s) for s in steps])
    inserted = words_by(diff, "insert")
    assert inserted["X2"] == ["The", "Authority", "shall", "be", "told."]
    assert inserted["X3"] == ["and", "charges."] or inserted["X3"] == ["and", "charges"]
    assert set(words_by(diff, "delete")) == {"X1"}


def test_a_repealed_clause_and_the_renumbering_after_it_are_a_deletion_and_renumberings():
    diff = composed(
        appendix(
            "1.1 Alpha: about the Parties.",
            "1.2 Bravo: the Panel shall meet monthly.",
            "1.3 Charlie: the Authority may direct the DCC.",
            "1.4 Delta: notices are given in writing.",
        ),
        appendix(
            "1.1 Alpha: about the Parties.",
            "1.2 Charlie: the Authority may direct the DCC.",
            "1.3 Delta: notices are given in writing.",
        ),
    )
    changes = [
        (b.op, b.old_text, [s.text for s in b.segments if s.op != EQUAL]) for b in diff.changes
    ]
    assert changes == [
        (
            DELETED,
            "1.2 Bravo: the Panel shall meet monthly.",
            ["1.2 Bravo: the Panel shall meet monthly."],
        ),
        (CHANGED, "1.3 Charlie: the Authority may direct the DCC.", ["3", "2"]),
        (CHANGED, "1.4 Delta: notices are given in writing.", ["4", "3"]),
    ]
