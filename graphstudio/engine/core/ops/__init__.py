"""Every engine op definition, one module per kind of op (indexing on its own); importing this package
fills the registry. An op is defined once, in one class: ports, params, inference, forward, backward,
PyTorch name and where the Python API has it, and the samples its generated tests run."""
from . import autograd_ops, conv, create, elementwise, matrix, nn, random, reduce, shape  # noqa: F401
from . import indexing  # noqa: F401  (after shape: its ops build on ShapeOp)
