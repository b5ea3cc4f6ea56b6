"""Python-API and graph-file results that must equal PyTorch's exactly: float64 literals, arange/linspace,
exception types, printed type names, optimizer state when a parameter gets no gradient, legacy loss
arguments."""
from __future__ import annotations

import numpy as np
import pytest

from graphstudio.document import Document, Node
import graphstudio.engine as gs
from graphstudio.program.compiler import compile
from graphstudio.program.runner import Runner
from tests.oracle import needs_torch, torch

pytestmark = needs_torch

FLOAT64_LITERALS = [0.109, 0.1, 1 / 3, 2.718281828459045, 1e-300, 123456.789012345]


def test_float64_literal_keeps_every_bit_in_the_python_api():
    for dt in ("float64", "float32"):
        ours = gs.tensor(FLOAT64_LITERALS, dtype=getattr(gs, dt)).numpy()
        theirs = torch.tensor(FLOAT64_LITERALS, dtype=getattr(torch, dt)).numpy()
        np.testing.assert_array_equal(ours, theirs)
        assert gs.tensor(0.109, dtype=getattr(gs, dt)).item() == torch.tensor(0.109, dtype=getattr(torch, dt)).item()


def test_a_list_of_tensors_takes_the_promoted_dtype_of_its_elements():
    def made(lib):
        d, i32 = lib.float64, lib.int32
        lists = [[lib.tensor(0.109, dtype=d)], [0.1, lib.tensor(0.2, dtype=d)], [1, lib.tensor(0.2, dtype=d)],
                 [lib.tensor(1), lib.tensor(0.2)], [lib.tensor(1, dtype=i32), lib.tensor(2)], [0.5, lib.tensor(2)],
                 [lib.tensor(2, dtype=i32), 3], [lib.tensor(2, dtype=i32)], [lib.tensor(True), True],
                 [lib.tensor([0.109], dtype=d)]]
        return [(str(t.dtype), t.tolist()) for t in map(lib.tensor, lists)]

    assert made(gs) == made(torch)


def test_float64_literal_keeps_every_bit_in_a_graph_file():
    doc = Document(nodes=[Node("x", "tensor", params={"data": [FLOAT64_LITERALS], "dtype": "float64"})])
    runner = Runner(compile(doc))
    runner.run()
    np.testing.assert_array_equal(runner.outputs()["x"].host(), torch.tensor([FLOAT64_LITERALS], dtype=torch.float64).numpy())


def _spacing_cases(seed: int, count: int):
    rng = np.random.default_rng(seed)
    for _ in range(count):
        start = float(np.round(rng.uniform(-20, 20), rng.integers(0, 4)))
        step = float(np.round(rng.uniform(0.001, 2), rng.integers(2, 6))) * rng.choice([1, -1])
        end = start + step * int(rng.integers(1, 3000)) + float(rng.uniform(-0.5, 0.5)) * step
        yield start, end, step


@pytest.mark.parametrize("dtype", ["float32", "float64", "int64", "int32"])
def test_arange_equals_pytorch_bit_for_bit(dtype):
    cases = [(-8.0, 8.0, 0.1), (0.0, 1.0, 0.01), (-1.0, 1.0, 1 / 3), (0, 10, 1), (5.5, -3.2, -0.7)]
    cases += list(_spacing_cases(0, 150))
    for start, end, step in cases:
        if dtype.startswith("int") and int(step) == 0:
            continue
        ours = gs.arange(start, end, step, dtype=getattr(gs, dtype)).numpy()
        theirs = torch.arange(start, end, step, dtype=getattr(torch, dtype)).numpy()
        assert ours.dtype == theirs.dtype
        np.testing.assert_array_equal(ours, theirs, err_msg=f"arange({start}, {end}, {step}, {dtype})")


def test_arange_default_dtype_and_the_d2l_relu_gradient():
    x = gs.arange(-8.0, 8.0, 0.1, requires_grad=True)
    tx = torch.arange(-8.0, 8.0, 0.1, requires_grad=True)
    gs.relu(x).sum().backward()
    torch.relu(tx).sum().backward()
    np.testing.assert_array_equal(x.grad.numpy(), tx.grad.numpy())


@pytest.mark.parametrize("dtype", ["float32", "float64", "int64", "int32"])
def test_linspace_equals_pytorch_bit_for_bit(dtype):
    rng = np.random.default_rng(1)
    cases = [(-8.0, 8.0, 161), (0.0, 1.0, 7), (3.0, 3.0, 4), (1.0, -1.0, 2), (2.5, 9.0, 1), (0.0, 1.0, 0)]
    cases += [(float(np.round(rng.uniform(-50, 50), rng.integers(0, 5))),
               float(np.round(rng.uniform(-50, 50), rng.integers(0, 5))), int(rng.integers(0, 5000))) for _ in range(150)]
    for start, end, steps in cases:
        ours = gs.linspace(start, end, steps, dtype=getattr(gs, dtype)).numpy()
        theirs = torch.linspace(start, end, steps, dtype=getattr(torch, dtype)).numpy()
        np.testing.assert_array_equal(ours, theirs, err_msg=f"linspace({start}, {end}, {steps}, {dtype})")


def test_arange_and_linspace_in_a_graph_file_equal_pytorch():
    doc = Document(nodes=[Node("a", "arange", params={"start": -8.0, "end": 8.0, "step": 0.1}),
                          Node("l", "linspace", params={"start": -1.3, "end": 7.1, "steps": 101, "dtype": "float64"})])
    runner = Runner(compile(doc))
    runner.run()
    np.testing.assert_array_equal(runner.outputs()["a"].host(), torch.arange(-8.0, 8.0, 0.1).numpy())
    np.testing.assert_array_equal(runner.outputs()["l"].host(), torch.linspace(-1.3, 7.1, 101, dtype=torch.float64).numpy())


def _assign_grad(lib, value_of):
    a = lib.ones(2, requires_grad=True)
    a.grad = value_of(lib)


EXCEPTION_CASES = {
    "tensor(2, 3)": lambda lib: lib.tensor(2, 3),
    "tensor([1.], 2)": lambda lib: lib.tensor([1.0], 2),
    "tensor([a 2-element tensor])": lambda lib: lib.tensor([lib.tensor([1.0, 2.0])]),
    "randn_like(int)": lambda lib: lib.randn_like(lib.tensor([1, 2])),
    "rand_like(int)": lambda lib: lib.rand_like(lib.tensor([1, 2])),
    "randn_like(bool)": lambda lib: lib.randn_like(lib.tensor([True])),
    "randn(int64)": lambda lib: lib.randn(2, dtype=lib.int64),
    "rand(int32)": lambda lib: lib.rand(2, dtype=lib.int32),
    "grad = 0.": lambda lib: _assign_grad(lib, lambda t: 0.0),
    "grad = 1": lambda lib: _assign_grad(lib, lambda t: 1),
    "grad = list": lambda lib: _assign_grad(lib, lambda t: [1.0, 2.0]),
    "grad of another size": lambda lib: _assign_grad(lib, lambda t: t.ones(3, 2)),
    "grad of another dtype": lambda lib: _assign_grad(lib, lambda t: t.ones(2, dtype=t.float64)),
    "grad of an int dtype": lambda lib: _assign_grad(lib, lambda t: t.ones(2, dtype=t.int64)),
    "randperm(-1)": lambda lib: lib.randperm(-1),
    "eye(-1)": lambda lib: lib.eye(-1),
    "eye(2, -1)": lambda lib: lib.eye(2, -1),
    "normal(0, -1, size)": lambda lib: lib.normal(0.0, -1.0, size=(2,)),
    "normal(0, -0.5, size)": lambda lib: lib.normal(0.0, -0.5, size=(2,)),
    "normal(tensor, tensor<0)": lambda lib: lib.normal(lib.zeros(2), lib.tensor([1.0, -1.0])),
    "normal(tensor, -1)": lambda lib: lib.normal(lib.zeros(2), -1.0),
    "normal(0., tensor<0)": lambda lib: lib.normal(0.0, lib.tensor([1.0, -1.0])),
    "normal_(0, -1e-7)": lambda lib: lib.zeros(2).normal_(0.0, -1e-7),
    "arange step 0": lambda lib: lib.arange(0, 5, 0),
    "arange int64 step truncated to 0": lambda lib: lib.arange(0, 5, 0.5, dtype=lib.int64),
    "arange against the step sign": lambda lib: lib.arange(5, 0, 1),
    "arange float against the step sign": lambda lib: lib.arange(0.0, 1.0, -0.1),
}


@pytest.mark.parametrize("case", EXCEPTION_CASES)
def test_exception_type_and_message_are_pytorchs(case):
    with pytest.raises(Exception) as theirs:
        EXCEPTION_CASES[case](torch)
    with pytest.raises(Exception) as ours:
        EXCEPTION_CASES[case](gs)
    assert (type(ours.value).__name__, str(ours.value)) == (type(theirs.value).__name__, str(theirs.value))


def test_assigning_a_matching_grad_or_none_still_works():
    a = gs.ones(2, requires_grad=True)
    a.grad = gs.full((2,), 3.0)
    assert a.grad.tolist() == [3.0, 3.0]
    a.grad = None
    assert a.grad is None


def test_printed_types_are_pytorchs_and_isinstance_still_holds():
    import pickle
    import re

    def shown(lib):
        x = lib.ones(2)
        p = lib.nn.Parameter(lib.ones(2))
        seeded = re.sub(r"0x[0-9a-f]+", "ADDR", repr(lib.manual_seed(0)))
        return str(type(x)), str(type(p)), str(type(lib.Generator())), seeded

    assert shown(gs) == shown(torch)
    p = gs.nn.Parameter(gs.ones(2))
    assert isinstance(p, gs.Tensor) and isinstance(gs.default_generator, gs.Generator)
    again = pickle.loads(pickle.dumps([gs.ones(2), p]))
    assert type(again[0]) is gs.Tensor and type(again[1]) is gs.nn.Parameter and again[1].requires_grad


OPTIMIZERS = {
    "sgd momentum": ("SGD", {"lr": 0.01, "momentum": 0.9}),
    "sgd nesterov decay": ("SGD", {"lr": 0.01, "momentum": 0.8, "nesterov": True, "weight_decay": 0.1}),
    "sgd dampening": ("SGD", {"lr": 0.01, "momentum": 0.5, "dampening": 0.3}),
    "adam": ("Adam", {"lr": 0.05}),
    "adam amsgrad decay": ("Adam", {"lr": 0.05, "amsgrad": True, "weight_decay": 0.1}),
    "adam decoupled": ("Adam", {"lr": 0.05, "weight_decay": 0.1, "decoupled_weight_decay": True}),
    "adamw": ("AdamW", {"lr": 0.05}),
    "adamw amsgrad maximize": ("AdamW", {"lr": 0.05, "amsgrad": True, "maximize": True, "weight_decay": 0.3}),
    "rmsprop momentum": ("RMSprop", {"lr": 0.01, "momentum": 0.9}),
    "rmsprop centered": ("RMSprop", {"lr": 0.01, "centered": True, "weight_decay": 0.1}),
}


def _train_dynamic_net(lib, optimizer, options):
    """PyTorch's dynamic_net tutorial, shortened: 0-d and vector parameters, one of them used only on some
    steps (its .grad stays None on the others)."""
    x = lib.linspace(-1.0, 1.0, 50, dtype=lib.float64)
    y = lib.sin(3 * x)
    values = {"a": [0.1], "b": [-0.2, 0.4], "c": 0.3, "d": 0.05, "e": -0.01}
    params = {k: lib.nn.Parameter(lib.tensor(v, dtype=lib.float64)) for k, v in values.items()}
    opt = getattr(lib.optim, optimizer)(params.values(), **options)
    losses = []
    for exp in [3, 5, 4, 6, 3, 3, 4, 5, 6, 5, 3, 6]:
        pred = params["a"] + params["b"][0] * x + params["b"][1] * x ** 2 + params["c"] * x ** 3
        for e in range(4, exp):
            pred = pred + params["e"] * x ** e
        if exp % 2:
            pred = pred + params["d"] * x
        loss = ((pred - y) ** 2).sum()
        opt.zero_grad()
        loss.backward()
        opt.step()
        losses.append(loss.item())
    return losses, {k: p.detach().numpy().copy() for k, p in params.items()}


@pytest.mark.parametrize("case", OPTIMIZERS)
def test_optimizer_state_when_a_parameter_gets_no_gradient_equals_pytorch(case):
    ours_losses, ours = _train_dynamic_net(gs, *OPTIMIZERS[case])
    theirs_losses, theirs = _train_dynamic_net(torch, *OPTIMIZERS[case])
    np.testing.assert_allclose(ours_losses, theirs_losses, rtol=1e-10)
    for name in theirs:
        np.testing.assert_allclose(ours[name], theirs[name], rtol=1e-10, atol=1e-14, err_msg=name)


LOSSES = {  # module, functional, (input, target) maker
    "MSELoss": ("mse_loss", lambda lib: (lib.tensor([[0.5, -1.0], [2.0, 0.25]]), lib.tensor([[0.0, 1.0], [1.5, 0.5]]))),
    "L1Loss": ("l1_loss", lambda lib: (lib.tensor([[0.5, -1.0], [2.0, 0.25]]), lib.tensor([[0.0, 1.0], [1.5, 0.5]]))),
    "SmoothL1Loss": ("smooth_l1_loss", lambda lib: (lib.tensor([0.5, -1.0, 2.0]), lib.tensor([0.0, 1.0, 1.9]))),
    "CrossEntropyLoss": ("cross_entropy", lambda lib: (lib.tensor([[0.5, -1.0, 2.0], [0.1, 0.2, 0.3]]), lib.tensor([2, 0]))),
    "NLLLoss": ("nll_loss", lambda lib: (lib.tensor([[-0.5, -1.0, -2.0], [-0.1, -0.2, -3.0]]), lib.tensor([2, 0]))),
    "BCELoss": ("binary_cross_entropy", lambda lib: (lib.tensor([0.2, 0.7, 0.9]), lib.tensor([0.0, 1.0, 0.5]))),
    "BCEWithLogitsLoss": ("binary_cross_entropy_with_logits",
                          lambda lib: (lib.tensor([0.2, -0.7, 1.9]), lib.tensor([0.0, 1.0, 0.5]))),
}
LEGACY = [{"size_average": False}, {"size_average": True}, {"reduce": False}, {"reduce": True},
          {"size_average": False, "reduce": False}, {"size_average": True, "reduce": True},
          {"size_average": False, "reduce": True}, {"size_average": False, "reduction": "mean"}]


def _legacy_loss(lib, module, functional, legacy):
    input, target = LOSSES[module][1](lib)
    with pytest.warns(UserWarning, match="size_average and reduce args will be deprecated") as caught:
        layer = getattr(lib.nn, module)(**legacy)
        by_module = layer(input, target)
        by_function = getattr(lib.nn.functional, functional)(input, target, **legacy)
    messages = sorted(str(w.message) for w in caught if "size_average" in str(w.message))
    return layer.reduction, by_module.detach().numpy(), by_function.detach().numpy(), messages


@pytest.mark.parametrize("module", LOSSES)
def test_legacy_size_average_and_reduce_map_to_reduction_as_pytorch(module):
    for legacy in LEGACY:
        ours = _legacy_loss(gs, module, LOSSES[module][0], legacy)
        theirs = _legacy_loss(torch, module, LOSSES[module][0], legacy)
        assert ours[0] == theirs[0] and ours[3] == theirs[3], legacy
        for a, b in zip(ours[1:3], theirs[1:3]):
            np.testing.assert_allclose(a, b, rtol=1e-6, err_msg=str(legacy))


def test_legacy_flags_given_by_position_as_old_tutorials_do():
    x, y = gs.tensor([1.0, 2.0]), gs.tensor([0.0, 0.0])
    tx, ty = torch.tensor([1.0, 2.0]), torch.tensor([0.0, 0.0])
    with pytest.warns(UserWarning):
        assert gs.nn.MSELoss(False)(x, y).item() == torch.nn.MSELoss(False)(tx, ty).item()
    with pytest.warns(UserWarning):
        assert gs.nn.functional.l1_loss(x, y, None, False).tolist() == torch.nn.functional.l1_loss(tx, ty, None, False).tolist()


def test_a_loss_weight_is_refused_rather_than_ignored():
    with pytest.raises(NotImplementedError, match="weight"):
        gs.nn.CrossEntropyLoss(weight=gs.tensor([1.0, 2.0]))
    with pytest.raises(NotImplementedError, match="pos_weight"):
        gs.nn.functional.binary_cross_entropy_with_logits(gs.zeros(2), gs.zeros(2), pos_weight=gs.ones(2))


@pytest.mark.parametrize("optimizer, params", [("sgd", {"lr": 0.05, "momentum": 0.9}),
                                               ("rmsprop", {"lr": 0.05, "momentum": 0.5}),
                                               ("adam", {"lr": 0.05})])
def test_a_graph_trains_a_0_dim_parameter_with_momentum_as_pytorch(optimizer, params):
    steps = 6
    doc = Document(steps=steps, nodes=[
        Node("w", "tensor", params={"data": 0.5, "dtype": "float64", "requires_grad": True}),
        Node("x", "tensor", params={"data": [1.0, 2.0, 3.0], "dtype": "float64"}),
        Node("y", "mul", {"input": "w", "other": "x"}),
        Node("d", "sub", {"input": "y", "other": 4.0}),
        Node("sq", "mul", {"input": "d", "other": "d"}),
        Node("loss", "sum", {"input": "sq"}),
        Node("opt", optimizer, {"loss": "loss"}, params),
    ])
    runner = Runner(compile(doc))
    runner.run()
    w = torch.tensor(0.5, dtype=torch.float64, requires_grad=True)
    opt = {"sgd": torch.optim.SGD, "rmsprop": torch.optim.RMSprop, "adam": torch.optim.Adam}[optimizer]([w], **params)
    losses = []
    for _ in range(steps):
        loss = ((w * torch.tensor([1.0, 2.0, 3.0], dtype=torch.float64) - 4.0) ** 2).sum()
        opt.zero_grad()
        loss.backward()
        opt.step()
        losses.append(loss.item())
    np.testing.assert_allclose([h["loss"]["opt"] for h in runner.history], losses, rtol=1e-12)
    assert runner.outputs()["w"].item() == pytest.approx(w.item(), rel=1e-12)


def test_long_arange_and_linspace_equal_pytorch_on_one_thread():
    """Past 32,768 elements PyTorch splits arange across threads (each restarting its vectors); on one
    thread every element is comparable, across the blocks the engine computes them in."""
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    try:
        for dt in ("float32", "float64"):
            ours = gs.arange(-3.3, 250.0, 0.00123, dtype=getattr(gs, dt)).numpy()
            np.testing.assert_array_equal(ours, torch.arange(-3.3, 250.0, 0.00123, dtype=getattr(torch, dt)).numpy())
            ours = gs.linspace(5.0, -1.25, 150001, dtype=getattr(gs, dt)).numpy()
            np.testing.assert_array_equal(ours, torch.linspace(5.0, -1.25, 150001, dtype=getattr(torch, dt)).numpy())
    finally:
        torch.set_num_threads(threads)


def test_each_op_is_bound_where_its_definition_says_and_its_aliases_and_in_place_forms_are_pytorchs():
    """The registry declares the namespaces, aliases and in-place variants; the binding honours them, and
    each alias and in-place form is one PyTorch has."""
    import inspect

    from graphstudio.engine.core.registry import REGISTRY

    places = {"torch": (gs, torch), "Tensor": (gs.Tensor, torch.Tensor), "F": (gs.nn.functional, torch.nn.functional)}
    for op in REGISTRY.values():
        for ns in op.namespaces:
            ours, theirs = places[ns]
            assert hasattr(ours, op.name), f"{ns}.{op.name}"
            for alias in op.aliases:
                assert hasattr(ours, alias) and hasattr(theirs, alias), f"{ns}.{alias} ({op.name})"
        for name in (op.name, *op.aliases) if "Tensor" in op.inplace else ():
            assert hasattr(gs.Tensor, name + "_") and hasattr(torch.Tensor, name + "_"), f"Tensor.{name}_"
        if "F" in op.inplace:
            assert "inplace" in inspect.signature(getattr(gs.nn.functional, op.name)).parameters, op.name
            assert "inplace" in inspect.signature(getattr(torch.nn.functional, op.name)).parameters, op.name
