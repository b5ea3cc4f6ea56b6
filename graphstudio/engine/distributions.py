"""`torch.distributions`: Normal, Bernoulli, Categorical, Multinomial and Uniform, as the RL and
probability lessons use them.

log_prob, entropy, mean and the rest are compositions of registry ops, written as PyTorch writes
them, so their values, gradients (through loc, scale, probs, logits) and grad_fn names are
PyTorch's. Draws come from the engine's seeded generator (repeatable with `manual_seed`, not
PyTorch's numbers); `rsample` is loc + eps * scale with the draw eps held fixed, so gradients flow
through the parameters. Arguments are validated as PyTorch validates them by default, in its words.
"""
from __future__ import annotations

import math
from typing import Any, Callable

import numpy as np

from .core import dtypes
from .core.generator import default_generator
from .core.grad_graph import no_grad
from .core.tensor import Size, Tensor
from .factory import from_host, tensor
from .functions import TORCH
from .nn import functional as F

_broadcast_tensors = TORCH["broadcast_tensors"]


class Constraint:
    """Where a parameter or a value must lie; prints as PyTorch's constraint does."""

    def __init__(self, name: str, check: Callable[[Tensor], Tensor], *args: Any, **bounds: Any):
        self.name, self._check, self.args, self.bounds = name, check, args, bounds

    def check(self, value: Tensor) -> Tensor:
        return self._check(value)

    def __repr__(self) -> str:
        return f"{self.name}({', '.join([*map(str, self.args), *(f'{k}={v}' for k, v in self.bounds.items())])})"


real = Constraint("Real", lambda v: v == v)  # False for NaN
positive = Constraint("GreaterThan", lambda v: v > 0.0, lower_bound=0.0)
unit_interval = Constraint("Interval", lambda v: (v >= 0.0) & (v <= 1.0), lower_bound=0.0, upper_bound=1.0)
boolean = Constraint("Boolean", lambda v: (v == 0) | (v == 1))
simplex = Constraint("Simplex", lambda v: (v >= 0).all(-1) & ((v.sum(-1) - 1).abs() < 1e-6))
real_vector = Constraint("IndependentConstraint", lambda v: (v == v).all(-1), real, 1)


def _interval(low: Any, high: Any, integer: bool = False) -> Constraint:
    if integer:
        return Constraint("IntegerInterval", lambda v: (v % 1 == 0) & (v >= low) & (v <= high),
                          lower_bound=low, upper_bound=high)
    return Constraint("Interval", lambda v: (v >= low) & (v <= high), lower_bound=low, upper_bound=high)


class _lazy:
    """A value computed on first use and then kept in the instance (PyTorch's lazy_property: `probs` from
    `logits` or the other way round; once computed, it shows in the distribution's repr too)."""

    def __init__(self, fn: Callable) -> None:
        self.fn, self.__doc__ = fn, fn.__doc__

    def __set_name__(self, owner: type, name: str) -> None:
        self.name = name

    def __get__(self, obj: Any, owner: type | None = None) -> Any:
        if obj is None:
            return self
        with_value = self.fn(obj)
        obj.__dict__[self.name] = with_value
        return with_value


def _as_tensors(*values: Any) -> tuple:
    """Numbers become tensors (of the tensors' dtype, else float32), then all broadcast together."""
    like = next((v for v in values if isinstance(v, Tensor)), None)
    dt = like.dtype if like is not None else dtypes.DEFAULT_FLOAT
    device = like.device if like is not None else None
    made = [v if isinstance(v, Tensor) else tensor(float(v), dtype=dt, device=device) for v in values]
    return tuple(_broadcast_tensors(*made)) if len(made) > 1 else (made[0],)


def _draw(fn: Callable[[Any], np.ndarray], like: Tensor) -> Tensor:
    """Numbers from the seeded generator, in `like`'s dtype and on its device."""
    return from_host(np.asarray(fn(default_generator.rng)).astype(like.dtype.name, copy=False), like.device)


def _clamp_probs(probs: Tensor) -> Tensor:
    eps = float(np.finfo(probs.dtype.name).eps)
    return probs.clamp(min=eps, max=1 - eps)


class Distribution:
    """What every distribution has: batch and event shapes, sample / rsample, argument validation."""

    arg_constraints: dict[str, Constraint] = {}
    support: Constraint | None = None
    has_rsample = False
    _validate_args = True

    def __init__(self, batch_shape: tuple = (), event_shape: tuple = (), validate_args: bool | None = None):
        self._batch_shape, self._event_shape = Size(batch_shape), Size(event_shape)
        if validate_args is not None:
            self._validate_args = validate_args
        if self._validate_args:
            for name, constraint in self.arg_constraints.items():
                if name not in self.__dict__:
                    continue  # computed later from the other parameter
                value = self.__dict__[name]
                if not bool(constraint.check(value).all()):
                    raise ValueError(f"Expected parameter {name} ({type(value).__name__} of shape "
                                     f"{tuple(value.shape)}) of distribution {self!r} to satisfy the constraint "
                                     f"{constraint!r}, but found invalid values:\n{value}")

    @property
    def batch_shape(self) -> Size:
        return self._batch_shape

    @property
    def event_shape(self) -> Size:
        return self._event_shape

    def _extended_shape(self, sample_shape: Any = ()) -> tuple:
        return tuple(sample_shape) + tuple(self._batch_shape) + tuple(self._event_shape)

    def sample(self, sample_shape: Any = Size()) -> Tensor:
        with no_grad():
            return self.rsample(sample_shape)

    def rsample(self, sample_shape: Any = Size()) -> Tensor:
        raise NotImplementedError(f"{type(self).__name__} does not support rsample (its samples carry no gradient)")

    @property
    def stddev(self) -> Tensor:
        return self.variance.sqrt()

    def _validate_sample(self, value: Any) -> None:
        if not isinstance(value, Tensor):
            raise ValueError("The value argument to log_prob must be a Tensor")
        start = value.ndim - len(self._event_shape)
        if tuple(value.shape[start:]) != tuple(self._event_shape):
            raise ValueError(f"The right-most size of value must match event_shape: {value.shape} vs "
                             f"{self._event_shape}.")
        expected = self._batch_shape + self._event_shape
        for i, j in zip(reversed(value.shape), reversed(expected)):
            if i != 1 and j != 1 and i != j:
                raise ValueError(f"Value is not broadcastable with batch_shape+event_shape: {value.shape} vs "
                                 f"{expected}.")
        if not bool(self.support.check(value).all()):
            raise ValueError(f"Expected value argument ({type(value).__name__} of shape {tuple(value.shape)}) to be "
                             f"within the support ({self.support!r}) of the distribution {self!r}, but found "
                             f"invalid values:\n{value}")

    def __repr__(self) -> str:
        shown = [f"{p}: {v if v.numel() == 1 else v.size()}" for p in self.arg_constraints
                 if isinstance(v := self.__dict__.get(p), Tensor)]
        return f"{type(self).__name__}({', '.join(shown)})"


class Normal(Distribution):
    """The normal (Gaussian) distribution with mean `loc` and standard deviation `scale`."""

    arg_constraints = {"loc": real, "scale": positive}
    support = real
    has_rsample = True

    def __init__(self, loc: Any, scale: Any, validate_args: bool | None = None):
        self.loc, self.scale = _as_tensors(loc, scale)
        super().__init__(tuple(self.loc.shape), validate_args=validate_args)

    @property
    def mean(self) -> Tensor:
        return self.loc

    @property
    def mode(self) -> Tensor:
        return self.loc

    @property
    def stddev(self) -> Tensor:
        return self.scale

    @property
    def variance(self) -> Tensor:
        return self.stddev.pow(2)

    def sample(self, sample_shape: Any = Size()) -> Tensor:
        shape = self._extended_shape(sample_shape)
        with no_grad():
            return _draw(lambda rng: rng.standard_normal(shape), self.loc) * self.scale + self.loc

    def rsample(self, sample_shape: Any = Size()) -> Tensor:
        eps = _draw(lambda rng: rng.standard_normal(self._extended_shape(sample_shape)), self.loc)
        return self.loc + eps * self.scale

    def log_prob(self, value: Tensor) -> Tensor:
        if self._validate_args:
            self._validate_sample(value)
        var = self.scale ** 2
        return -((value - self.loc) ** 2) / (2 * var) - self.scale.log() - math.log(math.sqrt(2 * math.pi))

    def entropy(self) -> Tensor:
        return 0.5 + 0.5 * math.log(2 * math.pi) + self.scale.log()


class Uniform(Distribution):
    """Uniform on [low, high)."""

    has_rsample = True

    def __init__(self, low: Any, high: Any, validate_args: bool | None = None):
        self.low, self.high = _as_tensors(low, high)
        super().__init__(tuple(self.low.shape), validate_args=validate_args)

    @property
    def arg_constraints(self) -> dict:
        return {"low": Constraint("LessThan", lambda v: v < self.high, upper_bound=self.high),
                "high": Constraint("GreaterThan", lambda v: v > self.low, lower_bound=self.low)}

    @property
    def support(self) -> Constraint:
        return _interval(self.low, self.high)

    @property
    def mean(self) -> Tensor:
        return (self.high + self.low) / 2

    @property
    def stddev(self) -> Tensor:
        return (self.high - self.low) / 12 ** 0.5

    @property
    def variance(self) -> Tensor:
        return (self.high - self.low).pow(2) / 12

    def rsample(self, sample_shape: Any = Size()) -> Tensor:
        rand = _draw(lambda rng: rng.random(self._extended_shape(sample_shape)), self.low)
        return self.low + rand * (self.high - self.low)

    def log_prob(self, value: Tensor) -> Tensor:
        if self._validate_args:
            self._validate_sample(value)
        lb = self.low.le(value).type_as(self.low)
        ub = self.high.gt(value).type_as(self.low)
        return (lb * ub).log() - (self.high - self.low).log()

    def entropy(self) -> Tensor:
        return (self.high - self.low).log()


def _one_of(probs: Any, logits: Any) -> None:
    if (probs is None) == (logits is None):
        raise ValueError("Either `probs` or `logits` must be specified, but not both.")


class Bernoulli(Distribution):
    """1 with probability `probs` (or sigmoid(`logits`)), else 0."""

    arg_constraints = {"probs": unit_interval, "logits": real}
    support = boolean

    def __init__(self, probs: Any = None, logits: Any = None, validate_args: bool | None = None):
        _one_of(probs, logits)
        if probs is not None:
            self.probs, = _as_tensors(probs)
        else:
            self.logits, = _as_tensors(logits)
        param = self.__dict__.get("probs", self.__dict__.get("logits"))
        super().__init__(tuple(param.shape), validate_args=validate_args)

    @_lazy
    def probs(self) -> Tensor:
        return self.logits.sigmoid()

    @_lazy
    def logits(self) -> Tensor:
        p = _clamp_probs(self.probs)
        return p.log() - (-p).log1p()

    @property
    def mean(self) -> Tensor:
        return self.probs

    @property
    def variance(self) -> Tensor:
        return self.probs * (1 - self.probs)

    def sample(self, sample_shape: Any = Size()) -> Tensor:
        shape = self._extended_shape(sample_shape)
        with no_grad():
            return (_draw(lambda rng: rng.random(shape), self.probs) < self.probs.expand(shape)).type_as(self.probs)

    def log_prob(self, value: Tensor) -> Tensor:
        if self._validate_args:
            self._validate_sample(value)
        logits, value = _broadcast_tensors(self.logits, value)
        return -F.binary_cross_entropy_with_logits(logits, value, reduction="none")

    def entropy(self) -> Tensor:
        return F.binary_cross_entropy_with_logits(self.logits, self.probs, reduction="none")


class Categorical(Distribution):
    """One of K categories (0 … K-1), with probabilities `probs` (normalised along the last dim) or
    softmax(`logits`); a batch of them when probs has more dims."""

    arg_constraints = {"probs": simplex, "logits": real_vector}

    def __init__(self, probs: Any = None, logits: Any = None, validate_args: bool | None = None):
        _one_of(probs, logits)
        if probs is not None:
            if probs.ndim < 1:
                raise ValueError("`probs` parameter must be at least one-dimensional.")
            self.probs = probs / probs.sum(-1, keepdim=True)
        else:
            if logits.ndim < 1:
                raise ValueError("`logits` parameter must be at least one-dimensional.")
            self.logits = logits - logits.logsumexp(dim=-1, keepdim=True)
        param = self.__dict__.get("probs", self.__dict__.get("logits"))
        self._num_events = param.shape[-1]
        super().__init__(tuple(param.shape[:-1]), validate_args=validate_args)

    @_lazy
    def probs(self) -> Tensor:
        return F.softmax(self.logits, dim=-1)

    @_lazy
    def logits(self) -> Tensor:
        return _clamp_probs(self.probs).log()

    @property
    def support(self) -> Constraint:
        return _interval(0, self._num_events - 1, integer=True)

    @property
    def param_shape(self) -> Size:
        return self.__dict__.get("probs", self.__dict__.get("logits")).shape

    @property
    def mean(self) -> Tensor:
        return self.probs.new_full(tuple(self._batch_shape), math.nan)

    @property
    def variance(self) -> Tensor:
        return self.probs.new_full(tuple(self._batch_shape), math.nan)

    def sample(self, sample_shape: Any = Size()) -> Tensor:
        """Each category k is drawn when a uniform number falls in [cdf[k-1], cdf[k])."""
        shape = tuple(sample_shape) + tuple(self._batch_shape)
        probs = self.probs.detach().host().astype(np.float64)
        cdf = np.cumsum(probs / probs.sum(-1, keepdims=True), axis=-1)
        u = default_generator.rng.random(shape)[..., None]
        picked = np.minimum(np.sum(cdf <= u, axis=-1), self._num_events - 1)
        return from_host(picked.astype(np.int64), self.probs.device)

    def log_prob(self, value: Tensor) -> Tensor:
        if self._validate_args:
            self._validate_sample(value)
        value = value.long().unsqueeze(-1)
        value, log_pmf = _broadcast_tensors(value, self.logits)
        value = value[..., :1]
        return log_pmf.gather(-1, value).squeeze(-1)

    def entropy(self) -> Tensor:
        min_real = float(np.finfo(self.logits.dtype.name).min)
        logits = self.logits.clamp(min=min_real)
        return -(logits * self.probs).sum(-1)


class Multinomial(Distribution):
    """Counts of each of K categories over `total_count` independent Categorical draws."""

    arg_constraints = {"probs": simplex, "logits": real_vector}

    def __init__(self, total_count: int = 1, probs: Any = None, logits: Any = None,
                 validate_args: bool | None = None):
        if not isinstance(total_count, int):
            raise NotImplementedError("inhomogeneous total_count is not supported")
        self.total_count = total_count
        self._categorical = Categorical(probs=probs, logits=logits)
        shape = self._categorical.param_shape
        super().__init__(tuple(shape[:-1]), tuple(shape[-1:]), validate_args=validate_args)

    @property
    def probs(self) -> Tensor:
        return self._categorical.probs

    @property
    def logits(self) -> Tensor:
        return self._categorical.logits

    @property
    def support(self) -> Constraint:
        n = self.total_count
        return Constraint("Multinomial", lambda v: (v >= 0).all(-1) & (v.sum(-1) <= n))

    @property
    def mean(self) -> Tensor:
        return self.probs * self.total_count

    @property
    def variance(self) -> Tensor:
        return self.total_count * self.probs * (1 - self.probs)

    def sample(self, sample_shape: Any = Size()) -> Tensor:
        shape = tuple(sample_shape) + tuple(self._batch_shape)
        probs = self.probs.detach().host().astype(np.float64)
        counts = default_generator.rng.multinomial(self.total_count, probs / probs.sum(-1, keepdims=True),
                                                   size=shape or None)
        return from_host(np.asarray(counts).astype(self.probs.dtype.name), self.probs.device)

    def log_prob(self, value: Tensor) -> Tensor:
        """log(n! / (x_1! … x_K!)) + sum x_k log p_k; the factorials are of the counts, which carry no gradient."""
        if self._validate_args:
            self._validate_sample(value)
        logits, value = _broadcast_tensors(self.logits, value)
        counts = value.detach().host()
        log_factorials = np.vectorize(math.lgamma)(counts.sum(-1) + 1) - np.vectorize(math.lgamma)(counts + 1).sum(-1)
        unused = (value == 0) & (logits == -math.inf)  # 0 · log 0 counts as 0
        log_powers = (logits.masked_fill(unused, 0.0) * value).sum(-1)
        return from_host(np.asarray(log_factorials).astype(logits.dtype.name), logits.device) + log_powers
