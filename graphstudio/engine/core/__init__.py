"""The autograd core: tensors, the op registry and its ops, dispatch, and the backward graph.

Modules import one way: dtypes, backend, printing → grad_graph (grad_fn nodes, the backward pass)
→ registry → tensor → ops/ → dispatch → op_functions (each registry op as a Python function) →
subscript, higher_order; ``saved`` (what each node keeps) and ``chain_rule`` (an op's VJP with a run's
shapes) read the graph. ``binding`` attaches the op-running Tensor methods and torch functions, where
each op's definition says, when ``graphstudio.engine`` loads. The torch namespace (``graphstudio.engine``)
is built on top.
"""
