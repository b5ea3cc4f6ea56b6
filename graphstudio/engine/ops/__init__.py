"""Every op definition; importing this package fills the registry."""
from . import autograd_ops, create, elementwise, matrix  # noqa: F401
