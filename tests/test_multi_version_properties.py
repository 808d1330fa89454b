"""A redline across 3-8 versions made by known edits: every word carries the step that made it.

Each version of an SEC-style appendix is made from the one before by known edits (fresh words
inserted, spans deleted or replaced, lettered clauses inserted, notes moved, lines re-wrapped).
The test keeps the truth alongside: each word of the first version kept or deleted by a step,
each inserted word with the step that inserted it (words inserted and later deleted gone).
The composed Word redline must show exactly that, author by author; accept-all must give the
last version and reject-all the first (our walker, pandoc and LibreOffice); and it must use no
more revisions than the edits need.

SECTOOL_MULTI_EXAMPLES=500 runs 500 random examples (the default is a small derandomised set);
SECTOOL_MULTI_REPORT=FILE appends one JSON line of figures per example.
"""

from __future__ import annotations

import json
import os
import re
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from lxml import etree

from sectool.attribution import Author, compose
from sectool.document import parse_document
from sectool.model import DocId
from sectool.render.docx import DocxBuilder, add_block, end_marker, paragraph_texts
from tests.docx_walker import N, body_xml, dump, q, view
from tests.test_libreoffice import _has_uno, body, libreoffice
from tests.test_redline_properties import pandoc_text

DOC = DocId.parse("Appendix ZZ")
HEAD = "# Appendix ZZ: Test Appendix\n\n## 1 General\n\n"
VOCAB = "Party Panel shall notify Authority within Working Days Charges DCC Code pay each".split()
EXAMPLES = int(os.environ.get("SECTOOL_MULTI_EXAMPLES", "0"))
REPORT = os.environ.get("SECTOOL_MULTI_REPORT")

KEPT, GONE, NEW = "kept", "gone", "new"


@dataclass
class Word:
    text: str
    state: str  # kept | gone | new
    step: int  # the step that deleted (gone) or inserted (new) it; 0 for kept
    sep: str = " "  # the white space before it in the text


@dataclass
class Para:
    words: list[Word]
    inserted: int = 0
    removed: int = 0
    note: bool = False  # an unnumbered paragraph, which may be moved

    def live(self) -> list[Word]:
        return [w for w in self.words if w.state != GONE]

    def text(self) -> str:
        live = self.live()
        return "".join((w.sep if n else "") + w.text for n, w in enumerate(live))


@dataclass
class Model:
    paras: list[Para]
    counter: int = 0
    edits: int = 0
    rewraps: int = 0
    texts: list[str] = field(default_factory=list)

    def fresh(self) -> str:
        self.counter += 1
        return f"{VOCAB[self.counter % len(VOCAB)]}{self.counter}"

    def snapshot(self) -> None:
        self.texts.append(HEAD + "\n\n".join(p.text() for p in self.paras if not p.removed) + "\n")


def _base(draw) -> Model:
    model = Model([])
    number = 0
    for _ in range(draw(st.integers(2, 6))):
        if number and draw(st.booleans()):
            head = f"Note{model.counter + 1}"
            model.counter += 1
            note = True
        else:
            number += 1
            head, note = f"1.{number}", False
        words = [Word(head, KEPT, 0, "")]
        for _ in range(draw(st.integers(3, 12))):
            words.append(Word(model.fresh(), KEPT, 0, draw(st.sampled_from([" "] * 5 + ["\n"]))))
        model.paras.append(Para(words, note=note))
    return model


def _edit(draw, model: Model, step: int, avoid: set[int]) -> int | None:
    """One known edit by ``step`` on a paragraph not in ``avoid``: the paragraph's index, -1
    for a move (which must be its step's only edit: moving one paragraph over others that the
    same step edits could as well be read as those moved), None for no edit."""
    live = [n for n, p in enumerate(model.paras) if not p.removed and n not in avoid]
    if not live:
        return None
    at = draw(st.sampled_from(live))
    para = model.paras[at]
    words = para.live()
    kind = draw(st.sampled_from(["insert", "delete", "replace", "clause", "move", "rewrap"]))
    if kind in ("delete", "replace") and len(words) >= 4:
        i = draw(st.integers(1, len(words) - 2))
        j = draw(st.integers(i + 1, len(words) - 1))
        doomed = {id(w) for w in words[i:j]}
        after = words[j]
        kept = []
        for w in para.words:
            if id(w) in doomed:
                if w.state == KEPT:
                    w.state, w.step = GONE, step
                    kept.append(w)
            else:
                kept.append(w)
        para.words = kept
        if kind == "replace":
            where = para.words.index(after)
            fresh = [Word(model.fresh(), NEW, step) for _ in range(draw(st.integers(1, 3)))]
            para.words[where:where] = fresh
    elif kind == "clause" and not para.note:
        number = para.words[0].text
        base = re.match(r"1\.\d+", number).group()
        group = [
            p
            for p in model.paras
            if not p.removed and re.match(rf"{re.escape(base)}[A-Z]?$", p.words[0].text)
        ]
        letter = chr(ord("A") + len(group) - 1)
        if letter > "Z":
            return None
        last = model.paras.index(group[-1])
        stop = last + 1
        while stop < len(model.paras) and model.paras[stop].note:
            stop += 1
        words = [Word(f"{base}{letter}", NEW, step, "")]
        words += [Word(model.fresh(), NEW, step) for _ in range(draw(st.integers(2, 8)))]
        model.paras.insert(stop, Para(words, inserted=step))
    elif kind == "move" and para.note and not avoid:  # a move is its step's only edit
        # over two paragraphs or more: moving one paragraph is then the shortest edit (a swap
        # of neighbours could as well be the other paragraph moved)
        def between(n: int) -> int:  # the note goes just after paragraph n
            jumped = model.paras[at + 1 : n + 1] if n > at else model.paras[n + 1 : at]
            return sum(1 for p in jumped if not p.removed)

        targets = [
            n
            for n, p in enumerate(model.paras)
            if not p.removed and not p.note and n != at and between(n) >= 2
        ]
        if not targets:
            return None
        to = draw(st.sampled_from(targets)) + 1
        moved = Para([Word(w.text, NEW, step, w.sep) for w in words], inserted=step, note=True)
        for w in para.words:
            if w.state == KEPT:
                w.state, w.step = GONE, step
        para.words = [w for w in para.words if w.state == GONE]
        para.removed = step
        model.paras.insert(to, moved)
        model.edits += 1
        return -1
    elif kind == "rewrap" and len(words) >= 3:
        w = words[draw(st.integers(1, len(words) - 1))]
        w.sep = "\n" if w.sep == " " else " "
        model.rewraps += 1
    else:  # insert fresh words
        where = draw(st.integers(1, len(words)))
        fresh = [Word(model.fresh(), NEW, step) for _ in range(draw(st.integers(1, 4)))]
        if where < len(words):
            para.words[para.words.index(words[where]) : para.words.index(words[where])] = fresh
        else:
            para.words += fresh
    model.edits += 1
    return at


@st.composite
def histories(draw) -> Model:
    model = _base(draw)
    model.snapshot()
    for step in range(1, draw(st.integers(2, 7)) + 1):
        touched: set[int] = set()
        for _ in range(draw(st.integers(1, 2))):
            at = _edit(draw, model, step, touched)
            if at == -1:  # a move: the step's only edit
                break
            if at is not None:
                touched.add(at)
        model.snapshot()
    return model


AUTHORS = [Author(f"X{s}", f"{2010 + s}-01-01") for s in range(1, 10)]


def redline(model: Model) -> tuple[bytes, list]:
    documents = [parse_document(t, DOC) for t in model.texts]
    diff = compose(documents, AUTHORS[: len(documents) - 1])
    builder = DocxBuilder(AUTHORS[len(documents) - 2].date, "property")
    builder.page_break()
    for item in diff.blocks:
        add_block(builder, item)
    end_marker(builder, "Appendix ZZ")
    return builder.to_bytes(), documents


_KINDS = {"ins": NEW, "moveTo": NEW, "del": GONE, "moveFrom": GONE}


def shown_words(data: bytes) -> tuple[dict[str, list[tuple[str, str]]], int]:
    """Each word of the body with how it is shown, (kept | new | gone, author); and the
    number of revisions (run-level and paragraph-mark)."""
    body = body_xml(data)
    words: dict[str, list[tuple[str, str]]] = {}
    revisions = 0
    started = False
    for p in body.iter(q("p")):
        if not started:
            started = p.find(".//w:br[@w:type='page']", N) is not None
            continue
        revisions += len(p.findall("w:pPr/w:rPr/*", N))
        chars: list[tuple[str, tuple[str, str]]] = []
        for child in p:
            tag = etree.QName(child).localname
            if tag == "r":
                label = (KEPT, "")
            elif tag in _KINDS:
                label = (_KINDS[tag], child.get(q("author")))
                revisions += 1
            else:
                continue
            for run in child.iter(q("r")):
                for node in run:
                    if node.tag in (q("t"), q("delText")):
                        chars += [(c, label) for c in node.text or ""]
                    elif node.tag in (q("br"), q("tab")):
                        chars.append((" ", label))
        word, labels = "", set()
        for c, label in [*chars, (" ", (KEPT, ""))]:
            # a deletion followed by an insertion ends a word: each view has one of them
            if word and {label[0], *(x[0] for x in labels)} == {GONE, NEW}:
                words.setdefault(word, []).append(labels.pop())
                word, labels = "", set()
            if c.isspace():
                if word:
                    assert len(labels) == 1, f"{word!r} is shown partly changed: {labels}"
                    words.setdefault(word, []).append(labels.pop())
                word, labels = "", set()
            else:
                word += c
                labels.add(label)
    return words, revisions


def truth(model: Model) -> dict[str, list[tuple[str, str]]]:
    out: dict[str, list[tuple[str, str]]] = {}
    for para in model.paras:
        for w in para.words:
            author = AUTHORS[w.step - 1].id if w.step else ""
            out.setdefault(w.text, []).append((w.state, author))
    return out


def needed_revisions(model: Model) -> int:
    """Runs of words with one state and one step, per paragraph, plus paragraph marks, plus
    two for each re-wrapped line break."""
    count = model.rewraps * 2
    for para in model.paras:
        if para.inserted or para.removed:
            count += 1
        last = None
        for w in para.words:
            key = (w.state, w.step) if w.state != KEPT else None
            if key is not None and key != last:
                count += 1
            last = key
    return count


def check(model: Model) -> dict:
    data, documents = redline(model)
    assert view(data, accept=True) == paragraph_texts(documents[-1])
    assert view(data, accept=False) == paragraph_texts(documents[0])
    shown, revisions = shown_words(data)
    want = truth(model)
    changed = [(w, s) for w, states in want.items() for s in states if s[0] != KEPT]
    right = sum(1 for w, s in changed if sorted(shown.get(w, [])) == sorted(want[w]))
    figures = {
        "versions": len(model.texts),
        "edits": model.edits,
        "changed_words": len(changed),
        "right_author": right,
        "revisions": revisions,
        "needed": needed_revisions(model),
    }
    if REPORT:
        with open(REPORT, "a") as out:
            out.write(json.dumps(figures) + "\n")
    for word, states in want.items():
        assert sorted(shown.get(word, [])) == sorted(states), (word, states, dump(data))
    # white space between words can fall to a different step than the words beside it (one
    # more revision at most per edit)
    assert revisions <= figures["needed"] + model.edits, (figures, dump(data))
    return {"data": data, "documents": documents}


settings_small = settings(
    max_examples=EXAMPLES or 40,
    derandomize=not EXAMPLES,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)


@given(histories())
@settings_small
def test_every_word_carries_its_step_and_the_redline_round_trips(model):
    check(model)


# -- independent readers ------------------------------------------------------------------------


@pytest.mark.skipif(
    not __import__("shutil").which("pandoc") and not os.environ.get("SECTOOL_REQUIRE_READERS"),
    reason="pandoc is not installed (CI installs it)",
)
@given(histories())
@settings(
    max_examples=max(EXAMPLES // 10, 8),
    derandomize=not EXAMPLES,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
def test_pandoc_accepts_the_last_version_and_rejects_to_the_first(tmp_path_factory, model):
    result = check(model)
    path = tmp_path_factory.mktemp("multi") / "r.docx"
    path.write_bytes(result["data"])
    for mode, document in (("accept", result["documents"][-1]), ("reject", result["documents"][0])):
        got = pandoc_text(path, mode).split("End of Appendix ZZ")[0].split()
        want = " ".join(paragraph_texts(document)).split()
        # pandoc lifts a paragraph in Word's Title style into metadata, and keeps a heading
        assert got in (want, want[len(paragraph_texts(document)[0].split()) :]), mode


@given(st.lists(histories(), min_size=4, max_size=4))
@settings(
    max_examples=max(EXAMPLES // 50, 1),
    derandomize=not EXAMPLES,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
def test_libreoffice_accepts_the_last_version_and_rejects_to_the_first(tmp_path_factory, models):
    if not _has_uno() and not os.environ.get("SECTOOL_REQUIRE_READERS"):
        pytest.skip("LibreOffice's UNO bridge (python3-uno) is not installed; CI installs it")
    folder: Path = tmp_path_factory.mktemp("multi-lo")
    files, results = [], []
    for n, model in enumerate(models):
        results.append(check(model))
        files.append(folder / f"r{n}.docx")
        files[-1].write_bytes(results[-1]["data"])
    for mode, side in (("accept", -1), ("reject", 0)):
        views = libreoffice(mode, files)
        for path, result in zip(files, results, strict=True):
            want = paragraph_texts(result["documents"][side])
            assert body(views[str(path)], "End of Appendix ZZ", False) == want, mode
