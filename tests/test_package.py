"""Reading a descriptor's JSON: the nesting guard."""

from __future__ import annotations

import json

from hypothesis import given, settings
from hypothesis import strategies as st

from astana_talks.package import _depth

from .helpers import ROOT


def _depth_char_by_char(text: str) -> int:
    """The nesting guard as it was first written: every character in turn."""
    deepest = depth = 0
    in_string = escaped = False
    for char in text:
        if in_string:
            if escaped:
                escaped = False
            elif char == "\\":
                escaped = True
            elif char == '"':
                in_string = False
        elif char == '"':
            in_string = True
        elif char in "[{":
            depth += 1
            deepest = max(deepest, depth)
        elif char in "]}":
            depth -= 1
    return deepest


#: Text that strings are made of: brackets, quotes and backslashes most of all.
STRING_TEXT = st.text(st.sampled_from('[]{}"\\\\/ a\n\u00e9\u2028\U0001f600'), max_size=12)

JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | STRING_TEXT,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(STRING_TEXT, inner, max_size=4),
    max_leaves=30,
)


@settings(max_examples=500)
@given(JSON, st.booleans(), st.booleans())
def test_the_depth_of_json_is_its_nesting(value: object, ascii: bool, indent: bool) -> None:
    text = json.dumps(value, ensure_ascii=ascii, indent=2 if indent else None)
    assert _depth(text) == _depth_char_by_char(text)


@settings(max_examples=500)
@given(JSON, st.data())
def test_the_depth_of_cut_json_is_as_before(value: object, data: st.DataObject) -> None:
    """JSON cut anywhere: inside a string, after a backslash."""
    text = json.dumps(value, ensure_ascii=False)
    cut = data.draw(st.integers(0, len(text)))
    assert _depth(text[:cut]) == _depth_char_by_char(text[:cut])


@settings(max_examples=1000)
@given(st.text(st.sampled_from('[]{}"\\\\ a,:\n'), max_size=60))
def test_the_depth_of_any_text_is_as_before(text: str) -> None:
    """Unbalanced brackets, unclosed strings, a backslash at the end."""
    assert _depth(text) == _depth_char_by_char(text)


def test_the_depth_of_the_shipped_descriptor() -> None:
    text = (ROOT / "datapackage.json").read_text(encoding="utf-8")
    assert _depth(text) == _depth_char_by_char(text) > 3
