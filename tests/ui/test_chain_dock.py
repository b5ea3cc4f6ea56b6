"""The chain-rule dock in a real main window: select a wire after Backward, read its VJP with the run's
shapes and numbers; Gradcheck the node it feeds."""
from __future__ import annotations

import pytest

from graphstudio.ui.items import WireItem
from graphstudio.ui.mainwindow import lessons_dir

BASICS = lessons_dir() / "03_autograd_basics.json"  # x = ones(2, 2); y = x + 2; yy = y * y; z = yy * 3; out = z.mean()


@pytest.fixture
def live(window):
    session = window.live
    session.set_animate(False)
    yield session
    session.shutdown()


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


def test_a_leaf_says_it_has_no_chain_rule_of_its_own(qtbot, window, live):
    assert window.open_path(BASICS, ask=False)
    live.forward()
    qtbot.waitUntil(lambda: not live.busy, timeout=10_000)
    window.scene.clearSelection()
    window.scene.select_ids(["x"])
    assert "no chain rule of its own" in live.chain.text.text()
    assert not live.chain.button.isEnabled()
