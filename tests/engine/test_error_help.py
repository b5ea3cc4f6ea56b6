"""Chinese explanations of PyTorch's common errors: found for PyTorch's own message and for ours alike."""
from __future__ import annotations

import json
import re

import pytest

import graphstudio.engine as gs
from graphstudio.engine.error_help import KNOWN_ERRORS, error_catalog_path, explanation
from tests.oracle import needs_torch, torch


def _mm(m):
    m.mm(m.ones(3, 4), m.ones(5, 2))


def _matmul(m):
    m.matmul(m.ones(2, 3, 4), m.ones(5, 2))


def _bmm(m):
    m.bmm(m.ones(2, 3, 4), m.ones(2, 5, 2))


def _mm_1d(m):
    m.mm(m.ones(3, 4), m.ones(4))


def _cat(m):
    m.cat([m.ones(3, 4), m.ones(3, 2)])


def _stack(m):
    m.stack([m.ones(3, 4), m.ones(3, 2)])


def _broadcast(m):
    m.ones(3, 4) + m.ones(3)


def _twice(m):
    x = m.ones(2, requires_grad=True)
    y = (x * x).sum()
    y.backward()
    y.backward()


def _non_scalar(m):
    (m.ones(2, requires_grad=True) * 2).backward()


def _leaf_in_place(m):
    m.ones(2, requires_grad=True).add_(1)


def _no_grad(m):
    m.ones(2).sum().backward()


def _view(m):
    m.ones(3, 4).t().view(12)


def _shape(m):
    m.ones(3, 4).view(5, 3)


def _dim(m):
    m.ones(3, 4).sum(dim=3)


def _modified_in_place(m):
    x = m.ones(3, requires_grad=True)
    y = x.sigmoid()
    y.mul_(2)
    y.sum().backward()


def _grad_shape(m):
    (m.ones(2, requires_grad=True) * 2).backward(m.ones(3))


def _expand(m):
    m.ones(2, 3).expand(3, 3)


CASES = [(_mm, "matmul_shapes"), (_matmul, "matmul_shapes"), (_bmm, "matmul_shapes"), (_mm_1d, "matrix_rank"),
         (_cat, "cat_sizes"), (_stack, "stack_sizes"), (_broadcast, "broadcast"), (_twice, "backward_twice"),
         (_non_scalar, "backward_non_scalar"), (_leaf_in_place, "leaf_in_place"), (_no_grad, "no_grad_fn"),
         (_view, "view_stride"), (_shape, "shape_size"), (_dim, "dim_range"),
         (_modified_in_place, "modified_in_place"), (_grad_shape, "grad_shape"), (_expand, "expand_size")]


def _message(make, module) -> str:
    with pytest.raises(Exception) as caught:
        make(module)
    return str(caught.value)


def _known(message: str) -> str | None:
    return next((name for name, pattern in KNOWN_ERRORS if pattern.search(message)), None)


@needs_torch
@pytest.mark.parametrize("make, name", CASES, ids=lambda c: getattr(c, "__name__", c))
def test_common_error_is_explained_for_pytorchs_message_and_ours(make, name):
    assert _message(make, gs) == _message(make, torch), "the engine does not say what PyTorch says"
    for module in (torch, gs):
        message = _message(make, module)
        assert _known(message) == name, f"{module.__name__}: {message!r}"
        assert re.search(r"[\u4e00-\u9fff]", explanation(message, "zh_CN"))


def test_english_and_unknown_errors_have_no_explanation():
    assert explanation("grad can be implicitly created only for scalar outputs", "en") is None
    assert explanation("something else went wrong", "zh_CN") is None


def test_every_known_error_has_a_chinese_sentence_and_the_catalog_nothing_else():
    catalog = json.loads(error_catalog_path("zh_CN").read_text(encoding="utf-8"))
    assert set(catalog) == {name for name, _ in KNOWN_ERRORS}
