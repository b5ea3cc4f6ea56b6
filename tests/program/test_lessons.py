"""The lesson library (resources/examples/*.json): every lesson loads, compiles, runs and teaches.

- each lesson loads, has a title and notes (with the equivalent PyTorch code), compiles with no
  problems, passes `graphstudio --validate` and runs;
- lessons copied from the reference graphs (tests/data/examples) (paired by their node ids and ops) give the results PyTorch
  gives, as recorded in the reference's `expect`;
- lessons that train end with a lower loss than they start with;
- the library as a whole covers the concepts a PyTorch course needs.
"""
from __future__ import annotations

import functools
import json
from pathlib import Path

import numpy as np
import pytest

from graphstudio import cli
from graphstudio.document import load
from graphstudio.program.compiler import check
from graphstudio.engine.core.registry import optimizers
from graphstudio.program.report import report, to_table
from graphstudio.program.runner import Runner

from tests.data import EXAMPLES_DIR

from tests.program.expectations import assert_matches_expect

REPO = Path(__file__).resolve().parents[2]
LESSONS_DIR = REPO / "resources" / "examples"

LESSONS = sorted(LESSONS_DIR.glob("*.json"))
REFERENCES = sorted(EXAMPLES_DIR.glob("*.json"))

#: What the library must teach somewhere: op names, and the per-node flags (as "flag:NAME").
REQUIRED = (
    "backward", "detach", "flag:retain_grad", "flag:no_grad", "cat", "stack", "view", "reshape",
    "squeeze", "unsqueeze", "split", "chunk", "mm", "matmul", "bmm", "softmax", "cross_entropy",
    "binary_cross_entropy_with_logits", "dataset", "sgd", "adam",
)


def _signature(nodes: list[dict]) -> list[tuple[str, str]]:
    return [(n["id"], n["op"]) for n in nodes]


@functools.lru_cache(maxsize=None)
def _run(path: Path) -> dict:
    """Load, check, run once (cached: several tests read the same run); the spec's report."""
    doc = load(path)
    analysis = check(doc, base_dir=str(path.parent))
    assert analysis.problems == [], f"{path.name}: {[str(p) for p in analysis.problems]}"
    runner = Runner(analysis.program)
    runner.run()
    assert to_table(runner)  # what `graphstudio --run` prints
    return report(runner)


def test_there_is_a_lesson_library():
    assert len(LESSONS) >= 20, f"expected the lesson library in {LESSONS_DIR}"


@pytest.mark.parametrize("path", LESSONS, ids=[p.stem for p in LESSONS])
def test_lesson_loads_compiles_and_runs(path: Path):
    raw = json.loads(path.read_text(encoding="utf-8"))
    doc = load(path)
    assert doc.title.strip(), "a lesson needs a title"
    assert doc.notes.strip(), "a lesson needs notes"
    assert "```python" in doc.notes, "the notes give the equivalent PyTorch code in a fenced block"
    assert "seed" in raw and "steps" in raw, "a lesson states its seed and steps"
    assert "expect" not in raw, "expected results belong to the reference graphs (tests/data/examples), not to lessons"
    placed = ["pos" in n for n in raw["nodes"]]
    assert all(placed) or not any(placed), \
        "a lesson is laid out by the editor (no pos) or placed whole by hand (every node's pos), never half"
    got = _run(path)
    assert got["steps"] == doc.steps
    assert len(got["history"]) == doc.steps


@pytest.mark.parametrize("path", LESSONS, ids=[p.stem for p in LESSONS])
def test_lesson_validates_from_the_command_line(path: Path, capsys: pytest.CaptureFixture[str]):
    assert cli.main(["--validate", str(path)]) == 0
    assert "no problems" in capsys.readouterr().out


def _same_nodes(a: list[dict], b: list[dict]) -> bool:
    return all(x.get("inputs", {}) == y.get("inputs", {}) and x.get("params", {}) == y.get("params", {})
               for x, y in zip(a, b))


def _lesson_for(reference: Path) -> Path | None:
    """The lesson with the same node ids and ops (several lessons may share a graph's outline,
    e.g. a variation with other data or params: then the one with identical nodes)."""
    ref = json.loads(reference.read_text(encoding="utf-8"))["nodes"]
    candidates = [(p, json.loads(p.read_text(encoding="utf-8"))["nodes"]) for p in LESSONS]
    candidates = [(p, nodes) for p, nodes in candidates if _signature(nodes) == _signature(ref)]
    identical = [p for p, nodes in candidates if _same_nodes(ref, nodes)]
    return (identical or [p for p, _ in candidates] or [None])[0]


@pytest.mark.parametrize("shared", REFERENCES, ids=[p.stem for p in REFERENCES])
def test_copied_lesson_matches_the_reference(shared: Path):
    """Every reference graph is in the library, and the copy gives PyTorch's results."""
    lesson = _lesson_for(shared)
    assert lesson is not None, f"{shared.name} has no copy (same node ids and ops) in {LESSONS_DIR}"
    ref = json.loads(shared.read_text(encoding="utf-8"))
    mine = json.loads(lesson.read_text(encoding="utf-8"))
    for a, b in zip(ref["nodes"], mine["nodes"]):
        assert (a.get("inputs", {}), a.get("params", {})) == (b.get("inputs", {}), b.get("params", {})), \
            f"{lesson.name}: node {a['id']} differs from {shared.name}"
    assert (mine.get("steps", 1), mine.get("seed", 0)) == (ref.get("steps", 1), ref.get("seed", 0))

    assert_matches_expect(_run(lesson), ref["expect"])


TRAINING = [p for p in LESSONS
            if any(n["op"] in optimizers() for n in json.loads(p.read_text(encoding="utf-8"))["nodes"])]


@pytest.mark.parametrize("path", TRAINING, ids=[p.stem for p in TRAINING])
def test_training_lesson_lowers_the_loss(path: Path):
    history = _run(path)["history"]
    assert len(history) > 1, "a training lesson runs more than one step"
    for name in history[0]["loss"]:
        losses = [h["loss"][name] for h in history]
        assert all(np.isfinite(losses)), f"{name}: the loss is not finite"
        assert losses[-1] < losses[0], f"{name}: loss {losses[0]:.4g} at step 1 → {losses[-1]:.4g} at the end"
        # not only luck with the last batch: the last tenth is lower on average than the first tenth
        k = max(1, len(losses) // 10)
        assert np.mean(losses[-k:]) < np.mean(losses[:k]), f"{name}: no downward trend"


def test_library_covers_the_required_concepts():
    seen: set[str] = set()
    for path in LESSONS:
        for node in json.loads(path.read_text(encoding="utf-8"))["nodes"]:
            seen.add(node["op"])
            seen.update(f"flag:{k}" for k, v in node.get("params", {}).items()
                        if k in ("retain_grad", "no_grad", "requires_grad") and v is True)
            if node["op"] == "backward" and node.get("params", {}).get("retain_graph"):
                seen.add("flag:retain_graph")
    missing = [c for c in REQUIRED if c not in seen]
    assert missing == [], f"no lesson uses: {', '.join(missing)}"


def test_lesson_files_are_in_the_editor_format():
    """Written as the editor saves them, so opening and saving a lesson leaves no diff."""
    from graphstudio.document import dumps

    for path in LESSONS:
        assert dumps(load(path)) == path.read_text(encoding="utf-8"), f"{path.name} is not in canonical form"
