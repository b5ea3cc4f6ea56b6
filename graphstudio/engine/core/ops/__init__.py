"""Every engine op definition, by category; importing this package fills the registry."""
from . import autograd_ops, conv, create, elementwise, matrix, nn, random, reduce, shape  # noqa: F401
