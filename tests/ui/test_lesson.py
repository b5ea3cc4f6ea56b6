"""The lesson panel: every lesson reads in a narrow side panel without scrolling sideways."""
from __future__ import annotations

import pytest

from graphstudio.document import load
from graphstudio.ui.mainwindow import lessons_dir

LESSONS = sorted(lessons_dir().glob("*.json"))


@pytest.mark.parametrize("width", [300, 420])
def test_every_lesson_fits_the_panel_width_code_included(model, qtbot, width):
    """A long line of code wraps like the prose: a panel scrolled sideways for it would move the whole
    lesson out of view."""
    from graphstudio.ui.lesson import LessonPanel

    panel = LessonPanel(model)
    qtbot.addWidget(panel)
    panel.resize(width, 500)
    panel.show()
    wide = []
    for path in LESSONS:
        model.reset(load(path))
        qtbot.wait(1)
        if panel.horizontalScrollBar().maximum() > 0:
            wide.append(path.stem)
    assert wide == []
