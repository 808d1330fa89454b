"""Property: recording an edit and applying the change set to its base gives the edit back."""

import difflib
import itertools
from pathlib import Path

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from sectool.changes.io import change_texts, load_change
from sectool.changes.patch import apply_patch, make_diff, parse_patch, split_lines
from sectool.changes.record import Registration, new_change, record_worktree
from sectool.document import parse_document
from sectool.errors import MalformedDocument
from sectool.model import DocId
from sectool.seed import create_tree
from sectool.tree import Tree

any_text = st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=200)


@given(st.one_of(st.none(), any_text), st.one_of(st.none(), any_text))
@settings(max_examples=300)
def test_patch_round_trip_on_any_text(old, new):
    assume(old != new)
    patches = parse_patch(make_diff("appendices/AC.md", old, new))
    assert apply_patch(patches[0], old) == new


# Words without line breaks, so that an edited paragraph stays one paragraph.
words = st.text(
    alphabet=st.characters(blacklist_categories=("Cs", "Cc", "Zl", "Zp")), min_size=1, max_size=80
).map(lambda s: "Text " + s.strip())


@st.composite
def edits(draw, blocks: list[str]):
    out = list(blocks)
    for _ in range(draw(st.integers(1, 4))):
        action = draw(st.sampled_from(["reword", "insert", "remove"]))
        at = draw(st.integers(1, max(1, len(out) - 1)))
        if action == "reword" and at < len(out):
            head = out[at].split(" ", 1)[0]
            out[at] = head + " " + draw(words)
        elif action == "insert":
            out.insert(at, draw(words))
        elif action == "remove" and len(out) > 2 and at < len(out):
            out.pop(at)
    ending = draw(st.sampled_from(["\n", "", "\n\n"]))
    return "\n\n".join(out) + ending


@pytest.fixture(scope="module")
def tree(tmp_path_factory) -> Tree:
    root, _ = create_tree(tmp_path_factory.mktemp("prop") / "sec", sample=True)
    return Tree(root)


ORIGINAL = (Path(__file__).parent.parent / "appendices/AC.md").read_text(encoding="utf-8")
BLOCKS = ORIGINAL.rstrip("\n").split("\n\n")
counter = itertools.count()


@given(edits(BLOCKS))
@settings(max_examples=25, deadline=None)
def test_record_then_apply_reproduces_the_edit(tree: Tree, edited: str):
    doc_id = DocId.parse("Appendix AC")
    try:
        parse_document(edited, doc_id)
    except MalformedDocument:
        assume(False)
    assume(edited != ORIGINAL)
    change_id = f"PROP{next(counter)}"
    new_change(tree, Registration(change_id, "property"))
    (tree.root / doc_id.path).write_text(edited, encoding="utf-8")
    record_worktree(tree, change_id)
    assert (tree.root / doc_id.path).read_text(encoding="utf-8") == ORIGINAL
    [texts] = change_texts(tree, load_change(tree, change_id))
    assert texts.base == ORIGINAL
    assert texts.theirs == edited


# Documents as lines drawn from a few distinct ones, so that most lines repeat (like the blank
# lines between paragraphs), the case where the line diff must still find a small edit.
repeated_lines = st.lists(st.sampled_from(["\n", "a\n", "b b\n", "1.1 Text\n", "\n"]), max_size=60)


def _changed_lines(diff: str) -> int:
    body = [line for line in diff.split("\n")[4:] if not line.startswith(("@@", "\\"))]
    return sum(line.startswith(("+", "-")) for line in body)


@given(repeated_lines, repeated_lines, st.sampled_from(["", "x"]))
@settings(max_examples=300)
def test_line_diff_is_minimal_and_round_trips(old_lines, new_lines, tail):
    old, new = "".join(old_lines), "".join(new_lines) + tail
    assume(old != new)
    diff = make_diff("appendices/AC.md", old, new)
    assert apply_patch(parse_patch(diff)[0], old) == new
    # never more lines changed than difflib's matcher would change
    a, b = split_lines(old), split_lines(new)
    matcher = difflib.SequenceMatcher(None, a, b, autojunk=False)
    most = sum(i2 - i1 + j2 - j1 for tag, i1, i2, j1, j2 in matcher.get_opcodes() if tag != "equal")
    assert _changed_lines(diff) <= most


def test_line_diff_hunks_keep_three_lines_of_context():
    old = "".join(f"{i}\n" for i in range(40))
    new = old.replace("10\n", "ten\n").replace("30\n", "thirty\n")
    diff = make_diff("appendices/AC.md", old, new)
    hunks = [line for line in diff.split("\n") if line.startswith("@@")]
    assert hunks == ["@@ -8,7 +8,7 @@", "@@ -28,7 +28,7 @@"]
    assert apply_patch(parse_patch(diff)[0], old) == new
