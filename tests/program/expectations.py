"""Comparing a runner report with the `expect` block of a reference graph (PyTorch's answers)."""
from __future__ import annotations

import numpy as np


def close(got, want, rtol: float, atol: float, where: str) -> None:
    if want is None:
        assert got is None, f"{where}: expected null, got {got}"
        return
    assert got is not None, f"{where}: expected {want}, got null"
    np.testing.assert_allclose(np.asarray(got, dtype=float), np.asarray(want, dtype=float), rtol=rtol, atol=atol,
                               err_msg=where)


def assert_matches_expect(got: dict, expect: dict) -> None:
    """Every expected output field and every step's losses, within the block's tolerances."""
    rtol, atol = expect.get("rtol", 1e-5), expect.get("atol", 1e-6)
    for key, want in expect["outputs"].items():
        assert key in got["outputs"], f"missing output {key}"
        out = got["outputs"][key]
        for field in ("shape", "dtype", "requires_grad", "is_leaf", "grad_fn"):
            if field in want:
                assert out[field] == want[field], f"{key}.{field}: {out[field]!r} != {want[field]!r}"
        close(out["value"], want["value"], rtol, atol, f"{key}.value")
        close(out["grad"], want["grad"], rtol, atol, f"{key}.grad")
    assert len(got["history"]) == len(expect["history"])
    for step, (mine, theirs) in enumerate(zip(got["history"], expect["history"]), 1):
        assert mine["step"] == theirs["step"] == step
        if theirs["loss"] is None:
            assert mine["loss"] is None
        else:
            for name, value in theirs["loss"].items():
                close(mine["loss"][name], value, rtol, atol, f"history step {step} loss {name}")
