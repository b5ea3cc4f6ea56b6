"""GraphStudio's engine: tensors and autograd with PyTorch's semantics, on NumPy and CuPy.

`import graphstudio.engine as torch` runs a student's PyTorch snippet unchanged,
for the part of the torch namespace implemented here. No Qt is imported.
"""
from __future__ import annotations

from . import ops as _ops  # noqa: F401  (fills the registry)
from . import api as _api
from .backprop import enable_grad, is_grad_enabled, no_grad, set_grad_enabled
from .backend import device
from .creation import default_generator, manual_seed
from .dtypes import bool_ as bool  # noqa: A001
from .dtypes import double, dtype, float, float32, float64, int64, long  # noqa: A001
from .factory import (arange, as_tensor, empty, eye, from_numpy, full, full_like, linspace, ones, ones_like, rand,
                      rand_like, randint, randn, randn_like, tensor, zeros, zeros_like)
from .tensor import Size, Tensor

_api._install()
globals().update(_api.TORCH_FUNCTIONS)

from . import autograd  # noqa: E402
from . import cuda, nn, optim  # noqa: E402

from .misc import allclose, equal, is_tensor, numel  # noqa: E402
