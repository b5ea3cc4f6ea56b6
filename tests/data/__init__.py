"""Files the tests read, kept in the repository so a fresh clone tests itself.

``examples/`` holds the reference graphs with PyTorch's answers in their ``expect`` blocks;
``examples/errors/`` the broken files and the error each must give; ``scripts/`` plain PyTorch
teaching scripts that `graphstudio --import` turns into graphs.
"""
from pathlib import Path

EXAMPLES_DIR = Path(__file__).resolve().parent / "examples"
ERRORS_DIR = EXAMPLES_DIR / "errors"
SCRIPTS_DIR = Path(__file__).resolve().parent / "scripts"
