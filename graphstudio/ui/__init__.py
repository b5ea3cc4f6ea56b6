"""GraphStudio's editor: a Qt view of a graph Document, edited only through undoable commands.

The only package that imports Qt; it reaches the engine through ``graphstudio.program``. Modules
with one job each:

* ``graph``, ``analysis``, ``layout``, ``routing``, ``values`` — pure Python on a Document (wiring
  and ports, the compiler's verdict, auto-layout, wires around boxes, parsing inspector input);
  no Qt, so they are cheap to test.
* ``commands`` and ``model`` — every edit is a ``QUndoCommand``; ``GraphModel`` owns the
  Document, its undo stack and the latest analysis, and validates edits before they happen.
* ``items``, ``scene``, ``view``, ``keyboard`` — the canvas; ``palette``, ``inspector``, ``lesson``,
  ``code_panel`` — the docks; ``start``, ``mainwindow`` and ``app`` — the window and its entry point;
  ``live`` — running the graph on the canvas; ``export`` — headless rendering to PNG/SVG;
  ``autosave``, ``theme``, ``i18n``, ``wording`` — small services.

Nothing outside this package imports it except ``graphstudio/cli.py``.
"""
