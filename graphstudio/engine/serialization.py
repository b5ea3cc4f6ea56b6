"""`torch.save` / `torch.load` for tensors, state dicts and plain containers — without pickle.

A file is a NumPy `.npz` archive: one array per tensor plus a JSON manifest of the
structure (dicts, lists, tuples, numbers, strings, None, tensors with their device and
requires_grad). Loading never unpickles or evaluates anything, so opening a file
someone sent cannot run code (PyTorch needs `weights_only=True` for that promise).
"""
from __future__ import annotations

import io
import json
import os
from collections import OrderedDict
from typing import Any

import numpy as np

MANIFEST = "__manifest__"


def _encode(obj: Any, arrays: dict[str, np.ndarray]) -> Any:
    from .nn.modules import Parameter
    from .core.tensor import Tensor

    if isinstance(obj, Tensor):
        key = f"t{len(arrays)}"
        arrays[key] = obj.host().copy()
        return {"tensor": key, "device": str(obj.device), "requires_grad": bool(obj.requires_grad),
                "parameter": isinstance(obj, Parameter)}
    if isinstance(obj, dict):
        return {"dict": [[_encode(k, arrays), _encode(v, arrays)] for k, v in obj.items()],
                "ordered": isinstance(obj, OrderedDict)}
    if isinstance(obj, (list, tuple)):
        return {"list" if isinstance(obj, list) else "tuple": [_encode(v, arrays) for v in obj]}
    if obj is None or isinstance(obj, (bool, int, float, str)):
        return {"value": obj}
    raise TypeError(f"torch.save here stores tensors, dicts, lists, tuples, numbers and strings, not {type(obj).__name__}")


def _decode(node: dict, arrays: Any, device: Any) -> Any:
    from .factory import from_host
    from .nn.modules import Parameter

    if "tensor" in node:
        t = from_host(np.array(arrays[node["tensor"]]), device or node["device"])
        if node["parameter"]:
            return Parameter(t, requires_grad=node["requires_grad"])
        return t.requires_grad_(True) if node["requires_grad"] else t
    if "dict" in node:
        items = [(_decode(k, arrays, device), _decode(v, arrays, device)) for k, v in node["dict"]]
        return OrderedDict(items) if node["ordered"] else dict(items)
    if "list" in node:
        return [_decode(v, arrays, device) for v in node["list"]]
    if "tuple" in node:
        return tuple(_decode(v, arrays, device) for v in node["tuple"])
    return node["value"]


def save(obj: Any, f: Any, **kwargs: Any) -> None:
    """Write obj to a path or a binary file object."""
    arrays: dict[str, np.ndarray] = {}
    manifest = json.dumps(_encode(obj, arrays))
    arrays[MANIFEST] = np.frombuffer(manifest.encode("utf-8"), dtype=np.uint8)
    if isinstance(f, (str, os.PathLike)):
        with open(f, "wb") as fh:
            np.savez(fh, **arrays)
    else:
        np.savez(f, **arrays)


def load(f: Any, map_location: Any = None, *, weights_only: bool | None = None, **kwargs: Any) -> Any:
    """Read back what `save` wrote (map_location: a device to put every tensor on)."""
    source = f if isinstance(f, (str, os.PathLike)) else io.BytesIO(f.read())
    try:
        with np.load(source, allow_pickle=False) as data:
            manifest = json.loads(bytes(data[MANIFEST]).decode("utf-8"))
            device = map_location if isinstance(map_location, str) or map_location is None else str(map_location)
            return _decode(manifest, data, device)
    except (ValueError, KeyError, OSError) as e:
        raise RuntimeError(f"not a file written by graphstudio.engine.save: {e}") from None
