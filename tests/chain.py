"""A chain of designated versions of one appendix, each made by its own change set."""

from __future__ import annotations

from pathlib import Path

from tests.conftest import Result, run_cli

HEAD = "# Appendix ZZ: Test Appendix\n\n## 1 General\n\n"


class Chain:
    """``add(text)`` records ``text`` (paragraphs below the appendix's heading, or the whole
    file with ``whole=True``) as change set X<n> and designates SEC <n>.0, effective 201<n>."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.count = 0

    def sec(self, *args: str) -> Result:
        return run_cli(*args, cwd=self.root)

    def add(self, text: str, whole: bool = False) -> None:
        self.count += 1
        n = self.count
        path = self.root / "appendices" / "ZZ.md"
        path.parent.mkdir(exist_ok=True)
        path.write_bytes((text if whole else HEAD + text + "\n").encode("utf-8"))
        date = f"{2010 + n}-01-01"
        for args in (
            ("mod", "new", f"X{n}", "--title", f"change  {n}", "--kind", "direction"),
            ("mod", "record", f"X{n}"),
            ("designate", f"{n}.0", "--effective", date, "--change", f"X{n}"),
        ):
            result = self.sec(*args, *(["--date", date] if args[1] == "new" else []))
            assert result.exit_code == 0, (args, result.stderr)

    def __call__(self, *texts: str) -> Chain:
        for text in texts:
            self.add(text)
        return self
