"""The JSON report is written a chunk of numbers at a time, and says what ``tolist()`` says."""
from __future__ import annotations

import io
import json

import numpy as np
import pytest

from graphstudio.program import report

SHAPES = [(), (0,), (7,), (3, 0), (0, 4), (2, 3, 5), (4, 1, 1), (1, 13), (13, 1), (2, 0, 3), (3, 2, 2, 2)]


def _expected(a: np.ndarray) -> str:
    """What the spec's report holds: the nested list, with non-finite floats as strings."""
    def plain(x):
        if isinstance(x, list):
            return [plain(v) for v in x]
        if isinstance(x, float) and not np.isfinite(x):
            return "nan" if np.isnan(x) else ("inf" if x > 0 else "-inf")
        return x
    return json.dumps(plain(a.tolist()))


@pytest.mark.parametrize("chunk", [1, 2, 5, 1 << 16])
@pytest.mark.parametrize("shape", SHAPES)
@pytest.mark.parametrize("dtype", [np.float32, np.float64, np.int64, np.bool_])
def test_chunked_text_is_the_whole_lists_text(monkeypatch, chunk, shape, dtype):
    monkeypatch.setattr(report, "CHUNK", chunk)
    a = (np.arange(int(np.prod(shape))).reshape(shape) * 0.37 - 1).astype(dtype)
    if dtype in (np.float32, np.float64) and a.size >= 3:
        a.flat[:3] = [np.nan, np.inf, -np.inf]
    out = io.StringIO()
    report.write_array(a, out)
    assert out.getvalue() == _expected(a)
