"""PDF through LibreOffice: the only place sectool runs ``soffice``.

We do not lay out PDF pages ourselves. sectool's own .docx (a clean export, or a redline whose
tracked changes LibreOffice shows inserted and struck through, as on screen) is converted by
LibreOffice headless, the converter already used to test our Word output.

Each run is isolated and bounded:

- a private user profile in a temporary folder (``-env:UserInstallation``), so concurrent
  runs, and a LibreOffice the user has open, neither block nor change each other;
- one LibreOffice start converts every file of the run;
- a time limit (``SECTOOL_PDF_TIMEOUT`` seconds, default 300) for the whole run, after which
  LibreOffice and every process it started are killed;
- nothing is written outside the temporary folder, which is removed on every path; the caller
  writes the returned bytes (atomically).

``SECTOOL_SOFFICE`` names the LibreOffice program when it is not ``soffice`` on PATH (for
example ``/Applications/LibreOffice.app/Contents/MacOS/soffice``).
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import tempfile
from pathlib import Path

from sectool.errors import BadTimeout, ConversionFailed, ConversionTimedOut, ConverterMissing

DEFAULT_TIMEOUT = 300.0
_INSTALL_HINT = (
    "install LibreOffice (Debian/Ubuntu: apt-get install libreoffice-writer-nogui), or set "
    "SECTOOL_SOFFICE to its soffice program; --format docx needs no LibreOffice"
)


def docx_to_pdf(files: dict[str, bytes], timeout: float | None = None) -> dict[str, bytes]:
    """Convert .docx packages to PDF with one LibreOffice run.

    ``files`` maps a plain file stem (no folder, no suffix; e.g. ``"Appendix-B_SEC-5.7_SEC-5.8"``)
    to the bytes of a .docx; the result maps the same stems to the bytes of each PDF.
    ``timeout`` is in seconds for the whole run (default: ``SECTOOL_PDF_TIMEOUT``, else 300).

    Raises ConverterMissing when LibreOffice cannot be found, ConversionTimedOut when it does
    not finish in time, ConversionFailed when it exits with an error or leaves no PDF, and
    BadTimeout for a ``SECTOOL_PDF_TIMEOUT`` that is not a positive number of seconds.
    """
    if not files:
        return {}
    program = find_soffice()
    limit = timeout if timeout is not None else timeout_from_environment()
    with tempfile.TemporaryDirectory(prefix="sectool-pdf-") as work:
        folder = Path(work)
        source, target, profile = folder / "in", folder / "out", folder / "profile"
        source.mkdir()
        for stem, data in files.items():
            (source / f"{stem}.docx").write_bytes(data)
        command = [
            program,
            "--headless",
            "--norestore",
            "--nologo",
            "--nolockcheck",
            "--nodefault",
            f"-env:UserInstallation={profile.as_uri()}",
            "--convert-to",
            "pdf:writer_pdf_Export",
            "--outdir",
            str(target),
            *(str(source / f"{stem}.docx") for stem in files),
        ]
        status, said = _run(command, limit, folder)
        return {stem: _read_pdf(target / f"{stem}.pdf", stem, status, said) for stem in files}


def check_ready() -> None:
    """Fail early, before any rendering, when a PDF could not be made: raises ConverterMissing
    or BadTimeout as :func:`docx_to_pdf` would."""
    find_soffice()
    timeout_from_environment()


def find_soffice() -> str:
    """The LibreOffice program to run: ``SECTOOL_SOFFICE``, else soffice (or libreoffice) on
    PATH. Raises ConverterMissing."""
    named = os.environ.get("SECTOOL_SOFFICE")
    if named:
        found = shutil.which(named)
        if not found:
            raise ConverterMissing(
                f"SECTOOL_SOFFICE names {named}, which is not an executable program", _INSTALL_HINT
            )
        return found
    for name in ("soffice", "libreoffice"):
        found = shutil.which(name)
        if found:
            return found
    raise ConverterMissing(
        "PDF output needs LibreOffice, and soffice is not on PATH", _INSTALL_HINT
    )


MAX_TIMEOUT = 86_400  # a day


def timeout_from_environment() -> float:
    """``SECTOOL_PDF_TIMEOUT`` in seconds, or the default. Raises BadTimeout."""
    raw = os.environ.get("SECTOOL_PDF_TIMEOUT", "").strip()
    if not raw:
        return DEFAULT_TIMEOUT
    try:
        value = float(raw)
    except ValueError:
        value = -1.0
    if not 0 < value <= MAX_TIMEOUT:  # beyond what the OS's waits take (1e9 overflowed)
        raise BadTimeout(
            f"SECTOOL_PDF_TIMEOUT is {raw!r}, not a number of seconds from 0 to {MAX_TIMEOUT}",
            "set it to a number such as 600, or unset it for the default of 300",
        )
    return value


def _run(command: list[str], limit: float, folder: Path) -> tuple[int, str]:
    """Run LibreOffice in a session of its own, so a timeout kills it with all its children."""
    process = subprocess.Popen(
        command,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        cwd=folder,
        start_new_session=True,
    )
    try:
        said, _ = process.communicate(timeout=limit)
    except subprocess.TimeoutExpired:
        _kill(process)
        raise ConversionTimedOut(
            f"LibreOffice did not finish the PDF within {limit:g} s; it was stopped",
            "set SECTOOL_PDF_TIMEOUT to more seconds for a long document, or write --format "
            "docx and convert that",
        ) from None
    finally:
        if process.poll() is None:  # interrupted (Ctrl-C) or an error above: leave no process
            _kill(process)
    return process.returncode, said.decode("utf-8", "replace")


def _kill(process: subprocess.Popen) -> None:
    killpg = getattr(os, "killpg", None)  # POSIX; elsewhere only the process itself
    try:
        if killpg is None:
            raise ProcessLookupError
        killpg(process.pid, getattr(signal, "SIGKILL", signal.SIGTERM))
    except (ProcessLookupError, PermissionError):
        process.kill()
    # wait for the process, not for its output: a child that left the group may hold the pipe
    process.wait()
    if process.stdout is not None:
        process.stdout.close()


def _read_pdf(path: Path, stem: str, status: int, said: str) -> bytes:
    data = path.read_bytes() if path.is_file() else b""
    if status == 0 and data.startswith(b"%PDF"):
        return data
    lines = [line.strip() for line in said.splitlines() if line.strip()]
    # LibreOffice prints its warnings (javaldx, fonts) too: its own error line says most
    errors = [line for line in lines if line.lower().startswith("error")] or lines
    reason = f": {errors[-1]}" if errors else f" (exit status {status})"
    raise ConversionFailed(
        f"LibreOffice could not convert {stem}.docx to PDF{reason}",
        "check that LibreOffice starts (soffice --headless --version); --format docx writes the "
        "same document without it",
    )
