"""The op registry: ONE definition per op, read by everything else.

An op is a class with its ports, params, shape/dtype inference, forward and
vector-Jacobian backward side by side (as in tinygrad's early Functions), its
PyTorch name, call template and `grad_fn` name, and sample inputs. The Python
API, the compiler, the palette, the inspector, the docs, code export and the
generated tests all read it from here; nobody keeps a list of ops of their own.
"""
from __future__ import annotations

import inspect
from dataclasses import dataclass, field
from typing import Any, ClassVar, NamedTuple

from . import dtypes
from .grad_graph import Node

CATEGORIES = ("Create", "Math", "Matrix", "Shape", "Reduce", "Activation", "Loss", "Autograd", "Optimize", "Data")


class ShapeError(ValueError):
    """Inference found inputs the op cannot take; the message is PyTorch's where it has one.

    When the op runs, it reaches the user as PyTorch's exception type: `raise_as` (RuntimeError
    unless said otherwise; IndexError for DimError; NotImplementedError for a dtype with no kernel).
    """

    raise_as: type | None = None

    def __init__(self, message: str = "", raise_as: type | None = None):
        super().__init__(message)
        if raise_as is not None:
            self.raise_as = raise_as


class DimError(ShapeError, IndexError):
    """A dim out of range: PyTorch raises IndexError for these."""


class Spec(NamedTuple):
    """What is known of a tensor before it exists: its shape and dtype (a tuple: cheap to make)."""

    shape: tuple[int, ...]
    dtype: dtypes.dtype

    @property
    def ndim(self) -> int:
        return len(self.shape)

    @property
    def numel(self) -> int:
        n = 1
        for s in self.shape:
            n *= s
        return n

    def __str__(self) -> str:
        return f"{list(self.shape)} {self.dtype.name}"


@dataclass(frozen=True)
class Port:
    """A tensor input, named as PyTorch names the argument.

    `scalar_ok`: a Python number may stand in (as `x + 2`); `variadic`: a list of tensors
    (`cat`'s `tensors`); `optional`: may be left out (`linear`'s `bias`); `differentiable` False: an
    index, mask or class target, which PyTorch's node has no edge for (`where`'s condition).
    """

    name: str
    doc: str = ""
    scalar_ok: bool = False
    variadic: bool = False
    optional: bool = False
    differentiable: bool = True


def _is_int(v: Any) -> bool:
    return isinstance(v, int) and not isinstance(v, bool)


def _is_num(v: Any) -> bool:
    return isinstance(v, (int, float)) and not isinstance(v, bool)


def _int_or_ints(v: Any) -> bool:
    return _is_int(v) or isinstance(v, list) and all(_is_int(x) for x in v)


class ParamType(NamedTuple):
    """What a param type accepts in a graph file (`accepts`, described as `expected`), and what to
    type for it (`example`). Bounds (≥ 0, one -1) are the editor's and the op's to enforce: a file
    with a negative size gets PyTorch's own message from inference.

    `listed`: a list, which the editor also takes as PyTorch writes it (`2, 3` or `(2, 3)`);
    `varargs`: as an op's first param, the numbers after the tensors fill it (`x.view(2, 3)`).
    """

    accepts: Any
    expected: str
    example: str
    listed: bool = False
    varargs: bool = False


def _choice(v: Any) -> bool:
    return True  # judged against the param's own choices


PARAM_TYPES: dict[str, ParamType] = {
    "int": ParamType(_is_int, "an integer", "1"),
    "float": ParamType(_is_num, "a number", "0.5"),
    "bool": ParamType(lambda v: isinstance(v, bool), "true or false", "true"),
    "str": ParamType(lambda v: isinstance(v, str), "a string", "x"),
    "choice": ParamType(_choice, "one of the choices", ""),
    "dtype": ParamType(_choice, "a dtype", "float32"),
    # sizes ≥ 0 (zeros, repeat)
    "shape": ParamType(_int_or_ints, "a list of integers", "2, 3", listed=True, varargs=True),
    # one -1 is worked out (reshape, view)
    "size": ParamType(_int_or_ints, "a list of integers", "2, -1", listed=True, varargs=True),
    # each -1 keeps that dim (expand)
    "expand_size": ParamType(_int_or_ints, "a list of integers", "3, -1", listed=True, varargs=True),
    "dims": ParamType(lambda v: isinstance(v, list) and all(_is_int(x) for x in v), "a list of integers", "0, 1",
                      listed=True, varargs=True),
    "int_or_ints": ParamType(_int_or_ints, "an integer or a list of integers", "2", listed=True),
    "dims_or_none": ParamType(_int_or_ints, "an integer or a list of integers", "0", listed=True),
    "dim_or_none": ParamType(_is_int, "an integer", "0"),
    "padding": ParamType(lambda v: _int_or_ints(v) or v in ("same", "valid"),
                         'an integer, a list of integers, "same" or "valid"', "1"),
    "number_or_none": ParamType(_is_num, "a number", "0.5"),
    "floats": ParamType(lambda v: isinstance(v, list) and all(_is_num(x) for x in v), "a list of numbers",
                        "0.9, 0.999"),
    "data": ParamType(lambda v: _is_num(v) or isinstance(v, (list, bool)), "a number or nested lists of numbers",
                      "[[1, 2], [3, 4]]", listed=True),
}


@dataclass(frozen=True)
class Param:
    """A non-tensor argument; `type` is a key of PARAM_TYPES (register() refuses any other)."""

    name: str
    type: str
    default: Any = None
    doc: str = ""
    choices: tuple = ()
    min: float | None = None
    max: float | None = None
    required: bool = False

    @property
    def nullable(self) -> bool:
        """Whether `null` is a value of this param: its type says "or none", or it is optional
        with no default (null then means "not given"). Anything else refuses null at validation."""
        return self.type.endswith("_or_none") or (self.default is None and not self.required)


@dataclass(frozen=True)
class Sample:
    """Inputs for generated tests: shapes (random data), literal lists, or Python scalars.

    `error` is a fragment of the message the op must raise for these inputs. `positive`
    asks for inputs > 0 (log, sqrt); `data` gives exact values per input instead of random.
    """

    inputs: tuple
    params: dict = field(default_factory=dict)
    error: str | None = None
    positive: bool = False
    dtypes: tuple | None = None
    distinct: bool = False  # no ties: evenly spaced values in a random order (max, max_pool2d pick one element)
    gradcheck: bool = True  # False: inputs on the edge of the op's domain, where finite differences step outside


OUT = "out"  # in an op's `double_backward`: this entry of ctx.saved is the op's output


class Op:
    """Base of every op definition. Subclasses fill in the class attributes and methods."""

    name: ClassVar[str]
    category: ClassVar[str] = "Math"
    doc: ClassVar[str] = ""
    kind: ClassVar[str] = "op"          # op | leaf | sink | data
    inputs: ClassVar[tuple[Port, ...]] = ()
    params: ClassVar[tuple[Param, ...]] = ()
    outputs: ClassVar[tuple[str, ...]] = ("out",)
    # A tuple of pieces whose count may wait for the input's shape (split, chunk, unbind): outputs are
    # "id:0", "id:1", … even for a single piece, and references to them are checked once inferred.
    tuple_output: ClassVar[bool] = False
    torch: ClassVar[str] = ""            # call template, e.g. "torch.mm({input}, {mat2})"
    grad_fn: ClassVar[str | None] = None
    cast: ClassVar[str | None] = None    # "promote": common dtype of inputs; "float": ints become float32
    differentiable: ClassVar[bool] = True
    samples: ClassVar[tuple[Sample, ...]] = ()
    method: ClassVar[bool] = True        # also a Tensor method (x.mm(y))
    function: ClassVar[bool] = True      # also a torch-level function (torch.mm)
    functional: ClassVar[bool | None] = None  # also in torch.nn.functional (F.relu); None: where `torch` calls it there
    namespaces: ClassVar[tuple[str, ...]]  # set by register() from the three above: "torch", "Tensor", "F"
    aliases: ClassVar[tuple[str, ...]] = ()  # other names PyTorch gives the op, in the same namespaces (clip: clamp)
    inplace: ClassVar[tuple[str, ...]] = ()  # where it also runs in place: "Tensor" (x.relu_(), and each alias's
                                             # x.clip_()), "F" (F.relu(x, inplace=True))
    # PyTorch's positional order of the arguments, by name, when it is not the ports then the params (gather:
    # input, dim, index). Names that are neither are PyTorch's legacy arguments (a loss's size_average).
    signature: ClassVar[tuple[str, ...] | None] = None
    torch_class: ClassVar[str | None] = None  # an optimizer: the torch.optim class it steps with ("SGD")
    grad_fn_tensor: ClassVar[str | None] = None  # another grad_fn name when the 2nd input is a tensor
    # PyTorch's grad_fn when the 1st input is a Python number (`2 ** x`: PowBackward2, with one edge, to the
    # tensor; "NotImplemented" where that overload has no derivative, as `2 % x`)
    grad_fn_number_input: ClassVar[str | None] = None
    derivative: ClassVar[bool] = True    # False: recorded (grad_fn "NotImplemented") but backward refuses;
                                         # its node has edges to the inputs that require grad only
    fast_defaults: ClassVar[bool] = False  # with every param at its default, the short path (dispatch.unary or
                                           # binary) runs it, recording `grad_fn`
    returns_input: ClassVar[bool] = False  # a forward that hands back its input array means "the input tensor
                                           # itself" (no node), as PyTorch's no-op flatten, contiguous, to
    bool_operands: ClassVar[bool] = True  # False: a bool operand is refused before casting (PyTorch has no bool
                                          # subtraction); inference words the refusal
    number_edge: ClassVar[bool] = True   # a Python-number 2nd input keeps an edge (add, mul) or has none (pow)
    # What each entry of `ctx.saved` is, so the backward can run on Tensors and be differentiated again
    # (create_graph=True): an input's index, OUT, or None (a constant, e.g. a mask). None on the op: its
    # backward works on arrays only. Declared on the op itself, never inherited (see higher_order).
    double_backward: ClassVar[tuple | None] = None
    # The chain rule written out: one "∂L/∂x = …" per differentiable input, in order (G: the output's
    # gradient, y: the output, ᵀ: the last two dims swapped); engine/core/chain_rule.py fills in a run's shapes.
    vjp_formula: ClassVar[tuple[str, ...]] = ()
    # The backward gives an input's gradient broadcast over all but its last k dims (elementwise 0, matmul 2)
    # and the engine sums it back to the input's shape; None: the backward gives the input's shape itself.
    grad_broadcast: ClassVar[int | None] = None
    node_cls: ClassVar[type[Node]]
    node_cls_b: ClassVar[type[Node]]
    node_cls_number: ClassVar[type[Node] | None]

    # -- what the compiler and editor call, with no data ---------------------------------
    @classmethod
    def output_names(cls, params: dict) -> tuple[str, ...]:
        return cls.outputs

    @classmethod
    def grad_fn_name(cls, params: dict) -> str | None:
        return cls.grad_fn

    @classmethod
    def output_device(cls, params: dict) -> Any:
        """The device of the outputs when not the inputs' (only `to` moves data)."""
        return None

    @staticmethod
    def infer(*inputs: Any, **params: Any) -> Any:
        """Specs in (a Spec, a Python number, or a list of Specs per port) → Spec(s) out."""
        raise NotImplementedError

    # -- what runs --------------------------------------------------------------------------
    @staticmethod
    def forward(ctx: Node, *arrays: Any, **params: Any) -> Any:
        raise NotImplementedError

    @staticmethod
    def backward(ctx: Node, grad: Any) -> tuple:
        raise NotImplementedError

    @classmethod
    def defaults(cls) -> dict:
        """A fresh dict of every param's default (callers may fill it in)."""
        return dict(cls._defaults)


REGISTRY: dict[str, type[Op]] = {}
_NODE_CLASSES: dict[tuple, type[Node]] = {}


def node_class(name: str, op: type[Op], n_outputs: int = 1, multi: bool | None = None,
               edges: tuple[bool, ...] | None = None) -> type[Node]:
    """The grad_fn class for a PyTorch name; its `vjp` is the op's backward.

    `multi`: the op returned a tuple (even of one tensor), so gradients arrive as a list.
    `edges`: which inputs have an edge (default: the differentiable ports, see Port.differentiable).
    A node named NotImplemented refuses to run backward, as PyTorch's for an op with no derivative.
    """
    multi = n_outputs > 1 if multi is None else multi
    edges = tuple(p.differentiable for p in op.inputs) if edges is None else edges
    key = (name, op, n_outputs, multi, edges)
    cls = _NODE_CLASSES.get(key)
    if cls is None:
        vjp = _not_implemented(op) if name == "NotImplemented" else _edge_gradients(op, edges)
        cls = type(name, (Node,), {"__slots__": (), "vjp": vjp, "op": op, "n_outputs": n_outputs,
                                   "multi": multi, "edges": edges})
        if name in _CPP_NODES:  # C++ nodes: PyTorch's name() is qualified, the class name is not
            cls.__qualname__ = "torch::autograd::" + name
        _NODE_CLASSES[key] = cls
    return cls


def _edge_gradients(op: type[Op], edges: tuple[bool, ...]) -> Any:
    """The op's backward, keeping the gradients of the inputs that have an edge."""
    if all(edges):
        return op.backward
    backward = op.backward

    def vjp(ctx: Node, grad: Any) -> tuple:
        return tuple(g for g, k in zip(backward(ctx, grad), edges) if k)
    return vjp


def _not_implemented(op: type[Op]) -> Any:
    def vjp(ctx: Node, grad: Any) -> tuple:
        raise RuntimeError(f"derivative for aten::{op.name} is not implemented")
    return vjp


_CPP_NODES = ("CopySlices", "CopyBackwards", "NotImplemented")


def register(cls: type[Op]) -> type[Op]:
    """Class decorator: add an op to the registry, work out where the Python API has it, and make its
    grad_fn class."""
    assert cls.category in CATEGORIES, cls.category
    assert cls.name not in REGISTRY, f"op {cls.name} defined twice"
    for p in cls.params:
        if p.type not in PARAM_TYPES:
            raise TypeError(f"op {cls.name}: param {p.name} has unknown type {p.type!r} "
                            f"(known: {', '.join(PARAM_TYPES)})")
    for fn in ("infer", "forward", "backward"):
        if inspect.isfunction(cls.__dict__.get(fn)):  # written without @staticmethod, for brevity
            setattr(cls, fn, staticmethod(cls.__dict__[fn]))
    cls._defaults = {p.name: p.default for p in cls.params}
    functional = cls.functional if cls.functional is not None else cls.torch.startswith("torch.nn.functional.")
    cls.namespaces = tuple(ns for ns, has in (("torch", cls.function), ("Tensor", cls.method), ("F", functional))
                           if has and cls.kind == "op")
    if not set(cls.inplace) <= set(cls.namespaces):
        raise TypeError(f"op {cls.name}: in place in {cls.inplace}, but it is only in {cls.namespaces}")
    cls.node_cls = node_class(cls.grad_fn or "NoneBackward", cls)
    cls.node_cls_b = node_class(cls.grad_fn_tensor, cls) if cls.grad_fn_tensor else cls.node_cls
    cls.node_cls_number = node_class(cls.grad_fn_number_input, cls, edges=(False, True)) \
        if cls.grad_fn_number_input else None
    REGISTRY[cls.name] = cls
    return cls


def get(name: str) -> type[Op]:
    return REGISTRY[name]


def optimizers() -> dict[str, str]:
    """Each optimizer op's name → the torch.optim class it steps with."""
    return {op.name: op.torch_class for op in REGISTRY.values() if op.torch_class is not None}


def ops_by_category() -> dict[str, list[type[Op]]]:
    out: dict[str, list[type[Op]]] = {c: [] for c in CATEGORIES}
    for op in REGISTRY.values():
        out[op.category].append(op)
    return out

