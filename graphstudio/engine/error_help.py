"""A one-sentence explanation, in the reader's language, of PyTorch's common error messages.

The message itself always stays PyTorch's, verbatim and in English: that is what students search
for. Each common error is recognised here by a fragment of PyTorch's wording; what it means, in
words a student can act on, is kept per language in ``resources/i18n/errors.<language>.json``,
keyed by the names below. English has no catalog: the message already speaks English.
"""
from __future__ import annotations

import json
import re
from functools import lru_cache

from .op_help import ENGLISH, catalog_path

#: Each common error: a name for its explanation, and what PyTorch's message says (searched, not matched whole).
KNOWN_ERRORS: tuple[tuple[str, re.Pattern[str]], ...] = tuple((name, re.compile(pattern)) for name, pattern in (
    ("matmul_shapes", r"shapes cannot be multiplied|size mismatch, got input|inconsistent tensor size, expected tensor"
                      r"|Expected size for first two dimensions of batch2"),
    ("matrix_rank", r"(must be a matrix|must be a [1-3]D tensor|1D tensors expected)"),
    ("cat_sizes", r"Sizes of tensors must match except in dimension"),
    ("stack_sizes", r"stack expects each tensor to be equal size"),
    ("broadcast", r"must match the size of tensor b \(\d+\) at non-singleton dimension"),
    ("backward_twice", r"Trying to backward through the graph a second time"),
    ("backward_non_scalar", r"grad can be implicitly created only for scalar outputs"),
    ("leaf_in_place", r"leaf Variable that requires grad is being used in an in-place operation"),
    ("no_grad_fn", r"does not require grad"),
    ("view_stride", r"view size is not compatible with input tensor's size and stride"),
    ("shape_size", r"shape '\[[-\d, ]*\]' is invalid for input of size"),
    ("dim_range", r"Dimension out of range"),
    ("modified_in_place", r"needed for gradient computation has been modified by an inplace operation"),
    ("grad_shape", r"Mismatch in shape: grad_output\[\d+\] has a shape of"),
    ("expand_size", r"The expanded size of the tensor \(\d+\) must match the existing size"),
))


def error_catalog_path(language: str):
    """Where the explanations in ``language`` are kept (beside the op help)."""
    return catalog_path(language).with_name(f"errors.{language}.json")


@lru_cache(maxsize=None)
def _explanations(language: str) -> dict[str, str]:
    path = error_catalog_path(language)
    if language == ENGLISH or not path.is_file():
        return {}
    return json.loads(path.read_text(encoding="utf-8"))


def explanation(message: str, language: str) -> str | None:
    """What ``message`` (PyTorch's words) means, in ``language``; None for English, or an error not known."""
    for name, pattern in KNOWN_ERRORS:
        if pattern.search(message):
            return _explanations(language).get(name)
    return None
