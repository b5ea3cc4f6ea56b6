"""Upgrading files written by older GraphStudio versions, one format version at a time.

The contract says older files are migrated on load, never refused. Each step is a plain
function on the raw JSON dict so it can be written and tested without the current model.
Version 1 is the first released format, so the table is empty until the format changes:
when it does, bump ``FORMAT_VERSION``, add ``MIGRATIONS[old] = upgrade_old_to_new`` and
keep the old step forever.
"""
from __future__ import annotations

import copy
from typing import Any, Callable

#: The format version this code reads and writes. Read it as ``migrations.FORMAT_VERSION``
#: at call time (not ``from ... import``) so tests can patch it.
FORMAT_VERSION = 1

#: ``MIGRATIONS[v]`` upgrades a raw dict from format version ``v`` to ``v + 1``.
MIGRATIONS: dict[int, Callable[[dict[str, Any]], dict[str, Any]]] = {}


class MigrationError(ValueError):
    """A file's version has no upgrade path (a gap in ``MIGRATIONS`` or a newer file)."""


def migrate(raw: dict[str, Any]) -> dict[str, Any]:
    """Return a copy of ``raw`` upgraded to ``FORMAT_VERSION``; ``raw`` itself is untouched.

    ``raw["graphstudio"]`` must be a positive integer (schema-checked by the caller).
    Steps need not set the version themselves: it is set after each one.
    """
    version = raw["graphstudio"]
    if version > FORMAT_VERSION:
        raise MigrationError(f"format version {version} is newer than {FORMAT_VERSION}")
    raw = copy.deepcopy(raw)
    while version < FORMAT_VERSION:
        step = MIGRATIONS.get(version)
        if step is None:
            raise MigrationError(f"no upgrade from format version {version} to {version + 1}")
        raw = step(raw)
        version += 1
        raw["graphstudio"] = version
    return raw
