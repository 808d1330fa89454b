"""Typed records and the narrowing mypy asks for behave as documented at run time."""

from __future__ import annotations

from pathlib import Path

import pytest

from sectool.diff import compare_documents
from sectool.document import parse_document
from sectool.errors import SectoolError, UnknownReference
from sectool.model import DocId, Kind
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
