"""`torch.cuda`: whether CuPy can reach a CUDA device here."""
from __future__ import annotations

from .core.backend import cuda_device_count


def is_available() -> bool:
    return cuda_device_count() > 0


def device_count() -> int:
    return cuda_device_count()
