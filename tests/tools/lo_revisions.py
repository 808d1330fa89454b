"""Accept or reject every tracked change of .docx files in LibreOffice, and print their text.

Run with a Python that has LibreOffice's UNO bridge (Debian: python3-uno, /usr/bin/python3):

    python3 lo_revisions.py accept|reject|outline|accept-outline|reject-outline|redlines \
        FILE... > out.json

Prints JSON: {file: [paragraph text, ...]} after LibreOffice's own Accept All / Reject All;
with ``outline``, {file: [[outline level, paragraph text], ...]} as loaded, where the outline
level is what LibreOffice's Navigator shows a heading by (0 for body text), and with
``accept-outline`` / ``reject-outline`` the same after Accept All / Reject All; with
``redlines``, {file: [[type, author, YYYY-MM-DD], ...]}: the tracked changes LibreOffice lists
(type Insert, Delete, Format, ParagraphFormat...).
"""

import json
import os
import shutil
import subprocess
import sys
import tempfile
import time

import uno
from com.sun.star.beans import PropertyValue


def prop(name, value):
    p = PropertyValue()
    p.Name, p.Value = name, value
    return p


def connect(port: int, profile: str):
    office = subprocess.Popen(
        [
            "soffice",
            "--headless",
            "--invisible",
            "--norestore",
            "--nologo",
            f"-env:UserInstallation=file://{profile}",
            f"--accept=socket,host=127.0.0.1,port={port};urp;",
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    local = uno.getComponentContext()
    resolver = local.ServiceManager.createInstanceWithContext(
        "com.sun.star.bridge.UnoUrlResolver", local
    )
    for _ in range(120):
        try:
            ctx = resolver.resolve(
                f"uno:socket,host=127.0.0.1,port={port};urp;StarOffice.ComponentContext"
            )
            return office, ctx
        except Exception:  # noqa: BLE001 - not listening yet
            time.sleep(0.5)
    office.kill()
    raise SystemExit("LibreOffice did not start")


def paragraphs(doc) -> list:
    out = []
    enum = doc.getText().createEnumeration()
    while enum.hasMoreElements():
        element = enum.nextElement()
        if element.supportsService("com.sun.star.text.Paragraph"):
            out.append(element.getString())
        else:  # a table: its cells' text, as one entry
            out.append(
                "\t".join(element.getCellByName(n).getString() for n in element.getCellNames())
            )
    return out


def outline(doc) -> list:
    out = []
    enum = doc.getText().createEnumeration()
    while enum.hasMoreElements():
        element = enum.nextElement()
        if element.supportsService("com.sun.star.text.Paragraph"):
            out.append([element.OutlineLevel, element.getString()])
    return out


def redlines(doc) -> list:
    """[type, author, date] of every tracked change, as LibreOffice's Manage Changes lists."""
    out = []
    enum = doc.getRedlines().createEnumeration()
    while enum.hasMoreElements():
        redline = enum.nextElement()
        when = redline.getPropertyValue("RedlineDateTime")
        out.append(
            [
                redline.getPropertyValue("RedlineType"),
                redline.getPropertyValue("RedlineAuthor"),
                f"{when.Year:04d}-{when.Month:02d}-{when.Day:02d}",
            ]
        )
    return out


def labels(doc) -> list:
    """[list label as LibreOffice prints it, text] of every body paragraph."""
    out = []
    enum = doc.getText().createEnumeration()
    while enum.hasMoreElements():
        element = enum.nextElement()
        if element.supportsService("com.sun.star.text.Paragraph"):
            out.append([element.ListLabelString, element.getString()])
    return out


def main() -> None:
    mode, files = sys.argv[1], sys.argv[2:]
    profile = tempfile.mkdtemp(prefix="lo-profile-")
    port = 20000 + os.getpid() % 20000
    office, ctx = connect(port, profile)
    try:
        desktop = ctx.ServiceManager.createInstanceWithContext("com.sun.star.frame.Desktop", ctx)
        dispatcher = ctx.ServiceManager.createInstanceWithContext(
            "com.sun.star.frame.DispatchHelper", ctx
        )
        result = {}
        for path in files:
            url = uno.systemPathToFileUrl(os.path.abspath(path))
            doc = desktop.loadComponentFromURL(url, "_blank", 0, (prop("Hidden", True),))
            if mode in ("outline", "labels", "redlines"):
                result[path] = {"outline": outline, "labels": labels, "redlines": redlines}[mode](
                    doc
                )
                doc.close(True)
                continue
            command = (
                ".uno:AcceptAllTrackedChanges"
                if mode.startswith("accept")
                else ".uno:RejectAllTrackedChanges"
            )
            frame = doc.getCurrentController().getFrame()
            dispatcher.executeDispatch(frame, command, "", 0, ())
            result[path] = outline(doc) if mode.endswith("-outline") else paragraphs(doc)
            doc.close(True)
        print(json.dumps(result, ensure_ascii=False))
    finally:
        try:
            desktop.terminate()
        except Exception:  # noqa: BLE001
            pass
        office.wait(timeout=30) if office.poll() is None else None
        shutil.rmtree(profile, ignore_errors=True)


if __name__ == "__main__":
    main()
