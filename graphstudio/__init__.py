"""GraphStudio: a visual computation-graph editor for learning tensors and autograd."""

__version__ = "0.1.0"
