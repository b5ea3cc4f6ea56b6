"""The torch namespace: `import graphstudio.engine as torch` runs a student's PyTorch snippet unchanged.

This package is the API a student meets (functions, factory, nn, optim, lr_scheduler, linalg,
autograd, cuda, utils, serialization, distributions), built on ``engine.core`` (tensors, the op
registry, autograd). It imports neither the document, the program nor Qt.
"""
from __future__ import annotations

__version__ = "2.13.0+graphstudio"  # the PyTorch API this engine follows

import importlib as _importlib
import warnings as _warnings
from typing import Any as _Any

# PyTorch computes log(-1), 1/0 and overflow silently (nan, inf); NumPy warns on each. Its
# warnings are dropped where our code calls NumPy, and only there: a user's own NumPy code
# keeps its warnings. A filter (not np.seterr) so that every thread, the editor's too, is quiet.
_warnings.filterwarnings("ignore", category=RuntimeWarning, module=r"graphstudio\.")

from .core.grad_graph import gc_paused as _gc_paused

with _gc_paused():  # defining the ops makes thousands of long-lived objects: collections mid-way only rescan them
    from .core import op_functions as _op_functions
    from .core import binding as _binding  # noqa: F401  (Tensor's op methods, torch's functions)
from .core.grad_graph import enable_grad, inference_mode, is_grad_enabled, no_grad, set_grad_enabled
from .core.backend import device
from .core.generator import Generator, default_generator, manual_seed
from .core.dtypes import bool_ as bool  # noqa: A001
from .core.dtypes import double, dtype, float, float32, float64, int32, int64, long  # noqa: A001
from .core.dtypes import int32 as int  # noqa: A001
from .factory import (BoolTensor, DoubleTensor, FloatTensor, IntTensor, LongTensor, arange, as_tensor, empty,  # noqa: F401
                      empty_like, eye, from_numpy, full, full_like, linspace, normal, ones, ones_like, rand, rand_like,
                      randint, randn, randn_like, randperm, tensor, zeros, zeros_like)
from .core.tensor import Size, Tensor

globals().update(_op_functions.TORCH_FUNCTIONS)

from . import autograd  # noqa: E402
from .misc import allclose, equal, get_default_dtype, is_tensor, numel  # noqa: E402
from .core.printing import set_printoptions  # noqa: E402

# Imported on first use (`torch.nn`, `torch.save`): a graph run needs none of them, and start-up is paid
# by every `graphstudio --run`.
_ON_FIRST_USE = {"accelerator": "accelerator", "cuda": "cuda", "distributions": "distributions",
                 "linalg": "linalg", "nn": "nn", "optim": "optim", "utils": "utils",
                 "load": "serialization", "save": "serialization"}


def __getattr__(name: str) -> _Any:
    module = _ON_FIRST_USE.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = _importlib.import_module(f"{__name__}.{module}")
    if name != module:
        value = getattr(value, name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *_ON_FIRST_USE})
