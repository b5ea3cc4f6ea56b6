"""`torch.nn`: the functional API (from the registry), layers, containers and `nn.init`."""
from . import functional, init  # noqa: F401
from .modules import (ELU, GELU, BCELoss, BCEWithLogitsLoss, CrossEntropyLoss, Dropout, Flatten, Hardtanh,  # noqa: F401
                      HuberLoss, Identity, L1Loss, LeakyReLU, Linear, LogSoftmax, Module, ModuleDict, ModuleList,
                      MSELoss, NLLLoss, Parameter, ReLU, ReLU6, Sequential, Sigmoid, SiLU, SmoothL1Loss, Softmax,
                      Softplus, Tanh)
