"""Tests generated from the op registry: every op, every sample, every backend.

For each sample: inferred shape/dtype equal the forward's; float64 gradcheck against
central differences; forward equals a NumPy reference (tests/engine/references.py);
error samples raise their message; and, where torch is installed, values and
gradients equal PyTorch's.
"""
from __future__ import annotations

import numpy as np
import pytest

import graphstudio.engine as gs
from graphstudio.engine.core import dtypes, op_functions
from graphstudio.engine.core.backend import DeviceError, get_backend
from graphstudio.engine.core.dispatch import spec_of
from graphstudio.engine.core.registry import REGISTRY, ShapeError, Spec

from tests.engine.references import REFERENCES

from tests.oracle import needs_torch, torch

OPS = {name: op for name, op in REGISTRY.items() if op.kind == "op"}
CASES = [(name, i) for name, op in OPS.items() for i, s in enumerate(op.samples) if s.error is None]
ERRORS = [(name, i) for name, op in OPS.items() for i, s in enumerate(op.samples) if s.error is not None]


def _backends():
    out = ["strict"]  # compared with the CPU, the reference
    try:
        get_backend("cuda")
        out.append("cuda")
    except DeviceError:
        out.append(pytest.param("cuda", marks=pytest.mark.skip(reason="no CUDA device or no CuPy here")))
    return out


def make_inputs(op, sample, seed=0, float_dtype="float64"):
    """Host arrays (or numbers/None) for a sample's inputs, deterministic per seed."""
    rng = np.random.default_rng(seed)
    out = []
    for k, spec in enumerate(sample.inputs):
        want = sample.dtypes[k] if sample.dtypes and k < len(sample.dtypes) else None
        if isinstance(spec, tuple):
            if want == "bool":
                arr = np.asarray(rng.random(spec) > 0.5)
            elif want == "int64":
                arr = rng.integers(0, 3, size=spec).astype(np.int64)
            elif sample.distinct:  # evenly spaced in a random order: no ties, gaps far wider than gradcheck's step
                arr = (rng.permutation(int(np.prod(spec))).reshape(spec) + 0.5) / max(int(np.prod(spec)), 1)
                arr = np.asarray(arr if sample.positive else arr - 0.5).astype(want or float_dtype)
            else:
                arr = np.asarray(rng.standard_normal(spec))
                if sample.positive:
                    arr = np.asarray(np.abs(arr) + 0.5)
                arr = arr.astype(want or float_dtype)
            out.append(arr)
        elif isinstance(spec, list):
            out.append(np.asarray(spec, dtype=want) if want else np.asarray(spec))
        else:
            out.append(spec)
    return out


def to_tensors(arrays, device="cpu", requires_grad=True):
    ts = []
    for a in arrays:
        if isinstance(a, np.ndarray):
            t = gs.tensor(a, device=device)
            if requires_grad and t.dtype.is_floating_point:
                t.requires_grad_()
            ts.append(t)
        else:
            ts.append(a)
    return ts


def run(op, arrays, params, device="cpu", requires_grad=True):
    ts = to_tensors(arrays, device, requires_grad)
    out = op_functions.call(op, _group(op, ts), dict(params))
    return ts, out


def _group(op, items):
    """Sample inputs are flat; a variadic port takes the rest as one list."""
    if any(p.variadic for p in op.inputs):
        return (list(items),) if len(op.inputs) == 1 else (list(items[:-1]), items[-1])
    return tuple(items)


def outputs(out):
    """One output or several, as a list (a Spec is a tuple, but a single output)."""
    if isinstance(out, Spec):
        return [out]
    return list(out) if isinstance(out, (tuple, list)) else [out]


@pytest.mark.parametrize("name,i", CASES)
def test_infer_matches_forward(name, i):
    op = OPS[name]
    sample = op.samples[i]
    for float_dtype in ("float32", "float64"):
        arrays = make_inputs(op, sample, float_dtype=float_dtype)
        ts, out = run(op, arrays, sample.params)
        inferred = op.infer(*_group(op, [spec_of(t) for t in ts]), **{**op.defaults(), **sample.params})
        inferred = outputs(inferred)
        got = outputs(out)
        assert len(inferred) == len(got)
        for spec, t in zip(inferred, got):
            assert tuple(spec.shape) == tuple(t.shape), f"{name}: inferred {spec.shape}, forward {tuple(t.shape)}"
            assert spec.dtype is t.dtype, f"{name}: inferred {spec.dtype}, forward {t.dtype}"


@pytest.mark.parametrize("name,i", CASES)
def test_forward_matches_numpy_reference(name, i):
    op = OPS[name]
    sample = op.samples[i]
    arrays = make_inputs(op, sample)
    _, out = run(op, arrays, sample.params, requires_grad=False)
    ref = REFERENCES[name](*_group(op, arrays), **sample.params)
    for got, want in zip(outputs(out), outputs(ref)):
        np.testing.assert_allclose(got.host(), np.asarray(want), rtol=1e-7, atol=1e-9)


def _float_inputs(ts):
    return [k for k, t in enumerate(ts) if isinstance(t, gs.Tensor) and t.requires_grad]


@pytest.mark.parametrize("name,i", [(name, i) for name, i in CASES
                                    if OPS[name].differentiable and OPS[name].derivative and OPS[name].samples[i].gradcheck])
def test_gradcheck_float64(name, i):
    """Analytic vector-Jacobian products equal central differences (eps 1e-6)."""
    op = OPS[name]
    sample = op.samples[i]
    arrays = make_inputs(op, sample)
    ts, out = run(op, arrays, sample.params)
    outs = [o for o in outputs(out) if o.dtype.is_floating_point]
    rng = np.random.default_rng(1)
    vs = [rng.standard_normal(tuple(o.shape)) for o in outs]
    live = [(o, v) for o, v in zip(outs, vs) if o.requires_grad]
    if not live:
        pytest.skip(f"{name} gives no differentiable output for this sample")
    gs.autograd.backward([o for o, _ in live], [gs.tensor(v, dtype=gs.float64) for _, v in live])

    def objective(arrs):
        _, o = run(op, arrs, sample.params, requires_grad=False)
        return sum(float(np.sum(x.host() * v)) for x, v in zip([x for x in outputs(o) if x.dtype.is_floating_point], vs))

    eps = 1e-6
    for k in _float_inputs(ts):
        analytic = ts[k].grad.host() if ts[k].grad is not None else np.zeros(arrays[k].shape)
        numeric = np.zeros(arrays[k].shape)
        for idx in np.ndindex(arrays[k].shape):
            plus = [a.copy() if isinstance(a, np.ndarray) else a for a in arrays]
            minus = [a.copy() if isinstance(a, np.ndarray) else a for a in arrays]
            plus[k][idx] += eps
            minus[k][idx] -= eps
            numeric[idx] = (objective(plus) - objective(minus)) / (2 * eps)
        np.testing.assert_allclose(analytic, numeric, atol=1e-5, rtol=1e-3, err_msg=f"{name} input {k}")


@pytest.mark.parametrize("name,i", ERRORS)
def test_error_samples_raise_their_message(name, i):
    op = OPS[name]
    sample = op.samples[i]
    arrays = make_inputs(op, sample)
    with pytest.raises(ShapeError, match=None) as info:
        ts = to_tensors(arrays, requires_grad=False)
        op.infer(*_group(op, [spec_of(t) for t in ts]), **{**op.defaults(), **sample.params})
    assert sample.error in str(info.value)
    with pytest.raises(Exception) as info:
        run(op, arrays, sample.params, requires_grad=False)
    assert sample.error in str(info.value)


@pytest.mark.parametrize("device", _backends())
@pytest.mark.parametrize("name,i", CASES)
def test_backends_agree(name, i, device):
    """The same op on array-api-strict (or CuPy) gives the CPU's values and gradients."""
    op = OPS[name]
    sample = op.samples[i]
    arrays = make_inputs(op, sample)
    results = []
    for dev in ("cpu", device):
        ts, out = run(op, arrays, sample.params, device=dev)
        outs = outputs(out)
        live = [o for o in outs if o.requires_grad]
        if live and op.derivative:
            gs.autograd.backward(live, [gs.ones_like(o) for o in live])
        results.append(([o.host() for o in outs], [t.grad.host() if isinstance(t, gs.Tensor) and t.grad is not None
                                                   else None for t in ts]))
    (vals_a, grads_a), (vals_b, grads_b) = results
    for a, b in zip(vals_a, vals_b):
        np.testing.assert_allclose(a, b, rtol=1e-6, atol=1e-9)
    for a, b in zip(grads_a, grads_b):
        assert (a is None) == (b is None)
        if a is not None:
            np.testing.assert_allclose(a, b, rtol=1e-6, atol=1e-9)


def _torch_fn(op):
    name = op.name
    if name == "index":
        from graphstudio.engine.core.ops.indexing import index_key
        return lambda x, index: x[index_key(index)]
    if name == "setitem":  # x[index] = values on a copy, as a function
        from graphstudio.engine.core.ops.indexing import index_key

        def setitem(x, values, index):
            out = x.clone()
            out[index_key(index)] = values
            return out
        return setitem
    if name == "clamp_tensor":  # torch.clamp with tensor bounds
        return lambda x, lo, hi: torch.clamp(x, min=lo, max=hi)
    if name == "view":  # torch names the param `size`; the graph format says `shape`
        return lambda x, shape: x.view(shape)
    if "F" in op.namespaces:
        fn = getattr(torch.nn.functional, name)
    elif hasattr(torch, name):
        fn = getattr(torch, name)
    else:
        return lambda x, *a, **k: getattr(x, name)(*a, **k)
    return fn if op.signature is None else _in_signature_order(op, fn)


def _in_signature_order(op, fn):
    """`fn` called as PyTorch orders the op's arguments (gather: input, dim, index): positionally up to
    the first one the call leaves out, by name after it."""
    def call(*inputs, **params):
        named = {**dict(zip((p.name for p in op.inputs), inputs)), **params}
        positional = []
        for name in op.signature:
            if name not in named:
                break
            positional.append(named.pop(name))
        return fn(*positional, **named)
    return call


@needs_torch
@pytest.mark.parametrize("name,i", CASES)
def test_matches_pytorch(name, i):
    op = OPS[name]
    sample = op.samples[i]
    arrays = make_inputs(op, sample)
    ts, out = run(op, arrays, sample.params)
    tts = [torch.tensor(a, requires_grad=a.dtype.kind == "f") if isinstance(a, np.ndarray) else a for a in arrays]
    tout = _torch_fn(op)(*_group(op, tts), **_torch_params(op, sample.params))
    ours, theirs = outputs(out), outputs(tout)
    for o, t in zip(ours, theirs):
        assert list(o.shape) == list(t.shape)
        assert o.dtype.name == str(t.dtype).removeprefix("torch."), f"{name}: {o.dtype} vs {t.dtype}"
        np.testing.assert_allclose(o.host(), t.detach().numpy(), rtol=1e-6, atol=1e-8)
        assert _node_name(o.grad_fn) == _node_name(t.grad_fn), f"{name}: grad_fn"
    live = [(o, t) for o, t in zip(ours, theirs) if o.requires_grad and t.requires_grad]
    if not live:
        return
    vs = [np.random.default_rng(2).standard_normal(tuple(o.shape)) for o, _ in live]
    if not op.derivative:  # recorded by a node that refuses to run backward, in both
        for lib, outs in ((gs, [o for o, _ in live]), (torch, [t for _, t in live])):
            with pytest.raises(RuntimeError, match=f"derivative for aten::{name} is not implemented"):
                lib.autograd.backward(outs, [lib.ones_like(o) for o in outs])
        return
    gs.autograd.backward([o for o, _ in live], [gs.tensor(v, dtype=o.dtype) for v, (o, _) in zip(vs, live)])
    torch.autograd.backward([t for _, t in live], [torch.tensor(v, dtype=t.dtype) for v, (_, t) in zip(vs, live)])
    for ours_t, theirs_t in zip(ts, tts):
        if isinstance(ours_t, gs.Tensor) and ours_t.requires_grad:
            if theirs_t.grad is None:
                assert ours_t.grad is None or not np.any(ours_t.grad.host())
            else:
                np.testing.assert_allclose(ours_t.grad.host(), theirs_t.grad.numpy(), rtol=1e-6, atol=1e-8)


def _node_name(node):
    return None if node is None else node.name()


def _torch_params(op, params):
    out = {}
    for k, v in params.items():
        p = next(p for p in op.params if p.name == k)
        out[k] = getattr(torch, v) if p.type == "dtype" and v else v
    return out


def test_every_op_has_samples_and_a_reference():
    missing = [name for name, op in OPS.items() if not any(s.error is None for s in op.samples)]
    assert not missing, f"ops without samples: {missing}"
    no_ref = [name for name in OPS if name not in REFERENCES]
    assert not no_ref, f"ops without a NumPy reference in tests/engine/references.py: {no_ref}"


def test_every_leaf_op_infers_what_it_makes():
    rng = np.random.default_rng(0)
    for op in REGISTRY.values():
        if op.kind != "leaf":
            continue
        assert op.samples, f"{op.name} has no samples"
        for s in op.samples:
            params = {**op.defaults(), **s.params}
            if s.error:
                with pytest.raises((ShapeError, ValueError)) as info:
                    op.infer(**params)
                    op.make(rng, **params)
                assert s.error in str(info.value)
                continue
            spec = op.infer(**params)
            arr = op.make(rng, **params)
            assert tuple(arr.shape) == spec.shape, op.name
            assert arr.dtype.name == (spec.dtype.name if spec.dtype is not dtypes.bool_ else "bool"), op.name
