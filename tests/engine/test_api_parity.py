"""Python-API and graph-file results that must equal PyTorch's exactly: float64 literals, arange/linspace,
exception types, printed type names, optimizer state when a parameter gets no gradient, legacy loss
arguments."""
from __future__ import annotations

import numpy as np
import pytest

import graphstudio.engine as gs
from graphstudio.document import Document, Node
from graphstudio.engine.compiler import compile
from graphstudio.engine.runner import Runner
from tests.oracle import needs_torch, torch

pytestmark = needs_torch

FLOAT64_LITERALS = [0.109, 0.1, 1 / 3, 2.718281828459045, 1e-300, 123456.789012345]


def test_float64_literal_keeps_every_bit_in_the_python_api():
    for dt in ("float64", "float32"):
        ours = gs.tensor(FLOAT64_LITERALS, dtype=getattr(gs, dt)).numpy()
        theirs = torch.tensor(FLOAT64_LITERALS, dtype=getattr(torch, dt)).numpy()
        np.testing.assert_array_equal(ours, theirs)
        assert gs.tensor(0.109, dtype=getattr(gs, dt)).item() == torch.tensor(0.109, dtype=getattr(torch, dt)).item()


def test_float64_literal_keeps_every_bit_in_a_graph_file():
    doc = Document(nodes=[Node("x", "tensor", params={"data": [FLOAT64_LITERALS], "dtype": "float64"})])
    runner = Runner(compile(doc))
    runner.run()
    np.testing.assert_array_equal(runner.outputs()["x"].host(), torch.tensor([FLOAT64_LITERALS], dtype=torch.float64).numpy())
