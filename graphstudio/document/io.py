"""Reading and writing graph files.

Loading never raises anything but ``DocumentError`` for a bad file (the runner turns it into
one stderr line and exit status 2). Saving is deterministic, so files diff cleanly in git,
and atomic, so a crash or full disk never leaves a half-written lesson behind.
"""
from __future__ import annotations

import contextlib
import json
import os
import re
import stat
import time
from typing import Any, Callable

from . import migrations
from .model import Document, Node, node_from_dict, sound_nodes
from .problems import DocumentError, Problem

MAX_FILE_BYTES = 32 << 20  # a graph file is a lesson, not a data set: larger is refused before parsing


class _DuplicateKey(Exception):
    pass


def _object_hook(seen: dict[str, str] | None = None) -> Callable[[list[tuple[str, Any]]], dict[str, Any]]:
    """What a JSON object becomes while one file is parsed: a dict, with a key that appears twice
    refused (JSON silently keeps the last; a hand-edited file deserves better), and each key and short
    string value kept once in ``seen`` (for the whole file unless the caller clears it): node ids, op
    names and the references that repeat them (a 150,000-node chain: 20 MB less), and port names,
    which a file read node by node would otherwise hold once per node."""
    once = ({} if seen is None else seen).setdefault

    def to_dict(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
        out = {once(key, key): once(value, value) if type(value) is str and len(value) <= 64 else value
               for key, value in pairs}
        if len(out) != len(pairs):
            keys: set[str] = set()
            for key, _ in pairs:
                if key in keys:
                    raise _DuplicateKey(key)
                keys.add(key)
        return out

    return to_dict


def _decode(data: bytes, source: str) -> str:
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        column = exc.start - (data.rfind(b"\n", 0, exc.start) + 1) + 1
        message = f"not valid UTF-8: byte 0x{data[exc.start]:02x} at line {line}, column {column}"
        raise DocumentError(source, [Problem(message)]) from None


#: What takes a file's nodes as they are read (``load``'s ``take``): a batch at a time, in file order;
#: None means "forget the nodes taken so far".
Take = Callable[[list[Node] | None], None]


def loads(data: str | bytes, source: str = "<memory>", take: Take | None = None) -> Document:
    """Parse and validate a graph file's text (or raw bytes, which must be UTF-8).

    With ``take``, the nodes of a sound current file go to ``take`` as they are read and checked,
    and the Document holds none: a caller that needs no model of the file (``--validate``) never holds
    every node at once. Any other file is read whole, as without ``take``: ``take(None)`` drops what
    was taken before it failed, and, when it is a document after all (an older version), its nodes go
    to ``take`` too."""
    if len(data) > MAX_FILE_BYTES:
        raise DocumentError(source, [Problem(_too_large())])
    text = _decode(bytes(data), source) if isinstance(data, (bytes, bytearray, memoryview)) else data
    del data  # a large file is not held as bytes and text at once (when the caller keeps no reference)
    text = text.removeprefix("\ufeff")  # a BOM, as some Windows editors write
    if take is None:
        doc = _read_node_by_node(text, source)
    else:
        doc = _read_nodes(text, source, take, strings_per_batch=True)
        if doc is None:
            take(None)
    if doc is not None:
        return doc
    try:
        raw = json.loads(text, object_pairs_hook=_object_hook())
    except json.JSONDecodeError as exc:
        message = f"not valid JSON: {exc.msg} (line {exc.lineno}, column {exc.colno})"
    except _DuplicateKey as exc:
        message = f"not valid JSON: the key {json.dumps(exc.args[0], ensure_ascii=False)} appears twice in one object"
    except RecursionError:
        message = "not valid JSON: nested too deeply"
    except ValueError as exc:  # e.g. an integer too long to convert
        message = f"not valid JSON: {exc}"
    else:
        del text
        doc = Document.from_dict(raw, source, owned=True)
        if take is not None:
            take(doc.nodes)
            doc.nodes = []
        return doc
    raise DocumentError(source, [Problem(message)])


_WHITESPACE = re.compile(r"[ \t\n\r]*")
_COMMA = re.compile(r"[ \t\n\r]*,[ \t\n\r]*")


def _read_node_by_node(text: str, source: str) -> Document | None:
    """A current-version file read the way a sound one allows: each node becomes a Node as soon as it
    is parsed and checked apart from the rest, so the file's node dicts are never all alive at once, nor
    the holes they leave. None for anything else (a problem, an older version, an odd layout): ``loads``
    then reads the whole file and words it."""
    nodes: list[Node] = []
    doc = _read_nodes(text, source, nodes.extend, strings_per_batch=False)
    if doc is not None:
        doc.nodes = nodes
    return doc


def _read_nodes(text: str, source: str, take: Callable[[list[Node]], None], strings_per_batch: bool
                ) -> Document | None:
    """``_read_node_by_node`` handing each checked batch of Nodes to ``take``; the Document has none.
    Short strings are kept once for the whole file, or for a batch only (``strings_per_batch``: nodes
    that are not kept need not share strings with the next batch, and the table would grow with the
    file)."""
    seen: dict[str, str] = {}
    hook = _object_hook(seen)
    scan = json.JSONDecoder(object_pairs_hook=hook).scan_once
    skip = _WHITESPACE.match
    try:
        i = skip(text, 0).end()
        if text[i:i + 1] != "{":
            return None
        pairs, nodes = [], None  # nodes: None until the list is read, then whether it passed
        i = skip(text, i + 1).end()
        while text[i:i + 1] == '"':
            key, i = json.decoder.scanstring(text, i + 1)
            i = skip(text, i).end()
            if text[i:i + 1] != ":":
                return None
            i = skip(text, i + 1).end()
            if key == "nodes" and nodes is None and text[i:i + 1] == "[":
                nodes, i = _nodes(text, i + 1, scan, skip, take, seen.clear if strings_per_batch else None)
                if not nodes:
                    return None
                value: Any = []  # the rest of the file is checked with no nodes: each was checked alone
            else:
                value, i = scan(text, i)
            pairs.append((key, value))
            i = skip(text, i).end()
            if text[i:i + 1] != ",":
                break
            i = skip(text, i + 1).end()
        if text[i:i + 1] != "}" or skip(text, i + 1).end() != len(text) or nodes is None:
            return None
        top = hook(pairs)
        version = top.get("graphstudio")
        if type(version) is not int or version != migrations.FORMAT_VERSION:
            return None
        doc = Document.from_dict(top, source, owned=True)
    except (DocumentError, _DuplicateKey, ValueError, StopIteration, RecursionError):
        return None  # (json.JSONDecodeError is a ValueError)
    return doc


def _nodes(text: str, i: int, scan: Any, skip: Any, take: Callable[[list[Node]], None],
           after_batch: Callable[[], None] | None) -> tuple[bool, int]:
    """Read the nodes of a ``"nodes"`` list whose ``[`` ends at ``i``, checked a few hundred at a
    time and handed to ``take`` (then ``after_batch`` is called, where given): whether they all
    passed (False when one fails a check or two share an id), and where the list ends."""
    ids: set[str] = set()
    batch: list[Any] = []

    def check() -> bool:
        if not sound_nodes(batch):
            return False
        for n in batch:
            if n["id"] in ids:
                return False
            ids.add(n["id"])
        take([node_from_dict(n) for n in batch])
        batch.clear()
        if after_batch is not None:
            after_batch()
        return True

    i = skip(text, i).end()
    if text[i:i + 1] == "]":
        return True, i + 1
    comma = _COMMA.match
    while True:
        n, i = scan(text, i)
        batch.append(n)
        between = comma(text, i)
        if between is None:
            i = skip(text, i).end()
            return text[i:i + 1] == "]" and check(), i + 1
        i = between.end()
        if len(batch) >= _BATCH and not check():
            return False, i


_BATCH = 256  # nodes checked at once: a check per node costs a third more time, a batch's dicts little memory


def load(path: str | os.PathLike[str], take: Take | None = None) -> Document:
    """Read a graph file; any reason it cannot be used becomes a ``DocumentError``. ``take``: as ``loads``."""
    source = os.fsdecode(path)
    return loads(_read(path, source), source, take)  # no reference kept here: loads drops the bytes once decoded


def _read(path: str | os.PathLike[str], source: str) -> bytes:
    """The file's bytes, in one buffer of the file's size: a buffer of the largest size a file may have
    would count against a memory limit for every small file. Never more than MAX_FILE_BYTES + 1 bytes
    are read (/dev/zero or a pipe is read piecewise and refused once past it)."""
    try:
        with open(path, "rb", buffering=0) as f:
            expected = os.fstat(f.fileno()).st_size
            if expected > MAX_FILE_BYTES:
                raise DocumentError(source, [Problem(_too_large())])
            data = f.read(expected + 1)  # one byte more than expected: a file that is not what fstat said
            if len(data) <= expected:
                return data
            parts, total = [data], len(data)
            while part := f.read(min(1 << 20, MAX_FILE_BYTES + 1 - total)):
                parts.append(part)
                total += len(part)
                if total > MAX_FILE_BYTES:
                    raise DocumentError(source, [Problem(_too_large())])
            return b"".join(parts)
    except (OSError, ValueError) as exc:  # ValueError: e.g. a NUL byte in the path
        reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
        raise DocumentError(source, [Problem(f"cannot read the file: {reason}")]) from exc


def _too_large() -> str:
    return f"the file is larger than {MAX_FILE_BYTES >> 20} MB, the most a graph file may be"


def dumps(doc: Document) -> str:
    """The file text for ``doc``: same document, same bytes (2-space indent, UTF-8 kept readable).

    The document is validated first, so nothing is written that ``loads`` would refuse.
    """
    try:
        raw = doc.to_dict()
    except RecursionError:
        raise DocumentError("<memory>", [Problem("nested too deeply")]) from None
    Document.from_dict(raw)
    return json.dumps(raw, indent=2, ensure_ascii=False, allow_nan=False) + "\n"


def save(doc: Document, path: str | os.PathLike[str]) -> None:
    """Write ``doc`` to ``path`` atomically: a temp file in the same folder, fsync, then rename.

    On failure the old file is untouched, the temp file is removed, and a ``DocumentError``
    names the file. A symlinked path updates the file it points to.
    """
    data = dumps(doc).encode("utf-8")
    target = os.path.realpath(os.fspath(path))
    folder, name = os.path.split(target)
    tmp = None
    try:
        fd, tmp = _create_temp(folder, name)
        with open(fd, "wb") as f:
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
        with contextlib.suppress(FileNotFoundError):
            os.chmod(tmp, stat.S_IMODE(os.stat(target).st_mode))  # keep the old file's permissions
        os.replace(tmp, target)
        tmp = None
        _remove_stale_temps(folder, name)
    except OSError as exc:
        raise DocumentError(os.fsdecode(path), [Problem(f"cannot save: {exc.strerror or exc}")]) from exc
    finally:
        if tmp is not None:
            with contextlib.suppress(OSError):
                os.unlink(tmp)
    _fsync_dir(folder)


#: A save takes milliseconds: a temp file older than this whose writer is gone was left by a kill.
STALE_AFTER_S = 60
#: What follows ``.{name}.`` in a temp file's name: the writer's pid (older versions wrote none), a tag.
_TEMP_TAIL = re.compile(r"(?:(?P<pid>[0-9]+)-)?[0-9a-f]{8}\.tmp")


def _create_temp(folder: str, name: str) -> tuple[int, str]:
    """Create a new hidden temp file beside the target (mode 0o666 minus umask, like a normal file),
    named with our pid, so a later save can tell a killed writer's leftover from a live one's."""
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0)
    while True:
        tmp = os.path.join(folder, f".{name}.{os.getpid()}-{os.urandom(4).hex()}.tmp")
        try:
            return os.open(tmp, flags, 0o666), tmp
        except FileExistsError:
            continue


def _remove_stale_temps(folder: str, name: str) -> None:
    """Delete the temp files a killed save of ``name`` left behind; best effort.

    Only our own pattern, and only stale ones: older than STALE_AFTER_S and not of a live process
    (another editor saving the same file right now keeps its temp file).
    """
    prefix, now = f".{name}.", time.time()
    try:
        entries = list(os.scandir(folder))
    except OSError:
        return
    for entry in entries:
        match = entry.name.startswith(prefix) and _TEMP_TAIL.fullmatch(entry.name, len(prefix))
        if not match:
            continue
        try:
            info = entry.stat(follow_symlinks=False)
        except OSError:
            continue
        if not stat.S_ISREG(info.st_mode) or now - info.st_mtime < STALE_AFTER_S:
            continue
        if match["pid"] and _alive(int(match["pid"])):
            continue
        with contextlib.suppress(OSError):
            os.unlink(entry.path)


def _alive(pid: int) -> bool:
    """Whether a process ``pid`` runs here. On Windows no check is needed (nor safe: os.kill ends
    the process): a live writer's open temp file cannot be deleted there."""
    if os.name == "nt":
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except (PermissionError, OverflowError):
        return True
    return True


def _fsync_dir(folder: str) -> None:
    """Make the rename itself durable where the OS allows it (POSIX); best effort."""
    if os.name == "nt":
        return
    with contextlib.suppress(OSError):
        fd = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)
