"""`graphstudio`: the editor, or a headless run/validation of a graph file.

Exit status (the contract): 0 success; 2 the file cannot be read or is not a valid
graph; 1 it failed while running. Every failure is one line on stderr naming the
file, the node and op, and what is wrong — never a traceback. The headless paths
import no Qt.
"""
from __future__ import annotations

import argparse
import gc
import os
import sys
from typing import NoReturn, Sequence


class _Parser(argparse.ArgumentParser):
    """argparse, but a bad argument (`--steps abc`) is one line, as every other failure."""

    def error(self, message: str) -> NoReturn:
        self.exit(2, f"{self.prog}: {message} (see --help)\n")


def _parser() -> argparse.ArgumentParser:
    p = _Parser(prog="graphstudio", description="A visual computation-graph editor for learning autograd.")
    p.add_argument("file", nargs="?", help="a graph file to open in the editor")
    p.add_argument("--run", metavar="FILE", help="run FILE headless and print a report")
    p.add_argument("--validate", metavar="FILE", help="list every problem in FILE (exit 0 when none, 2 otherwise)")
    p.add_argument("--json", action="store_true", help="with --run: print the report as one JSON object")
    p.add_argument("--steps", type=int, help="with --run: run this many steps instead of the file's")
    p.add_argument("--device", help="with --run: cpu, cuda or cuda:N instead of the file's device")
    p.add_argument("--seed", type=int, help="with --run: seed instead of the file's")
    p.add_argument("--detect-anomaly", action="store_true", help="with --run: fail on the first nan or inf")
    p.add_argument("--export-code", metavar="FILE", help="print FILE as the PyTorch script it stands for")
    p.add_argument("--import", dest="import_script", metavar="SCRIPT",
                   help="run a PyTorch SCRIPT on GraphStudio's engine and write the graph it computed")
    p.add_argument("-o", "--output", metavar="FILE", help="with --import: write the graph to FILE (default: stdout)")
    p.add_argument("--export-image", nargs=2, metavar=("FILE", "OUT"), help="draw FILE's canvas to OUT (.png)")
    p.add_argument("--screenshot", nargs=2, metavar=("OUT", "FILE"),
                   help="save the editor window with FILE (a graph, or a PyTorch script to import) to OUT")
    p.add_argument("--after", choices=("forward", "backward", "train"), help="with --screenshot: run this phase first")
    p.add_argument("--select", metavar="NODE", help="with --screenshot: select NODE (the inspector shows it)")
    p.add_argument("--size", default="1400x860", help="with --screenshot: the window's size, WIDTHxHEIGHT")
    p.add_argument("--theme", help="with --screenshot: light or dark")
    p.add_argument("--lang", metavar="LANGUAGE", help="the editor's (and --screenshot's) interface language for this "
                                                      "session: en or zh_CN (the headless commands stay English)")
    return p


def _say(message: object) -> None:
    """One short line on stderr, whatever ``message`` holds (a long name, a line break)."""
    from .document.problems import one_line

    print(one_line(" ".join(str(message).split())), file=sys.stderr)


def _fail(message: str, code: int) -> int:
    _say(message)
    return code


def _file_of(args: argparse.Namespace) -> str | None:
    """The graph file the command works on, to name it in a message."""
    return (args.run or args.validate or args.export_code or args.import_script or (args.export_image or [None])[0]
            or (args.screenshot or [None, None])[1] or args.file)


def _quiet_broken_pipe() -> int:
    """The reader of our output went away (`| head`): stop without a word, as PyTorch's
    scripts and Unix tools do. Python's recipe: stdout to devnull, so the exit flush is quiet."""
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, sys.stdout.fileno())
    return 1


def load_and_compile(path: str):
    """The document and its Program, or raises DocumentError / CompileError (exit 2)."""
    from .document import load
    from .program.compiler import compile

    doc = load(path)
    return doc, compile(doc, base_dir=os.path.dirname(os.path.abspath(path)), source=path)


def run(path: str, as_json: bool, steps: int | None, device: str | None, seed: int | None, anomaly: bool) -> int:
    # The cyclic collector is off while these import (NumPy, the op definitions, the program), and what they
    # made is then frozen out of its reach (gc.freeze): objects that live as long as the process, which its
    # collections during the imports, the run and the interpreter's exit would only rescan (~40 of a lesson's
    # ~250 ms CPU on the shared machine, most of it at exit).
    collecting = gc.isenabled()
    gc.disable()
    try:
        from .document import DocumentError
        from .engine.core.backend import DeviceError
        from .program.compiler import CompileError
        from .program.runner import RunError, Runner
        from .program.report import HistorySpool, to_table, write_json
    finally:
        gc.freeze()
        if collecting:
            gc.enable()

    try:
        _, program = load_and_compile(path)
    except (DocumentError, CompileError) as e:
        return _fail(str(e), 2)
    if steps is not None and steps < 1:
        return _fail(f"{path}: --steps must be at least 1, got {steps}", 2)
    with HistorySpool() as spool:  # --json has every step's entry; the runner keeps a bounded summary
        try:
            runner = Runner(program, device=device, seed=seed, detect_anomaly=anomaly,
                            on_step=spool.add if as_json else None)
            runner.run(steps)
        except (RunError, DeviceError) as e:
            return _fail(f"{path}: {e}", 1)
        except MemoryError:
            return _fail(f"{path}: out of memory while running", 1)
        if as_json:
            write_json(runner, sys.stdout, spool)
        else:
            print(to_table(runner))
    return 0


def validate(path: str) -> int:
    from .document import DocumentError
    from .program.compiler import check_file

    try:
        problems = check_file(path, base_dir=os.path.dirname(os.path.abspath(path)))
    except DocumentError as e:
        for p in e.problems:
            _say(f"{path}: {p}")
        return 2
    for p in problems:
        _say(f"{path}: {p}")
    if not problems:
        print(f"{path}: no problems")
    return 2 if problems else 0


def export_code(path: str) -> int:
    from .document import DocumentError
    from .program.compiler import CompileError
    from .program.export_code import export

    try:
        _, program = load_and_compile(path)
    except (DocumentError, CompileError) as e:
        return _fail(str(e), 2)
    print(export(program), end="")
    return 0


def import_script(script: str, out: str | None) -> int:
    """Run the script in a child process and write its graph: exit 1 when it cannot become one."""
    import json

    from .document import DocumentError, dumps, loads, save
    from .program.script_import import ScriptImportError, import_script as run_script

    try:
        doc = loads(json.dumps(run_script(script)), source=script)
    except ScriptImportError as e:
        return _fail(str(e), 1)
    except DocumentError as e:
        return _fail(f"{script}: the graph made from it is not valid: {e}", 1)
    if out is None:
        sys.stdout.write(dumps(doc))
        return 0
    try:
        save(doc, out)
    except OSError as e:
        return _fail(f"{out}: {e.strerror or e}", 1)
    return 0


def export(path: str, out: str) -> int:
    from .document import DocumentError
    from .ui.export import export_image

    try:
        export_image(path, out)
    except DocumentError as e:
        return _fail(str(e), 2)
    except (ValueError, OSError) as e:
        return _fail(f"{out}: {e}", 2)
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    try:
        code = _dispatch(args)
        sys.stdout.flush()  # here, not at exit: a reader that went away is seen below
        return code
    except KeyboardInterrupt:
        return _fail(f"{_file_of(args) or 'graphstudio'}: interrupted", 1)
    except BrokenPipeError:
        return _quiet_broken_pipe()
    except MemoryError:  # whatever ran out (parsing, checking, drawing): the stack is unwound, memory freed
        return _fail(f"{_file_of(args) or 'graphstudio'}: out of memory", 1)
    except Exception as e:  # the promise: never a traceback, always one line
        return _fail(f"graphstudio: internal error: {type(e).__name__}: {e}", 1)


def _dispatch(args: argparse.Namespace) -> int:
    if args.run:
        return run(args.run, args.json, args.steps, args.device, args.seed, args.detect_anomaly)
    if args.validate:
        return validate(args.validate)
    if args.export_code:
        return export_code(args.export_code)
    if args.import_script:
        return import_script(args.import_script, args.output)
    if args.export_image:
        return export(*args.export_image)
    if args.screenshot:
        from .ui.live.screenshot import screenshot

        return screenshot(args.screenshot[1], args.screenshot[0], args.after, args.size, args.theme, args.lang,
                          args.select)
    from .ui.app import main as editor

    return editor(args.file, args.lang)


if __name__ == "__main__":
    sys.exit(main())
