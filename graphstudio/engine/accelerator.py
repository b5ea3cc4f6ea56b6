"""`torch.accelerator`: the device-neutral questions PyTorch 2 tutorials ask before `model.to(device)`.

Here the one accelerator there can be is CUDA through CuPy, so every answer agrees with `torch.cuda`:
no GPU means None, False and 0, as PyTorch's CPU build answers.
"""
from __future__ import annotations

from .core.backend import cuda_device_count, device

_NONE = "Cannot access accelerator device when none is available."


def device_count() -> int:
    return cuda_device_count()


def is_available() -> bool:
    return cuda_device_count() > 0


def current_accelerator(check_available: bool = False) -> device | None:
    """`device(type='cuda')` when a CUDA device is reachable, else None (`check_available` asks the same here)."""
    return device("cuda") if is_available() else None


def current_device_index() -> int:
    if not is_available():
        raise RuntimeError(_NONE)
    return 0


current_device_idx = current_device_index
