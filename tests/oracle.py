"""PyTorch, the oracle every number is compared with.

Tests import ``torch`` and ``needs_torch`` from here. Without PyTorch a comparison skips with
``NO_TORCH`` as its reason — on a student's machine. With ``CI`` set in the environment such a skip is
a failure (see ``tests/conftest.py``): CI never goes green without its oracle.
"""
from __future__ import annotations

import pytest

try:
    import torch
except ImportError:
    torch = None

NO_TORCH = "PyTorch is not installed (pip install torch==2.13.0; CI fails without it)"
needs_torch = pytest.mark.skipif(torch is None, reason=NO_TORCH)
