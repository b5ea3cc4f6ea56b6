"""`torch.utils`: the data utilities (`torch.utils.data`)."""
from . import data  # noqa: F401
