"""``check_file`` (what --validate runs: nodes checked as they are read, no model kept) finds, word for
word and in the same order, the problems that ``check(load(path))`` finds."""
from __future__ import annotations

import json

import pytest

from graphstudio.document import DocumentError, load
from graphstudio.program.compiler import check, check_file
from tests.data import EXAMPLES_DIR


LIMIT = 1 << 30  # the "mixed" graph's zeros pass it together, not alone


def _both(path) -> tuple[list[str], list[str]]:
    try:
        whole = [str(p) for p in check(load(path), base_dir=str(path.parent), memory_limit=LIMIT).problems]
    except DocumentError as e:
        whole = ["DocumentError: " + str(e)]
    try:
        streamed = [str(p) for p in check_file(str(path), base_dir=str(path.parent), memory_limit=LIMIT)]
    except DocumentError as e:
        streamed = ["DocumentError: " + str(e)]
    return whole, streamed


@pytest.mark.parametrize("path", sorted(EXAMPLES_DIR.glob("**/*.json")), ids=lambda p: p.stem)
def test_every_example_checks_as_its_document_does(path):
    whole, streamed = _both(path)
    assert streamed == whole


def _chain(n: int) -> list[dict]:
    return [{"id": "n0", "op": "ones", "params": {"shape": [2]}}] + [
        {"id": f"n{i}", "op": "neg", "inputs": {"input": f"n{i - 1}"}} for i in range(1, n)]


GRAPHS = {
    # nodes referring to nodes further on (resolved once all are read), across batches of 256
    "forward": {"graphstudio": 1, "nodes": [{"id": "a", "op": "mm", "inputs": {"input": "n599", "mat2": "n5"}}]
                + _chain(600)[::-1]},
    # a reference to no node: the hint names a node of the first 5,000
    "dangling": {"graphstudio": 1, "nodes": _chain(700) + [{"id": "x", "op": "neg", "inputs": {"input": "n7OO"}}]},
    "cycle": {"graphstudio": 1, "nodes": [{"id": f"c{i}", "op": "neg", "inputs": {"input": f"c{(i + 1) % 300}"}}
                                          for i in range(300)] + _chain(300)},
    # problems of every phase, several in one node, over several batches
    "mixed": {"graphstudio": 1, "nodes": _chain(300) + [
        {"id": "u", "op": "nope", "inputs": {"input": "n1"}},
        {"id": "v", "op": "neg", "inputs": {"input": "u", "zz": 1}},
        {"id": "w", "op": "add", "inputs": {"input": "n299"}, "params": {"k": 1}},
        {"id": "s", "op": "split", "inputs": {"input": "n5"}, "params": {"split_size_or_sections": 1}},
        {"id": "t", "op": "neg", "inputs": {"input": "s:7"}},
        {"id": "m", "op": "mm", "inputs": {"input": "n3", "mat2": "n4"}},
        {"id": "big", "op": "ones", "params": {"shape": [10**6, 10**6]}}] + [
        {"id": f"z{i}", "op": "zeros", "params": {"shape": [1 << 20]}} for i in range(600)]},
    # a node that fails the file's checks after a batch was taken: the file is read whole
    "bad-after-a-batch": {"graphstudio": 1, "nodes": _chain(600) + [{"id": "n3", "op": "neg"}]},
    "bad-top-after-nodes": {"nodes": _chain(600), "graphstudio": 1, "title": 7},
}


@pytest.mark.parametrize("name", sorted(GRAPHS))
def test_a_file_checks_as_its_document_does(tmp_path, name):
    path = tmp_path / f"{name}.graph.json"
    path.write_text(json.dumps(GRAPHS[name]))
    whole, streamed = _both(path)
    assert whole  # each has something to say
    assert streamed == whole


def test_an_older_file_read_whole_after_its_nodes_were_taken_checks_as_its_document_does(tmp_path, monkeypatch):
    """Its version is read after its nodes: the nodes taken so far are dropped, the migrated ones checked."""
    from graphstudio.document import migrations

    monkeypatch.setattr(migrations, "FORMAT_VERSION", 2)
    monkeypatch.setitem(migrations.MIGRATIONS, 1, lambda raw: raw)
    path = tmp_path / "old.graph.json"
    nodes = _chain(600) + [{"id": "x", "op": "mm", "inputs": {"input": "n1", "mat2": "n2"}}]
    nodes[3]["params"] = {"k": 1}  # said once, though its batch was read before the version
    path.write_text(json.dumps({"nodes": nodes, "graphstudio": 1}))
    whole, streamed = _both(path)
    assert len(whole) == 2 and streamed == whole
