"""Typed records and the narrowing mypy asks for behave as documented at run time."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from sectool.checks import CheckResult
from sectool.diff import compare_documents
from sectool.document import parse_document
from sectool.errors import SectoolError, UnknownReference
from sectool.model import DocId, Finding, Kind, Severity
from sectool.publish import export
from sectool.tree import Tree

M = DocId(Kind.SECTION, "M")
OLD = "# Section M: General\n\nM1.1 The first clause.\n"
NEW = OLD + "\nM1.2 A new clause.\n"


def test_a_comparison_gives_each_block_only_the_sides_it_has():
    diff = compare_documents(parse_document(OLD, M), parse_document(NEW, M))
    inserted = diff.changes[0]
    assert inserted.op == "inserted"
    assert inserted.new_block.clause == "M1.2"
    assert inserted.block is inserted.new_block
    with pytest.raises(ValueError, match="inserted block has no old side"):
        _ = inserted.old_block
    removed = compare_documents(parse_document(NEW, M), parse_document(OLD, M)).changes[0]
    assert removed.block is removed.old_block
    with pytest.raises(ValueError, match="deleted block has no new side"):
        _ = removed.new_block


def test_export_of_a_document_the_version_lacks_is_an_unknown_reference(sample_tree: Path):
    snapshot = Tree(sample_tree).snapshot("5.7")
    with pytest.raises(UnknownReference, match="no document Section Z"):
        export(snapshot, [DocId(Kind.SECTION, "Z")], "md", False)


def test_error_classes_are_plain_subclasses_with_their_own_code():
    assert issubclass(UnknownReference, SectoolError)
    assert UnknownReference.code == "unknown-reference"
    assert UnknownReference.__doc__ == "No such document or clause."


def test_severity_is_an_enum_that_prints_and_serialises_as_its_word():
    finding = Finding("structure.gap", "error", "M1.3 is missing")
    assert finding.severity is Severity.ERROR
    assert f"{finding.severity}[{finding.rule}]" == "error[structure.gap]"
    assert json.dumps(finding.as_json()["severity"]) == '"error"'
    assert Severity.WARNING.rank < Severity.ERROR.rank
    with pytest.raises(ValueError):
        Finding("structure.gap", "fatal", "no such severity")  # type: ignore[arg-type]


def test_fail_on_compares_severities_by_rank():
    warning = Finding("terms.unused", Severity.WARNING, "'Party' is never used")
    result = CheckResult([warning], documents=1, change_sets=0)
    assert result.failed(Severity.WARNING) and not result.failed(Severity.ERROR)
    assert result.summary()["warnings"] == 1 and result.summary()["errors"] == 0


def test_lifecycle_state_is_an_enum_and_change_json_keeps_its_words(sample_tree: Path):
    from sectool.changes.changeset import ChangeSet, State
    from sectool.errors import BadTransition, MalformedChange

    change = ChangeSet("MP1", "A test", path="fast-track")
    assert change.state is State.RAISED
    change.advance("approved", "2026-01-02")
    assert change.state is State.APPROVED and change.allowed_next() == (State.WITHDRAWN,)
    text = change.dumps()
    assert '"state": "approved"' in text
    again = ChangeSet.loads(text, "modifications/MP1/change.json")
    assert again.state is State.APPROVED and again.dumps() == text
    with pytest.raises(BadTransition, match="'done' is not a lifecycle state"):
        change.advance("done", "2026-01-03")
    with pytest.raises(MalformedChange, match="state 'done' is not one of raised, "):
        ChangeSet.loads(text.replace('"state": "approved"', '"state": "done"'), "x/MP1/y")
    for path in sorted((sample_tree / "modifications").glob("*/change.json")):
        raw = path.read_text(encoding="utf-8")
        assert ChangeSet.loads(raw, str(path)).dumps() == raw


def test_block_kind_and_diff_ops_are_enums_that_serialise_as_their_words():
    from sectool.diff import BlockOp, SegmentOp
    from sectool.document import BlockKind

    doc = parse_document(OLD, M)
    assert [b.kind for b in doc.blocks] == [BlockKind.TITLE, BlockKind.PARAGRAPH]
    diff = compare_documents(doc, parse_document(OLD.replace("first", "only"), M))
    assert [b.op for b in diff.blocks] == [BlockOp.SAME, BlockOp.CHANGED]
    ops = [s.op for s in diff.blocks[1].segments]
    assert set(ops) == {SegmentOp.EQUAL, SegmentOp.DELETE, SegmentOp.INSERT}
    assert all(type(op) is SegmentOp for op in ops)
    assert json.dumps([BlockOp.MOVED_FROM, SegmentOp.INSERT, BlockKind.SUBPARAGRAPH]) == (
        '["moved-from", "insert", "subparagraph"]'
    )


MP1 = "modifications/MP1/change.json"
REGISTER_JSON = """{
  "sectool": 1,
  "code": "SEC",
  "documents": [
    {
      "id": "Section M",
      "kind": "section",
      "key": "M",
      "title": "General",
      "version": "1.1",
      "path": "sections/M.md"
    }
  ],
  "versions": [
    {
      "version": "5.8",
      "effective": "2017-07-12",
      "designated": "2017-07-10",
      "by": "the Secretary of State",
      "changes": [
        {
          "id": "MP1",
          "title": "Clarify \u201cCommunications Hub\u201d"
        }
      ],
      "documents": {
        "Section M": "1.1"
      }
    }
  ]
}
"""
CHANGE_JSON = """{
  "id": "MP1",
  "title": "Clarify",
  "kind": "modification",
  "path": "fast-track",
  "base": "5.7",
  "state": "implemented",
  "implemented_in": "5.8",
  "documents": {
    "Section M": {
      "op": "edit",
      "version": "1.1"
    }
  },
  "history": [
    {
      "state": "raised",
      "date": "2017-07-01",
      "note": "registered"
    },
    {
      "state": "approved",
      "date": "2017-07-03",
      "note": ""
    },
    {
      "state": "implemented",
      "date": "2017-07-10",
      "note": "SEC 5.8, effective 2017-07-12"
    }
  ]
}
"""


def test_register_and_change_json_round_trip_byte_for_byte_through_the_records(tmp_path: Path):
    """After a demo's designations, lifecycle steps and redlines, every register.json and
    change.json reads into typed records and writes back to the same bytes."""
    from sectool.changes.changeset import ChangeSet, HistoryStep, State
    from sectool.demo import run_demo
    from sectool.register import ChangeRef, Register

    for text in (REGISTER_JSON, CHANGE_JSON):  # as written before the records existed
        loaded = Register.loads(text) if "sectool" in text else ChangeSet.loads(text, MP1)
        assert loaded.dumps() == text
    root = run_demo(tmp_path / "demo", lambda _line: None)
    raw = (root / "register.json").read_text(encoding="utf-8")
    register = Register.loads(raw)
    assert register.dumps() == raw
    refs = [c for v in register.versions for c in v.changes]
    assert refs and all(type(c) is ChangeRef for c in refs)
    manifests = sorted((root / "modifications").glob("*/change.json"))
    states = set()
    for path in manifests:
        text = path.read_text(encoding="utf-8")
        change = ChangeSet.loads(text, f"modifications/{path.parent.name}/change.json")
        assert all(type(step) is HistoryStep for step in change.history)
        states |= {step.state for step in change.history}
        assert change.dumps() == text
    assert {State.RAISED, State.APPROVED, State.IMPLEMENTED} <= states


def test_a_history_step_without_a_note_keeps_none_and_bad_steps_are_named():
    from sectool.changes.changeset import ChangeSet, HistoryStep, State
    from sectool.errors import MalformedChange

    base = {"id": "MP1", "title": "T", "kind": "modification", "path": "2", "base": None}
    data = {**base, "state": "raised", "history": [{"state": "raised", "date": "2026-01-02"}]}
    text = json.dumps(data, indent=2) + "\n"
    change = ChangeSet.loads(text, "modifications/MP1/change.json")
    assert change.history == [HistoryStep(State.RAISED, "2026-01-02")]
    assert json.loads(change.dumps())["history"] == data["history"]
    data["history"] = ["raised", {"state": "approved", "date": "soon"}]
    with pytest.raises(MalformedChange) as caught:
        ChangeSet.loads(json.dumps(data), "modifications/MP1/change.json")
    assert "history step 1 has no lifecycle state" in caught.value.message
    assert "history step 2 (approved) has no YYYY-MM-DD date" in caught.value.message


MAX_PARAMETERS = 6
_CLICK = ("command", "group", "option", "argument", "pass_context")


def _public_functions(root: Path):
    """(file, line, name, parameter count) of every public function and method in ``root``;
    a click command is left out, since click passes each option as a parameter."""
    import ast

    for path in sorted(root.rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                continue
            if node.name.startswith("_"):
                continue
            if any(word in ast.unparse(d) for d in node.decorator_list for word in _CLICK):
                continue
            args = node.args
            names = [a.arg for a in args.posonlyargs + args.args + args.kwonlyargs]
            names += [a.arg for a in (args.vararg, args.kwarg) if a is not None]
            yield path, node.lineno, node.name, len([n for n in names if n not in ("self", "cls")])


def test_no_public_function_takes_more_than_six_parameters(tmp_path: Path):
    import sectool

    root = Path(sectool.__file__).parent
    too_many = [
        f"{path.relative_to(root.parent)}:{line} {name} ({count})"
        for path, line, name, count in _public_functions(root)
        if count > MAX_PARAMETERS
    ]
    assert not too_many, "group these parameters into a request object: " + ", ".join(too_many)
    # and the check sees what it should: a seven-parameter function is caught
    (tmp_path / "wide.py").write_text("def wide(a, b, c, d, e, f, *, g=1):\n    pass\n")
    assert [(name, count) for _, _, name, count in _public_functions(tmp_path)] == [("wide", 7)]
