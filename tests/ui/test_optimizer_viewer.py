"""The optimizer's state in the tensor viewer: select a parameter (or click a wire it feeds) after
Step, and beside its value and gradient are what the optimizer keeps about it — PyTorch's state_dict
names and numbers — and the update it applied this step."""
from __future__ import annotations

import numpy as np

from graphstudio.ui.mainwindow import lessons_dir
from tests.oracle import needs_torch, torch

XOR = lessons_dir() / "24_xor_mlp_adam.json"


def _adam_in_pytorch(first: dict[str, np.ndarray], steps: int) -> dict[str, dict[str, np.ndarray]]:
    """The lesson under PyTorch from the leaves step 1 saw: each parameter's Adam state after ``steps``."""
    params = {k: torch.tensor(first[k], requires_grad=True) for k in ("w1", "b1", "w2", "b2")}
    x, y = torch.tensor(first["x"]), torch.tensor(first["y"])
    opt = torch.optim.Adam(list(params.values()), lr=0.05)
    for _ in range(steps):
        opt.zero_grad()
        h = torch.relu(torch.nn.functional.linear(x, params["w1"], params["b1"]))
        torch.nn.functional.cross_entropy(torch.nn.functional.linear(h, params["w2"], params["b2"]), y).backward()
        opt.step()
    return {k: {n: v.numpy() for n, v in opt.state[p].items() if n != "step"} for k, p in params.items()}


@needs_torch
def test_a_parameter_shows_adams_m_and_v_and_its_update_as_pytorch_has_them(qtbot, window, live):
    assert window.open_path(XOR, ask=False)
    live.step()
    qtbot.waitUntil(lambda: not live.busy, timeout=10_000)
    first = dict(live.latest.trace.values)  # step 1's forward saw the initial leaves
    live.step()
    live.step()
    qtbot.waitUntil(lambda: not live.busy, timeout=10_000)
    window.scene.select_ids(["w1"])
    panes = live.viewer.state_panes
    assert [p.title.text() for p in panes] == ["<b>exp_avg</b>", "<b>exp_avg_sq</b>", "<b>update this step</b>"]
    expected = _adam_in_pytorch(first, 3)
    np.testing.assert_allclose(panes[0].array, expected["w1"]["exp_avg"], rtol=1e-5, atol=1e-7)
    np.testing.assert_allclose(panes[1].array, expected["w1"]["exp_avg_sq"], rtol=1e-5, atol=1e-9)
    assert "running mean of the gradient" in panes[0].info.text() and "step 3" in panes[0].info.text()
    np.testing.assert_array_equal(panes[2].array, live.latest.leaves["w1"] - live.latest.trace.values["w1"])
    # the wire w1 → h opens the same: the wire carries w1
    live.open_panel(live.layer.panel_at("h", "weight"))
    assert [p.title.text() for p in live.viewer.state_panes][:2] == ["<b>exp_avg</b>", "<b>exp_avg_sq</b>"]
    # a node no optimizer updates has no such panes
    window.scene.select_ids(["h"])
    assert live.viewer.state_panes == []
