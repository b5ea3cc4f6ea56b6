"""GraphStudio: a visual computation-graph editor for learning tensors and autograd.

One layer per package, each importing only those before it: ``document`` (graph files: the model,
validation, references; no NumPy, no Qt) and ``engine`` (a PyTorch-compatible autograd engine; its
core in ``engine.core``), then ``program`` (a document checked, run, exported as code, or recorded
from a script), then ``ui`` (the Qt editor). ``cli`` is the command line over all of them.
"""

__version__ = "0.1.0"
