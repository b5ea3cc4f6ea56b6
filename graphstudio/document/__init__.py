"""Graph documents and their files: the model, validation, migrations, `"node:output"` references
(``references``, the one parser of them) and atomic save.

Pure Python (no Qt, no NumPy) and ignorant of what ops mean, so the headless runner,
the editor and the tests all share one reader and writer of the format.
"""
from .io import dumps, load, loads, save
from .migrations import MIGRATIONS, migrate
from .model import FORMAT_VERSION, Document, Node, plain
from .problems import DocumentError, Problem

__all__ = [
    "FORMAT_VERSION", "Document", "DocumentError", "MIGRATIONS", "Node", "Problem",
    "dumps", "load", "loads", "migrate", "plain", "save",
]
