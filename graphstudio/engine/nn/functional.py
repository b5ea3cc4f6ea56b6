"""`torch.nn.functional`: the registry's activations, layers and losses as functions."""
from __future__ import annotations

from ..api import FUNCTIONS

NAMES = ("relu", "sigmoid", "tanh", "linear", "softmax", "log_softmax", "dropout", "mse_loss", "l1_loss",
         "cross_entropy", "nll_loss", "binary_cross_entropy_with_logits", "binary_cross_entropy")

globals().update({name: FUNCTIONS[name] for name in NAMES if name in FUNCTIONS})
