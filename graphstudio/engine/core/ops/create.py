"""Creation ops: the leaves of a graph (`tensor`, `zeros`, `randn`, …).

Each one makes an array from its params alone, so the compiler can infer its
shape and dtype without running it, and the runner makes it once per run.
"""
from __future__ import annotations

import math
from typing import Any

import numpy as np

from .. import dtypes
from ..registry import Op, Param, Sample, ShapeError, Spec, register
from ..tensor import host_array
from ._spacing import arange_values, linspace_values

DTYPE_CHOICES = ("float32", "float64", "int64", "bool")
SHAPE = Param("shape", "shape", (2, 2), "the size of each dimension", required=True)
REQUIRES_GRAD = Param("requires_grad", "bool", False, "record operations on it, so backward fills its .grad")


def _dtype(default: str | None) -> Param:
    return Param("dtype", "dtype", default, "element type", choices=DTYPE_CHOICES)


class Leaf(Op):
    """A tensor made from params: `make` builds it on the host; the runner moves it to the device."""

    kind = "leaf"
    category = "Create"
    method = False
    differentiable = False
    params: tuple = (SHAPE, _dtype("float32"), REQUIRES_GRAD)

    @staticmethod
    def make(rng: np.random.Generator, **params: Any) -> np.ndarray:
        raise NotImplementedError

    @classmethod
    def infer(cls, **params: Any) -> Spec:
        return Spec(_shape(params["shape"]), dtypes.from_name(params.get("dtype") or "float32"))


def _float_spec(params: dict, kernel: str) -> Spec:
    """The spec of a random float leaf; PyTorch has no kernel drawing these numbers as integers."""
    spec = Leaf.infer(**params)
    if not spec.dtype.is_floating_point:
        raise ShapeError(f'"{kernel}" not implemented for {spec.dtype.scalar_type!r}', raise_as=NotImplementedError)
    return spec


def negative_std(std: float) -> str:
    """PyTorch's message for a negative standard deviation (the number as C++ prints a double)."""
    return f"normal expects std >= 0.0, but found std {std:g}"


def _shape(shape: Any) -> tuple[int, ...]:
    if type(shape) is tuple or type(shape) is list:  # the usual case, checked without generators
        for s in shape:
            if type(s) is not int or s < 0:
                break
        else:
            return tuple(shape)
    if isinstance(shape, int) and not isinstance(shape, bool):
        shape = (shape,)
    if not isinstance(shape, (list, tuple)) or not all(isinstance(s, int) and not isinstance(s, bool) for s in shape):
        raise ShapeError(f"shape must be a list of whole numbers, got {shape!r}")
    if any(s < 0 for s in shape):
        raise ShapeError(f"Trying to create tensor with negative dimension: {list(shape)}")
    return tuple(shape)


def _np(params: dict, default: str = "float32") -> str:
    name = params.get("dtype") or default
    return name if name in dtypes.DTYPES else dtypes.from_name(name).name


@register
class TensorLeaf(Leaf):
    name, torch = "tensor", "torch.tensor({data})"
    doc = "A tensor from nested lists of numbers; whole numbers give int64, others float32."
    params = (Param("data", "data", [[1.0, 2.0], [3.0, 4.0]], "nested lists of numbers", required=True),
              _dtype(None), REQUIRES_GRAD)
    samples = (Sample((), {"data": [[1.0, 2.0], [3.0, 4.0]]}), Sample((), {"data": [1, 2, 3]}),
               Sample((), {"data": 2.5}), Sample((), {"data": [[1, 2], [3]]}, error="expected sequence of length 2"))

    @classmethod
    def infer(cls, **params: Any) -> Spec:
        return _data_spec(params["data"], params.get("dtype"))

    @staticmethod
    def make(rng, data, dtype=None, requires_grad=False):
        return host_array(data, dtypes.from_name(dtype))


MAX_LITERAL_NUMBERS = 1_000_000  # a literal is for teaching; data comes from a dataset node


def _data_spec(data: Any, dtype: str | None) -> Spec:
    """Shape and dtype of nested lists, without building an array (the editor calls this per edit)."""
    shape = []
    level = data
    while isinstance(level, (list, tuple)):
        shape.append(len(level))
        if not level:
            break
        level = level[0]
    numel = math.prod(shape)
    if numel > MAX_LITERAL_NUMBERS:
        raise ShapeError(f"a tensor literal of {numel} numbers is more than a graph file may hold "
                         f"({MAX_LITERAL_NUMBERS}); read large data from a csv dataset")
    kinds = set()
    _check_nested(data, tuple(shape), 0, kinds)
    if dtype:
        return Spec(tuple(shape), dtypes.from_name(dtype))
    if kinds == {"bool"}:
        return Spec(tuple(shape), dtypes.bool_)
    if "float" in kinds or not kinds:
        return Spec(tuple(shape), dtypes.float32)
    return Spec(tuple(shape), dtypes.int64)


def _check_nested(data: Any, shape: tuple, depth: int, kinds: set) -> None:
    if depth == len(shape):
        if isinstance(data, (list, tuple)):
            raise ShapeError(f"expected a number at dim {depth}, got a list")
        if isinstance(data, bool):
            kinds.add("bool")
        elif isinstance(data, int):
            kinds.add("int")
        elif isinstance(data, float):
            kinds.add("float")
        else:
            raise ShapeError(f"expected numbers in data, got {data!r}")
        return
    if not isinstance(data, (list, tuple)) or len(data) != shape[depth]:
        got = len(data) if isinstance(data, (list, tuple)) else "a number"
        raise ShapeError(f"expected sequence of length {shape[depth]} at dim {depth} (got {got})")
    for v in data:
        _check_nested(v, shape, depth + 1, kinds)


@register
class Zeros(Leaf):
    name, torch = "zeros", "torch.zeros({shape})"
    doc = "A tensor of zeros."
    samples = (Sample((), {"shape": [2, 3]}), Sample((), {"shape": []}), Sample((), {"shape": [-1]}, error="negative"))

    @staticmethod
    def make(rng, shape, dtype="float32", requires_grad=False):
        return np.zeros(_shape(shape), dtype=_np({"dtype": dtype}))


@register
class Ones(Leaf):
    name, torch = "ones", "torch.ones({shape})"
    doc = "A tensor of ones."
    samples = (Sample((), {"shape": [2, 3]}), Sample((), {"shape": [4], "dtype": "int64"}))

    @staticmethod
    def make(rng, shape, dtype="float32", requires_grad=False):
        return np.ones(_shape(shape), dtype=_np({"dtype": dtype}))


@register
class Full(Leaf):
    name, torch = "full", "torch.full({shape}, {fill_value})"
    doc = "A tensor with every element equal to fill_value."
    params = (SHAPE, Param("fill_value", "float", 0.0, "the value of every element"), _dtype(None), REQUIRES_GRAD)
    samples = (Sample((), {"shape": [2, 2], "fill_value": 7.0}), Sample((), {"shape": [3], "fill_value": 2}))

    @classmethod
    def infer(cls, **params: Any) -> Spec:
        value = params.get("fill_value", 0.0)
        default = "bool" if isinstance(value, bool) else "int64" if isinstance(value, int) else "float32"
        return Spec(_shape(params["shape"]), dtypes.from_name(params.get("dtype") or default))

    @staticmethod
    def make(rng, shape, fill_value=0.0, dtype=None, requires_grad=False):
        spec = Full.infer(shape=shape, fill_value=fill_value, dtype=dtype)
        return np.full(spec.shape, fill_value, dtype=spec.dtype.name)


@register
class Eye(Leaf):
    name, torch = "eye", "torch.eye({n}, {m})"
    doc = "The identity matrix (n × m, m = n when left out)."
    params = (Param("n", "int", 3, "rows", min=0, required=True), Param("m", "int", None, "columns (default: n)", min=0),
              _dtype("float32"), REQUIRES_GRAD)
    samples = (Sample((), {"n": 3}), Sample((), {"n": 2, "m": 4}))

    @classmethod
    def infer(cls, **params: Any) -> Spec:
        n = params["n"]
        m = params.get("m")
        for name, size in (("n", n), ("m", m)):
            if size is not None and size < 0:
                raise ShapeError(f"{name} must be greater or equal to 0, got {size}")
        return Spec((n, n if m is None else m), dtypes.from_name(params.get("dtype") or "float32"))

    @staticmethod
    def make(rng, n, m=None, dtype="float32", requires_grad=False):
        return np.eye(n, n if m is None else m, dtype=_np({"dtype": dtype}))


@register
class Arange(Leaf):
    name, torch = "arange", "torch.arange({start}, {end}, {step})"
    doc = "Evenly spaced values in [start, end) with the given step."
    params = (Param("start", "float", 0, "first value"), Param("end", "float", None, "stop before this", required=True),
              Param("step", "float", 1, "spacing"), _dtype(None), REQUIRES_GRAD)
    samples = (Sample((), {"end": 12, "dtype": "float32"}), Sample((), {"start": 1, "end": 2, "step": 0.25}),
               Sample((), {"end": 5}), Sample((), {"end": 5, "step": 0}, error="step must be nonzero"),
               Sample((), {"start": 3, "end": 0}, error="upper bound and lower bound inconsistent with step sign"),
               Sample((), {"end": 2, "dtype": "bool"}, error="\"arange_cpu\" not implemented for 'Bool'"))

    @classmethod
    def infer(cls, **params: Any) -> Spec:
        start, end, step = params.get("start", 0), params["end"], params.get("step", 1)
        if step == 0:
            raise ShapeError("step must be nonzero")
        if params.get("dtype") == "bool":
            raise ShapeError("\"arange_cpu\" not implemented for 'Bool'")
        try:  # whole numbers exactly (an end of 10**3000 is a size for the memory check, not a float)
            if (end - start) * step < 0:
                raise ShapeError("upper bound and lower bound inconsistent with step sign")
            whole = all(isinstance(v, int) and not isinstance(v, bool) for v in (start, end, step))
            dtype = dtypes.from_name(params.get("dtype") or ("int64" if whole else "float32"))
            if dtype is dtypes.int64:  # PyTorch counts int64 ranges on the truncated bounds
                start, end, step = int(start), int(end), int(step)
                if step == 0:
                    raise ShapeError("step must be nonzero", raise_as=ValueError)
                span = end - start + step - (1 if step > 0 else -1)
                n = max(0, abs(span) // abs(step) * (1 if (span >= 0) == (step > 0) else -1))
            else:
                n = max(0, math.ceil((end - start) / step))
        except OverflowError:
            raise ShapeError("arange: the range is too large") from None
        return Spec((n,), dtype)

    @staticmethod
    def make(rng, end, start=0, step=1, dtype=None, requires_grad=False):
        spec = Arange.infer(start=start, end=end, step=step, dtype=dtype)
        return arange_values(start, step, spec.shape[0], spec.dtype.name)


@register
class Linspace(Leaf):
    name, torch = "linspace", "torch.linspace({start}, {end}, {steps})"
    doc = "`steps` values evenly spaced from start to end, both included."
    params = (Param("start", "float", 0.0, "first value"), Param("end", "float", 1.0, "last value"),
              Param("steps", "int", 5, "how many values", min=0, required=True), _dtype("float32"), REQUIRES_GRAD)
    samples = (Sample((), {"start": -1.0, "end": 1.0, "steps": 5}),)

    @classmethod
    def infer(cls, **params: Any) -> Spec:
        if params["steps"] < 0:
            raise ShapeError("number of steps must be non-negative")
        return Spec((params["steps"],), dtypes.from_name(params.get("dtype") or "float32"))

    @staticmethod
    def make(rng, steps, start=0.0, end=1.0, dtype="float32", requires_grad=False):
        Linspace.infer(steps=steps, dtype=dtype)
        return linspace_values(start, end, steps, _np({"dtype": dtype}))


@register
class Rand(Leaf):
    name, torch = "rand", "torch.rand({shape})"
    doc = "Uniform random numbers in [0, 1) (seeded by the file's seed)."
    samples = (Sample((), {"shape": [3, 2]}),
               Sample((), {"shape": [2], "dtype": "int64"}, error='"check_uniform_bounds" not implemented for \'Long\''))

    @classmethod
    def infer(cls, **params: Any) -> Spec:
        return _float_spec(params, "check_uniform_bounds")

    @staticmethod
    def make(rng, shape, dtype="float32", requires_grad=False):
        return rng.random(_shape(shape)).astype(_np({"dtype": dtype}))


@register
class Randn(Leaf):
    name, torch = "randn", "torch.randn({shape})"
    doc = "Normal random numbers, mean 0 and standard deviation 1 (seeded)."
    samples = (Sample((), {"shape": [3, 2]}),
               Sample((), {"shape": [2], "dtype": "int64"}, error='"normal_kernel_cpu" not implemented for \'Long\''))

    @classmethod
    def infer(cls, **params: Any) -> Spec:
        return _float_spec(params, "normal_kernel_cpu")

    @staticmethod
    def make(rng, shape, dtype="float32", requires_grad=False):
        return rng.standard_normal(_shape(shape)).astype(_np({"dtype": dtype}))


@register
class Randint(Leaf):
    name, torch = "randint", "torch.randint({low}, {high}, {shape})"
    doc = "Random whole numbers in [low, high) (seeded)."
    params = (Param("low", "int", 0, "smallest value"), Param("high", "int", 10, "stop before this", required=True),
              SHAPE, _dtype("int64"), REQUIRES_GRAD)
    samples = (Sample((), {"high": 5, "shape": [4]}), Sample((), {"low": 3, "high": 3, "shape": [2]}, error="from"))

    @classmethod
    def infer(cls, **params: Any) -> Spec:
        if params.get("low", 0) >= params["high"]:
            raise ShapeError(f"random_ expects 'from' to be less than 'to', but got from={params.get('low', 0)} >= to={params['high']}")
        return Spec(_shape(params["shape"]), dtypes.from_name(params.get("dtype") or "int64"))

    @staticmethod
    def make(rng, high, shape, low=0, dtype="int64", requires_grad=False):
        Randint.infer(low=low, high=high, shape=shape)
        return rng.integers(low, high, size=_shape(shape)).astype(_np({"dtype": dtype}, "int64"))


@register
class Randperm(Leaf):
    name, torch = "randperm", "torch.randperm({n})"
    doc = "The whole numbers 0 … n-1 in a random order (seeded): a shuffled index, e.g. for mini-batches."
    params = (Param("n", "int", 5, "how many", required=True, min=0), _dtype("int64"), REQUIRES_GRAD)
    samples = (Sample((), {"n": 6}), Sample((), {"n": 0}), Sample((), {"n": -1}, error="Trying to create tensor with negative dimension -1: [-1]"))

    @classmethod
    def infer(cls, **params: Any) -> Spec:
        n = params["n"]
        if not isinstance(n, int) or isinstance(n, bool) or n < 0:
            raise ShapeError(f"Trying to create tensor with negative dimension {n}: [{n}]")
        return Spec((n,), dtypes.from_name(params.get("dtype") or "int64"))

    @staticmethod
    def make(rng, n, dtype="int64", requires_grad=False):
        Randperm.infer(n=n)
        return rng.permutation(n).astype(_np({"dtype": dtype}, "int64"))


@register
class Normal(Leaf):
    name, torch = "normal", "torch.normal({mean}, {std}, {shape})"
    doc = "Normal random numbers with the given mean and standard deviation (seeded)."
    params = (Param("mean", "float", 0.0, "the mean"), Param("std", "float", 1.0, "the standard deviation", min=0.0),
              SHAPE, _dtype("float32"), REQUIRES_GRAD)
    samples = (Sample((), {"mean": 2.0, "std": 0.5, "shape": [3, 2]}),
               Sample((), {"std": -1.0, "shape": [2]}, error="normal expects std >= 0.0, but found std -1"))

    @classmethod
    def infer(cls, **params: Any) -> Spec:
        if params.get("std", 1.0) < 0:
            raise ShapeError(negative_std(params["std"]))
        return Spec(_shape(params["shape"]), dtypes.from_name(params.get("dtype") or "float32"))

    @staticmethod
    def make(rng, shape, mean=0.0, std=1.0, dtype="float32", requires_grad=False):
        Normal.infer(shape=shape, std=std)
        return (rng.standard_normal(_shape(shape)) * std + mean).astype(_np({"dtype": dtype}))
