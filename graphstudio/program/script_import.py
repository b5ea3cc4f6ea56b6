"""Import a student's PyTorch script as a graph: `graphstudio --import script.py`, File › Open Python script….

Importing runs the student's code, as `python script.py` would, so it happens only when asked and
in a process of its own: with a time limit, the script's folder as working directory, and
`import torch` served by GraphStudio's engine there (see `script_recorder`). That process writes
the graph (see `script_graph`) or one line saying where the script stopped and why.
"""
from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import traceback
from typing import Any

TIME_LIMIT_S = 60.0


class ScriptImportError(Exception):
    """The script could not become a graph; the message is one line naming the file, line and call."""


def import_script(path: str, timeout: float = TIME_LIMIT_S) -> dict[str, Any]:
    """Run the script at `path` in a child process and return its graph (a format-1 dict)."""
    path = os.path.abspath(path)
    if not os.path.isfile(path):
        raise ScriptImportError(f"{path}: no such file")
    root = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    paths = os.pathsep.join([root, os.environ.get("PYTHONPATH", "")]).rstrip(os.pathsep)
    env = dict(os.environ, MPLBACKEND="Agg", PYTHONPATH=paths)  # plots drawn off-screen, never shown
    with tempfile.TemporaryDirectory() as tmp:
        out = os.path.join(tmp, "graph.json")
        try:
            subprocess.run([sys.executable, "-m", "graphstudio.program.script_import", path, out],
                           cwd=os.path.dirname(path), env=env, timeout=timeout, stdin=subprocess.DEVNULL,
                           stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False)
        except subprocess.TimeoutExpired:
            raise ScriptImportError(f"{path}: still running after {timeout:g} s; stopped") from None
        try:
            with open(out, encoding="utf-8") as f:
                result = json.load(f)
        except (OSError, ValueError):
            raise ScriptImportError(f"{path}: the script ended its process before finishing") from None
    if "error" in result:
        raise ScriptImportError(result["error"])
    return result["graph"]


def _where_it_stopped(script: str, error: BaseException) -> str:
    """`file:line: the line's code: the error`, at the script's innermost frame in the traceback."""
    name = os.path.basename(script)
    if isinstance(error, SyntaxError) and error.filename and os.path.abspath(error.filename) == script:
        return f"{name}:{error.lineno}: SyntaxError: {error.msg}"
    frames = [f for f in traceback.extract_tb(error.__traceback__) if os.path.abspath(f.filename) == script]
    message = f"{type(error).__name__}: {error}".replace("graphstudio.engine", "torch")
    if isinstance(error, (AttributeError, ImportError, NotImplementedError)):
        message = f"not supported by GraphStudio's engine ({message})"
    if not frames:
        return f"{name}: {message}"
    last = frames[-1]
    return f"{name}:{last.lineno}: {(last.line or '').strip()}: {message}"


def _child(script: str, out: str) -> None:
    """The child process: run the script on the engine, write {"graph": …} or {"error": "…"} to `out`."""
    from .script_graph import ScriptGraphError, build
    from .script_recorder import run

    script = os.path.abspath(script)
    name = os.path.basename(script)
    try:
        recorder, namespace = run(script)
        text = json.dumps({"graph": build(recorder, namespace, script)})
    except ScriptGraphError as e:
        text = json.dumps({"error": f"{name}: {e}" if not str(e).startswith(name) else str(e)})
    except SystemExit as e:
        text = json.dumps({"error": f"{name}: the script exited (status {e.code}) before it finished"})
    except BaseException as e:  # the student's code: any error is theirs, reported in one line
        text = json.dumps({"error": _where_it_stopped(script, e)})
    with open(out, "w", encoding="utf-8") as f:
        f.write(text)


if __name__ == "__main__":
    _child(sys.argv[1], sys.argv[2])
