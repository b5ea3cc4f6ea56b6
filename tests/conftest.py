"""Shared test helpers: where the shared reference files live.

The repository is checked out beside ``shared/`` (``<root>/main`` and ``<root>/shared``),
so tests find the reference graphs relative to this file rather than the working directory.
"""
from __future__ import annotations

from pathlib import Path

import pytest

SHARED_DIR = Path(__file__).resolve().parents[2] / "shared"
EXAMPLES_DIR = SHARED_DIR / "examples"
ERRORS_DIR = EXAMPLES_DIR / "errors"


@pytest.fixture(scope="session")
def shared_dir() -> Path:
    """The shared contract folder (spec and reference graphs)."""
    return SHARED_DIR


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    """Run a test once per reference graph when it asks for ``example_path`` or ``error_example_path``."""
    for name, folder in (("example_path", EXAMPLES_DIR), ("error_example_path", ERRORS_DIR)):
        if name in metafunc.fixturenames:
            paths = sorted(folder.glob("*.json"))
            metafunc.parametrize(name, paths, ids=[p.stem for p in paths])
