"""Findings as text (grouped by file), JSON, GitHub workflow commands or JUnit XML."""

from __future__ import annotations

import json
from itertools import groupby
from xml.etree import ElementTree as ET

from sectool.checks import CheckResult
from sectool.model import Finding, Severity


def summary_line(result: CheckResult) -> str:
    errors, warnings = result.count(Severity.ERROR), result.count(Severity.WARNING)
    return (
        f"{errors} error(s), {warnings} warning(s) in {result.documents} document(s) and "
        f"{result.change_sets} change set(s)"
    )


def _location(f: Finding) -> str:
    where = f.path or "(tree)"
    if f.line:
        where += f":{f.line}"
    return where


def render_text(result: CheckResult) -> list[tuple[str, str]]:
    """Lines with a style name: findings grouped by file, then the summary."""
    lines: list[tuple[str, str]] = []
    for path, group in groupby(result.findings, key=lambda f: f.path or "(tree)"):
        lines.append((path, "heading"))
        for f in group:
            clause = f" [{f.clause}]" if f.clause else ""
            line = f":{f.line}" if f.line else ""
            lines.append(
                (
                    f"  {line.lstrip(':') or '-':>5}  {f.severity}[{f.rule}]{clause}: {f.message}",
                    f.severity,
                )
            )
            if f.hint:
                lines.append((f"         hint: {f.hint}", "hint"))
    lines.append((summary_line(result), "summary"))
    return lines


def render_json(result: CheckResult) -> str:
    data = {"findings": [f.as_json() for f in result.findings], "summary": result.summary()}
    return json.dumps(data, indent=2, ensure_ascii=False) + "\n"


def _escape_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _escape_property(text: str) -> str:
    return _escape_data(text).replace(":", "%3A").replace(",", "%2C")


def render_github(result: CheckResult) -> str:
    """GitHub Actions workflow commands: one annotation per finding."""
    out = []
    for f in result.findings:
        props = []
        if f.path:
            props.append(f"file={_escape_property(f.path)}")
        if f.line:
            props.append(f"line={f.line}")
        props.append(f"title={_escape_property(f.rule)}")
        message = f.message + (f" (hint: {f.hint})" if f.hint else "")
        out.append(f"::{f.severity} {','.join(props)}::{_escape_data(message)}")
    out.append(summary_line(result))
    return "\n".join(out) + "\n"


def render_junit(result: CheckResult, fail_on: Severity) -> str:
    """JUnit XML: a test case per finding (failing at or above --fail-on)."""
    failures = [f for f in result.findings if f.severity.rank >= fail_on.rank]
    suite = ET.Element(
        "testsuite",
        name="sectool check",
        tests=str(max(1, len(result.findings))),
        failures=str(len(failures)),
        errors="0",
        skipped="0",
    )
    if not result.findings:
        ET.SubElement(suite, "testcase", classname="sectool", name="check")
    for f in result.findings:
        case = ET.SubElement(
            suite,
            "testcase",
            classname=f.path or "tree",
            name=f"{f.rule} {f.clause or ''}".strip() + f" line {f.line or 0}",
        )
        if f in failures:
            node = ET.SubElement(case, "failure", message=f.message, type=f.rule)
            node.text = f"{_location(f)}: {f.severity}: {f.message}\nhint: {f.hint}"
        else:
            ET.SubElement(case, "system-out").text = f"{f.severity}: {f.message}"
    root = ET.Element("testsuites")
    root.append(suite)
    ET.indent(root)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n"
