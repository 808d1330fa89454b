"""The shape of ``register.json``, checked in one place when the register is read.

A hand-edited or damaged register must fail with ``malformed-register`` naming the JSON path
of the first bad value (``$.versions[0].changes[1].id``), never with an internal error later on.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sectool.errors import SectoolError
from sectool.model import DocId, Kind, looks_like_version

# field -> (required, expected type)
_Spec = dict[str, tuple[bool, type]]
_DOCUMENT: _Spec = {
    "kind": (True, str),
    "key": (True, str),
    "title": (True, str),
    "version": (True, str),
    "id": (False, str),
    "path": (False, str),
}
_VERSION: _Spec = {
    "version": (True, str),
    "effective": (True, str),
    "by": (False, str),
    "designated": (False, str),
    "changes": (False, list),
    "documents": (False, dict),
}
_CHANGE: _Spec = {"id": (True, str), "title": (True, str)}
_NAMES: dict[type, str] = {str: "a string", list: "a list", dict: "an object"}


def shape_problem(data: Any) -> str | None:
    """The first structural problem in parsed register JSON, as ``"$.path: problem"``, or None.

    Checks types, required fields, document kinds, version labels and effective dates.
    """
    if not isinstance(data, dict):
        return "$: the register must be a JSON object"
    for name in ("documents", "versions"):
        if name not in data:
            return f"$.{name}: missing"
        if not isinstance(data[name], list):
            return f"$.{name}: must be a list"
    for i, doc in enumerate(data["documents"]):
        problem = _fields(doc, _DOCUMENT, f"$.documents[{i}]") or _values(doc, f"$.documents[{i}]")
        if problem:
            return problem
    for i, record in enumerate(data["versions"]):
        where = f"$.versions[{i}]"
        problem = _fields(record, _VERSION, where) or _values(record, where)
        if problem:
            return problem
        for j, change in enumerate(record.get("changes", [])):
            problem = _fields(change, _CHANGE, f"{where}.changes[{j}]")
            if problem:
                return problem
        for key, value in record.get("documents", {}).items():
            if not isinstance(value, str):
                return f"{where}.documents[{key!r}]: must be a string (a document version)"
    return None


def _fields(value: Any, spec: _Spec, where: str) -> str | None:
    if not isinstance(value, dict):
        return f"{where}: must be an object, not {_json_name(value)}"
    for name, (required, kind) in spec.items():
        if name not in value:
            if required:
                return f"{where}.{name}: missing"
            continue
        if not isinstance(value[name], kind):
            return f"{where}.{name}: must be {_NAMES[kind]}, not {_json_name(value[name])}"
    return None


def _values(value: dict, where: str) -> str | None:
    kinds = {k.value for k in Kind}
    if "kind" in value and value["kind"] not in kinds:
        return f"{where}.kind: {value['kind']!r} is not one of {', '.join(sorted(kinds))}"
    if "key" in value:
        try:
            DocId(Kind(value["kind"]), value["key"])
        except SectoolError as exc:
            return f"{where}.key: {exc.message}"
    if not looks_like_version(value["version"]):
        return f"{where}.version: {value['version']!r} is not a version label"
    if "effective" in value:
        try:
            dt.date.fromisoformat(value["effective"])
        except ValueError:
            return f"{where}.effective: {value['effective']!r} is not an ISO date (YYYY-MM-DD)"
    return None


def _json_name(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, (int, float)):
        return "a number"
    return _NAMES.get(type(value), type(value).__name__)
