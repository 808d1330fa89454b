"""The word diff is exact on both diff-match-patch engines (the C++ port and the pure one)."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sectool import diff as diff_module
from sectool.diff import DELETE, EQUAL, INSERT, diff_sequences, word_diff

text = st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=120)


@pytest.fixture(params=["fast", "pure"])
def engine(request, monkeypatch):
    if request.param == "pure":
        monkeypatch.setenv("SECTOOL_PURE_DMP", "1")
    elif diff_module._fast() is None:
        pytest.skip("fast-diff-match-patch is not installed")
    return request.param


@given(old=text, new=text)
@settings(max_examples=200, suppress_health_check=[HealthCheck.function_scoped_fixture])
def test_word_diff_rebuilds_both_texts(engine, old, new):
    segments = word_diff(old, new)
    assert "".join(s.text for s in segments if s.op in (EQUAL, DELETE)) == old
    assert "".join(s.text for s in segments if s.op in (EQUAL, INSERT)) == new


@given(
    st.lists(st.sampled_from(["a", "b", "c", "é", "\U0001f600"]), max_size=30),
    st.lists(st.sampled_from(["a", "b", "c", "é", "\U0001f600"]), max_size=30),
)
@settings(max_examples=200, suppress_health_check=[HealthCheck.function_scoped_fixture])
def test_item_diff_accounts_for_every_item(engine, old, new):
    ops = diff_sequences(old, new)
    assert sum(n for op, n in ops if op != INSERT) == len(old)
    assert sum(n for op, n in ops if op != DELETE) == len(new)


def test_words_not_characters():
    segments = word_diff("falls 12 months after", "falls up to 13 months after")
    changed = [(s.op, s.text) for s in segments if s.op != EQUAL]
    assert changed == [(DELETE, "12"), (INSERT, "up to 13")]
