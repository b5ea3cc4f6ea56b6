"""`torch.nn`: the functional API (the registry's ops that PyTorch has in F), layers, containers and `nn.init`."""
from . import functional, init  # noqa: F401
from .modules import (ELU, GELU, AvgPool2d, BCELoss, BCEWithLogitsLoss, Conv2d, CrossEntropyLoss, Dropout,  # noqa: F401
                      Flatten, Hardtanh, HuberLoss, Identity, L1Loss, LeakyReLU, Linear, LogSoftmax, MaxPool2d, Module,
                      ModuleDict, ModuleList, MSELoss, NLLLoss, Parameter, ReLU, ReLU6, Sequential, Sigmoid, SiLU,
                      SmoothL1Loss, Softmax, Softplus, Tanh)
