"""Every engine op definition, by category; importing this package fills the registry."""
from . import autograd_ops, conv, create, elementwise, matrix, nn, random, reduce, shape  # noqa: F401
from . import indexing  # noqa: F401  (after shape: its ops build on ShapeOp)
