"""The graph program: what joins a graph document to the engine that runs it.

A document checked into steps (compiler), run (runner), exported as PyTorch code, looked into
(instruments: each wire's chain rule, gradcheck of a node), and the other way, a PyTorch script
recorded into a graph (script_*). It imports ``graphstudio.document`` and
``graphstudio.engine`` (neither knows the other), never the editor (no Qt). It also defines the
nodes only a graph has (sinks, the data set source), so importing it completes the op registry.
"""
from . import nodes  # noqa: F401  (registers the graph-only nodes)
