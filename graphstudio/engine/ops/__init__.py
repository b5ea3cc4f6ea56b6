"""Every op definition; importing this package fills the registry."""
from . import autograd_ops, conv, create, elementwise, graph, matrix, nn, random, reduce, shape  # noqa: F401
