"""Devices and their array namespaces.

Engine code is written once against the Python array API standard; a Backend
binds a device name to a namespace: NumPy (through array-api-compat) on `cpu`,
CuPy on `cuda:N`, and array-api-strict on `strict` — a test-only device that
proves no NumPy-only call slipped into the engine, so CuPy will work too.
"""
from __future__ import annotations

import functools
from typing import Any

import numpy as np

from . import dtypes


class DeviceError(RuntimeError):
    """The device asked for cannot be used here (no CuPy, no CUDA device, bad name)."""


class device:
    """A device name as PyTorch spells it: `cpu`, `cuda`, `cuda:1`."""

    __slots__ = ("type", "index")

    def __init__(self, spec: "str | device", index: int | None = None):
        if isinstance(spec, device):
            self.type, self.index = spec.type, spec.index
            return
        kind, _, idx = str(spec).partition(":")
        if kind not in ("cpu", "cuda", "strict") or (idx and not idx.isdigit()):
            raise DeviceError(f"unknown device {spec!r}; use 'cpu', 'cuda' or 'cuda:N'")
        self.type = kind
        self.index = int(idx) if idx else index

    def __str__(self) -> str:
        return self.type if self.index is None else f"{self.type}:{self.index}"

    def __repr__(self) -> str:
        extra = "" if self.index is None else f", index={self.index}"
        return f"device(type='{self.type}'{extra})"

    def __eq__(self, other: object) -> bool:
        try:
            other = device(other)  # type: ignore[arg-type]
        except (DeviceError, TypeError):
            return NotImplemented
        return self.type == other.type and (self.index or 0) == (other.index or 0)

    def __hash__(self) -> int:
        return hash((self.type, self.index or 0))


class Backend:
    """One device: its namespace `xp`, dtype tables, and the way to the host."""

    __slots__ = ("device", "xp", "native", "to_dtype", "from_dtype", "floats", "__weakref__")

    def __init__(self, dev: device, xp: Any, native: Any):
        self.device = dev
        self.xp = xp            # array API namespace used by all engine code
        self.native = native    # the library itself, for the few calls the standard lacks
        # The dtype objects arrays report (np.dtype('float32'), not np.float32), so lookups by arr.dtype work.
        self.to_dtype = {d: xp.asarray(0, dtype=getattr(xp, "bool" if d is dtypes.bool_ else d.name)).dtype
                         for d in dtypes.DTYPES.values()}
        self.from_dtype = {v: k for k, v in self.to_dtype.items()}
        self.floats = tuple(v for k, v in self.to_dtype.items() if k.is_floating_point)  # `in` tests identity first

    def asarray(self, data: Any, dtype: dtypes.dtype | None = None) -> Any:
        return self.xp.asarray(data, dtype=None if dtype is None else self.to_dtype[dtype])

    def to_numpy(self, arr: Any) -> np.ndarray:
        """A host copy (or view, on the CPU) for display and export."""
        kind = self.device.type
        if kind == "cpu":
            return arr
        if kind == "cuda":
            return arr.get()
        return np.asarray(arr._array)

    def is_contiguous(self, arr: Any) -> bool:
        raw = arr._array if self.device.type == "strict" else arr
        return bool(raw.flags.c_contiguous)

    def __repr__(self) -> str:
        return f"Backend({self.device})"


@functools.cache
def _cuda_module():
    try:
        import cupy  # noqa: F401
    except ImportError as e:
        raise DeviceError("CUDA was asked for, but CuPy is not installed (pip install 'graphstudio[gpu]')") from e
    return cupy


def cuda_device_count() -> int:
    try:
        cupy = _cuda_module()
        return int(cupy.cuda.runtime.getDeviceCount())
    except Exception:  # no CuPy, no driver, no device: all mean "none here"
        return 0


def get_backend(spec: "str | device | Backend | None" = None) -> Backend:
    """The Backend for a device name; one instance per device, so `is` compares devices."""
    if spec is None:
        return CPU
    if isinstance(spec, Backend):
        return spec
    dev = device(spec)
    if dev.type == "cuda" and dev.index is None:
        dev = device("cuda", 0)
    return _make_backend(str(dev))


@functools.cache
def _make_backend(name: str) -> Backend:
    dev = device(name)
    if dev.type == "cpu":
        return Backend(dev, _numpy_namespace(), np)
    if dev.type == "strict":
        import array_api_strict as xp
        return Backend(dev, xp, xp)
    cupy = _cuda_module()
    count = cuda_device_count()
    if count == 0:
        raise DeviceError("CUDA was asked for, but CuPy finds no CUDA device on this machine")
    if dev.index >= count:
        raise DeviceError(f"device {dev} was asked for, but this machine has {count} CUDA device(s)")
    import array_api_compat.cupy as xp
    return Backend(dev, xp, cupy)


def _numpy_namespace() -> Any:
    """NumPy ≥ 2.1 is itself an array API namespace; older NumPy goes through array-api-compat.

    (array_api_compat.numpy also imports numpy.testing and f2py: 0.15 s of start-up
    that a headless run should not pay when NumPy needs no wrapper.)
    """
    if hasattr(np, "astype") and hasattr(np, "matrix_transpose"):
        return np
    import array_api_compat.numpy as xp

    return xp


CPU = _make_backend("cpu")
