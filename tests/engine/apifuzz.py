"""Random short programs of torch calls, run against a module: PyTorch or `graphstudio.engine`.

A program is a list of steps, plain tuples drawn by `programs()`: ``(kind, *arguments)``. Tensor
operands are indices into the tensors made so far, taken modulo their count, so every program is
runnable whatever its length. `run_program` interprets the steps against one module and returns one
record per step: the code it ran (as Python text, for failure reports) and what came out — every
tensor's shape, dtype, values, ``requires_grad``, ``is_leaf``, ``grad_fn`` name and ``repr``, or the
exception's type and first line — followed by a final look at every tensor and its ``.grad``.
`compare_runs` says where two such runs first disagree.

Choices that depend on a tensor's shape (a permutation, a shape to reshape to) are made at run time
from drawn numbers, so both modules make the same choice as long as their shapes agreed so far.
"""
from __future__ import annotations

import math
import warnings
from typing import Any, Callable

import numpy as np
from hypothesis import strategies as st

DTYPES = [None, "float32", "float64", "int32", "int64", "bool"]
FLOAT_DTYPES = ["float32", "float64"]

# Values exactly representable in float32, so a literal means the same number at every dtype.
ints = st.integers(-4, 4)
floats = st.integers(-16, 16).map(lambda k: k / 4)
bools = st.booleans()
scalars = st.one_of(ints, floats, bools)
small_scalars = st.one_of(st.integers(-3, 3), st.sampled_from([-1.5, -0.5, 0.5, 2.0, 2.5]), bools)
refs = st.integers(0, 1000)
dims = st.integers(-4, 3)
sizes = st.integers(0, 3)
shapes = st.lists(st.integers(1, 3), min_size=0, max_size=3) | st.lists(sizes, min_size=1, max_size=3)
dtypes = st.sampled_from(DTYPES)


@st.composite
def nested(draw: Any, values: Any, shape: list[int]) -> Any:
    """A nested list of the given shape (a bare value for shape [])."""
    if not shape:
        return draw(values)
    return [draw(nested(values, shape[1:])) for _ in range(shape[0])]


@st.composite
def literals(draw: Any) -> Any:
    """Data for torch.tensor: one Python kind throughout, or ints and floats mixed."""
    values = draw(st.sampled_from([ints, floats, bools, st.one_of(ints, floats)]))
    return draw(nested(values, draw(shapes)))


def creation() -> Any:
    rg = st.booleans()
    return st.one_of(
        st.tuples(st.just("tensor"), literals(), dtypes, rg),
        st.tuples(st.just("factory"), st.sampled_from(["zeros", "ones"]), shapes, dtypes, rg),
        st.tuples(st.just("full"), shapes, scalars, dtypes, rg),
        st.tuples(st.just("arange"), st.integers(-4, 4), st.integers(-4, 6), st.sampled_from([1, 2, 3, -1, 0.5]),
                  dtypes),
        st.tuples(st.just("linspace"), st.integers(-4, 4), st.integers(-4, 4), st.integers(0, 5),
                  st.sampled_from([None, "float32", "float64"])),
        st.tuples(st.just("eye"), st.integers(0, 3), st.one_of(st.none(), st.integers(0, 3)), dtypes),
        st.tuples(st.just("like"), st.sampled_from(["zeros_like", "ones_like", "full_like"]), refs, dtypes, scalars),
    )


BINARY = ["+", "-", "*", "/", "**", "//", "%"]
COMPARE = ["==", "!=", "<", "<=", ">", ">="]
INPLACE = ["+=", "-=", "*=", "/=", "add_", "sub_", "mul_", "div_"]
REDUCTIONS = ["sum", "mean", "max", "min", "argmax", "argmin", "prod"]
MATMUL = ["@", "matmul", "mm", "bmm", "mv", "dot"]


@st.composite
def index_parts(draw: Any) -> Any:
    """One component of an index: int, slice, None, Ellipsis, a bool mask or an int tensor."""
    kind = draw(st.sampled_from(["int", "int", "slice", "slice", "none", "ellipsis", "mask", "itensor"]))
    if kind == "int":
        return ("int", draw(st.integers(-3, 3)))
    if kind == "slice":
        part = st.one_of(st.none(), st.integers(-3, 3))
        return ("slice", draw(part), draw(part), draw(st.sampled_from([None, None, 1, 2])))
    if kind == "mask":
        return ("mask", draw(st.lists(bools, min_size=1, max_size=6)))
    if kind == "itensor":
        return ("itensor", draw(st.lists(st.integers(-3, 2), min_size=0, max_size=3)))
    return (kind,)


indices = st.lists(index_parts(), min_size=1, max_size=3)


operands = st.one_of(small_scalars, refs.map(lambda r: ("ref", r)))  # a number, or a tensor made earlier


def operations() -> Any:
    return st.one_of(
        st.tuples(st.just("scalar"), st.sampled_from(BINARY + COMPARE), refs, small_scalars, st.booleans()),
        st.tuples(st.just("binary"), st.sampled_from(BINARY + COMPARE), refs, refs),
        st.tuples(st.just("inplace"), st.sampled_from(INPLACE), refs, operands),
        st.tuples(st.just("clamp_"), refs, st.one_of(st.none(), floats), st.one_of(st.none(), floats)),
        st.tuples(st.just("zero_"), refs),
        st.tuples(st.just("getitem"), refs, indices),
        st.tuples(st.just("setitem"), refs, indices, operands),
        st.tuples(st.just("reduce"), st.sampled_from(REDUCTIONS), refs, st.one_of(st.none(), dims), st.booleans()),
        st.tuples(st.just("view"), st.sampled_from(["view", "reshape"]), refs, st.integers(0, 4)),
        st.tuples(st.just("transpose"), refs, dims, dims),
        st.tuples(st.just("permute"), refs, st.integers(0, 1000)),
        st.tuples(st.just("squeeze"), refs, st.one_of(st.none(), dims)),
        st.tuples(st.just("unsqueeze"), refs, dims),
        st.tuples(st.just("expand"), refs, st.lists(st.integers(-1, 3), min_size=0, max_size=4)),
        st.tuples(st.just("flatten"), refs, dims, dims),
        st.tuples(st.just("t"), refs),
        st.tuples(st.just("matmul"), st.sampled_from(MATMUL), refs, refs),
        st.tuples(st.just("matmul_fresh"), st.sampled_from(MATMUL), st.integers(1, 3), st.integers(1, 3),
                  st.integers(1, 3), st.sampled_from(FLOAT_DTYPES)),
        st.tuples(st.just("backward"), refs, st.booleans()),
        st.tuples(st.just("grad"), refs),
        st.tuples(st.just("detach"), refs),
        st.tuples(st.just("requires_grad_"), refs, st.booleans()),
    )


@st.composite
def programs(draw: Any, max_steps: int = 8) -> list[tuple]:
    """A creation step, then up to ``max_steps`` steps of any kind."""
    first = draw(creation())
    rest = draw(st.lists(st.one_of(creation(), operations(), operations()), max_size=max_steps))
    return [first, *rest]


# -- the interpreter ---------------------------------------------------------------------------

class Interpreter:
    """Runs one program against ``mod`` (``torch`` or ``graphstudio.engine``), recording each step."""

    def __init__(self, mod: Any):
        self.torch = mod
        self.env: list[Any] = []
        self.names: list[str] = []
        self.records: list[dict] = []

    # operands
    def ref(self, r: int) -> tuple[Any, str]:
        i = r % len(self.env)
        return self.env[i], self.names[i]

    def dtype(self, name: str | None) -> Any:
        return None if name is None else getattr(self.torch, name)

    def operand(self, value: Any) -> tuple[Any, str]:
        if isinstance(value, tuple):
            return self.ref(value[1])
        return value, repr(value)

    def run(self, program: list[tuple]) -> list[dict]:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            for step in program:
                if not self.env and step[0] not in CREATORS:
                    continue
                made = getattr(self, "step_" + step[0])(*step[1:])
                if made is None:
                    continue
                code, thunk = made
                self.execute(code, thunk)
            self.records.append({"code": "# final state", "out": [self.final(t) for t in self.env]})
        return self.records

    def execute(self, code: str, thunk: Callable[[], Any]) -> None:
        try:
            out = thunk()
        except Exception as e:  # noqa: BLE001  (the exception is what is compared)
            self.records.append({"code": code, "raised": (type(e).__name__, _first_line(e))})
            return
        self.records.append({"code": code, "out": self.observe(out)})
        for t in out if isinstance(out, tuple) else (out,):
            if isinstance(t, self.torch.Tensor):
                self.env.append(t)
                self.names.append(f"v{len(self.env) - 1}")

    def observe(self, value: Any) -> Any:
        if isinstance(value, self.torch.Tensor):
            fn = value.grad_fn
            return {"type": str(type(value)), "shape": list(value.shape), "dtype": str(value.dtype), "values": value.detach().tolist(),
                    "requires_grad": value.requires_grad, "is_leaf": value.is_leaf,
                    "grad_fn": None if fn is None else type(fn).__name__, "repr": repr(value)}
        if isinstance(value, tuple):
            return [self.observe(v) for v in value]
        if value is None or isinstance(value, (bool, int, float)):
            return value
        return str(value)

    def final(self, t: Any) -> dict:
        return {"tensor": self.observe(t), "grad": self.observe(t.grad)}

    # creation
    def step_tensor(self, data: Any, dtype: str | None, rg: bool) -> tuple:
        T = self.torch
        code = f"torch.tensor({data!r}, dtype={dtype}, requires_grad={rg})"
        return code, lambda: T.tensor(data, dtype=self.dtype(dtype), requires_grad=rg)

    def step_factory(self, fn: str, shape: list[int], dtype: str | None, rg: bool) -> tuple:
        T = self.torch
        code = f"torch.{fn}({shape!r}, dtype={dtype}, requires_grad={rg})"
        return code, lambda: getattr(T, fn)(shape, dtype=self.dtype(dtype), requires_grad=rg)

    def step_full(self, shape: list[int], fill: Any, dtype: str | None, rg: bool) -> tuple:
        T = self.torch
        code = f"torch.full({shape!r}, {fill!r}, dtype={dtype}, requires_grad={rg})"
        return code, lambda: T.full(shape, fill, dtype=self.dtype(dtype), requires_grad=rg)

    def step_arange(self, start: int, end: int, step: Any, dtype: str | None) -> tuple | None:
        T = self.torch
        code = f"torch.arange({start}, {end}, {step}, dtype={dtype})"
        return code, lambda: T.arange(start, end, step, dtype=self.dtype(dtype))

    def step_linspace(self, start: int, end: int, steps: int, dtype: str | None) -> tuple:
        T = self.torch
        code = f"torch.linspace({start}, {end}, {steps}, dtype={dtype})"
        return code, lambda: T.linspace(start, end, steps, dtype=self.dtype(dtype))

    def step_eye(self, n: int, m: int | None, dtype: str | None) -> tuple:
        T = self.torch
        if m is None:
            return f"torch.eye({n}, dtype={dtype})", lambda: T.eye(n, dtype=self.dtype(dtype))
        return f"torch.eye({n}, {m}, dtype={dtype})", lambda: T.eye(n, m, dtype=self.dtype(dtype))

    def step_like(self, fn: str, r: int, dtype: str | None, fill: Any) -> tuple | None:
        if not self.env:
            return None
        T = self.torch
        x, name = self.ref(r)
        extra = (fill,) if fn == "full_like" else ()
        code = f"torch.{fn}({name}{''.join(', ' + repr(e) for e in extra)}, dtype={dtype})"
        return code, lambda: getattr(T, fn)(x, *extra, dtype=self.dtype(dtype))

    # arithmetic
    def step_scalar(self, op: str, r: int, s: Any, reflected: bool) -> tuple:
        x, name = self.ref(r)
        if reflected:
            return f"{s!r} {op} {name}", _binary(op, s, x)
        return f"{name} {op} {s!r}", _binary(op, x, s)

    def step_binary(self, op: str, ra: int, rb: int) -> tuple:
        a, na = self.ref(ra)
        b, nb = self.ref(rb)
        return f"{na} {op} {nb}", _binary(op, a, b)

    def step_inplace(self, op: str, r: int, other: Any) -> tuple | None:
        x, name = self.ref(r)
        o, oname = self.operand(other)
        if self.views_in_graph(x, o):
            return None
        if op.endswith("_"):
            return f"{name}.{op}({oname})", lambda: getattr(x, op)(o)
        return f"{name} {op} {oname}", _augmented(op, x, o)

    def step_clamp_(self, r: int, lo: Any, hi: Any) -> tuple | None:
        x, name = self.ref(r)
        if self.views_in_graph(x):
            return None
        return f"{name}.clamp_({lo!r}, {hi!r})", lambda: x.clamp_(lo, hi)

    def step_zero_(self, r: int) -> tuple | None:
        x, name = self.ref(r)
        if self.views_in_graph(x):
            return None
        return f"{name}.zero_()", lambda: x.zero_()

    def views_in_graph(self, x: Any, value: Any = None) -> bool:
        """x, or a tensor sharing its memory, is a view recorded by autograd (see `_view_in_graph`), or
        writing ``value`` into x is recorded while other tensors view x's memory."""
        if _view_in_graph(x) or any(_view_in_graph(t) for t in self.env if self.shares_memory(t, x)):
            return True
        recorded = x.requires_grad or getattr(value, "requires_grad", False)
        if not recorded or (x.is_leaf and x.requires_grad):  # a leaf that requires grad refuses the write
            return False
        return any(t is not x and self.shares_memory(t, x) for t in self.env)

    def shares_memory(self, a: Any, b: Any) -> bool:
        """Whether two tensors view the same memory (an empty view of some memory too). Tensors made
        empty have no memory to tell them apart, yet PyTorch's views and `detach` of one share its
        version counter: any two are taken to share it."""
        if not isinstance(a, self.torch.Tensor) or not isinstance(b, self.torch.Tensor):
            return False
        sa, sb = a.untyped_storage(), b.untyped_storage()
        return sa.nbytes() == sb.nbytes() == 0 or sa.nbytes() > 0 and sa.data_ptr() == sb.data_ptr()

    # indexing
    def index(self, x: Any, parts: list[tuple]) -> tuple[Any, str]:
        """The index a program means: masks take the shape of the dims they stand at."""
        T = self.torch
        built, codes, dim = [], [], 0
        for part in parts:
            kind = part[0]
            if kind == "int":
                built.append(part[1])
                codes.append(str(part[1]))
                dim += 1
            elif kind == "slice":
                built.append(slice(*part[1:]))
                text = ":".join("" if p is None else str(p) for p in part[1:])
                codes.append(text[:-1] if text.endswith(":") else text)  # "-1::" reads "-1:"
                dim += 1
            elif kind == "none":
                built.append(None)
                codes.append("None")
            elif kind == "ellipsis":
                built.append(Ellipsis)
                codes.append("...")
                dim = max(dim, x.ndim - (len(parts) - len(built)))
            elif kind == "mask":
                shape = list(x.shape[dim:dim + 1]) or [len(part[1])]
                n = int(np.prod(shape))
                flags = [part[1][i % len(part[1])] for i in range(n)]
                data = np.array(flags, dtype=bool).reshape(shape).tolist()
                built.append(T.tensor(data, dtype=T.bool))
                codes.append(f"torch.tensor({data!r})")
                dim += 1
            else:
                built.append(T.tensor(part[1], dtype=T.int64))
                codes.append(f"torch.tensor({part[1]!r}, dtype=torch.int64)")
                dim += 1
        return tuple(built), ", ".join(codes)

    def step_getitem(self, r: int, parts: list[tuple]) -> tuple | None:
        x, name = self.ref(r)
        if _several_ellipses(parts):
            return None
        index, code = self.index(x, parts)
        return f"{name}[{code}]", lambda: x[index]

    def step_setitem(self, r: int, parts: list[tuple], value: Any) -> tuple | None:
        x, name = self.ref(r)
        v, vname = self.operand(value)
        if self.views_in_graph(x, v) or _several_ellipses(parts):
            return None
        index, code = self.index(x, parts)

        def write() -> Any:
            x[index] = v
            return x
        return f"{name}[{code}] = {vname}", write

    # reductions
    def step_reduce(self, fn: str, r: int, dim: int | None, keepdim: bool) -> tuple:
        x, name = self.ref(r)
        if dim is None:
            return f"{name}.{fn}()", lambda: getattr(x, fn)()
        code = f"{name}.{fn}(dim={dim}, keepdim={keepdim})"
        return code, lambda: _as_tuple(getattr(x, fn)(dim=dim, keepdim=keepdim))

    # views
    def step_view(self, fn: str, r: int, choice: int) -> tuple:
        x, name = self.ref(r)
        n = math.prod(x.shape)
        shape = [[-1], [n], [1, n], [n, 1], list(reversed(list(x.shape)))][choice]
        return f"{name}.{fn}({shape!r})", lambda: getattr(x, fn)(shape)

    def step_transpose(self, r: int, d0: int, d1: int) -> tuple:
        x, name = self.ref(r)
        return f"{name}.transpose({d0}, {d1})", lambda: x.transpose(d0, d1)

    def step_permute(self, r: int, key: int) -> tuple:
        x, name = self.ref(r)
        perm = sorted(range(x.ndim), key=lambda d: (d * key + key // 7) % 5)
        return f"{name}.permute({perm!r})", lambda: x.permute(perm)

    def step_squeeze(self, r: int, dim: int | None) -> tuple:
        x, name = self.ref(r)
        if dim is None:
            return f"{name}.squeeze()", lambda: x.squeeze()
        return f"{name}.squeeze({dim})", lambda: x.squeeze(dim)

    def step_unsqueeze(self, r: int, dim: int) -> tuple:
        x, name = self.ref(r)
        return f"{name}.unsqueeze({dim})", lambda: x.unsqueeze(dim)

    def step_expand(self, r: int, sizes: list[int]) -> tuple:
        x, name = self.ref(r)
        if x.ndim == 0 and -1 in sizes and 0 in sizes:
            return None  # known: PyTorch expands a 0-dim tensor to a negative size when a 0 hides the -1
        return f"{name}.expand({sizes!r})", lambda: x.expand(sizes)

    def step_flatten(self, r: int, start: int, end: int) -> tuple | None:
        x, name = self.ref(r)
        return f"{name}.flatten({start}, {end})", lambda: x.flatten(start, end)

    def step_t(self, r: int) -> tuple:
        x, name = self.ref(r)
        return f"{name}.t()", lambda: x.t()

    # matmul family
    def step_matmul(self, fn: str, ra: int, rb: int) -> tuple | None:
        a, na = self.ref(ra)
        b, nb = self.ref(rb)
        if fn in ("@", "matmul") and a.requires_grad and b.ndim >= 3 and (
                a.ndim == 2 or a.ndim == 1 and a.shape[0] != b.shape[-2]):
            return None  # known: PyTorch folds the batch into an mm (TransposeBackward0) or mv (its size message)
        if fn == "@":
            return f"{na} @ {nb}", lambda: a @ b
        T = self.torch
        return f"torch.{fn}({na}, {nb})", lambda: getattr(T, fn)(a, b)

    def step_matmul_fresh(self, fn: str, n: int, k: int, m: int, dtype: str) -> tuple | None:
        shapes_for = {"@": ([n, k], [k, m]), "matmul": ([2, n, k], [k]), "mm": ([n, k], [k, m]),
                      "bmm": ([2, n, k], [2, k, m]), "mv": ([n, k], [k]), "dot": ([k], [k])}
        sa, sb = shapes_for[fn]
        a = np.arange(math.prod(sa)).reshape(sa) % 5 - 2
        b = np.arange(math.prod(sb)).reshape(sb) % 3 - 1
        self.execute(f"torch.tensor({a.tolist()!r}, dtype={dtype}, requires_grad=True)",
                     lambda: self.torch.tensor(a.tolist(), dtype=self.dtype(dtype), requires_grad=True))
        self.execute(f"torch.tensor({b.tolist()!r}, dtype={dtype})",
                     lambda: self.torch.tensor(b.tolist(), dtype=self.dtype(dtype)))
        return self.step_matmul(fn, len(self.env) - 2, len(self.env) - 1)

    # autograd
    def step_backward(self, r: int, with_gradient: bool) -> tuple:
        x, name = self.ref(r)
        T = self.torch
        if with_gradient:
            def run() -> Any:
                x.backward(T.full_like(x, 0.5), retain_graph=True)
            return f"{name}.backward(torch.full_like({name}, 0.5), retain_graph=True)", run
        return f"{name}.backward()", lambda: x.backward()

    def step_grad(self, r: int) -> tuple:
        x, name = self.ref(r)
        return f"{name}.grad", lambda: x.grad

    def step_detach(self, r: int) -> tuple:
        x, name = self.ref(r)
        return f"{name}.detach()", lambda: x.detach()

    def step_requires_grad_(self, r: int, flag: bool) -> tuple | None:
        x, name = self.ref(r)
        if any(t.numel() == 0 for t in self.env) or any(t is not x and self.shares_memory(t, x) for t in self.env):
            return None  # known: a view made a leaf (PyTorch then refuses in-place writes as "a view of a leaf")
        return f"{name}.requires_grad_({flag})", lambda: x.requires_grad_(flag)


# grad_fn names of views: PyTorch rebases the graph of a view written in place (CopySlices, AsStridedBackward0)
VIEW_FNS = {"ViewBackward0", "UnsafeViewBackward0", "TransposeBackward0", "PermuteBackward0", "SqueezeBackward0",
            "SqueezeBackward1", "UnsqueezeBackward0", "ExpandBackward0", "TBackward0", "SelectBackward0",
            "SliceBackward0", "AsStridedBackward0", "AliasBackward0", "ReshapeAliasBackward0", "IndexBackward0"}


def _view_in_graph(x: Any) -> bool:
    """A view that autograd records: writing into one (or into its base) rebases PyTorch's graph.

    known: the engine does not model in-place writes through views of tensors requiring grad
    (PyTorch's CopySlices/AsStridedBackward0 rebase and its "view of a leaf" refusal); skipped."""
    return x.requires_grad and type(x.grad_fn).__name__ in VIEW_FNS


def _several_ellipses(parts: list[tuple]) -> bool:
    """known: each ellipsis moves PyTorch's dim on by the dims left unindexed, so with two or more an item
    can land past the last dim, where PyTorch reads past the end of its sizes (undefined behaviour)."""
    return sum(part[0] == "ellipsis" for part in parts) > 1


CREATORS = {"tensor", "factory", "full", "arange", "linspace", "eye", "matmul_fresh"}


def _binary(op: str, a: Any, b: Any) -> Callable[[], Any]:
    return lambda: eval(f"a {op} b", {}, {"a": a, "b": b})  # noqa: S307  (op is one of BINARY/COMPARE)


def _augmented(op: str, x: Any, o: Any) -> Callable[[], Any]:
    def run() -> Any:
        scope = {"x": x, "o": o}
        exec(f"x {op} o", {}, scope)  # noqa: S102  (op is one of INPLACE)
        return scope["x"]
    return run


def _as_tuple(value: Any) -> Any:
    """max/min with dim return a named (values, indices) pair; compare it as a tuple."""
    return tuple(value) if isinstance(value, tuple) else value


# clamp_ names the C++ type where other in-place ops name the tensor type: one wording here
_CPP_NAMES = {"long int": "Long", "int": "Int", "float": "Float", "double": "Double", "bool": "Bool"}


def _first_line(e: BaseException) -> str:
    text = str(e).strip()
    line = text.splitlines()[0] if text else ""
    head, sep, cpp = line.rpartition("can't be cast to the desired output type ")
    if sep:
        return head + sep + _CPP_NAMES.get(cpp, cpp)
    return line


def run_program(program: list[tuple], mod: Any) -> list[dict]:
    """Run ``program`` against ``mod``; one record per step, then the final state of every tensor."""
    return Interpreter(mod).run(program)


# -- comparison ---------------------------------------------------------------------------------

def _close(a: Any, b: Any, dtype: str) -> bool:
    x, y = np.asarray(a, dtype=np.float64), np.asarray(b, dtype=np.float64)
    if x.shape != y.shape:
        return False
    if "float" not in dtype:
        return bool(np.array_equal(x, y, equal_nan=True))
    rtol = 1e-10 if dtype.endswith("64") else 1e-5
    return bool(np.allclose(x, y, rtol=rtol, atol=rtol, equal_nan=True))


def _diff(a: Any, b: Any, where: str) -> str | None:
    """Where two observations differ (None when they agree)."""
    if isinstance(a, dict) and isinstance(b, dict) and "values" in a and "values" in b:
        for key in ("type", "shape", "dtype", "requires_grad", "is_leaf", "grad_fn"):
            if a[key] != b[key]:
                return f"{where}.{key}: {a[key]!r} != {b[key]!r}"
        if not _close(a["values"], b["values"], a["dtype"]):
            return f"{where}.values: {a['values']!r} != {b['values']!r}"
        # printing is compared when the numbers are the same to the last bit
        if a["repr"] != b["repr"] and repr(a["values"]) == repr(b["values"]):
            return f"{where}.repr:\n{a['repr']}\n!=\n{b['repr']}"
        return None
    if isinstance(a, dict) and isinstance(b, dict):
        for key in sorted(set(a) | set(b)):
            found = _diff(a.get(key), b.get(key), f"{where}.{key}")
            if found:
                return found
        return None
    if isinstance(a, list) and isinstance(b, list) and len(a) == len(b):
        for i, (x, y) in enumerate(zip(a, b)):
            found = _diff(x, y, f"{where}[{i}]")
            if found:
                return found
        return None
    if isinstance(a, float) and isinstance(b, float):
        return None if _close(a, b, "float64") else f"{where}: {a!r} != {b!r}"
    return None if (a == b and type(a) is type(b)) else f"{where}: {a!r} != {b!r}"


def compare_runs(expected: list[dict], actual: list[dict]) -> str | None:
    """The first difference between PyTorch's run and the engine's, with the code up to it."""
    for i, (e, a) in enumerate(zip(expected, actual)):
        found = _diff(e, a, "out")
        if found:
            code = "\n".join(r["code"] for r in expected[:i + 1])
            return f"{code}\n  -> {found}"
    if len(expected) != len(actual):
        return f"{len(expected)} steps under PyTorch, {len(actual)} under the engine"
    return None


def run_expression(code: str, mod: Any) -> list[dict]:
    """One expression (`torch` names ``mod``) run as a program step: the record `compare_runs` takes."""
    interpreter = Interpreter(mod)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        interpreter.execute(code, lambda: eval(code, {"torch": mod}))  # noqa: S307  (the tests' own text)
    return interpreter.records
