"""The optimizer's state on the canvas: after Step, a card at each parameter shows what the optimizer
remembers about it (PyTorch's state_dict: SGD's momentum_buffer, Adam's exp_avg and exp_avg_sq,
RMSprop's square_avg) and the update it applied — the numbers PyTorch has after the same steps."""
from __future__ import annotations

import json
import re
from pathlib import Path

import numpy as np
import pytest
from PySide6.QtCore import Qt

from graphstudio.ui import i18n
from graphstudio.ui.live.statecard import UPDATE
from graphstudio.ui.mainwindow import lessons_dir
from tests.oracle import needs_torch, train_exported

STEPS = 3
CJK = re.compile(r"[\u4e00-\u9fff]")


def _rmsprop_lesson(tmp_path: Path) -> Path:
    """The linear-regression lesson trained by RMSprop (no lesson uses it yet)."""
    doc = json.loads((lessons_dir() / "21_linear_regression_sgd.json").read_text(encoding="utf-8"))
    for node in doc["nodes"]:
        if node["op"] == "sgd":
            node["op"], node["params"] = "rmsprop", {"lr": 0.05}
    path = tmp_path / "rmsprop.json"
    path.write_text(json.dumps(doc), encoding="utf-8")
    return path


def _lesson(name: str, tmp_path: Path) -> Path:
    return _rmsprop_lesson(tmp_path) if name == "rmsprop" else lessons_dir() / name


def _steps(qtbot, window, live, path: Path, steps: int = STEPS) -> None:
    assert window.open_path(path, ask=False), window.warnings
    for _ in range(steps):
        live.step()
    qtbot.waitUntil(lambda: not live.busy, timeout=20_000)
    qtbot.wait(1)  # the cards are placed once a refresh has sized them


@needs_torch
@pytest.mark.parametrize("lesson", ["22_sgd_momentum.json", "27_adam_state.json", "24_xor_mlp_adam.json", "rmsprop"])
def test_each_parameters_card_holds_pytorchs_state_and_update_after_the_steps(qtbot, window, live, tmp_path, lesson):
    path = _lesson(lesson, tmp_path)
    _steps(qtbot, window, live, path)
    torch_run = train_exported(path, STEPS)
    cards = live.layer.states
    assert set(cards) == {(opt, leaf) for opt, per_leaf in torch_run.state.items() for leaf in per_leaf}
    for (opt, leaf), card in cards.items():
        want = torch_run.state[opt][leaf]
        assert card.step == STEPS and want.get("step", STEPS) == STEPS
        assert [r.name for r in card.rows] == [k for k in want if k != "step"] + [UPDATE]
        for row in card.rows[:-1]:
            np.testing.assert_allclose(row.array, want[row.name], rtol=2e-4, atol=1e-7, err_msg=f"{leaf} {row.name}")
        update = torch_run.after[leaf] - torch_run.before[leaf]
        np.testing.assert_allclose(card.rows[-1].array, update, rtol=1e-3, atol=1e-6, err_msg=f"{leaf} Δ")
        assert np.any(update != 0)


def test_the_cards_of_a_small_lesson_are_all_shown_and_say_what_each_row_is(qtbot, window, live):
    _steps(qtbot, window, live, lessons_dir() / "27_adam_state.json")
    cards = live.layer.states
    assert set(cards) == {("opt", "w"), ("opt", "b")}
    assert all(c.isVisible() for c in cards.values())
    tip = cards[("opt", "w")].toolTip()
    assert "What opt remembers about w after step 3:" in tip
    assert "m (exp_avg): the running mean of the gradient" in tip
    assert "v (exp_avg_sq): the running mean of the gradient's square" in tip
    assert "Δ: the update applied this step" in tip
    assert f"m / {1 - 0.9 ** 3:.4g}" in tip and f"v / {1 - 0.999 ** 3:.4g}" in tip  # Adam's default betas
    i18n.set_language("zh_CN")
    try:
        chinese = cards[("opt", "w")].toolTip()
        assert all(CJK.search(line) for line in chinese.splitlines()), chinese
    finally:
        i18n.set_language("en")
    assert cards[("opt", "w")].toolTip() == tip


def test_a_click_on_a_card_opens_its_parameter_in_the_viewer(qtbot, window, live):
    _steps(qtbot, window, live, lessons_dir() / "22_sgd_momentum.json")
    card = live.layer.states[("opt", "b")]
    view = window.view
    view.centerOn(card)
    at = view.mapFromScene(card.mapToScene(card.card().center()))
    qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=at)
    assert [p.title.text() for p in live.viewer.state_panes] == ["<b>momentum_buffer</b>", "<b>update this step</b>"]
    np.testing.assert_array_equal(live.viewer.state_panes[0].array, card.rows[0].array)


def test_reset_and_reload_clear_the_cards_and_a_plain_sgd_shows_none(qtbot, window, live):
    path = lessons_dir() / "27_adam_state.json"
    _steps(qtbot, window, live, path)
    assert live.layer.states
    live.reset()
    qtbot.waitUntil(lambda: not live.busy, timeout=10_000)
    assert not live.layer.states and not [i for i in window.scene.items() if type(i).__name__ == "StateCard"]
    _steps(qtbot, window, live, path)
    assert live.layer.states
    _steps(qtbot, window, live, lessons_dir() / "21_linear_regression_sgd.json")  # SGD without momentum keeps nothing
    assert not live.layer.states


def test_a_card_follows_each_step(qtbot, window, live):
    path = lessons_dir() / "27_adam_state.json"
    _steps(qtbot, window, live, path, steps=1)
    card = live.layer.states[("opt", "b")]
    first = [r.array.copy() for r in card.rows]
    live.step()
    qtbot.waitUntil(lambda: not live.busy, timeout=10_000)
    assert card.step == 2 and not np.array_equal(card.rows[0].array, first[0])
