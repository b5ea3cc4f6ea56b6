"""``scan``'s quick pass (no paths, a level of nesting at a time) says "clean" exactly when the walk
that words each problem finds none."""
from __future__ import annotations

import math

from hypothesis import given, settings
from hypothesis import strategies as st

from graphstudio.document import problems
from graphstudio.document.problems import MAX_DEPTH, scan

SCALARS = (st.none() | st.booleans() | st.integers(-5, 5) | st.sampled_from([2 ** 12_999, 2 ** 13_001, -(2 ** 13_001)])
           | st.floats() | st.sampled_from(["x", "é", "\ud800", "a\udfffb", "", "中"]))


def nested(value, depth: int, as_dict: bool):
    for _ in range(depth):
        value = {"k": value} if as_dict else [value]
    return value


VALUES = st.recursive(
    SCALARS,
    lambda inner: (st.lists(inner, max_size=3) | st.dictionaries(st.sampled_from(["a", "b", "\udc00", "é"]), inner,
                                                                  max_size=3)
                   | st.builds(nested, inner, st.integers(MAX_DEPTH - 3, MAX_DEPTH + 1), st.booleans())),
    max_leaves=8)


def worded(raw) -> list:
    """What the walk that words problems finds, with the quick pass out of the way."""
    quick = problems._clean
    problems._clean = lambda raw: False
    try:
        return scan(raw)
    finally:
        problems._clean = quick


@settings(max_examples=600, deadline=None)
@given(st.dictionaries(st.sampled_from(["nodes", "ui", "x"]), VALUES, max_size=3))
def test_the_quick_pass_agrees_with_the_walk_that_words_problems(raw):
    assert problems._clean(raw) == (worded(raw) == [])


def test_a_list_of_plain_numbers_may_sit_at_the_deepest_level():
    assert scan({"k": nested([1.0, 2], MAX_DEPTH - 1, as_dict=False)}) == []
    assert scan({"k": nested([[1.0]], MAX_DEPTH - 1, as_dict=False)}) != []
    assert scan({"k": nested([math.nan], 3, as_dict=True)}) != []
