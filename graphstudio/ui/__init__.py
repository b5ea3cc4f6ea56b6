"""GraphStudio's editor: a Qt view of a graph Document, edited only through undoable commands.

The only package that imports Qt. Modules with one job each:

* ``graph``, ``analysis``, ``layout``, ``values`` — pure Python helpers on a Document
  (references, the compiler's check, auto-layout, parsing inspector input); no Qt, so
  they are cheap to test and reusable.
* ``commands`` and ``model`` — every edit is a ``QUndoCommand``; ``GraphModel`` owns the
  Document, its undo stack and the latest analysis, and validates edits before they happen.
* ``items``, ``scene``, ``view`` — the canvas; ``palette``, ``inspector``, ``lesson`` — the
  docks; ``mainwindow`` and ``app`` — the window and its entry point; ``export`` — headless
  rendering to PNG/SVG; ``autosave`` and ``theme`` — small services.

Nothing outside this package imports it except ``graphstudio/cli.py``.
"""
