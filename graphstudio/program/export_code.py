"""A graph as the PyTorch script a student would write for it.

Every call comes from the op's `torch` template in the registry: placeholders for
ports become variable names, placeholders for params become their values, and a
`, name={name}` whose param is at its default is dropped (so `torch.max(x)` stays
valid PyTorch). Params that differ from their defaults but have no placeholder are
added as keywords. The script runs under `torch` and, unchanged but for the import,
under `graphstudio.engine` — the tests run both. With `report=True` the script ends by
printing the runner's JSON report (outputs and loss history) for what it computed, so
PyTorch's answers can be compared with the runner's key by key.

Nothing a file says may run when the script does: every text from the file reaches the
script as a `repr` literal (the title's docstring too) or as a name the schema limits
to an identifier.
"""
from __future__ import annotations

import keyword
import re
from typing import Any

from graphstudio.engine.core.ops.indexing import index_source

from .compiler import Const, Program, Ref, Step
from .runner import _upstream_leaves

RESERVED = {"torch", "step", "BatchLoader", "make_dataset"} | set(dir(__import__("builtins")))


def python_name(node_id: str) -> str:
    """The script's variable for a node id: the id, with a trailing _ where it is a keyword or builtin."""
    return node_id + "_" if keyword.iskeyword(node_id) or node_id in RESERVED else node_id


def variable_names(program: Program) -> dict[str, str]:
    """A Python variable per node id (see python_name)."""
    return {step.id: python_name(step.id) for step in program.steps + program.sinks}


def _literal(value: Any) -> str:
    if isinstance(value, tuple):
        value = list(value)
    return repr(value)


def _left_out(p: Any, value: Any, defaults: dict) -> bool:
    """A param the call leaves out: None, or at its default (unless the op requires it)."""
    return value is None or (value == defaults.get(p.name) and not p.required)


class _Writer:
    def __init__(self, program: Program):
        self.p = program
        self.names = variable_names(program)

    def ref(self, v: Any) -> str:
        if isinstance(v, Ref):
            step = self.p.step(v.node)
            var = self.names[v.node]
            if step.keyed_by_id:
                return var
            name = step.outputs[v.output]
            if step.kind == "data":
                return f"{var}_{name}"
            return f"{var}[{int(name)}]" if name.isdigit() else f"{var}.{name}"
        if isinstance(v, Const):
            return f"torch.tensor({_literal(v.data)})"
        if isinstance(v, list):
            return "[" + ", ".join(self.ref(x) for x in v) + "]"
        return "None" if v is None else _literal(v)

    def call(self, step: Step) -> str:
        op = step.op
        values: dict[str, str] = {}
        for port, v in zip(op.inputs, step.inputs):
            values[port.name] = self.ref(v)
        defaults = op.defaults()
        template = op.torch
        extra = []
        written = [p.name for p in op.params if "{" + p.name in template
                   and not _left_out(p, step.params.get(p.name, p.default), defaults)]
        last_written = max((template.index("{" + name) for name in written), default=-1)
        for p in op.params:
            value = step.params.get(p.name, p.default)
            if value is None and "{" + p.name in template and template.index("{" + p.name) < last_written:
                values[p.name] = None if "{" + p.name + "!r}" in template else "None"
                continue
            if p.name == "index":
                values[p.name] = index_source(value)
            elif p.type == "dtype" and value:
                values[p.name] = f"torch.{value}" if "torch.{" not in template else str(value)
            else:
                values[p.name] = _literal(value) if "{" + p.name + "!r}" not in template else value
            if _left_out(p, value, defaults):
                template = re.sub(r"(?<=\()\s*\w+=(torch\.)?\{" + p.name + r"(!r)?\}\s*(,\s*)?", "", template)
                template = re.sub(r",\s*\w+=(torch\.)?\{" + p.name + r"(!r)?\}", "", template)
                template = re.sub(r",\s*\{" + p.name + r"(!r)?\}(?=\))", "", template)  # a trailing positional
            elif "{" + p.name not in template and p.name != "requires_grad":
                extra.append(f"{p.name}={values[p.name]}")
        for port in op.inputs:
            if port.optional and values.get(port.name) == "None":
                template = re.sub(r",\s*(\w+=)?\{" + port.name + r"\}", "", template)  # `, {x}` or `, x={x}`
                template = re.sub(r"\{" + port.name + r"\}", "", template)
        if step.kind == "leaf" and step.flags.get("requires_grad", step.params.get("requires_grad")):
            extra.append("requires_grad=True")
        text = template.format(**values)
        if extra:
            text = text[:-1] + (", " if not text.endswith("(") else "") + ", ".join(extra) + ")"
        return text


REPORT_FUNCTION = '''
def record(t):
    """One output as `graphstudio --run --json` reports it."""
    grad = t.grad if t.is_leaf or t.retains_grad else None
    return {"shape": list(t.shape), "dtype": str(t.dtype).rpartition(".")[2], "value": t.tolist(),
            "grad": None if grad is None else grad.tolist(), "requires_grad": t.requires_grad,
            "is_leaf": t.is_leaf, "grad_fn": None if t.grad_fn is None else t.grad_fn.name()}
'''


def _report_lines(program: Program, w: _Writer) -> list[str]:
    """The script's closing lines: print every node output and the loss history as JSON."""
    items = []
    for step in program.steps:
        for i in range(len(step.outputs)):
            ref = w.ref(Ref(step.id, i, step.output_key(i)))
            items.append(f"    {step.output_key(i)!r}: record({ref}),")
    return ["", "import json", *REPORT_FUNCTION.strip().splitlines(), "",
            'print(json.dumps({"outputs": {', *items, '}, "history": history}))']


def export(program: Program, report: bool = False) -> str:
    """The PyTorch script of a compiled graph; `report`: it prints its results as the runner's JSON."""
    w = _Writer(program)
    doc = program.doc
    docstring = f"{doc.title or 'A GraphStudio graph'} — exported from GraphStudio."
    lines = [repr(docstring), "import torch", ""]
    if any(s.kind == "data" for s in program.steps):
        lines[1:1] = ["from graphstudio.program.datasets import BatchLoader, make_dataset"]
    lines.append(f"torch.manual_seed({doc.seed})")
    for step in program.steps:
        var = w.names[step.id]
        if step.kind == "leaf":
            lines.append(f"{var} = {w.call(step)}")
        elif step.kind == "data":
            defaults = step.op.defaults()
            args = {k: v for k, v in step.params.items() if k not in ("batch_size", "shuffle", "name")
                    and v is not None and v != defaults[k]}
            kw = "".join(f", {k}={_literal(v)}" for k, v in args.items())
            lines.append(f"{var}_loader = BatchLoader(*make_dataset({_literal(step.params['name'])}{kw}), "
                         f"batch_size={step.params['batch_size']}, shuffle={step.params['shuffle']}, "
                         f"seed={step.params['seed']})")
    optimizers = {}
    for sink in program.sinks:
        if sink.op.torch_class:
            params = [w.names[s] for s in _upstream_leaves(program, sink)
                      if program.step(s).flags.get("requires_grad") or program.step(s).params.get("requires_grad")]
            opt = w.names[sink.id]
            optimizers[sink.id] = opt
            options = ", ".join(f"{k}={_literal(v)}" for k, v in sink.params.items()
                                if v != sink.op.defaults().get(k) or k == "lr")
            lines.append(f"{opt} = torch.optim.{sink.op.torch_class}([{', '.join(params)}], {options})")
    body = []
    for step in program.steps:
        var = w.names[step.id]
        if step.kind == "data":
            body.append(f"{var}_x, {var}_y = (torch.tensor(batch) for batch in {var}_loader.next_batch())")
        elif step.kind == "op":
            call = f"{var} = {w.call(step)}"
            if step.flags.get("no_grad"):
                body += ["with torch.no_grad():", "    " + call]
            else:
                body.append(call)
            if step.flags.get("retain_grad"):  # as the runner: each output that requires grad
                for i in range(len(step.outputs)):
                    ref = w.ref(Ref(step.id, i, step.output_key(i)))
                    body += [f"if {ref}.requires_grad:", f"    {ref}.retain_grad()"]
    for sink in program.sinks:
        if sink.op.name == "backward":
            tensor, gradient = (w.ref(v) for v in sink.inputs)
            args = [] if gradient == "None" else [gradient]
            if sink.params.get("retain_graph"):
                args.append("retain_graph=True")
            body.append(f"{tensor}.backward({', '.join(args)})")
        else:
            opt, loss = optimizers[sink.id], w.ref(sink.inputs[0])
            body += [f"{opt}.zero_grad()", f"{loss}.backward()", f"{opt}.step()"]
            if report:
                body.append(f"losses[{sink.id!r}] = {loss}.item()")
    if report:
        body = ["losses = {}", *body, 'history.append({"step": len(history) + 1, "loss": losses or None})']
        lines.append("history = []")
    if doc.steps > 1:
        lines += ["", f"for step in range({doc.steps}):"] + ["    " + b for b in body]
    else:
        lines += [""] + body
    if report:
        lines += _report_lines(program, w)
    return "\n".join(lines) + "\n"
