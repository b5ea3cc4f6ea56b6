"""`torch.nn`: the functional API (from the registry) and a few layers students meet first."""
from . import functional  # noqa: F401
from .modules import (BCEWithLogitsLoss, CrossEntropyLoss, L1Loss, Linear, Module, MSELoss, Parameter, ReLU,  # noqa: F401
                      Sequential, Sigmoid, Tanh)
