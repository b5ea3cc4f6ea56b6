"""Data types with PyTorch's names and PyTorch's promotion rules.

NumPy and PyTorch disagree on promotion (int64 + float32 is float64 in NumPy,
float32 in PyTorch; 3 / 2 on int tensors is float32 in PyTorch), so the engine
never lets the array library decide: it computes the result type here and casts.
"""
from __future__ import annotations


class dtype:
    """A tensor element type; prints as PyTorch does (`torch.float32`)."""

    __slots__ = ("name", "category", "itemsize", "is_floating_point", "scalar_type", "c_type")

    def __init__(self, name: str, category: int, itemsize: int, scalar_type: str, c_type: str):
        self.name = name
        self.category = category  # 0 bool, 1 integer, 2 floating: PyTorch's promotion order
        self.itemsize = itemsize
        self.is_floating_point = category == 2
        self.scalar_type = scalar_type  # ATen's name ("Float"), as PyTorch's kernel messages print it
        self.c_type = c_type  # the C++ type's name ("long int"), as PyTorch's dtype-mismatch messages print it

    def __repr__(self) -> str:
        return f"torch.{self.name}"

    def __reduce__(self):
        return self.name


bool_ = dtype("bool", 0, 1, "Bool", "bool")
int32 = dtype("int32", 1, 4, "Int", "int")
int64 = dtype("int64", 1, 8, "Long", "long int")
float32 = dtype("float32", 2, 4, "Float", "float")
float64 = dtype("float64", 2, 8, "Double", "double")

DTYPES: dict[str, dtype] = {d.name: d for d in (float32, float64, int32, int64, bool_)}
DEFAULT_FLOAT = float32

# Aliases a student meets in PyTorch code.
float = float32  # noqa: A001 - mirrors torch.float
double = float64
long = int64  # (torch.int, int32, is aliased in graphstudio.engine: `int` is needed here)


def from_name(name: "str | dtype | None") -> dtype | None:
    """`"float32"`, `"torch.float32"` or a dtype → dtype; raises ValueError naming the choices."""
    if name is None or isinstance(name, dtype):
        return name
    known = DTYPES.get(name) if isinstance(name, str) else None
    if known is not None:  # the usual spelling, as files and the editor write it
        return known
    key = str(name).removeprefix("torch.")
    key = {"float": "float32", "double": "float64", "long": "int64", "int": "int32"}.get(key, key)
    if key not in DTYPES:
        raise ValueError(f"unknown dtype {name!r}; choose one of {', '.join(DTYPES)}")
    return DTYPES[key]


def promote(a: dtype, b: dtype) -> dtype:
    """PyTorch's promotion of two tensor dtypes: the higher category wins, then the wider type."""
    if a is b:
        return a
    if a.category != b.category:
        return a if a.category > b.category else b
    return a if a.itemsize >= b.itemsize else b


def promote_with_dims(a: dtype, a_dim: int, b: dtype, b_dim: int) -> dtype:
    """Promotion where a 0-dim tensor only decides the result when it is of a higher category.

    PyTorch: float32 tensor * float64 scalar tensor stays float32, but int tensor * float
    scalar tensor becomes the float's type.
    """
    if a is b:
        return a
    if (a_dim == 0) == (b_dim == 0):
        return promote(a, b)
    dimmed, zero = (a, b) if b_dim == 0 else (b, a)
    return zero if zero.category > dimmed.category else dimmed


def scalar_result(t: dtype, value: object) -> dtype:
    """dtype of `tensor op python_scalar`: the tensor's, unless the scalar is of a higher category."""
    if isinstance(value, bool):
        return t
    if isinstance(value, int):
        return int64 if t is bool_ else t
    return t if t.category == 2 else DEFAULT_FLOAT
