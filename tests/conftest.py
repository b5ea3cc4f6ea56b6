"""Shared test setup: the reference graphs as parameters, and PyTorch as a mandatory oracle in CI."""
from __future__ import annotations

import os
from pathlib import Path

import pytest

import graphstudio.program  # noqa: F401  (the registry every test sees holds the graph-only nodes too)
from tests.data import ERRORS_DIR, EXAMPLES_DIR
from tests.oracle import NO_TORCH


@pytest.fixture(scope="session")
def examples_dir() -> Path:
    """The reference graphs; ``errors/`` beside them holds the broken ones."""
    return EXAMPLES_DIR


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    """Run a test once per reference graph when it asks for ``example_path`` or ``error_example_path``."""
    for name, folder in (("example_path", EXAMPLES_DIR), ("error_example_path", ERRORS_DIR)):
        if name in metafunc.fixturenames:
            paths = sorted(folder.glob("*.json"))
            metafunc.parametrize(name, paths, ids=[p.stem for p in paths])


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo):
    """In CI (``CI`` set), a PyTorch comparison that would skip for want of PyTorch fails instead."""
    outcome = yield
    report = outcome.get_result()
    if report.skipped and os.environ.get("CI") and NO_TORCH in str(report.longrepr):
        report.outcome = "failed"
        report.longrepr = f"{item.nodeid}: {NO_TORCH}"
