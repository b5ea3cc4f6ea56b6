"""Nodes that only exist in graphs: sinks (backward, the optimizers) and the dataset source.

Their ports and params live here like every op's, so the palette, the inspector and
the compiler treat them alike; the runner gives them their behaviour.
"""
from __future__ import annotations

from typing import Any

from graphstudio.engine.core import dtypes
from graphstudio.engine.core.ops import _infer
from graphstudio.engine.core.registry import Op, Param, Port, Sample, ShapeError, Spec, register

from .datasets import DatasetError, make_dataset


class Sink(Op):
    kind = "sink"
    outputs = ()
    method = False
    function = False
    differentiable = False


def _need_float_tensor(x: Any, port: str) -> Spec:
    spec = _infer.need_tensor(x, port)
    if not spec.dtype.is_floating_point:
        raise ShapeError(f"{port} must be a floating point tensor to differentiate, got {spec.dtype.name}")
    return spec


@register
class Backward(Sink):
    name, torch = "backward", "{tensor}.backward({gradient})"
    category = "Autograd"
    doc = "tensor.backward(gradient): fill .grad of every leaf that requires grad (gradient: for non-scalars)."
    inputs = (Port("tensor", "what to differentiate"),
              Port("gradient", "the vector of a vector-Jacobian product (non-scalar tensors)", optional=True))
    params = (Param("retain_graph", "bool", False, "keep the graph so backward can run through it again"),)
    samples = (Sample(((),)),)

    @staticmethod
    def infer(tensor, gradient=None, retain_graph=False):
        spec = _need_float_tensor(tensor, "tensor")
        if gradient is not None:
            g = _infer.need_tensor(gradient, "gradient")
            if g.shape != spec.shape:
                raise ShapeError(f"Mismatch in shape: grad_output[0] has a shape of torch.Size({list(g.shape)}) and "
                                 f"output[0] has a shape of torch.Size({list(spec.shape)}).")
        return ()


class Optimizer(Sink):
    """zero_grad(), loss.backward(), step() on every leaf upstream of `loss` that requires grad."""

    category = "Optimize"
    inputs = (Port("loss", "a scalar to minimise"),)
    samples = (Sample(((),)),)

    @staticmethod
    def infer(loss, **params):
        spec = _need_float_tensor(loss, "loss")
        if spec.numel != 1:
            raise ShapeError(f"loss must be a scalar (one element) to minimise, got shape {list(spec.shape)}")
        return ()


@register
class Sgd(Optimizer):
    name, torch = "sgd", "torch.optim.SGD(params, lr={lr}, momentum={momentum})"
    torch_class = "SGD"
    doc = "Stochastic gradient descent: p -= lr * grad (with optional momentum and weight decay)."
    params = (Param("lr", "float", 0.01, "learning rate", min=0.0),
              Param("momentum", "float", 0.0, "momentum factor", min=0.0),
              Param("dampening", "float", 0.0, "dampening for momentum", min=0.0),
              Param("weight_decay", "float", 0.0, "L2 penalty", min=0.0),
              Param("nesterov", "bool", False, "Nesterov momentum"))


@register
class Adam(Optimizer):
    name, torch = "adam", "torch.optim.Adam(params, lr={lr})"
    torch_class = "Adam"
    doc = "Adam: steps scaled by running averages of the gradient and its square."
    params = (Param("lr", "float", 0.001, "learning rate", min=0.0),
              Param("betas", "floats", (0.9, 0.999), "averaging coefficients (beta1, beta2)"),
              Param("eps", "float", 1e-8, "added to the denominator", min=0.0),
              Param("weight_decay", "float", 0.0, "L2 penalty", min=0.0),
              Param("amsgrad", "bool", False, "use the AMSGrad variant"))


@register
class Rmsprop(Optimizer):
    name, torch = "rmsprop", "torch.optim.RMSprop(params, lr={lr})"
    torch_class = "RMSprop"
    doc = "RMSprop: divide the gradient by a running root-mean-square of recent gradients."
    params = (Param("lr", "float", 0.01, "learning rate", min=0.0),
              Param("alpha", "float", 0.99, "smoothing constant", min=0.0, max=1.0),
              Param("eps", "float", 1e-8, "added to the denominator", min=0.0),
              Param("weight_decay", "float", 0.0, "L2 penalty", min=0.0),
              Param("momentum", "float", 0.0, "momentum factor", min=0.0),
              Param("centered", "bool", False, "normalise by the gradient's variance"))


@register
class Dataset(Op):
    name, torch = "dataset", "DataLoader({name}, batch_size={batch_size}, shuffle={shuffle})"
    kind = "data"
    category = "Data"
    doc = "The next batch (x, y) of a data set at every step, as a DataLoader yields them."
    outputs = ("x", "y")
    method = False
    function = False
    differentiable = False
    params = (Param("name", "choice", "moons", "which data set",
                    choices=("linear", "moons", "circles", "spirals", "xor", "blobs", "csv")),
              Param("n_samples", "int", 200, "how many samples", min=1),
              Param("noise", "float", 0.1, "standard deviation of the noise", min=0.0),
              Param("batch_size", "int", 32, "samples per batch", min=1),
              Param("shuffle", "bool", True, "a new order every epoch"),
              Param("seed", "int", 0, "seed of the data and of the shuffles", min=0),
              Param("n_features", "int", 1, "inputs per sample (linear)", min=1),
              Param("n_classes", "int", None, "classes (blobs, spirals)", min=2),
              Param("path", "str", None, "CSV file, relative to the graph file"),
              Param("target", "str", None, "label column of the CSV (name or index; default: last)"),
              Param("header", "bool", True, "the CSV's first row names the columns"))
    samples = (Sample((), {"name": "moons", "batch_size": 16}),)

    @staticmethod
    def infer(base_dir: str | None = None, **params):
        x, y = load(params, base_dir)
        batch = min(params.get("batch_size", 32), x.shape[0])
        to_dtype = {"float32": dtypes.float32, "int64": dtypes.int64}
        return (Spec((batch,) + x.shape[1:], to_dtype[x.dtype.name]), Spec((batch,) + y.shape[1:], to_dtype[y.dtype.name]))


DATA_PARAMS = ("name", "n_samples", "noise", "seed", "n_features", "n_classes", "path", "target", "header")


def load(params: dict, base_dir: str | None) -> tuple:
    """The whole data set for a dataset node's params (cached: the editor infers on every edit)."""
    key = tuple((k, params.get(k)) for k in DATA_PARAMS) + (base_dir,)
    hit = _CACHE.get(key)
    if hit is None:
        kwargs = {k: params[k] for k in DATA_PARAMS if k in params and params[k] is not None}
        try:
            hit = make_dataset(base_dir=base_dir, **kwargs)
        except DatasetError as e:
            raise ShapeError(str(e)) from None
        if len(_CACHE) > 32:
            _CACHE.clear()
        _CACHE[key] = hit
    return hit


_CACHE: dict = {}
