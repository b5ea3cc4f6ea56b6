"""Every reference graph in tests/data/examples runs and matches PyTorch's answers in its `expect` block."""
from __future__ import annotations

import json
import os

from graphstudio.document import load
from graphstudio.program.compiler import compile
from graphstudio.program.report import report
from graphstudio.program.runner import Runner

from tests.program.expectations import assert_matches_expect


def run_file(path):
    doc = load(path)
    runner = Runner(compile(doc, base_dir=os.path.dirname(str(path))))
    runner.run()
    return report(runner)


def test_reference_graph_matches_pytorch(example_path):
    assert_matches_expect(run_file(example_path), json.loads(example_path.read_text())["expect"])
