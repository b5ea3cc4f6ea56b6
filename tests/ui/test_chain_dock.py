"""The chain-rule dock in a real main window: select a wire after Backward, read its VJP with the run's
shapes and numbers; Gradcheck the node it feeds."""
from __future__ import annotations

import numpy as np
import pytest

from graphstudio.ui.items import WireItem
from graphstudio.ui.mainwindow import lessons_dir

BASICS = lessons_dir() / "03_autograd_basics.json"  # x = ones(2, 2); y = x + 2; yy = y * y; z = yy * 3; out = z.mean()


def _select_wire(window, dst, port):
    window.scene.clearSelection()
    item = next(i for i in window.scene.items() if isinstance(i, WireItem) and i.wire.dst == dst
                and i.wire.port == port)
    item.setSelected(True)


def test_a_wire_after_backward_shows_its_chain_rule_with_numbers(qtbot, window, live):
    assert window.open_path(BASICS, ask=False)
    _select_wire(window, "yy", "input")
    assert "Run Forward or Backward" in live.chain.text.text()
    live.forward()
    live.backward()
    qtbot.waitUntil(lambda: not live.busy, timeout=10_000)
    _select_wire(window, "yy", "input")
    text = live.chain.text.text()
    assert "∂L/∂a = G ⊙ b" in text and "G: 2×2, b: 2×2 → 2×2" in text
    # out = mean(3 y²) over 4 elements: G at yy is 3/4 = 0.75, and 0.75 · y = 0.75 · 3 = 2.25 goes back
    assert "G = <span" in text and ">0.75<" in text and ">2.25<" in text
    assert live.chain.button.isEnabled()


def test_a_node_shows_every_input_and_gradcheck_passes(qtbot, window, live):
    assert window.open_path(BASICS, ask=False)
    live.forward()
    live.backward()
    qtbot.waitUntil(lambda: not live.busy, timeout=10_000)
    window.scene.clearSelection()
    window.scene.select_ids(["yy"])
    text = live.chain.text.text()
    assert "∂L/∂a = G ⊙ b" in text and "∂L/∂b = G ⊙ a" in text
    live.chain.button.click()
    assert live.chain.result is not None and live.chain.result.passed
    assert "Gradcheck passed" in live.chain.verdict.text()
    assert not live.chain.maps[0][1].pixmap().isNull()
    # the lesson runs in float32: the dock says how much worse that check is, and why
    narrow = live.chain.narrow
    assert narrow is not None and narrow.dtype == "float32" and narrow.max_difference > live.chain.result.max_difference
    assert "float32 the largest difference is" in live.chain.verdict.text()


def test_a_leaf_says_it_has_no_chain_rule_of_its_own(qtbot, window, live):
    assert window.open_path(BASICS, ask=False)
    live.forward()
    qtbot.waitUntil(lambda: not live.busy, timeout=10_000)
    window.scene.clearSelection()
    window.scene.select_ids(["x"])
    assert "no chain rule of its own" in live.chain.text.text()
    assert not live.chain.button.isEnabled()


def test_a_node_lists_what_its_backward_keeps_and_backward_frees_it(qtbot, window, live):
    assert window.open_path(BASICS, ask=False)
    live.forward()
    qtbot.waitUntil(lambda: not live.busy, timeout=10_000)
    window.scene.clearSelection()
    window.scene.select_ids(["yy"])  # y * y keeps y twice: one 2×2 float32 array, 16 bytes
    saved = live.chain.saved.text()
    assert "input 2×2 float32 · 16 bytes; other 2×2 float32 · 16 bytes — 16 bytes" in saved
    assert "Freed by Backward" not in saved
    live.backward()
    qtbot.waitUntil(lambda: not live.busy, timeout=10_000)
    window.scene.clearSelection()
    window.scene.select_ids(["yy"])
    assert "Freed by Backward" in live.chain.saved.text()
    window.scene.clearSelection()
    window.scene.select_ids(["out"])
    assert "keeps nothing" in live.chain.saved.text()


@pytest.mark.parametrize("animate", [False, True])
def test_backward_numbers_the_nodes_in_the_order_it_ran_them(qtbot, window, live, animate):
    assert window.open_path(BASICS, ask=False)
    live.set_animate(animate)
    live.set_speed(20.0)
    live.forward()
    live.backward()
    qtbot.waitUntil(lambda: not live.busy, timeout=10_000)
    badges = live.layer.badges
    assert [badges[n].order for n in ("out", "z", "yy", "y")] == [1, 2, 3, 4]  # from the loss back
    assert badges["x"].order is None  # a leaf: its AccumulateGrad, not a node of the graph's ops
    assert badges["yy"].text.startswith("③ MulBackward0")
    live.forward()
    qtbot.waitUntil(lambda: not live.busy, timeout=10_000)
    assert badges["yy"].order is None  # a new forward: no backward has run on it yet


def test_gradcheck_of_a_broken_backward_fails_in_red_with_its_difference(qtbot, window, live, monkeypatch):
    from graphstudio.engine.core.registry import REGISTRY

    assert window.open_path(BASICS, ask=False)
    live.forward()
    live.backward()
    qtbot.waitUntil(lambda: not live.busy, timeout=10_000)
    _select_wire(window, "yy", "other")

    def forgets_the_other_factor(ctx, g):
        a, b = ctx.saved
        return g, g

    monkeypatch.setattr(REGISTRY["mul"].node_cls, "vjp", forgets_the_other_factor)
    live.chain.button.click()
    result = live.chain.result
    assert not result.passed and result.max_difference == pytest.approx(2.0)  # y = 3: 1 instead of 3
    assert "Gradcheck failed" in live.chain.verdict.text()


def test_an_optimizer_shows_adams_state_and_the_update_it_applied(qtbot, window, live):
    """The state is the runner's (tests/program/test_optimizer_state.py: PyTorch's, key for key)."""
    import numpy as np

    doc_path = lessons_dir() / "24_xor_mlp_adam.json"
    assert window.open_path(doc_path, ask=False)
    live.step()
    qtbot.waitUntil(lambda: not live.busy, timeout=10_000)
    snap = live.snapshot
    opt_id = next(iter(snap.states))
    window.scene.clearSelection()
    window.scene.select_ids([opt_id])
    states, updates, betas = live.chain.state
    text = live.chain.text.text()
    assert "exp_avg" in text and "exp_avg_sq" in text and "step 1" in text and "1 − β₁ᵗ = 0.1" in text
    # one Adam step moves each element by lr · sign(g) (m̂ / √v̂ = ±1 on the first step)
    lr = snap.lrs[opt_id]
    for leaf, delta in updates.items():
        grad = states[leaf]["exp_avg"] / (1 - betas[0])
        np.testing.assert_allclose(np.abs(delta)[grad != 0], lr, rtol=1e-3)
        np.testing.assert_allclose(np.sign(delta)[grad != 0], -np.sign(grad)[grad != 0])


def test_detect_anomaly_marks_the_node_that_made_a_nan_and_names_its_inputs(qtbot, window, live, tmp_path):
    import json

    from graphstudio.ui.live.badges import ErrorMarker

    path = tmp_path / "nan.json"
    path.write_text(json.dumps({"graphstudio": 1, "nodes": [
        {"id": "x", "op": "tensor", "params": {"data": [-1.0, 4.0], "requires_grad": True}},
        {"id": "s", "op": "sqrt", "inputs": {"input": "x"}},
        {"id": "out", "op": "sum", "inputs": {"input": "s"}}]}))
    assert window.open_path(path, ask=False)
    failures = []
    live.failed.connect(lambda node, message: failures.append((node, message)))
    live.forward()  # without detection: nan flows on, as in PyTorch
    qtbot.waitUntil(lambda: not live.busy, timeout=10_000)
    assert failures == []
    live.toolbar.anomaly.setChecked(True)
    live.forward()
    qtbot.waitUntil(lambda: not live.busy, timeout=10_000)
    assert failures and failures[0][0] == "s"
    assert failures[0][1].endswith(": 1 nan of 2, from input = x [-1, 4]")
    assert isinstance(live.layer.error, ErrorMarker) and live.layer.error_node == "s"


def test_several_selected_nodes_are_gradchecked_as_one_function(qtbot, window, live):
    assert window.open_path(BASICS, ask=False)  # y = x + 2; yy = y * y; z = yy * 3; out = z.mean()
    live.forward()
    live.backward()
    qtbot.waitUntil(lambda: not live.busy, timeout=10_000)
    window.scene.clearSelection()
    window.scene.select_ids(["yy", "z", "out"])
    assert "3 nodes selected" in live.chain.text.text() and live.chain.button.isEnabled()
    live.chain.button.click()
    assert live.chain.result is not None and live.chain.result.passed
    assert live.chain.labels == (("y",), ("out",))
    pair = live.chain.result.pairs[0]  # d out / d y = 2 · 3 · y / 4 = 1.5 · 3 = 4.5 for each of the 4 elements
    np.testing.assert_allclose(pair.analytical, np.full((1, 4), 4.5))
    verdict = live.chain.verdict.text()
    assert "Checked together from y to out." in verdict and "∂out/∂y" in verdict


def test_why_a_gradcheck_cannot_run_is_said_in_the_interfaces_language(qtbot, window, live):
    from graphstudio.program.instruments import REASONS as PROGRAM_REASONS
    from graphstudio.ui import i18n
    from graphstudio.ui.live.chain import REASONS

    assert REASONS == PROGRAM_REASONS  # the same reasons, worded the same in English
    assert window.open_path(BASICS, ask=False)
    live.forward()
    qtbot.waitUntil(lambda: not live.busy, timeout=10_000)
    window.scene.clearSelection()
    window.scene.select_ids(["x", "bw"])  # a leaf and a sink: no op to check
    live.chain.button.click()
    assert live.chain.verdict.text() == "select op nodes to check them together"
    i18n.set_language("zh_CN")
    try:
        assert live.chain.verdict.text() == "请选择运算节点来一起检验（叶子节点和汇点没有可检验的梯度）"
    finally:
        i18n.set_language("en")


def test_in_chinese_the_dock_words_the_formula_the_broadcast_sum_and_the_bytes(qtbot, window, live):
    from graphstudio.ui import i18n

    assert window.open_path(BASICS.with_name("10_broadcasting.json"), ask=False)  # c = a [3, 4] + b [4]
    live.forward()
    live.backward()
    qtbot.waitUntil(lambda: not live.busy, timeout=10_000)
    i18n.set_language("zh_CN")
    try:
        _select_wire(window, "c", "other")
        text = live.chain.text.text()
        assert "在第 0 维上求和：3 → 1 → 4" in text and "summed" not in text
        window.scene.clearSelection()
        window.scene.select_ids(["s"])  # sum: ∂L/∂x = G copied back over the summed dims
        assert "∂L/∂x = G 复制回被求和的维度" in live.chain.text.text()
        assert window.open_path(BASICS.with_name("29_saved_tensors.json"), ask=False)
        live.forward()
        qtbot.waitUntil(lambda: not live.busy, timeout=10_000)
        window.scene.select_ids(["z"])  # exp keeps its result: 3 float32, 12 bytes
        saved = live.chain.saved.text()
        assert "结果 3 float32 · 12 字节" in saved and "bytes" not in saved
    finally:
        i18n.set_language("en")


def test_gradcheck_at_relus_kink_names_the_element_instead_of_blaming_float32(qtbot, window, live):
    """x = [0, 1.5, -2] (float32) → relu → sum: at x[0] = 0 the central difference straddles relu's
    kink (0.5, between the slopes 0 and 1) while PyTorch's relu'(0) is 0; the dock says that, in
    float64 and in the run's float32, and not that float32 rounding is to blame."""
    from graphstudio.document import Document, Node

    window.model.reset(Document(nodes=[
        Node("x", "tensor", params={"data": [0.0, 1.5, -2.0], "requires_grad": True}, pos=(0.0, 0.0)),
        Node("r", "relu", inputs={"input": "x"}, pos=(250.0, 0.0)),
        Node("s", "sum", inputs={"input": "r"}, pos=(500.0, 0.0))]))
    live.forward()
    live.backward()
    qtbot.waitUntil(lambda: not live.busy, timeout=10_000)
    window.scene.select_ids(["r"])
    live.chain.button.click()
    verdict = live.chain.verdict.text()
    assert "Gradcheck failed" in verdict
    assert "input[0] = 0.0 sits at a kink" in verdict and "their mean, 0.5" in verdict
    assert "significant digits" not in verdict
    assert [k.index for k in live.chain.result.kinks] == [(0,)] and [k.index for k in live.chain.narrow.kinks] == [(0,)]
