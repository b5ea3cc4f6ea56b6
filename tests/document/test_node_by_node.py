"""Reading a file node by node gives the document, and the words for a bad file, that reading it whole gives."""
from __future__ import annotations

import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from graphstudio.document import Document, DocumentError, loads
from graphstudio.document import io as doc_io
from tests.data import EXAMPLES_DIR


def whole(text: str):
    """What ``loads`` gives with the node-by-node reader out of the way: the Document, or the error's words."""
    reader = doc_io._read_node_by_node
    doc_io._read_node_by_node = lambda text, source: None
    try:
        return loads(text, source="f.json")
    except DocumentError as e:
        return str(e)
    finally:
        doc_io._read_node_by_node = reader


def either(text: str):
    try:
        return loads(text, source="f.json")
    except DocumentError as e:
        return str(e)


@pytest.mark.parametrize("path", sorted(EXAMPLES_DIR.glob("*.json")), ids=lambda p: p.stem)
def test_every_example_reads_node_by_node_as_it_reads_whole(path):
    text = path.read_text(encoding="utf-8")
    assert doc_io._read_node_by_node(text, "f.json") == whole(text)


NODE = st.fixed_dictionaries(
    {"id": st.sampled_from(["a", "b", "x1", "1a", ""]), "op": st.sampled_from(["ones", "neg", "add", ""])},
    optional={"inputs": st.dictionaries(st.sampled_from(["input", "other", "zz"]),
                                        st.sampled_from(["a", "b:0", "b:x", 2.5, [1, 2], "1a", None]), max_size=2),
              "params": st.dictionaries(st.sampled_from(["shape", "k", "id", "op"]),
                                        st.sampled_from([[2], {"id": "a", "op": "x"}, None, "s"]), max_size=2),
              "pos": st.sampled_from([[1, 2], [1], ["a", 2]]),
              "junk": st.just(1)})
TOP = st.fixed_dictionaries({"nodes": st.lists(NODE, max_size=4)},
                            optional={"graphstudio": st.sampled_from([1, 2, 0, True, 1.0, "1"]),
                                      "title": st.sampled_from(["t", 3, "\u00e9"]), "expect": st.just({"a": [1]}),
                                      "ui": st.sampled_from([{}, [], {"k": {"nodes": []}}])})


@settings(max_examples=300, deadline=None)
@given(TOP, st.sampled_from([None, 0, 2]), st.booleans())
def test_any_small_file_reads_as_it_reads_whole(raw, indent, nodes_first):
    if nodes_first:
        raw = {"nodes": raw.pop("nodes"), **raw}
    text = json.dumps(raw, indent=indent, ensure_ascii=False)
    assert either(text) == whole(text)


@pytest.mark.parametrize("text", [
    '{"graphstudio": 1, "nodes": [{"id": "a", "op": "ones"}, {"id": "a", "op": "ones"}]}',  # an id twice
    '{"graphstudio": 1, "nodes": [{"id": "a", "op": "ones", "op": "neg"}]}',  # a key twice in a node
    '{"graphstudio": 1, "nodes": [], "nodes": []}',  # a key twice at the top
    '{"graphstudio": 1, "nodes": [{"id": "a", "op": "ones"},]}',  # a trailing comma
    '{"graphstudio": 1, "nodes": [{"id": "a", "op": "ones"}]} []',  # more after the object
    '{"graphstudio": 1, "nodes": [{"id": "a", "op": "ones", "params": {"x": NaN}}]}',
    '{"graphstudio": 1, "nodes": [{"id": "a", "op": "ones"}]',  # the end missing
    '{"graphstudio": 1, "nodes": [' + ", ".join(f'{{"id": "n{i}", "op": "neg"}}' for i in range(600)) + ', 7]}',
    ' \n{ "nodes" :[ ] , "graphstudio" :1 }\n ',
], ids=["id-twice", "key-twice-in-node", "key-twice-at-top", "trailing-comma", "extra-data", "nan",
        "unfinished", "bad-node-after-a-batch", "spaces"])
def test_odd_files_read_as_they_read_whole(text):
    assert either(text) == whole(text)


def test_a_long_file_is_read_node_by_node():
    text = json.dumps({"graphstudio": 1, "nodes": [{"id": "n0", "op": "ones", "params": {"shape": [2]}}] + [
        {"id": f"n{i}", "op": "neg", "inputs": {"input": f"n{i - 1}"}} for i in range(1, 1000)]})
    doc = doc_io._read_node_by_node(text, "f.json")
    assert isinstance(doc, Document) and doc == whole(text)
    assert doc.nodes[5].inputs["input"] is doc.nodes[4].id  # kept once
    assert next(iter(doc.nodes[5].inputs)) is next(iter(doc.nodes[6].inputs))  # the port name too
