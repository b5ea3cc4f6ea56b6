"""The graph program: a document checked into steps, run on the engine, exported as PyTorch code.

This layer joins the two below it: it reads ``graphstudio.document`` and calls ``graphstudio.engine``
(neither knows about the other). It also defines the nodes only a graph has (sinks, the data set
source), so importing it completes the op registry the editor's palette shows.
"""
from . import nodes  # noqa: F401  (registers the graph-only nodes)
