"""PyTorch-basics snippets, run under PyTorch and under `graphstudio.engine as torch`, compared.

Each snippet is what a student writes while learning PyTorch: it binds `r` to whatever it wants
to look at (tensors, shapes, dtypes, reprs, grad_fn names, numbers, lists of them). Both runs
must agree: values within 1e-5, shapes, dtypes, requires_grad, grad_fn names and printed text;
a snippet that raises must raise the same type with the same first line (or the fragment
given) in both. Snippets that draw random numbers compare shapes and dtypes only.

Snippets never `import torch…` themselves (that would import PyTorch in both runs): they use
`torch.nn`, `torch.optim`, `torch.nn.functional` through the module they are given.
"""
from __future__ import annotations

import math
import warnings

import numpy as np
import pytest

import graphstudio.engine as gs

from tests.oracle import needs_torch, torch

SHAPES = "shapes"  # option: random values, so compare shapes and dtypes only


def S(name, code, *options, match=None):
    return pytest.param(code, options, match, id=name)


SNIPPETS = [
    # -- creation and attributes -----------------------------------------------------------
    S("tensor_from_lists", """
x = torch.tensor([[1, 2], [3, 4]])
r = (x, x.dtype, x.shape, x.ndim, x.dim(), x.numel(), x.size(), x.size(1), x.size(-1), len(x), x.is_leaf)
"""),
    S("tensor_dtypes_from_data", """
r = [torch.tensor(v).dtype for v in (1, 2.5, True, [1, 2], [1, 2.5], [True, False], [[1.0]])]
r += [torch.tensor(3.5), torch.tensor(3.5).shape, torch.tensor(3.5).ndim, torch.tensor([]).shape]
"""),
    S("factories", """
r = [torch.zeros(2, 3), torch.ones(2, 2, dtype=torch.int64), torch.full((2, 2), 7.0), torch.full((2,), 3),
     torch.eye(3), torch.eye(2, 3), torch.arange(5), torch.arange(1, 10, 3), torch.arange(0, 1, 0.25),
     torch.arange(5.0), torch.linspace(0, 1, 5), torch.linspace(-1, 1, steps=3), torch.empty(2, 3).shape,
     torch.zeros((2, 3)).shape, torch.zeros([4]).shape, torch.ones(torch.Size([2, 1])).shape]
"""),
    S("like_factories", """
x = torch.tensor([[1.5, 2.0], [3.0, 4.0]], dtype=torch.float64)
r = [torch.zeros_like(x), torch.ones_like(x), torch.full_like(x, 9), torch.zeros_like(x, dtype=torch.int64),
     torch.empty_like(x).shape, torch.rand_like(x).shape, x.new_zeros(3), x.new_ones((2, 1)),
     x.new_tensor([1, 2]), x.new_full((2,), 4.0)]
"""),
    S("random_shapes_with_seed", """
torch.manual_seed(42)
a = torch.rand(2, 3); b = torch.randn(4); c = torch.randint(0, 10, (3, 3)); d = torch.randint(5, (2,))
e = torch.randn(2, 2, dtype=torch.float64); f = torch.randperm(5); g = torch.normal(0.0, 1.0, size=(2, 3))
r = [a, b, c, d, e, f, g, bool(((a >= 0) & (a < 1)).all()), bool(((c >= 0) & (c < 10)).all()),
     sorted(f.tolist())]
""", SHAPES),
    S("seed_repeats_the_draw", """
torch.manual_seed(0); a = torch.randn(3)
torch.manual_seed(0); b = torch.randn(3)
r = (torch.equal(a, b), torch.allclose(a, b), a.shape)
"""),
    S("numpy_bridge", """
a = np.array([[1.0, 2.0], [3.0, 4.0]])
t = torch.from_numpy(a)
a[0, 0] = 100.0
u = torch.tensor(a)
a[0, 1] = -1.0
n = torch.ones(3).numpy()
r = (t, t.dtype, u, torch.as_tensor(a).dtype, type(n).__name__, n.dtype.name, t.numpy().tolist(),
     torch.tensor(np.arange(3)).dtype, torch.tensor(np.float32(2.5)).dtype)
"""),
    S("item_tolist_and_python_numbers", """
x = torch.tensor([[1.5, 2.5]])
r = (x[0, 1].item(), type(x[0, 1].item()).__name__, x.tolist(), torch.tensor(7).item(),
     type(torch.tensor(7).item()).__name__, float(torch.tensor(2.5)), int(torch.tensor(3.9)),
     bool(torch.tensor(0.0)), x.sum().item() + 1, round(torch.tensor(1.23456).item(), 3))
"""),
    S("device_and_type", """
x = torch.ones(2)
r = (x.device, str(x.device), x.device.type, x.is_cuda, torch.cuda.is_available(), x.cpu().device,
     x.to('cpu').device, torch.device('cpu'), x.type(), x.long().type(), x.double().type(), x.bool().type(),
     x.element_size(), x.double().element_size(), x.is_floating_point(), x.long().is_floating_point())
"""),
    # -- dtypes and promotion --------------------------------------------------------------
    S("conversions", """
x = torch.tensor([1.7, -2.2, 0.0])
r = [x.long(), x.int().dtype, x.float(), x.double(), x.bool(), x.to(torch.int64), x.to(dtype=torch.float64),
     x.type(torch.int64), x.long().float(), x.to(torch.bool).long(), x.type_as(torch.ones(1, dtype=torch.float64))]
""", match=None),
    S("promotion", """
i = torch.tensor([1, 2, 3]); f = torch.tensor([0.5, 1.5, 2.5]); d = f.double(); b = torch.tensor([True, False, True])
r = [(i + f).dtype, (i * 2).dtype, (i * 2.5).dtype, (i / 2).dtype, (i / i), (f + d).dtype, (b + b).dtype,
     (b + 1).dtype, (b * 1.5).dtype, (i + torch.tensor(2.5, dtype=torch.float64)).dtype,
     (f + torch.tensor(2.5, dtype=torch.float64)).dtype, (i ** 2).dtype, (i ** 0.5).dtype, (2 ** i),
     (i > 1).dtype, (b & (i > 1)), torch.tensor([1, 2]) + True]
"""),
    S("integer_division_and_remainder", """
a = torch.tensor([7, -7, 9]); b = torch.tensor([2, 2, 4])
f = torch.tensor([7.5, -7.5])
r = [a // b, a % b, a // 2, a % 3, f // 2, f % 2, torch.div(a, b, rounding_mode='floor'),
     torch.div(a, b, rounding_mode='trunc'), torch.div(a, b), torch.remainder(a, 3), torch.fmod(a, 3),
     torch.floor_divide(a, b), 17 // torch.tensor([5]), 17 % torch.tensor([5]), -a, abs(a)]
"""),
    S("boolean_masks", """
x = torch.tensor([-2.0, -0.5, 0.0, 1.0, 3.0])
m = (x > -1) & (x < 2)
r = [m, (x < -1) | (x > 2), ~m, m.sum(), m.float().mean(), x[m], x[~m], torch.logical_and(x > 0, x < 2),
     torch.logical_or(x > 0, x < -1), torch.logical_not(x > 0), m ^ (x > 0), m.any(), m.all(), m.dtype,
     torch.where(m, x, torch.zeros_like(x)), torch.where(x > 0, x, 0.0), torch.nonzero(m), m.nonzero().shape,
     x.masked_fill(m, 100.0), torch.count_nonzero(m) if hasattr(torch, 'count_nonzero') else 3]
"""),
    # -- indexing and slicing --------------------------------------------------------------
    S("indexing_reads", """
x = torch.arange(12).reshape(3, 4)
r = [x[0], x[-1], x[1, 2], x[1][2], x[:, 1], x[1:, ::2], x[..., 0], x[None].shape, x[:, None].shape,
     x[[0, 2]], x[[0, 2], [1, 3]], x[x > 5], x[torch.tensor([2, 0])], x[0:2, 1:3], x[-2:], x[:, -1],
     x[1, :], x[1, ...], x[:0].shape, x[torch.tensor(1)]]
"""),
    S("index_assignment", """
x = torch.zeros(3, 4)
x[0] = 1
x[1, 2] = 5.5
x[:, 3] = torch.tensor([7.0, 8.0, 9.0])
x[2, :2] = torch.tensor([-1.0, -2.0])
x[x > 6] = 0
x[[0, 2], [0, 1]] = 3.0
r = x
"""),
    S("index_assignment_int_and_bool", """
i = torch.arange(6)
i[2] = 9.7
i[i % 2 == 0] = -1
b = torch.zeros(3, dtype=torch.bool)
b[1] = True
m = torch.ones(2, 3)
m[:, 1:] = 0.5
m[..., 0] = torch.tensor(4.0)
r = [i, b, m]
"""),
    S("views_share_memory", """
x = torch.arange(6.0).reshape(2, 3)
row = x[0]
row[1] = 100.0
v = x.view(-1)
v[5] = -5.0
t = x.t()
t[0, 1] = 42.0
r = [x, row, v, t, x.data_ptr() == v.data_ptr() if hasattr(x, 'data_ptr') else True]
"""),
    S("clone_does_not_share", """
x = torch.tensor([1.0, 2.0, 3.0])
y = x.clone(); y[0] = 10.0
z = x.detach(); z[1] = 20.0
w = x; w[2] = 30.0
r = [x, y, z, w is x]
"""),
    S("in_place_arithmetic", """
x = torch.ones(3)
x += 1; x *= 3; x -= torch.tensor([1.0, 2.0, 3.0]); x /= 2
y = torch.zeros(2, 2); y.add_(5); y.mul_(torch.tensor([1.0, 2.0])); y.sub_(1, alpha=2); y.div_(2)
z = torch.ones(3); z.fill_(7); z.zero_(); z.add_(torch.ones(3), alpha=0.5)
c = torch.tensor([-3.0, 0.5, 4.0]); c.clamp_(min=0.0, max=1.0)
e = torch.tensor([1.0, 4.0]); e.sqrt_(); e.exp_(); e.neg_()
p = torch.tensor([1.0, 2.0]); p.pow_(2); p.abs_()
r = [x, y, z, c, e, p]
"""),
    S("in_place_int_errors", """
x = torch.tensor([1, 2, 3])
x /= 2
r = x
"""),
    # -- broadcasting --------------------------------------------------------------------------
    S("broadcasting", """
a = torch.arange(3.0).reshape(3, 1); b = torch.arange(4.0)
r = [a + b, (a * b).shape, a - 1, 10 - b, b / 2, 2 / (b + 1), torch.ones(2, 1, 3) * torch.ones(4, 1),
     torch.broadcast_to(b, (2, 4)), b.expand(2, 4), a.expand(-1, 2), b.expand_as(torch.zeros(3, 4)).shape]
"""),
    S("broadcasting_error", """
r = torch.ones(2, 3) + torch.ones(2, 2)
"""),
    # -- math ------------------------------------------------------------------------------------
    S("elementwise_math", """
x = torch.tensor([0.25, 1.0, 4.0])
r = [x.sqrt(), x.exp(), x.log(), torch.log2(x), torch.log10(x), x.sin(), x.cos(), torch.tan(x), x.tanh(),
     x.sigmoid(), x.pow(2), x ** 0.5, x.square(), x.reciprocal(), x.neg(), (-x).abs(), x.log1p(), x.expm1(),
     torch.exp(torch.tensor(1.0)), torch.rsqrt(x), torch.sign(torch.tensor([-2.0, 0.0, 3.0])),
     torch.floor(torch.tensor([1.5, -1.5])), torch.ceil(torch.tensor([1.2, -1.2])),
     torch.round(torch.tensor([0.5, 1.5, 2.5, -0.5, 1.2345])), torch.round(torch.tensor([1.2345]), decimals=2),
     torch.trunc(torch.tensor([1.7, -1.7])), torch.frac(torch.tensor([1.75, -1.25]))]
"""),
    S("clamp_min_max", """
x = torch.tensor([-2.0, 0.5, 3.0])
r = [x.clamp(-1, 1), torch.clamp(x, min=0), x.clamp(max=1.0), x.clip(0, 2), torch.clip(x, -1, 1),
     torch.maximum(x, torch.zeros(3)), torch.minimum(x, torch.ones(3)), torch.max(x, torch.zeros(3)),
     torch.min(x, torch.ones(3)), x.clamp_min(0.0), x.clamp_max(0.0)]
"""),
    S("math_constants_and_pi", """
x = torch.tensor([0.0, math.pi / 2, math.pi])
r = [torch.sin(x), torch.cos(x), torch.allclose(torch.sin(x) ** 2 + torch.cos(x) ** 2, torch.ones(3)),
     torch.isclose(x, torch.tensor([0.0, 1.5708, 3.1416]), atol=1e-4), torch.isnan(torch.tensor([1.0, float('nan')])),
     torch.isinf(torch.tensor([1.0, float('inf')])), torch.tensor(float('inf')), torch.tensor([float('nan'), 1.0])]
"""),
    # -- reductions ------------------------------------------------------------------------------
    S("reductions", """
x = torch.tensor([[1.0, 5.0, 2.0], [4.0, 3.0, 6.0]])
r = [x.sum(), x.sum(0), x.sum(dim=1), x.sum(1, keepdim=True), x.mean(), x.mean(dim=0), x.mean(1, True),
     x.prod(), x.prod(1), x.max(), x.min(), x.argmax(), x.argmin(), x.argmax(dim=1), x.argmin(0),
     x.max(dim=1), x.max(1).values, x.max(1).indices, x.min(dim=0, keepdim=True), torch.max(x, 0)[1],
     x.std(), x.var(), x.std(0), x.var(1, unbiased=False), x.std(dim=1, keepdim=True), x.var(correction=0),
     x.sum(axis=0), x.mean(axis=1), x.sum(dim=(0, 1)), x.amax(dim=0), x.amin(1), x.norm(), x.norm(dim=1),
     torch.sum(x), torch.mean(x, 1), torch.std(x), x.median(), x.cumsum(0), x.cumsum(dim=1),
     x.logsumexp(1), x.abs().sum().item()]
"""),
    S("int_and_bool_reductions", """
i = torch.tensor([[1, 2], [3, 4]]); b = torch.tensor([True, False, True])
r = [i.sum(), i.sum(0), i.prod(), i.max(), i.argmax(), b.sum(), b.any(), b.all(), i.float().mean(),
     i.max(dim=0), i.min(), torch.all(i > 0), torch.any(i > 3, dim=1), i.cumsum(0), b.sum().dtype]
"""),
    S("mean_of_ints_error", """
r = torch.tensor([1, 2, 3]).mean()
"""),
    S("sort_topk_unique", """
x = torch.tensor([3.0, 1.0, 4.0, 1.5, 5.0])
r = [torch.sort(x), x.sort(descending=True), x.argsort(), torch.topk(x, 2), x.topk(3, largest=False),
     torch.unique(torch.tensor([3, 1, 3, 2, 1]))]
"""),
    # -- matrix products -------------------------------------------------------------------------
    S("matrix_products", """
A = torch.tensor([[1.0, 2.0], [3.0, 4.0], [5.0, 6.0]]); B = torch.tensor([[1.0, 0.0, -1.0], [2.0, 1.0, 0.0]])
v = torch.tensor([1.0, -1.0]); w = torch.tensor([2.0, 0.5, 1.0])
r = [A @ B, torch.mm(A, B), torch.matmul(A, v), A @ v, torch.mv(A, v), torch.dot(v, v), v @ v,
     torch.outer(v, w), A.T, A.t(), A.T @ A, A.mT, torch.bmm(torch.ones(2, 2, 3), torch.ones(2, 3, 1)),
     torch.matmul(torch.ones(4, 2, 3), torch.ones(3, 5)).shape, w @ B.T, A.matmul(v), A.mm(B).shape]
"""),
    S("matrix_shape_error", """
r = torch.mm(torch.ones(2, 3), torch.ones(2, 3))
"""),
    S("matmul_dtype_error", """
r = torch.ones(2, 2) @ torch.ones(2, 2, dtype=torch.int64)
"""),
    # -- views, reshape and contiguity ---------------------------------------------------------
    S("view_reshape", """
x = torch.arange(12)
r = [x.view(3, 4), x.view(-1, 6).shape, x.reshape(2, 2, 3).shape, x.view(3, -1).shape, x.reshape(-1).shape,
     x.view(2, 6).is_contiguous(), x.view(3, 4).t().is_contiguous(), x.view(3, 4).t().contiguous().is_contiguous(),
     x.view(3, 4).t().reshape(-1), x.view(3, 4).t().contiguous().view(-1), x.view(3, 4).transpose(0, 1).shape,
     x.view(2, 3, 2).permute(2, 0, 1).shape, x.view(1, 12, 1).squeeze().shape, x.unsqueeze(0).shape,
     x.unsqueeze(1).shape, x.view(3, 4).flatten(), x.view(2, 3, 2).flatten(1).shape, x.view_as(torch.zeros(4, 3)).shape,
     x.reshape(3, 4).reshape_as(torch.zeros(6, 2)).shape, torch.reshape(x, (6, 2)).shape, torch.flatten(x.view(3, 4)),
     torch.squeeze(torch.zeros(1, 3, 1), 0).shape, torch.unsqueeze(x, -1).shape, torch.zeros(2, 1, 3).squeeze(1).shape]
"""),
    S("view_of_transposed_error", """
r = torch.arange(6).view(2, 3).t().view(-1)
"""),
    S("view_bad_size_error", """
r = torch.arange(6).view(4, 2)
"""),
    S("transpose_permute_T", """
x = torch.arange(24).reshape(2, 3, 4)
r = [x.transpose(0, 2).shape, x.permute(1, 2, 0).shape, x.mT.shape, torch.transpose(x, 1, 2).shape,
     x.swapaxes(0, 1).shape if hasattr(x, 'swapaxes') else (3, 2, 4), torch.arange(6).view(2, 3).T,
     torch.tensor([1, 2, 3]).T, torch.movedim(x, 0, -1).shape if hasattr(torch, 'movedim') else (3, 4, 2)]
"""),
    # -- joining and splitting -------------------------------------------------------------------
    S("cat_stack", """
a = torch.tensor([[1, 2], [3, 4]]); b = torch.tensor([[5, 6]])
r = [torch.cat([a, b]), torch.cat((a, a), dim=1), torch.cat([a, b], 0).shape, torch.stack([a, a]).shape,
     torch.stack([a, a], dim=1), torch.stack((a[0], a[1]), -1), torch.hstack([a, a]), torch.vstack([a, b]),
     torch.cat([torch.zeros(2), torch.ones(3)]), torch.cat([a, b.float()], dim=0).dtype,
     torch.concat([a, a]).shape if hasattr(torch, 'concat') else (4, 2), torch.column_stack([a[0], a[1]])]
"""),
    S("cat_error", """
r = torch.cat([torch.ones(2, 3), torch.ones(2, 4)])
"""),
    S("stack_error", """
r = torch.stack([torch.ones(2, 3), torch.ones(3, 2)])
"""),
    S("split_chunk_unbind", """
x = torch.arange(10)
r = [x.split(3), torch.split(x, [2, 3, 5]), x.chunk(3), torch.chunk(x, 5), x.view(2, 5).split(2, dim=1),
     x.view(2, 5).unbind(0), torch.unbind(x.view(5, 2), dim=1), len(x.chunk(4)), x.view(2, 5).chunk(2, 1)[1]]
"""),
    S("repeat_flip_tile", """
x = torch.tensor([[1, 2], [3, 4]])
r = [x.repeat(2, 1), x.repeat(1, 3).shape, x.repeat(2, 1, 1).shape, torch.tensor([1, 2]).repeat(3), x.flip(0),
     torch.flip(x, [0, 1]), x.flip(dims=(1,)), torch.tile(x, (2,)), x.tile((2, 2)), torch.tile(torch.tensor([1, 2]), (2, 1))]
"""),
    # -- autograd ----------------------------------------------------------------------------------
    S("autograd_the_notes", """
x = torch.ones(2, 2, requires_grad=True)
y = x + 2
z = y * y * 3
out = z.mean()
out.backward()
r = [x, y, z, out, x.grad, y.grad_fn, z.grad_fn, out.grad_fn, x.grad_fn, y.requires_grad, x.is_leaf, y.is_leaf,
     [type(f).__name__ if f is not None else None for f, _ in out.grad_fn.next_functions]]
"""),
    S("backward_with_gradient", """
x = torch.tensor([1.0, 2.0, 3.0], requires_grad=True)
y = x * 2
y.backward(torch.tensor([0.1, 1.0, 0.001]))
w = torch.tensor([[1.0, 2.0], [3.0, 4.0]], requires_grad=True)
(w @ w).backward(gradient=torch.ones(2, 2))
r = [x.grad, w.grad]
"""),
    S("backward_nonscalar_error", """
x = torch.ones(3, requires_grad=True)
(x * 2).backward()
r = x.grad
"""),
    S("retain_graph_twice", """
x = torch.tensor([1.0, 2.0], requires_grad=True)
y = (x ** 2).sum()
y.backward(retain_graph=True)
g1 = x.grad.clone()
y.backward()
r = [g1, x.grad]
"""),
    S("backward_twice_error", """
x = torch.tensor([1.0, 2.0], requires_grad=True)
y = (x * x).sum()
y.backward()
y.backward()
r = x.grad
"""),
    S("retain_grad_on_non_leaf", """
x = torch.tensor([1.0, 2.0], requires_grad=True)
y = x * 3
y.retain_grad()
z = (y ** 2).sum()
z.backward()
r = [y.grad, x.grad, y.retains_grad, x.retains_grad, z.grad]
"""),
    S("grad_accumulates_then_zero", """
w = torch.tensor([1.0, -1.0], requires_grad=True)
for _ in range(3):
    (w * w).sum().backward()
g3 = w.grad.clone()
w.grad.zero_()
(w * 5).sum().backward()
g = w.grad.clone()
w.grad = None
r = [g3, g, w.grad]
"""),
    S("detach_and_requires_grad_", """
x = torch.tensor([1.0, 2.0], requires_grad=True)
y = x * 2
d = y.detach()
a = torch.ones(2)
a.requires_grad_()
b = torch.zeros(2).requires_grad_(True)
c = x.detach().requires_grad_(False)
r = [d, d.requires_grad, d.is_leaf, d.grad_fn, y.detach().numpy().tolist(), a.requires_grad, b, c.requires_grad,
     x.data, x.data.requires_grad, x.detach().clone().requires_grad]
"""),
    S("no_grad_context_and_decorator", """
x = torch.ones(3, requires_grad=True)
with torch.no_grad():
    y = x * 2
    inner = torch.is_grad_enabled()
    with torch.enable_grad():
        z = x * 3

@torch.no_grad()
def predict(t):
    return t * 4

@torch.no_grad
def predict2(t):
    return t * 5

p = predict(x)
q = predict2(x)
torch.set_grad_enabled(False)
s = x * 2
torch.set_grad_enabled(True)
with torch.set_grad_enabled(False):
    u = x + 1
with torch.inference_mode():
    v = x + 1
r = [y.requires_grad, inner, z.requires_grad, z.grad_fn, p.requires_grad, q.requires_grad, s.requires_grad,
     u.requires_grad, v.requires_grad, torch.is_grad_enabled(), predict.__name__]
"""),
    S("autograd_grad", """
x = torch.tensor(2.0, requires_grad=True)
w = torch.tensor([1.0, 3.0], requires_grad=True)
y = x ** 3 + (w * x).sum()
gx, gw = torch.autograd.grad(y, [x, w])
z = (w ** 2).sum()
(gz,) = torch.autograd.grad(z, w, retain_graph=True)
r = [gx, gw, gz, x.grad, w.grad, torch.autograd.grad(z, (w,))[0]]
"""),
    S("autograd_grad_unused_error", """
x = torch.tensor(1.0, requires_grad=True); y = torch.tensor(2.0, requires_grad=True)
r = torch.autograd.grad(x * 2, [x, y])
"""),
    S("leaf_in_place_error", """
w = torch.ones(2, requires_grad=True)
w += 1
r = w
"""),
    S("leaf_setitem_error", """
w = torch.ones(2, requires_grad=True)
w[0] = 5.0
r = w
"""),
    S("no_grad_update_of_leaf", """
w = torch.tensor([1.0, 2.0], requires_grad=True)
(w * w).sum().backward()
with torch.no_grad():
    w -= 0.1 * w.grad
    w[0] = 0.5
w.grad.zero_()
w.data.mul_(2)
w.data = torch.tensor([9.0, 9.0])
r = [w, w.grad, w.requires_grad, w.is_leaf]
"""),
    S("setitem_in_a_graph", """
x = torch.tensor([1.0, 2.0, 3.0], requires_grad=True)
y = x * 2
y[0] = 0.0
y[1:] = y[1:] * 10
z = torch.zeros(3)
v = torch.tensor(4.0, requires_grad=True)
z[2] = v
(y.sum() + z.sum() * 2).backward()
r = [y, z, x.grad, v.grad, type(y.grad_fn).__name__, z.requires_grad, z.is_leaf]
"""),
    S("requires_grad_on_int_error", """
r = torch.tensor([1, 2, 3], requires_grad=True)
"""),
    S("numpy_of_grad_tensor_error", """
r = torch.ones(2, requires_grad=True).numpy()
"""),
    S("grad_of_non_leaf_is_none", """
x = torch.ones(2, requires_grad=True)
y = x * 2
y.sum().backward()
with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    g = y.grad
r = [g, x.grad]
"""),
    S("chain_rule_functions", """
x = torch.tensor([0.5, -1.0, 2.0], requires_grad=True)
y = (torch.sin(x) * torch.exp(x) + torch.tanh(x) ** 2 - torch.sigmoid(x) / (1 + x.abs()) + x.relu()).sum()
y.backward()
g = x.grad.clone()
x.grad = None
(x.clamp(-0.8, 1.0) * torch.log(x * x + 1)).mean().backward()
r = [y, g, x.grad]
"""),
    S("gradients_of_reductions", """
x = torch.tensor([[1.0, 4.0, 2.0], [3.0, 0.5, 6.0]], requires_grad=True)
parts = [x.max(), x.max(dim=1).values.sum(), x.std(), x.var(0).sum(), x.norm(), x.prod(), x.mean(1).sum(),
         x.min(0)[0].sum(), torch.logsumexp(x, 1).sum() if hasattr(torch, 'logsumexp') else x.sum()]
grads = []
for p in parts:
    x.grad = None
    p.backward()
    grads.append(x.grad.clone())
r = parts + grads
"""),
    S("gradients_of_shape_ops", """
x = torch.arange(6.0, requires_grad=True)
y = x.view(2, 3).t().reshape(3, 2)[1:].repeat(2, 1).flip(0)
w = torch.tensor([[1.0, 2.0], [3.0, 4.0], [5.0, 6.0], [7.0, 8.0]])
(y * w).sum().backward()
a = torch.ones(2, requires_grad=True); b = torch.ones(3, requires_grad=True)
c = torch.cat([a * 2, b * 3]); s = torch.stack([a, a * 4])
(c.sum() + s.sum()).backward()
r = [y, x.grad, a.grad, b.grad, y.grad_fn, c.grad_fn, s.grad_fn]
"""),
    S("grad_through_matmul_and_outer", """
A = torch.tensor([[1.0, 2.0], [3.0, 4.0]], requires_grad=True)
v = torch.tensor([1.0, -1.0], requires_grad=True)
out = (A @ v).sum() + torch.dot(v, v) + torch.outer(v, v).sum() + torch.mv(A, v).pow(2).sum()
out.backward()
r = [out, A.grad, v.grad]
"""),
    # -- losses, layers and training -----------------------------------------------------------
    S("loss_functions", """
F = torch.nn.functional
pred = torch.tensor([0.2, 0.7, 0.9]); target = torch.tensor([0.0, 1.0, 1.0])
logits = torch.tensor([[2.0, 0.5, -1.0], [0.1, 0.2, 3.0]]); labels = torch.tensor([0, 2])
r = [F.mse_loss(pred, target), F.l1_loss(pred, target), F.binary_cross_entropy(pred, target),
     F.binary_cross_entropy_with_logits(pred, target), F.cross_entropy(logits, labels),
     F.cross_entropy(logits, labels, reduction='none'), F.nll_loss(F.log_softmax(logits, dim=1), labels),
     F.mse_loss(pred, target, reduction='sum'), torch.nn.MSELoss()(pred, target), torch.nn.L1Loss()(pred, target),
     torch.nn.CrossEntropyLoss()(logits, labels), torch.nn.BCELoss()(pred, target),
     torch.nn.BCEWithLogitsLoss()(pred, target), torch.nn.NLLLoss()(torch.log_softmax(logits, 1), labels),
     F.smooth_l1_loss(pred, target), F.huber_loss(pred, target), torch.nn.HuberLoss()(pred, target),
     torch.nn.SmoothL1Loss()(pred, target), torch.nn.CrossEntropyLoss(reduction='sum')(logits, labels),
     torch.nn.CrossEntropyLoss(label_smoothing=0.1)(logits, labels), torch.nn.HuberLoss(delta=0.1)(pred, target)]
"""),
    S("activations", """
F = torch.nn.functional
x = torch.tensor([[-2.0, -0.5, 0.0, 0.5, 2.0]])
r = [F.relu(x), torch.relu(x), F.leaky_relu(x), F.leaky_relu(x, 0.2), F.elu(x), F.gelu(x), F.silu(x),
     F.softplus(x), F.softmax(x, dim=1), torch.softmax(x, 1), x.softmax(-1), F.log_softmax(x, dim=-1),
     torch.log_softmax(x, 1), F.sigmoid(x), F.tanh(x), torch.nn.ReLU()(x), torch.nn.Sigmoid()(x),
     torch.nn.Tanh()(x), torch.nn.Softmax(dim=1)(x), torch.nn.LeakyReLU(0.1)(x), torch.nn.LogSoftmax(dim=1)(x),
     torch.nn.GELU()(x), torch.nn.ELU()(x), torch.nn.Softplus()(x), torch.nn.SiLU()(x), F.hardtanh(x),
     torch.nn.Identity()(x), F.relu6(x * 4), torch.nn.Flatten()(torch.ones(2, 3, 4)).shape]
"""),
    S("one_hot_and_accuracy", """
F = torch.nn.functional
labels = torch.tensor([0, 2, 1, 2])
logits = torch.tensor([[3.0, 1.0, 0.0], [0.0, 0.5, 2.0], [1.0, 0.0, 0.0], [0.0, 2.0, 1.0]])
pred = logits.argmax(dim=1)
r = [F.one_hot(labels), F.one_hot(labels, num_classes=4), pred, (pred == labels).sum().item(),
     (pred == labels).float().mean().item(), torch.eq(pred, labels), pred.eq(labels).sum(), pred.ne(labels),
     torch.argmax(torch.softmax(logits, 1), 1)]
"""),
    S("linear_layer_with_set_weights", """
nn = torch.nn
lin = nn.Linear(3, 2)
with torch.no_grad():
    lin.weight.copy_(torch.tensor([[1.0, 0.0, -1.0], [0.5, 0.5, 0.5]]))
    lin.bias.fill_(0.1)
x = torch.tensor([[1.0, 2.0, 3.0], [0.0, -1.0, 1.0]])
y = lin(x)
y.sum().backward()
r = [y, lin.weight.grad, lin.bias.grad, lin.weight.shape, lin.bias.shape, lin.in_features, lin.out_features,
     lin, type(lin.weight).__name__, lin.weight.requires_grad, lin.weight.is_leaf, y.grad_fn,
     nn.Linear(4, 3, bias=False).bias, lin(torch.ones(3)).shape]
"""),
    S("sequential_model", """
nn = torch.nn
torch.manual_seed(0)
model = nn.Sequential(nn.Linear(4, 8), nn.ReLU(), nn.Linear(8, 3))
x = torch.randn(5, 4)
r = [model(x).shape, len(list(model.parameters())), sum(p.numel() for p in model.parameters()),
     [n for n, _ in model.named_parameters()], list(model.state_dict().keys()), model, model[0], model[-1],
     len(model), type(model[1]).__name__, [p.shape for p in model.parameters()]]
"""),
    S("custom_module", """
nn = torch.nn
F = torch.nn.functional

class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc1 = nn.Linear(2, 4)
        self.fc2 = nn.Linear(4, 1)
        self.act = nn.Tanh()

    def forward(self, x):
        return self.fc2(self.act(self.fc1(x)))

net = Net()
for p in net.parameters():
    with torch.no_grad():
        p.fill_(0.25)
out = net(torch.tensor([[1.0, 2.0]]))
out.backward()
r = [out, net.fc1.weight.grad, net.fc2.bias.grad, net, [n for n, _ in net.named_parameters()],
     list(dict(net.named_children()).keys()), net.training, net.eval().training, net.train().training,
     isinstance(net, nn.Module), [type(m).__name__ for m in net.modules()]]
"""),
    S("module_zero_grad_and_requires_grad", """
nn = torch.nn
lin = nn.Linear(2, 1)
lin(torch.ones(1, 2)).sum().backward()
had = lin.weight.grad is not None
lin.zero_grad()
lin.weight.requires_grad_(False)
frozen = [p.requires_grad for p in lin.parameters()]
r = [had, lin.weight.grad, lin.bias.grad, frozen]
"""),
    S("sgd_training_loop", """
nn = torch.nn
X = torch.tensor([[0.0], [1.0], [2.0], [3.0]]); Y = 2 * X + 1
model = nn.Linear(1, 1)
with torch.no_grad():
    model.weight.fill_(0.0); model.bias.fill_(0.0)
opt = torch.optim.SGD(model.parameters(), lr=0.05)
loss_fn = nn.MSELoss()
losses = []
for epoch in range(50):
    opt.zero_grad()
    loss = loss_fn(model(X), Y)
    loss.backward()
    opt.step()
    losses.append(loss.item())
r = [losses[0], losses[-1], model.weight, model.bias, model.weight.grad]
"""),
    S("sgd_momentum_and_adam", """
w1 = torch.tensor([1.0, -2.0], requires_grad=True)
w2 = torch.tensor([1.0, -2.0], requires_grad=True)
w3 = torch.tensor([1.0, -2.0], requires_grad=True)
opts = [torch.optim.SGD([w1], lr=0.1, momentum=0.9), torch.optim.Adam([w2], lr=0.1),
        torch.optim.SGD([w3], lr=0.1, weight_decay=0.01)]
for _ in range(5):
    for w, opt in zip((w1, w2, w3), opts):
        opt.zero_grad()
        ((w - 3) ** 2).sum().backward()
        opt.step()
r = [w1, w2, w3, opts[1].param_groups[0]['lr'], len(opts[0].param_groups)]
"""),
    S("classifier_training_loop", """
nn = torch.nn
X = torch.tensor([[1.0, 0.0], [0.0, 1.0], [1.0, 1.0], [0.0, 0.0], [2.0, 0.5], [0.5, 2.0]])
y = torch.tensor([0, 1, 1, 0, 0, 1])
model = nn.Sequential(nn.Linear(2, 3), nn.ReLU(), nn.Linear(3, 2))
with torch.no_grad():
    for i, p in enumerate(model.parameters()):
        p.copy_(torch.linspace(-0.5, 0.5, p.numel()).reshape(p.shape) * (i + 1))
opt = torch.optim.Adam(model.parameters(), lr=0.05)
crit = nn.CrossEntropyLoss()
for step in range(30):
    logits = model(X)
    loss = crit(logits, y)
    opt.zero_grad()
    loss.backward()
    opt.step()
with torch.no_grad():
    acc = (model(X).argmax(1) == y).float().mean()
r = [loss, acc, logits.shape, logits.grad_fn]
"""),
    S("manual_gradient_descent", """
x = torch.linspace(-1, 1, 10)
y = 3 * x - 0.5
w = torch.zeros(1, requires_grad=True)
b = torch.zeros(1, requires_grad=True)
lr = 0.1
for _ in range(100):
    loss = ((w * x + b - y) ** 2).mean()
    loss.backward()
    with torch.no_grad():
        w -= lr * w.grad
        b -= lr * b.grad
        w.grad.zero_()
        b.grad.zero_()
r = [w, b, loss]
"""),
    S("optimizer_zero_grad_sets_none", """
w = torch.ones(2, requires_grad=True)
opt = torch.optim.SGD([w], lr=0.1)
w.sum().backward()
opt.zero_grad()
r = [w.grad, opt.param_groups[0]['lr'], sorted(k for k in opt.param_groups[0] if k != 'params')[:3]]
"""),
    S("dropout_train_eval", """
nn = torch.nn
torch.manual_seed(0)
drop = nn.Dropout(p=0.5)
x = torch.ones(4, 4)
train_out = drop(x)
drop.eval()
eval_out = drop(x)
r = [train_out.shape, eval_out, bool(((train_out == 0) | (train_out == 2)).all()), drop.training]
"""),
    # -- printing --------------------------------------------------------------------------------
    S("repr_floats_ints_bools", """
r = [repr(torch.tensor([1.0, 2.5, -3.25])), repr(torch.tensor([1, 2, 3])), repr(torch.tensor([True, False])),
     repr(torch.tensor(3.0)), repr(torch.tensor(2)), repr(torch.tensor([[1.0, 2.0], [3.0, 4.0]])),
     repr(torch.tensor([0.1, 0.12345678])), repr(torch.tensor([1e-5, 1.0])), repr(torch.tensor([1e10, 1.0])),
     repr(torch.tensor([[-1.5, 20.0], [300.25, 4.0]])), repr(torch.zeros(2, 2, 2)), repr(torch.tensor([])),
     repr(torch.zeros(0, 3)), repr(torch.tensor([1.0, 2.0], dtype=torch.float64)),
     repr(torch.tensor([1, 2], dtype=torch.float64)), repr(torch.tensor([float('nan'), 1.0, float('inf')])),
     repr(torch.tensor([123456.0, 0.5])), repr(torch.tensor([-0.0, 0.0])), str(torch.tensor([1.0, 2.0]))]
"""),
    S("repr_autograd", """
x = torch.tensor([1.0, 2.0], requires_grad=True)
y = x * 2
z = y.sum()
r = [repr(x), repr(y), repr(z), repr(x.detach()), repr(y.mean()), repr(torch.nn.Parameter(torch.ones(2))),
     repr(x.grad), repr(torch.tensor(1.5, requires_grad=True)), repr(-x), repr(x[0]), repr(y.view(2, 1))]
"""),
    S("repr_long_and_wide", """
r = [repr(torch.arange(2000)), repr(torch.arange(2000.0)), repr(torch.arange(30.0).reshape(3, 10) / 7),
     repr(torch.arange(1200).reshape(40, 30)), repr(torch.linspace(0, 1, 20)), repr(torch.ones(3, 1, 2)),
     repr(torch.arange(100) * 1000)]
"""),
    S("repr_of_other_objects", """
x = torch.ones(2, 3)
r = [repr(x.shape), str(x.shape), repr(x.dtype), str(torch.float64), repr(torch.int64), repr(torch.device('cpu')),
     repr(torch.max(torch.tensor([[1.0, 2.0]]), dim=1)), repr(torch.nn.Linear(2, 3)), repr(torch.nn.ReLU()),
     repr(torch.nn.Sequential(torch.nn.Linear(2, 3), torch.nn.ReLU())), repr(torch.nn.MSELoss()),
     f"{torch.tensor(3.14159):.2f}", f"{torch.tensor(2.0).item():.1f}", str(torch.float), str(torch.long)]
"""),
    # -- errors in PyTorch's words ---------------------------------------------------------------
    S("index_out_of_range_error", """
r = torch.tensor([1, 2, 3])[5]
"""),
    S("item_of_many_error", """
r = torch.ones(2, 3).item()
"""),
    S("ragged_tensor_error", """
r = torch.tensor([[1, 2], [3]])
"""),
    S("bool_of_many_error", """
x = torch.tensor([1.0, 2.0])
r = 1 if x > 0 else 0
"""),
    S("cross_entropy_float_target_shape_error", """
r = torch.nn.functional.cross_entropy(torch.ones(2, 3), torch.tensor([0, 3]))
""", match="Target 3 is out of bounds."),
    S("dim_out_of_range_error", """
r = torch.ones(2, 3).sum(dim=2)
"""),
    S("unsqueeze_dim_error", """
r = torch.ones(2, 3).unsqueeze(4)
"""),
    S("linear_shape_error", """
r = torch.nn.Linear(3, 2)(torch.ones(4, 5))
"""),
    S("squeeze_and_reshape_errors", """
r = torch.ones(2, 3).reshape(4, -1)
"""),
    S("different_devices_not_needed", """
x = torch.ones(2)
r = [x.to('cpu') is x, x.cpu() is x, x.to(torch.float32) is x, x.to(torch.float64) is x, x.contiguous() is x]
"""),
    # -- misc helpers students meet --------------------------------------------------------------
    S("torch_level_helpers", """
x = torch.tensor([[1.0, 2.0], [3.0, 4.0]])
r = [torch.is_tensor(x), torch.numel(x), torch.equal(x, x.clone()), torch.allclose(x, x + 1e-9),
     torch.zeros(3).shape == (3,), x.shape == torch.Size([2, 2]), list(x.shape), tuple(x.size()),
     torch.Size([2, 3]).numel(), isinstance(x, torch.Tensor), x.shape[0], x.size()[1],
     torch.diag(torch.tensor([1.0, 2.0])), torch.diag(x), torch.trace(x), torch.tril(x), torch.triu(x)]
"""),
    S("iteration_and_python_protocols", """
x = torch.tensor([[1, 2], [3, 4]])
r = [[row.tolist() for row in x], [v.item() for v in x[0]], len(x), 3 in torch.tensor([1, 2, 3]),
     sum(torch.tensor([1.0, 2.0])), max(torch.tensor([3, 1, 2])).item(), list(torch.arange(3)),
     sorted(torch.tensor([3, 1, 2]).tolist()), x.tolist() == [[1, 2], [3, 4]], hash(x) == hash(x),
     x[0].tolist(), [int(v) for v in torch.tensor([1.9, 2.1])], torch.tensor([1, 2, 3])[True].shape]
"""),
    S("comparisons_and_equality", """
a = torch.tensor([1, 2, 3]); b = torch.tensor([1, 5, 3])
r = [a == b, a != b, a < b, a <= 2, a > 1.5, a >= b, torch.eq(a, b), torch.gt(a, b), a.lt(b), a.le(b), a.ge(b),
     torch.equal(a, b), (a == b).all(), (a == b).any(), torch.ne(a, 2), a.eq(2), torch.tensor(2) == 2]
"""),
    S("int_tensor_arithmetic", """
a = torch.tensor([5, 7, 9]); b = torch.tensor([2, 3, 4])
r = [a + b, a - b, a * b, a / b, a ** 2, a.float() / b, torch.add(a, b, alpha=2), torch.sub(a, 1), torch.mul(a, 3),
     a.sum() / len(a), a.max() - a.min(), torch.abs(torch.tensor([-3, 4])), torch.neg(a), torch.pow(2, b),
     torch.sqrt(a.float()), torch.exp(torch.tensor([0, 1])), a.add(1), a.sub(b), a.mul(2), a.div(2), a.pow(2)]
"""),
    S("squeeze_unsqueeze_new_dims", """
x = torch.zeros(2, 1, 3, 1)
r = [x.squeeze().shape, x.squeeze(1).shape, x.squeeze(-1).shape, x.squeeze(0).shape, x.squeeze((1, 3)).shape,
     x.unsqueeze(0).shape, x.unsqueeze(-1).shape, x[:, 0].shape, x[..., 0].shape, x[None, :, None].shape,
     torch.tensor(5.0).unsqueeze(0), torch.tensor([5.0]).squeeze(), torch.tensor([5.0]).squeeze().shape]
"""),
    S("contiguity_and_strides", """
x = torch.arange(6).view(2, 3)
t = x.t()
r = [x.stride(), t.stride(), t.is_contiguous(), t.contiguous().stride(), x.view(3, 2).stride(),
     x[:, 1].stride(), x[:, 1].is_contiguous(), x[1].is_contiguous(), x.expand(2, 2, 3).stride(),
     x.unsqueeze(1).stride(), x.storage_offset(), x[1].storage_offset(), x.permute(1, 0).stride()]
"""),
    S("data_generating_patterns", """
torch.manual_seed(1)
X = torch.randn(100, 2)
w_true = torch.tensor([2.0, -3.4])
y = X @ w_true + 4.2 + 0.01 * torch.randn(100)
idx = torch.randperm(100)[:10]
batch = X[idx]
r = [X.shape, y.shape, batch.shape, y.reshape(-1, 1).shape, X.mean(0).shape, X.std(dim=0).shape]
""", SHAPES),
    S("normalization_patterns", """
x = torch.tensor([[1.0, 2.0, 3.0], [4.0, 6.0, 8.0]])
mu = x.mean(dim=0, keepdim=True)
sd = x.std(dim=0, keepdim=True)
z = (x - mu) / sd
mn, mx = x.min(), x.max()
r = [z, (x - mn) / (mx - mn), x / x.sum(dim=1, keepdim=True), x / x.norm(dim=1, keepdim=True),
     torch.nn.functional.normalize(x, dim=1), (x - x.mean()) / x.std(unbiased=False)]
"""),
    # -- more of what students write ------------------------------------------------------------
    S("legacy_constructors", """
r = [torch.Tensor([1, 2, 3]), torch.Tensor(2, 3).shape, torch.FloatTensor([1, 2]), torch.LongTensor([1.7, 2.2]),
     torch.DoubleTensor([[1]]), torch.BoolTensor([1, 0]), torch.Tensor([[1.5]]).dtype, torch.IntTensor([3])]
"""),
    S("fancy_index_with_range_and_gather", """
logp = torch.log_softmax(torch.tensor([[2.0, 1.0, 0.1], [0.5, 2.5, 0.0]]), dim=1)
y = torch.tensor([0, 1])
picked = logp[range(2), y]
g = logp.gather(1, y.unsqueeze(1))
w = torch.tensor([[1.0, 2.0], [3.0, 4.0]], requires_grad=True)
out = torch.gather(w, 0, torch.tensor([[1, 0], [1, 1]]))
out.sum().backward()
r = [picked, -picked.mean(), g, g.squeeze(1), out, w.grad, out.grad_fn, logp[torch.arange(2), y]]
"""),
    S("index_select_picks_whole_slices", """
w = torch.arange(12.0).reshape(3, 4).requires_grad_()
rows = w.index_select(0, torch.tensor([2, 0, 2]))
cols = torch.index_select(w, 1, torch.tensor([3]))
(rows.sum() + 2 * cols.sum()).backward()
r = [rows, cols, rows.grad_fn, w.grad, torch.index_select(torch.tensor(5.0), 0, torch.tensor([0]))]
"""),
    S("index_select_out_of_range", """
r = torch.arange(3.0).index_select(0, torch.tensor([5]))
"""),
    S("index_select_out_of_range_inner_dim", """
r = torch.ones(2, 3).index_select(1, torch.tensor([5]))
"""),
    S("linalg_norms", """
x = torch.tensor([[3.0, -4.0], [0.0, 1.0]], requires_grad=True)
n = torch.linalg.norm(x, dim=1)
n.sum().backward()
r = [torch.linalg.norm(x), n, n.grad_fn, x.grad, torch.linalg.vector_norm(x, 1), torch.linalg.norm(x, 'fro'),
     torch.linalg.vector_norm(x, float('inf'), dim=0, keepdim=True), torch.linalg.norm(x[0], ord=1)]
"""),
    S("broadcast_error_names_the_last_clashing_dim", """
r = torch.ones(2, 3) + torch.ones(3, 2)
"""),
    S("size_keyword_of_factories", """
r = [torch.zeros(size=(2, 3)), torch.ones(size=[2]), torch.randn(size=()).shape, torch.rand(size=(2, 4)).shape,
     torch.randn(size=(3,), requires_grad=True).requires_grad, torch.empty(size=(1, 2)).shape]
"""),
    S("out_keyword", """
x = torch.ones(2, 2)
result = torch.empty(2, 2)
torch.add(x, x, out=result)
resized = torch.zeros(3)
torch.mm(x, x, out=resized)
view_target = torch.zeros(2, 2)
v = view_target.view(4)
torch.mul(x, 3, out=view_target)
r = [result, resized, v]
"""),
    S("out_keyword_refuses_a_narrower_dtype", """
r = torch.add(torch.ones(2), 0.5, out=torch.zeros(2, dtype=torch.int64))
"""),
    S("factories_take_out", """
ints, doubles, floats = torch.empty(7, dtype=torch.int64), torch.empty(1, dtype=torch.float64), torch.empty(2)
r = [torch.zeros(2, 3, out=ints) is ints, ints, torch.full((2,), 7, out=ints), torch.eye(2, out=doubles),
     torch.arange(5, out=floats), torch.linspace(0, 1, 3, out=doubles), torch.ones(2, out=floats, requires_grad=True)]
"""),
    S("random_factories_take_out", """
doubles = torch.empty(1, dtype=torch.float64)
r = [torch.rand(2, 3, out=doubles), torch.randn(4, out=doubles), torch.normal(0.0, 1.0, (3,), out=doubles)]
""", SHAPES),
    S("factory_out_dtype_must_match", """
r = torch.zeros(3, dtype=torch.float64, out=torch.empty(3))
"""),
    S("factory_out_refuses_autograd", """
r = torch.ones(2, out=torch.empty(3, requires_grad=True))
"""),
    S("out_keyword_refuses_autograd", """
w = torch.ones(2, requires_grad=True)
r = torch.mul(w, 2, out=torch.zeros(2))
"""),
    S("random_fills_in_place", """
torch.manual_seed(0)
lin = torch.nn.Linear(3, 2)
lin.weight.data.normal_(0, 0.01)
lin.bias.data.fill_(0)
u = torch.empty(4).uniform_(-1, 1)
r = [lin.weight.shape, lin.bias, bool((u >= -1).all() and (u < 1).all()), lin.weight.requires_grad,
     bool(lin.weight.abs().max() < 0.1)]
"""),
    S("random_fill_of_an_integer_tensor", """
r = torch.zeros(3, dtype=torch.int64).normal_()
"""),
    S("random_fill_of_a_leaf_that_requires_grad", """
r = torch.ones(2, requires_grad=True).normal_()
"""),
    S("save_and_load_state_dict", """
import io
nn = torch.nn
m = nn.Linear(2, 2)
with torch.no_grad():
    m.weight.copy_(torch.tensor([[1.0, 2.0], [3.0, 4.0]])); m.bias.zero_()
buf = io.BytesIO()
torch.save(m.state_dict(), buf)
buf.seek(0)
m2 = nn.Linear(2, 2)
res = m2.load_state_dict(torch.load(buf))
buf2 = io.BytesIO()
torch.save({'t': torch.arange(3), 'step': 5}, buf2)
buf2.seek(0)
obj = torch.load(buf2)
r = [m2.weight, m2.bias, str(res), obj['t'], obj['step'], m2(torch.ones(1, 2))]
"""),
    S("tensor_dataset_and_dataloader", """
X = torch.arange(10.0).reshape(5, 2); y = torch.arange(5)
ds = torch.utils.data.TensorDataset(X, y)
dl = torch.utils.data.DataLoader(ds, batch_size=2)
batches = [(xb, yb) for xb, yb in dl]
r = [len(ds), ds[1], len(dl), batches, len(torch.utils.data.DataLoader(ds, batch_size=2, drop_last=True))]
"""),
    S("dataloader_shuffle_shapes", """
torch.manual_seed(0)
X = torch.randn(10, 3); y = torch.randint(0, 2, (10,))
dl = torch.utils.data.DataLoader(torch.utils.data.TensorDataset(X, y), batch_size=4, shuffle=True)
shapes = [(xb.shape, yb.shape) for xb, yb in dl]
seen = torch.cat([yb for _, yb in dl]).shape
r = [shapes, seen]
""", SHAPES),
    S("custom_dataset", """
class Squares(torch.utils.data.Dataset):
    def __init__(self, n):
        self.x = torch.arange(float(n))
    def __len__(self):
        return len(self.x)
    def __getitem__(self, i):
        return self.x[i], self.x[i] ** 2

dl = torch.utils.data.DataLoader(Squares(5), batch_size=3)
r = [list(dl), len(Squares(5))]
"""),
    S("lr_scheduler", """
w = torch.ones(1, requires_grad=True)
opt = torch.optim.SGD([w], lr=1.0)
sched = torch.optim.lr_scheduler.StepLR(opt, step_size=2, gamma=0.5)
lrs = []
for _ in range(5):
    opt.step(); sched.step(); lrs.append(opt.param_groups[0]['lr'])
opt2 = torch.optim.SGD([w], lr=1.0)
exp = torch.optim.lr_scheduler.ExponentialLR(opt2, gamma=0.9)
for _ in range(3):
    opt2.step(); exp.step()
r = [lrs, sched.get_last_lr(), exp.get_last_lr()]
"""),
    S("register_hook", """
x = torch.tensor([1.0, 2.0], requires_grad=True)
seen = []
y = x * 3
h = y.register_hook(lambda g: seen.append(g.clone()))
x.register_hook(lambda g: g * 10)
y.sum().backward()
r = [seen, x.grad]
"""),
    S("default_dtype_and_misc", """
x = torch.ones(2, 3)
r = [torch.get_default_dtype(), x.ndimension(), x.nelement(), x.dim(), torch.is_floating_point(x),
     torch.tensor([1, 2]).is_floating_point(), torch.zeros(2).dtype == torch.float32, x.dtype is torch.float32,
     torch.float32 == torch.float, torch.int64 == torch.long, torch.int32 == torch.int]
"""),
    S("manual_softmax_and_cross_entropy", """
logits = torch.tensor([[1.0, 2.0, 3.0], [1.0, 1.0, 1.0]], requires_grad=True)
y = torch.tensor([2, 0])
e = torch.exp(logits - logits.max(dim=1, keepdim=True).values)
p = e / e.sum(dim=1, keepdim=True)
loss = -torch.log(p[torch.arange(2), y]).mean()
loss.backward()
r = [p, loss, logits.grad, torch.nn.functional.cross_entropy(logits.detach(), y)]
"""),
    S("logistic_regression_from_scratch", """
X = torch.tensor([[0.5, 1.0], [1.5, -0.5], [-1.0, 0.3], [2.0, 2.0]])
y = torch.tensor([1.0, 0.0, 0.0, 1.0])
w = torch.zeros(2, requires_grad=True); b = torch.zeros(1, requires_grad=True)
for _ in range(20):
    p = torch.sigmoid(X @ w + b)
    loss = -(y * torch.log(p) + (1 - y) * torch.log(1 - p)).mean()
    loss.backward()
    with torch.no_grad():
        w -= 0.5 * w.grad; b -= 0.5 * b.grad
        w.grad.zero_(); b.grad.zero_()
r = [w, b, loss, ((p > 0.5).float() == y).float().mean()]
"""),
    S("two_layer_net_by_hand", """
torch.manual_seed(0)
X = torch.linspace(-1, 1, 8).reshape(-1, 1); Y = X ** 2
W1 = torch.full((1, 4), 0.5, requires_grad=True); b1 = torch.zeros(4, requires_grad=True)
W2 = torch.full((4, 1), -0.25, requires_grad=True); b2 = torch.zeros(1, requires_grad=True)
params = [W1, b1, W2, b2]
opt = torch.optim.Adam(params, lr=0.01)
for _ in range(25):
    h = torch.relu(X @ W1 + b1)
    out = h @ W2 + b2
    loss = torch.nn.functional.mse_loss(out, Y)
    opt.zero_grad(); loss.backward(); opt.step()
r = [loss, W1, b2, out.shape]
"""),
    S("printing_numbers", """
r = [repr(torch.tensor([0.1, 0.2]) + torch.tensor([0.2, 0.1])), repr(torch.tensor([1 / 3])), repr(torch.tensor([2.0, 1e-8])),
     repr(torch.tensor([-1.0, 1.0]) / 0), repr(torch.tensor(1e20)), repr(torch.tensor([100.0, 0.001])),
     repr(torch.tensor([[1e-3, 5.0], [1.0, 2.0]], dtype=torch.float64)), repr(torch.arange(5) - 2),
     repr(torch.tensor([[True], [False]])), repr(torch.tensor([1, 2], dtype=torch.int32)), repr(torch.ones(2, 40)),
     repr(torch.tensor(-0.5)), repr(torch.tensor([12345678.0])), repr(torch.randn(0, 2, 3)),
     repr(torch.zeros(3, dtype=torch.int64)[:0]), str(torch.tensor([[1, -1], [10, 100]]))]
"""),
    S("inplace_ops_in_graph", """
x = torch.tensor([1.0, -2.0, 3.0], requires_grad=True)
y = x * 1
y.clamp_(min=0)
y.mul_(2)
z = x.exp()
z.add_(1)
(y.sum() + z.sum()).backward()
r = [y, z, x.grad, y.grad_fn, z.grad_fn]
"""),
    S("masking_and_where_patterns", """
x = torch.tensor([[1.0, -2.0], [-3.0, 4.0]])
r = [x * (x > 0), x.where(x > 0, torch.tensor(0.0)), torch.where(x > 0), x.masked_fill(x < 0, float('-inf')),
     torch.masked_select(x, x > 0), x[x.abs() > 1.5], (x > 0).sum(dim=1), x.clamp(min=0).sum(), torch.where(x > 0, 1, 0)]
"""),
    S("requires_grad_propagation", """
a = torch.ones(2, requires_grad=True); b = torch.ones(2)
c = a + b; d = b * 2; e = c.detach() * a
r = [c.requires_grad, d.requires_grad, e.requires_grad, (a > 0).requires_grad, a.argmax().requires_grad,
     a.sum().requires_grad, a.detach().requires_grad, a.clone().requires_grad, a.clone().is_leaf, a.int().requires_grad,
     a.double().requires_grad, a.double().grad_fn, a.to(torch.float64).grad_fn]
"""),
    S("zero_dim_and_scalar_tensors", """
s = torch.tensor(3.0); v = torch.tensor([1.0, 2.0])
r = [s * v, s + 1, s.shape, s.ndim, s.item(), s.dim(), v.sum().shape, v[0].shape, s.unsqueeze(0), s.view(1),
     s.reshape(1, 1), torch.stack([s, s]), s.expand(3), float(s) * 2, s > 2, torch.max(v) == 2]
"""),
    S("integer_overflow_and_casting", """
r = [torch.tensor([2.9, -2.9]).long(), torch.tensor([300]).float(), torch.tensor([1, 0, 2]).bool(),
     torch.tensor([True, False]).float(), torch.tensor([True, False]).long().sum(), torch.tensor(7) // 2,
     torch.tensor(7) / 2, torch.tensor([7.0]).int(), torch.tensor([1.5]).to(torch.int64)]
"""),
    S("inplace_on_saved_output_error", """
a = torch.tensor([1.0, 2.0], requires_grad=True)
b = a.sigmoid()
b *= 2
b.sum().backward()
r = a.grad
"""),
    S("inplace_on_saved_input_error", """
a = torch.tensor([1.0, 2.0], requires_grad=True)
x = torch.ones(2)
y = a * x
x.add_(1)
y.sum().backward()
r = a.grad
"""),
    S("inplace_twice_on_saved_non_leaf_error", """
a = torch.tensor([1.0, 2.0], requires_grad=True)
b = a * 2
c = b * b
b.add_(1)
b.add_(1)
c.sum().backward()
r = a.grad
"""),
    S("setitem_on_saved_tensor_error", """
a = torch.tensor([1.0, 2.0], requires_grad=True)
x = torch.ones(2)
y = (a * x).sum()
x[0] = 5.0
y.backward()
r = a.grad
"""),
    S("inplace_that_autograd_allows", """
a = torch.tensor([1.0, 2.0], requires_grad=True)
x = torch.ones(2)
y = a + x
x.add_(1)
z = a * torch.ones(2)
x.data.mul_(3)
w = torch.ones(2, requires_grad=True)
for i in range(3):
    loss = (w * x).sum()
    loss.backward()
    with torch.no_grad():
        w -= 0.1 * w.grad
        x += 1
    w.grad.zero_()
y.sum().backward()
r = [a.grad, x, w]
"""),
    S("transposes_of_all_ranks", """
r = [torch.tensor(2.0).T, torch.arange(3).T, torch.arange(6).reshape(2, 3).T, torch.arange(24).reshape(2, 3, 4).T.shape,
     torch.arange(24).reshape(2, 3, 4).mT.shape, torch.ones(2, 3, requires_grad=True).T.grad_fn,
     torch.ones(2, 3, requires_grad=True).mT.grad_fn, torch.arange(6).reshape(2, 3).T.is_contiguous(),
     torch.arange(6).reshape(2, 3).mH]
"""),
    S("mT_of_vector_error", """
r = torch.arange(3).mT
"""),
    S("var_std_details", """
x = torch.tensor([[1.0, 2.0, 4.0], [3.0, 3.0, 3.0]])
r = [x.var(), x.std(), x.var(dim=1), x.std(1, keepdim=True), x.var(0, unbiased=False), x.var(correction=2),
     torch.var(x, 1, True, True), x.std(False), torch.tensor([5.0]).var(), torch.tensor([5.0]).std(unbiased=False),
     x.var(dim=(0, 1)), x.std(axis=1), torch.std_mean(x) if hasattr(torch, 'std_mean') else None]
"""),
    S("var_of_ints_error", """
r = torch.tensor([1, 2, 3]).var()
"""),
    S("setitem_shape_error", """
x = torch.zeros(3, 4)
x[0] = torch.ones(3)
r = x
"""),
    S("setitem_index_error", """
x = torch.zeros(3)
x[3] = 1.0
r = x
"""),
    S("products_errors", """
r = torch.dot(torch.ones(3), torch.ones(4))
"""),
    S("outer_error", """
r = torch.outer(torch.ones(2, 2), torch.ones(3))
"""),
    S("repeat_error", """
r = torch.ones(2, 3).repeat(2)
"""),
    S("numpy_keywords", """
x = torch.tensor([[1.0, 2.0], [3.0, 4.0]])
r = [x.sum(axis=1), x.mean(axis=0, keepdims=True), torch.sum(x, axis=0), x.max(axis=1).values, torch.argmax(x, axis=0),
     x.std(axis=0), torch.cat([x, x], axis=1).shape, x.unsqueeze(axis=0).shape, x.amax(axis=1), x.any(axis=0),
     x.prod(axis=1), torch.all(x > 1, axis=1), x.var(axis=1, keepdims=True)]
"""),
    S("all_any_on_numbers", """
x = torch.tensor([[0.0, 1.0], [2.0, 3.0]])
r = [x.all(), x.any(), x.all(dim=0), x.any(dim=1, keepdim=True), torch.tensor([]).all(), torch.tensor([]).any(),
     torch.all(torch.tensor([1, 2, 3]) > 0), torch.any(torch.tensor([0, 0])), (x == x).all().item()]
"""),
    S("rounding_family", """
x = torch.tensor([-2.5, -1.5, -0.5, 0.5, 1.5, 2.5, 2.7, -2.7], requires_grad=True)
y = x.round() + x.floor() + x.ceil() + x.sign() + x.trunc()
y.sum().backward()
r = [x.round(), x.floor(), x.ceil(), x.sign(), x.trunc(), x.grad, y.grad_fn, torch.round(x, decimals=1),
     torch.tensor([1, -2]).sign(), torch.tensor([3, 4]).floor(), x.detach().frac()]
"""),
    S("square_reciprocal_logs", """
x = torch.tensor([0.5, 2.0, 4.0], requires_grad=True)
y = (x.square() + x.reciprocal() + x.log1p() + x.expm1() + torch.log2(x) + torch.log10(x) + x.rsqrt()).sum()
y.backward()
r = [y, x.grad, torch.tensor([2, 3]).square(), torch.tensor([2, 4]).reciprocal(), torch.tensor([True]).square()]
"""),
    S("big_tensor_repr", """
torch.manual_seed(0)
r = [repr(torch.arange(3000.0).reshape(60, 50) / 3), repr(torch.arange(1001) % 2 == 0), repr(torch.zeros(10, 200)),
     repr(torch.arange(12000).reshape(10, 10, 120))]
"""),

    # -- one-line errors ----------------------------------------------------------------------------
    S("mm_shape_error_2", """
r = torch.ones(2, 3) @ torch.ones(2, 3)
"""),
    S("view_numel_error", """
r = torch.ones(3).view(2, 2)
"""),
    S("row_index_error", """
r = torch.ones(2, 3)[2]
"""),
    S("column_index_error", """
r = torch.ones(2, 3)[:, 3]
"""),
    S("transpose_dim_error", """
r = torch.ones(2, 3).transpose(0, 2)
"""),
    S("permute_length_error", """
r = torch.ones(2, 3).permute(0, 1, 2)
"""),
    S("requires_grad_method_int_error", """
r = torch.tensor([1, 2]).float().long().requires_grad_()
"""),
    S("backward_without_grad_error", """
x = torch.ones(2)
x.sum().backward()
r = 1
"""),
    S("cat_ndim_error", """
r = torch.cat([torch.ones(2, 2), torch.ones(2)], dim=0)
"""),
    S("cross_entropy_batch_error", """
r = torch.nn.functional.cross_entropy(torch.ones(3, 4), torch.tensor([0, 1]))
"""),
    S("linear_dtype_error", """
r = torch.nn.Linear(2, 2)(torch.ones(3, dtype=torch.float64))
"""),
    S("matmul_int_float_error", """
r = torch.tensor([[1, 2], [3, 4]]) @ torch.tensor([[1.0], [2.0]])
"""),
    S("two_inferred_dims_error", """
r = torch.ones(2, 3).view(-1, -1)
"""),
    S("string_tensor_error", """
r = torch.tensor("abc")
"""),
    S("max_dim_error", """
r = torch.zeros(2, 2).max(dim=2)
"""),
    S("stack_empty_error", """
r = torch.stack([])
"""),
    S("expand_error", """
r = torch.ones(2, 3).expand(3, 3)
"""),
    S("float_index_tensor_error", """
r = torch.arange(5)[torch.tensor([0.0, 1.0])]
"""),
    S("float_index_error", """
r = torch.ones(3)[1.5]
"""),
    S("softmax_without_dim_error", """
r = torch.softmax(torch.ones(2, 2))
"""),
    S("optimizer_empty_error", """
r = torch.optim.SGD([], lr=0.1)
"""),
    S("optimizer_lr_error", """
r = torch.optim.SGD([torch.ones(2, requires_grad=True)], lr=-1)
"""),
    S("parameter_numpy_error", """
r = torch.nn.Linear(2, 3).weight.numpy()
"""),
    S("bitwise_on_floats_error", """
r = torch.tensor([1.0, 2.0]).bool() & torch.tensor([1.0, 0.0])
"""),
    S("mse_of_ints_error", """
r = torch.nn.functional.mse_loss(torch.tensor([1, 2]), torch.tensor([1, 2]))
"""),
    S("list_index_out_of_range_error", """
r = torch.tensor([1, 2, 3])[[0, 5]]
"""),
    S("one_hot_of_floats_error", """
r = torch.nn.functional.one_hot(torch.ones(2))
"""),
    S("masked_fill_float_mask_error", """
r = torch.tensor([1.0]).masked_fill(torch.tensor([1.0]), 0)
"""),
    S("formatting_and_sizes", """
x = torch.tensor(3.0, requires_grad=True)
y = x ** 2
y.backward()
s = torch.zeros(2, 3, 4).shape
r = [f"{x.grad}", f"{y}", f"{y:.2f}", f"{torch.tensor([1.0, 2.0])}", s[1:], s[-1], s + (5,), s[:0], s.numel(),
     torch.Size([2, 3]) == (2, 3), list(s), torch.__version__ is not None]
"""),
    # -- modules, initialisation, optimizers' state --------------------------------------------------
    S("deepcopy_module", """
import copy
nn = torch.nn
m = nn.Linear(2, 2)
m2 = copy.deepcopy(m)
with torch.no_grad():
    m.weight.fill_(1.0)
r = [bool((m2.weight == 1).all()), m2.weight.requires_grad, type(m2.weight).__name__, m2]
"""),
    S("apply_and_init_zeros", """
nn = torch.nn
m = nn.Sequential(nn.Linear(2, 3), nn.ReLU(), nn.Linear(3, 1))
m.apply(lambda l: nn.init.zeros_(l.weight) if isinstance(l, nn.Linear) else None)
r = [m[0].weight, m[2].weight, m(torch.ones(1, 2)).shape]
"""),
    S("init_constant_and_ones", """
nn = torch.nn
m = nn.Linear(3, 2)
nn.init.constant_(m.weight, 0.5)
nn.init.ones_(m.bias)
r = [m.weight, m.bias, m(torch.ones(3))]
"""),
    S("init_random_shapes", """
nn = torch.nn
torch.manual_seed(0)
m = nn.Linear(4, 3)
nn.init.xavier_uniform_(m.weight)
nn.init.kaiming_normal_(m.weight)
nn.init.normal_(m.bias, 0, 0.01)
r = [m.weight.shape, m.bias.shape, m.weight.requires_grad]
""", SHAPES),
    S("optimizer_state_dict", """
w = torch.ones(2, requires_grad=True)
opt = torch.optim.SGD([w], lr=0.1, momentum=0.9)
(w * 2).sum().backward()
opt.step()
sd = opt.state_dict()
r = [list(sd.keys()), sd['param_groups'][0]['params'], sd['param_groups'][0]['lr'], list(sd['state'].keys()), sd['state'][0]['momentum_buffer']]
"""),
    S("eval_and_train_modes", """
nn = torch.nn
m = nn.Sequential(nn.Linear(2, 2), nn.Dropout(0.5))
m.eval()
r = [m.training, m[0].training, m[1].training, m.train().training, m[1].training]
"""),
    S("module_list_repr", """
nn = torch.nn
class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.layers = nn.ModuleList([nn.Linear(2, 2) for _ in range(3)])
    def forward(self, x):
        for l in self.layers:
            x = torch.relu(l(x))
        return x
n = Net()
r = [len(list(n.parameters())), n, [k for k in n.state_dict()]]
"""),
    S("add_module", """
nn = torch.nn
m = nn.Sequential()
m.add_module('fc', nn.Linear(2, 1))
m.add_module('act', nn.Sigmoid())
r = [m, m.fc, list(dict(m.named_modules()).keys())]
"""),
    S("sequential_from_ordered_dict", """
nn = torch.nn
from collections import OrderedDict
m = nn.Sequential(OrderedDict([('a', nn.Linear(1, 2)), ('b', nn.Tanh())]))
r = [m, m.a.out_features, [n for n, p in m.named_parameters()]]
"""),
    S("freeze_parameters", """
nn = torch.nn
m = nn.Linear(2, 2)
for p in m.parameters():
    p.requires_grad = False
r = [[p.requires_grad for p in m.parameters()], m(torch.ones(2)).requires_grad]
"""),
    S("inference_under_no_grad", """
nn = torch.nn
m = nn.Linear(2, 1)
x = torch.ones(4, 2)
with torch.no_grad():
    y = m(x)
r = [y.requires_grad, y.shape, y.grad_fn]
"""),
    S("linear_without_bias", """
nn = torch.nn
m = nn.Linear(2, 1, bias=False)
r = [m, m.bias, len(list(m.parameters())), list(m.state_dict().keys())]
"""),
    S("parameter_type", """
nn = torch.nn
p = nn.Parameter(torch.randn(2, 2))
r = [type(p).__name__, p.requires_grad, p.is_leaf, isinstance(p, torch.Tensor), (p * 2).grad_fn, type(p * 2).__name__]
""", SHAPES),
    S("custom_parameters_training", """
nn = torch.nn
class Affine(nn.Module):
    def __init__(self):
        super().__init__()
        self.a = nn.Parameter(torch.tensor(2.0))
        self.b = nn.Parameter(torch.tensor(-1.0))
    def forward(self, x):
        return self.a * x + self.b
m = Affine()
opt = torch.optim.SGD(m.parameters(), lr=0.1)
x = torch.tensor([1.0, 2.0, 3.0]); y = torch.tensor([3.0, 5.0, 7.0])
for _ in range(20):
    opt.zero_grad()
    loss = ((m(x) - y) ** 2).mean()
    loss.backward()
    opt.step()
r = [m.a, m.b, loss, m, dict(m.named_parameters())]
"""),
    S("state_dict_types", """
nn = torch.nn
m = nn.Linear(2, 2)
sd = m.state_dict()
r = [type(sd).__name__, list(sd.keys()), sd['weight'].requires_grad, sd['weight'].shape]
"""),
    S("tiny_tensor_dataset", """
x = torch.tensor([[1.0, 2.0], [3.0, 4.0]])
y = torch.tensor([0, 1])
ds = torch.utils.data.TensorDataset(x, y)
r = [ds[0], len(ds), [b for b in torch.utils.data.DataLoader(ds, batch_size=1)]]
"""),
    S("functional_keywords", """
F = torch.nn.functional
x = torch.tensor([[1.0, -1.0], [0.5, 2.0]])
r = [F.relu(x, inplace=False) if True else 0, F.dropout(x, p=0.5, training=False), F.softmax(x, dim=0), F.log_softmax(x, 1)]
"""),
    S("bce_on_sigmoid", """
F = torch.nn.functional
logits = torch.tensor([[1.0, 2.0], [0.5, 0.1]], requires_grad=True)
target = torch.tensor([1.0, 0.0])
l = F.binary_cross_entropy(torch.sigmoid(logits[:, 0]), target)
l.backward()
r = [l, logits.grad]
"""),
    S("unfold_or_reshape", """
x = torch.tensor([1.0, 2.0, 3.0, 4.0])
r = [x.reshape(2, 2).sum(1), x.unfold(0, 2, 2) if hasattr(x, 'unfold') else x.reshape(2, 2), x.view(2, -1).mean(dim=1)]
"""),
    S("python_numbers_from_tensors", """
x = torch.arange(6.)
r = [x.reshape(2, 3).sum(dim=1, keepdim=True) / 3, x.mean().item(), x.max().item(), x.argmin().item(), x.std().item()]
"""),
    S("t_and_sizes", """
t = torch.tensor([[1, 2, 3], [4, 5, 6]])
r = [t.shape[0] * t.shape[1], t.numel(), t.size()[0], tuple(t.shape), t.ndim, t.T.tolist()]
"""),
    S("aliasing_and_clone", """
a = torch.tensor([1.0, 2.0])
b = a
b += 1
c = a.clone()
c += 1
r = [a, b, c, a is b]
"""),
    S("grad_and_backward_together", """
x = torch.tensor([1.0, 2.0, 3.0], requires_grad=True)
y = x.pow(3).sum()
g, = torch.autograd.grad(y, x, retain_graph=True)
y.backward()
r = [g, x.grad]
"""),
    S("the_autograd_tutorial_prints", """
x = torch.ones(2, 2, requires_grad=True)
y = x + 2
_ = (y.grad_fn)
z = y * y * 3
out = z.mean()
_ = (z, out)
out.backward()
_ = (x.grad)
r = [str(y), str(z), str(out), str(x.grad)]
"""),
    S("data_attribute", """
x = torch.randn(3, requires_grad=True)
y = x * 2
r = [y.data.norm().shape, type(y.data).__name__, y.data.requires_grad]
""", SHAPES),
    S("eq_and_equal", """
x = torch.tensor([[1, 2], [3, 4]])
r = [x.eq(torch.tensor([[1, 0], [3, 0]])), x.eq(1).sum().item(), (x == torch.tensor([1, 4])).tolist(), torch.equal(x, x)]
"""),
    # -- assignment, gradients, printing: more of the basics -----------------------------------------
    S("setitem_slices_and_augmented", """
x = torch.arange(10)
x[::2] = 0
x[-1] = 100
x[1:4] += 5
r = x
"""),
    S("setitem_rows_columns_ellipsis", """
x = torch.zeros(3, 3)
x[1] += 1
x[:, 0] *= 3
x[..., -1] = torch.arange(3.0)
x[torch.tensor([0, 2])] = 7
r = x
"""),
    S("setitem_3d", """
x = torch.zeros(2, 3, 4)
x[0, :, 1] = torch.tensor([1.0, 2.0, 3.0])
x[1, 1] = torch.arange(4.0)
x[:, -1, ::2] = -1
r = x
"""),
    S("setitem_repeated_index", """
x = torch.zeros(4)
idx = torch.tensor([0, 0, 2])
x[idx] = torch.tensor([1.0, 2.0, 3.0])
r = x
"""),
    S("tensor_of_tensors_and_numbers", """
t = torch.tensor([torch.tensor(1.0), torch.tensor(2.0)])
r = [t, torch.tensor([1, 2.5]).dtype, torch.tensor([[1], [2]]).shape, torch.tensor(np.float64(2.0)).dtype, torch.tensor(True)]
"""),
    S("tensor_from_reductions", """
x = torch.tensor([1.0, 2.0, 3.0])
y = torch.tensor([x.sum(), x.mean()])
r = y
"""),
    S("reductions_over_lists_of_dims", """
x = torch.tensor([[1., 2.], [3., 4.]])
r = [x.sum(dim=0).tolist(), x.sum(dim=1).tolist(), x.sum(-1), x.sum((0, 1)), x.mean([0, 1]), x.prod(0)]
"""),
    S("where_and_nonzero", """
x = torch.tensor([1, 2, 3, 4, 5])
r = [x[x > 2].sum(), (x > 2).nonzero(), torch.where(x > 2)[0], x[torch.where(x > 2)], x.argmax(), x.float().mean()]
"""),
    S("views_of_random", """
x = torch.randn(4, 5)
r = [x.view(2, 10).shape, x.view(-1, 5).shape, x.view(20).shape, x.reshape(5, 4).shape, x.t().reshape(20).shape, x.unsqueeze(0).unsqueeze(-1).shape]
""", SHAPES),
    S("broadcast_helpers", """
a = torch.ones(3, 1)
b = torch.ones(1, 3)
r = [(a + b).shape, (a * b).sum(), (a - b).abs().max(), torch.broadcast_tensors(a, b)[0].shape if hasattr(torch, 'broadcast_tensors') else (3, 3)]
"""),
    S("dot_gradients", """
x = torch.tensor([1.0, 2.0], requires_grad=True)
y = torch.tensor([3.0, 4.0], requires_grad=True)
z = torch.dot(x, y)
z.backward()
r = [z, x.grad, y.grad, z.grad_fn]
"""),
    S("sum_backward_with_gradient", """
x = torch.tensor([[1.0, 2.0], [3.0, 4.0]], requires_grad=True)
y = x.sum(dim=1)
y.backward(torch.tensor([1.0, 2.0]))
r = [x.grad, y.grad_fn]
"""),
    S("grad_through_indexing", """
x = torch.tensor([1.0, 2.0, 3.0], requires_grad=True)
y = x[1] * 3
y.backward()
r = [x.grad, y.grad_fn]
"""),
    S("chain_with_fan_out", """
x = torch.tensor(2.0, requires_grad=True)
a = x * 3
b = a ** 2
c = b + a
c.backward()
r = [x.grad, a.grad, c]
"""),
    S("clone_then_in_place", """
x = torch.tensor([1.0, 2.0], requires_grad=True)
y = x.clone()
y.add_(1)
y.sum().backward()
r = [x.grad, y.grad_fn]
"""),
    S("grad_accumulates_in_a_loop", """
x = torch.tensor(1.0, requires_grad=True)
for _ in range(3):
    y = x ** 2
    y.backward()
r = x.grad
"""),
    S("where_gradients", """
x = torch.tensor([0.0, 1.0], requires_grad=True)
y = torch.where(x > 0.5, x ** 2, x * 3)
y.sum().backward()
r = [y, x.grad, y.grad_fn]
"""),
    S("max_gradients_with_ties", """
x = torch.tensor([3.0, 1.0, 2.0], requires_grad=True)
y = torch.max(x)
y.backward()
z = torch.tensor([1.0, 5.0, 5.0], requires_grad=True)
z.max().backward()
r = [x.grad, z.grad]
"""),
    S("sigmoid_of_product", """
x = torch.tensor([[1.0, 2.0]], requires_grad=True)
W = torch.tensor([[1.0], [2.0]], requires_grad=True)
out = torch.sigmoid(x @ W)
out.backward()
r = [out, x.grad, W.grad]
"""),
    S("activation_gradients", """
x = torch.linspace(-3, 3, 7, requires_grad=True)
y = torch.nn.functional.softplus(x) + torch.nn.functional.gelu(x) + torch.nn.functional.elu(x) + torch.nn.functional.leaky_relu(x, 0.1) + torch.nn.functional.silu(x)
y.sum().backward()
r = [y, x.grad]
"""),
    S("logs_and_infinities", """
p = torch.tensor([[0.2, 0.8]])
r = [torch.log(p), -torch.log(p[0, 1]), torch.exp(torch.log(p)), torch.log(torch.tensor([0.0]))]
"""),
    S("stable_softmax_values", """
x = torch.tensor([[0.0, 10.0], [1000.0, -5.0]])
r = [torch.softmax(x, 1), torch.log_softmax(x, 1), torch.sigmoid(x), torch.tanh(x)]
"""),
    S("typed_factories", """
r = [torch.zeros(2, 3, dtype=torch.bool), torch.ones(2, dtype=torch.int64), torch.zeros(2).long(), torch.full((2,), 1.5, dtype=torch.float64)]
"""),
    S("integer_sums_and_products", """
r = [torch.arange(6).reshape(2, 3).sum(0).dtype, torch.arange(6).float().reshape(2, 3).mean(0), torch.tensor([True, True]).sum(), torch.tensor([1, 2]).prod()]
"""),
    S("int_in_place_chain", """
x = torch.tensor([1, 2, 3])
x.add_(2)
x.mul_(2)
x.sub_(1)
x.clamp_(max=9)
r = x
"""),
    S("printing_with_fstrings", """
x = torch.tensor([1.0, 2.0, 3.0])
_ = (x.shape, x.size(), x.dtype)
_ = (f"mean={x.mean():.2f}")
_ = ("tensor:", x)
r = [f"mean={x.mean():.2f}", str(x.shape), "x=" + str(x)]
"""),
    S("permute_transpose_flatten", """
x = torch.arange(8).view(2, 2, 2)
r = [x.permute(2, 1, 0), x.transpose(0, 2).contiguous().view(-1), x.flatten(start_dim=1), torch.flatten(x, 0, 1).shape, x.sum(dim=(1, 2))]
"""),
    # -- int32, memory, print options --------------------------------------------------------------
    S("int32_arithmetic", """
i = torch.tensor([1, 2, 3], dtype=torch.int32)
l = torch.tensor([1, 2, 3])
r = [i + l, i * 2, i * 2.5, i / 2, i // 2, i % 2, i.sum(), i.prod(), i.max(), i.cumsum(0), i.float(), i.long(), i.to(torch.int64), (i > 1), i.abs(), -i, i ** 2, i.argmax(), torch.arange(5)[i], i.type(), i.square(), i + True, i.bool(), i.double().int()]
"""),
    S("int32_mean_error", """
r = torch.tensor([1, 2], dtype=torch.int32).mean()
"""),
    S("int32_shapes_and_printing", """
x = torch.arange(6, dtype=torch.int32).reshape(2, 3)
r = [x, x.t(), x.sum(0), x.view(-1), torch.cat([x, x]), torch.stack([x, x]).shape, x[0], x.numpy().dtype.name, x.tolist(), torch.zeros(2, dtype=torch.int)]
"""),
    S("int32_from_numpy", """
import numpy as np
r = [torch.from_numpy(np.array([1, 2], dtype=np.int32)), torch.tensor(np.array([1, 2], dtype=np.int32)).dtype, torch.tensor(np.array([1, 2], dtype=np.int16)).dtype if False else 1]
"""),
    S("int32_matmul", """
r = torch.ones(2, dtype=torch.int32) @ torch.ones(2, dtype=torch.int32)
"""),
    S("int32_class_targets", """
r = torch.nn.functional.cross_entropy(torch.ones(2, 3), torch.tensor([0, 1], dtype=torch.int32))
"""),
    S("storage_and_data_ptr", """
x = torch.arange(6.0).reshape(2, 3)
y = x.view(3, 2)
z = x.t()
w = x[1:]
c = x.clone()
r = [x.untyped_storage().data_ptr() == y.untyped_storage().data_ptr(), z.untyped_storage().data_ptr() == x.untyped_storage().data_ptr(), w.untyped_storage().data_ptr() == x.untyped_storage().data_ptr(), c.untyped_storage().data_ptr() == x.untyped_storage().data_ptr(), x.data_ptr() == y.data_ptr(), w.data_ptr() == x.data_ptr(), w.storage_offset(), x.reshape(3, 2).data_ptr() == x.data_ptr(), z.reshape(6).data_ptr() == x.data_ptr()]
"""),
    S("set_printoptions", """
torch.set_printoptions(precision=2)
a = repr(torch.tensor([1.23456, 2.5]))
torch.set_printoptions(sci_mode=False)
b = repr(torch.tensor([1e-6, 1.0]))
torch.set_printoptions(profile="default")
c = repr(torch.tensor([1.23456, 2.5]))
torch.set_printoptions(threshold=5, edgeitems=2)
d = repr(torch.arange(10))
torch.set_printoptions(profile="default")
r = [a, b, c, d, repr(torch.arange(10))]
"""),
    # -- what newer and older tutorials ask of torch.autograd and torch.accelerator -----------------------
    S("broadcast_tensors_hands_back_a_tensor_of_the_full_shape", """
a = torch.ones(3, requires_grad=True)
x, y = torch.broadcast_tensors(a, torch.ones(3))
u, v = torch.broadcast_tensors(a, torch.ones(2, 3))
r = [x is a, x.grad_fn, u.grad_fn, v.grad_fn, u.shape]
"""),
    S("accelerator_as_pytorch", """
acc = torch.accelerator
r = [acc.current_accelerator(), acc.current_accelerator(check_available=True), acc.is_available(),
     acc.device_count(), acc.is_available() == torch.cuda.is_available()]
"""),
    S("variable_as_old_tutorials", """
from_autograd = torch.autograd
x = from_autograd.Variable(torch.ones(2, 2), requires_grad=True)
y = (x * 3).sum()
y.backward()
r = [x, x.grad, x.data, y, isinstance(y, from_autograd.Variable), from_autograd.Variable(y).requires_grad]
"""),
]


# -- running and comparing ------------------------------------------------------------------------
def _run(lib, code, shapes):
    ns = {"torch": lib, "np": np, "math": math, "warnings": warnings}
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            exec(code, ns)  # noqa: S102 - the snippets above
    except Exception as e:  # noqa: BLE001 - the snippet's own error is what is compared
        return ("error", type(e).__name__, str(e).strip().split("\n")[0])
    finally:
        lib.set_grad_enabled(True)  # a snippet that switched it off does not leak into the next
        lib.set_printoptions(profile="default")
    return _norm(ns["r"], lib, shapes)


def _norm(v, lib, shapes):
    """A plain structure (tuples, lists, numbers, strings) that two runs can be compared by."""
    if isinstance(v, lib.Tensor):
        values = v.detach().cpu().tolist()
        out = {"type": type(v).__name__, "shape": list(v.shape), "dtype": str(v.dtype),
               "requires_grad": v.requires_grad,
               "grad_fn": None if v.grad_fn is None else type(v.grad_fn).__name__}
        if not shapes:
            out["values"] = values
        return out
    if isinstance(v, np.ndarray):
        return {"ndarray": str(v.dtype), "values": v.tolist()}
    if isinstance(v, (list, tuple)) and type(v).__name__ == "Size":
        return ("Size", tuple(v))
    if isinstance(v, (list, tuple)):
        return [_norm(x, lib, shapes) for x in v]
    if isinstance(v, dict):
        return {k: _norm(x, lib, shapes) for k, x in v.items()}
    if isinstance(v, bool) or v is None or isinstance(v, (int, str)):
        return v
    if isinstance(v, float):
        return float(v)
    if type(v).__name__ in ("dtype", "device"):
        return repr(v)
    if hasattr(v, "next_functions"):  # a grad_fn
        return ("grad_fn", type(v).__name__)
    if isinstance(v, (np.integer, np.floating, np.bool_)):
        return v.item()
    return ("object", type(v).__name__, repr(v) if isinstance(v, (lib.nn.Module,)) else None)


def _same(a, b, path="r"):
    if isinstance(a, float) or isinstance(b, float):
        assert isinstance(a, (int, float)) and isinstance(b, (int, float)), f"{path}: {a!r} vs {b!r}"
        if math.isnan(a) or math.isnan(b):
            assert math.isnan(a) and math.isnan(b), f"{path}: {a!r} vs {b!r}"
        else:
            assert math.isclose(a, b, rel_tol=1e-5, abs_tol=1e-5), f"{path}: {a!r} vs {b!r}"
        return
    if isinstance(a, (list, tuple)) and isinstance(b, (list, tuple)):
        assert type(a) is type(b) and len(a) == len(b), f"{path}: {a!r}\n vs {b!r}"
        for i, (x, y) in enumerate(zip(a, b)):
            _same(x, y, f"{path}[{i}]")
        return
    if isinstance(a, dict) and isinstance(b, dict):
        assert a.keys() == b.keys(), f"{path}: {a!r}\n vs {b!r}"
        for k in a:
            _same(a[k], b[k], f"{path}.{k}")
        return
    assert a == b, f"{path}:\n torch: {a!r}\n ours:  {b!r}"


def _is_error(result):
    return isinstance(result, tuple) and result[0] == "error"


@needs_torch
@pytest.mark.parametrize("code,options,match", SNIPPETS)
def test_snippet_matches_pytorch(code, options, match):
    shapes = SHAPES in options
    want = _run(torch, code, shapes)
    got = _run(gs, code, shapes)
    if _is_error(want):
        assert _is_error(got), f"PyTorch raised {want[1]}: {want[2]}; GraphStudio gave {got!r}"
        assert got[1] == want[1], f"error type: torch {want[1]} ({want[2]}), ours {got[1]} ({got[2]})"
        if match is None:
            assert got[2] == want[2], f"error message:\n torch: {want[2]}\n ours:  {got[2]}"
        else:
            assert match in want[2] and match in got[2], f"error message:\n torch: {want[2]}\n ours:  {got[2]}"
        return
    assert not _is_error(got), f"GraphStudio raised {got[1]}: {got[2]}"
    _same(want, got)


def test_there_are_enough_snippets():
    assert len(SNIPPETS) >= 60
