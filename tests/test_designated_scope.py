"""Property: the designated-text check, narrowed to what a change set can affect, reports
exactly what the full check over every document of the version reports (issue 15)."""

from __future__ import annotations

from collections.abc import Mapping

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sectool.checks import references, structure
from sectool.checks.context import CheckContext
from sectool.designate import designated_findings
from sectool.document import Document
from sectool.errors import SectoolError
from sectool.model import DocId, Finding, Severity
from sectool.seed import create_tree
from sectool.tree import Snapshot, Tree


def full_findings(
    tree: Tree, onto: Snapshot | None, after: dict[DocId, str | None]
) -> list[Finding]:
    """The check as it was before it was narrowed: every document parsed, on both sides."""
    docs = [e.doc_id for e in onto.entries] if onto else []
    old = {d: t for d in docs if (t := onto.text(d.path)) is not None} if onto else {}
    new = {**old, **after}
    scope = {d.path for d in after}
    parsed: dict[DocId, Document] = {d: onto.document(d) for d in old if onto is not None}

    def errors(texts: Mapping[DocId, str | None]) -> set[Finding]:
        usable = {d: parsed[d] for d in parsed if texts.get(d) == old[d]}
        context = CheckContext.from_texts(
            tree, {d: t for d, t in texts.items() if t is not None}, usable
        )
        found = references.check(context, scope)
        for doc_id in after:
            if doc_id in context.documents:
                found += structure.document_findings(context.documents[doc_id])
        return {
            Finding(f.rule, f.severity, f.message, path=f.path, clause=f.clause)
            for f in found
            if f.severity is Severity.ERROR
        }

    return sorted(errors(new) - errors(old), key=lambda f: (f.path or "", f.message))


@pytest.fixture(scope="module")
def tree(tmp_path_factory: pytest.TempPathFactory) -> Tree:
    root, _ = create_tree(tmp_path_factory.mktemp("scope") / "sec", sample=True)
    return Tree(root)


TARGETS = ["Section M6.2", "Section M6.77", "Section C2.4(c)", "Section A", "Section Z",
           "Appendix B 4.3", "Appendix AC", "Schedule 11", "Sections G3 to G6",
           "Section M8 (Suspension, Expulsion and Withdrawal)", "paragraph 2.2"]  # fmt: skip


@st.composite
def edited(draw: st.DrawFn, text: str) -> str | None:
    """A document's text after a few edits that can break numbering and references."""
    if draw(st.integers(0, 9)) == 0:
        return None  # removed
    blocks = text.split("\n\n")
    for _ in range(draw(st.integers(0, 4))):
        at = draw(st.integers(1, max(1, len(blocks) - 1)))
        action = draw(st.sampled_from(["drop", "repeat", "swap", "refer", "heading"]))
        if action == "drop" and len(blocks) > 2 and at < len(blocks):
            blocks.pop(at)
        elif action == "repeat" and at < len(blocks):
            blocks.insert(at, blocks[at])
        elif action == "swap" and at + 1 < len(blocks):
            blocks[at], blocks[at + 1] = blocks[at + 1], blocks[at]
        elif action == "refer" and at < len(blocks):
            blocks[at] += f" See {draw(st.sampled_from(TARGETS))}."
        elif action == "heading" and at < len(blocks) and blocks[at].startswith("## "):
            blocks[at] = (
                blocks[at].split(" ", 2)[0] + " " + blocks[at].split(" ", 2)[1] + " Renamed"
            )
    return "\n\n".join(blocks)


def outcome(call, *args: object) -> object:
    try:
        return sorted(map(repr, call(*args)))
    except SectoolError as exc:
        return type(exc), exc.message


@pytest.mark.parametrize("at", ["latest", "working"])
@given(data=st.data())
@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
def test_the_narrowed_check_reports_what_the_full_check_reports(tree: Tree, at: str, data):
    latest = tree.register.latest
    label = latest.version if at == "latest" and latest else None
    onto = tree.snapshot(label)
    ids = [e.doc_id for e in onto.entries]
    chosen = data.draw(st.lists(st.sampled_from(ids), min_size=1, max_size=4, unique=True))
    after = {d: data.draw(edited(onto.text(d.path) or "")) for d in chosen}
    if data.draw(st.booleans()):
        after[DocId.parse("Section Z")] = (
            "# Section Z: New\n\n## Z1 New\n\nZ1.1 See Section M6.2.\n"
        )
    expected = outcome(full_findings, tree, tree.snapshot(label), after)
    assert outcome(designated_findings, tree, onto, after) == expected


def test_the_property_can_see_a_difference(tree: Tree):
    onto = tree.snapshot()
    doc = DocId.parse("Section M")
    text = onto.text(doc.path) or ""
    text = text.replace("M6.4 The", "M6.4 Under Section M6.77, the")
    after: dict[DocId, str | None] = {doc: text}
    found = designated_findings(tree, onto, after)
    assert found and found == full_findings(tree, onto, after)
    assert "M6.77" in found[0].message
