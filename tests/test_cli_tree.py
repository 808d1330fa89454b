import json
import subprocess
import sys
from pathlib import Path

import pytest

from sectool.cli import cli
from tests.conftest import run_cli


def test_init_sample_lists_documents_with_versions(sec):
    result = sec("ls", "--json")
    assert result.exit_code == 0, result.stderr
    docs = {d["id"]: d for d in json.loads(result.stdout)}
    assert docs["Appendix AC"] == {
        "id": "Appendix AC",
        "kind": "appendix",
        "key": "AC",
        "title": "Inventory Enrolment and Withdrawal Procedures",
        "version": "1.1",
        "path": "appendices/AC.md",
    }
    assert docs["Appendix AD"]["version"] == "1.0"
    assert list(docs)[:2] == ["Section A", "Section C"]
    assert list(docs)[-2:] == ["Appendix AC", "Appendix AD"]


def test_init_commits_and_tags_version_5_7(sample_tree: Path):
    tags = subprocess.run(["git", "tag", "-l"], cwd=sample_tree, capture_output=True, text=True)
    assert tags.stdout.split() == ["sec/5.7"]
    kind = subprocess.run(
        ["git", "cat-file", "-t", "sec/5.7"], cwd=sample_tree, capture_output=True, text=True
    )
    assert kind.stdout.strip() == "tag"
    status = subprocess.run(
        ["git", "status", "--porcelain"], cwd=sample_tree, capture_output=True, text=True
    )
    assert status.stdout == ""


def test_show_clause_prints_exact_text(sec):
    result = sec("show", "M6.2")
    assert result.exit_code == 0
    assert result.stdout.startswith("M6.2 Each Party shall ensure that its Party Details")
    assert result.stdout.endswith("within five Working Days of that change.\n")


def test_show_appendix_clause_with_subclauses(sec):
    result = sec("show", "Appendix B 4.3")
    assert result.exit_code == 0
    assert result.stdout.startswith("4.3 The Organisation certification authority")
    assert "\n4.3.1 " in result.stdout and "\n4.3.2 " in result.stdout
    assert "4.4" not in result.stdout


def test_show_whole_document_is_the_file(sec, sample_tree: Path):
    result = sec("show", "appendix ac")
    assert result.stdout == (sample_tree / "appendices/AC.md").read_text()


def test_show_json(sec):
    data = json.loads(sec("show", "AC 2.2(b)", "--json").stdout)
    assert data["id"] == "Appendix AC" and data["clause"] == "2.2(b)"
    assert data["version"] == "1.1"
    assert data["text"].startswith("(b) the identifier")


def test_unknown_document_names_closest(sec):
    result = sec("show", "Appendix AE")
    assert result.exit_code == 3
    assert result.stderr.startswith("error[unknown-reference]: there is no document Appendix AE")
    assert "closest: " in result.stderr and "Appendix AD" in result.stderr
    assert result.stdout == ""


def test_unknown_clause_names_closest(sec):
    result = sec("show", "M6.9")
    assert result.exit_code == 3
    assert "Section M has no clause M6.9" in result.stderr
    assert "closest:" in result.stderr and "M6.2" in result.stderr


def test_ambiguous_key_lists_both(sec, sample_tree: Path):
    (sample_tree / "sections/B.md").write_text(
        "# Section B: Accession\n\n## B1 Accession\n\nB1.1 Any person may accede.\n"
    )
    register = json.loads((sample_tree / "register.json").read_text())
    register["documents"].append(
        {
            "id": "Section B",
            "kind": "section",
            "key": "B",
            "title": "Accession",
            "version": "1.0",
            "path": "sections/B.md",
        }
    )
    (sample_tree / "register.json").write_text(json.dumps(register))
    result = sec("show", "B")
    assert result.exit_code == 2
    assert '"Section B" or "Appendix B"' in result.stderr
    assert sec("show", "B 4.3").exit_code == 0  # bare numbering can only be the appendix
    assert sec("show", "B1.1").exit_code == 0  # letter numbering can only be the section


def test_not_a_tree(tmp_path: Path):
    result = run_cli("ls", cwd=tmp_path)
    assert result.exit_code == 6
    assert result.stderr.splitlines()[0].startswith("error[not-a-tree]:")
    assert "sectool init" in result.stderr


def test_malformed_document_reports_file_and_line(sec, sample_tree: Path):
    path = sample_tree / "sections/M.md"
    path.write_bytes(path.read_bytes().replace(b"M6.3 The", b"M6.2 The"))
    result = sec("show", "M6.2")
    assert result.exit_code == 4
    assert result.stderr.startswith("error[malformed-document]: sections/M.md:")
    assert "duplicate clause M6.2" in result.stderr


def test_non_utf8_document(sec, sample_tree: Path):
    path = sample_tree / "appendices/B.md"
    path.write_bytes(path.read_bytes() + b"\n5.9 caf\xe9\n")
    result = sec("show", "Appendix B")
    assert result.exit_code == 4
    assert "not UTF-8" in result.stderr and "appendices/B.md:" in result.stderr


def test_init_refuses_non_empty_directory(tmp_path: Path):
    (tmp_path / "x").mkdir()
    (tmp_path / "x" / "keep.txt").write_text("mine")
    result = run_cli("init", str(tmp_path / "x"), "--sample")
    assert result.exit_code == 6
    assert "already exists" in result.stderr
    assert sorted(p.name for p in (tmp_path / "x").iterdir()) == ["keep.txt"]


def test_init_empty_tree_has_no_version(tmp_path: Path):
    assert run_cli("init", str(tmp_path / "e")).exit_code == 0
    result = run_cli("ls", "--json", cwd=tmp_path / "e")
    assert json.loads(result.stdout) == []
    for folder in ("sections", "schedules", "appendices", "modifications"):
        assert (tmp_path / "e" / folder).is_dir()


def test_tree_found_from_a_subdirectory(sample_tree: Path):
    result = run_cli("show", "M6.2", cwd=sample_tree / "appendices")
    assert result.exit_code == 0


def test_version_option():
    result = run_cli("--version")
    assert result.exit_code == 0 and "sectool" in result.stdout


def all_commands():
    out = []
    for name, command in cli.commands.items():
        out.append((name,))
        for sub in getattr(command, "commands", {}):
            out.append((name, sub))
    return out


@pytest.mark.parametrize("path", all_commands(), ids=" ".join)
def test_every_command_has_help_with_an_example(path):
    result = run_cli(*path, "--help")
    assert result.exit_code == 0
    assert "Example" in result.stdout


@pytest.mark.parametrize("path", all_commands(), ids=" ".join)
def test_every_command_is_in_the_readme(path):
    readme = (Path(__file__).parent.parent / "README.md").read_text()
    assert f"sectool {' '.join(path)}" in readme


def test_python_m_sectool_runs():
    result = subprocess.run(
        [sys.executable, "-m", "sectool", "--version"], capture_output=True, text=True
    )
    assert result.returncode == 0 and "sectool" in result.stdout


def test_file_system_refusals_are_errors_not_bugs(tmp_path: Path):
    blocker = tmp_path / "a-file"
    blocker.write_text("x")
    result = run_cli("init", str(blocker / "sub"))
    assert result.exit_code == 6
    assert result.stderr.startswith("error[file-system]:")
    assert "Traceback" not in result.stderr and "bug" not in result.stderr


def test_every_error_code_is_documented():
    import inspect

    import sectool.errors as errors

    readme = (Path(__file__).parent.parent / "README.md").read_text()
    codes = {
        cls.code
        for cls in vars(errors).values()
        if inspect.isclass(cls)
        and issubclass(cls, errors.SectoolError)
        and cls is not errors.SectoolError
    }
    assert len(codes) > 15
    assert sorted(c for c in codes if f"`{c}`" not in readme) == []


def test_a_profiler_still_gets_its_results_from_the_command(tmp_path):
    """The command skips interpreter teardown at its end, except under a profiler or tracer,
    which write their results then."""
    out = tmp_path / "sectool.prof"
    profiled = [sys.executable, "-m", "cProfile", "-o", str(out), "-m", "sectool", "--version"]
    result = subprocess.run(profiled, capture_output=True, text=True)
    assert result.returncode == 0 and "sectool" in result.stdout
    assert out.stat().st_size > 0
    failing = subprocess.run([sys.executable, "-m", "sectool", "diff"], capture_output=True)
    assert failing.returncode == 2  # usage errors keep their exit code


def test_a_command_started_with_stderr_closed_still_works(sample_tree):
    """`sectool diff ... 2>&-`: Python has no sys.stderr then (it was exit 70 on isatty)."""
    result = subprocess.run(
        f"{sys.executable} -m sectool diff 5.7 5.7 2>&-",
        shell=True,
        cwd=sample_tree,
        capture_output=False,
        stdout=subprocess.PIPE,
        text=True,
    )
    assert result.returncode == 0 and "Tracked changes" in result.stdout


def _on_a_terminal(argv: list[str], cwd: Path, env: dict | None = None) -> str:
    """What a command prints to a terminal (a pseudo-terminal), as text."""
    import os
    import pty

    leader, follower = pty.openpty()
    proc = subprocess.Popen(
        argv, cwd=cwd, stdin=subprocess.DEVNULL, stdout=follower, stderr=follower, env=env
    )
    os.close(follower)
    chunks = []
    while True:
        try:
            data = os.read(leader, 65536)
        except OSError:  # the follower side closed: the command ended
            break
        if not data:
            break
        chunks.append(data)
    proc.wait()
    os.close(leader)
    return b"".join(chunks).decode("utf-8", "replace")


@pytest.mark.parametrize("colour", [True, False])
def test_text_from_files_cannot_command_the_terminal(sample_tree, colour):
    """An escape sequence in a document (retitle the window, clear the screen) is shown as
    symbols on a terminal, in colour or not."""
    import os

    path = sample_tree / "sections/M.md"
    path.write_text(
        path.read_text().replace(
            "within five Working Days", "within \x1b]0;pwned\x07five\x1b[2J Days"
        ),
        encoding="utf-8",
    )
    env = {**os.environ, "NO_COLOR": "" if colour else "1"}
    env.pop("NO_COLOR") if colour else None
    shown = _on_a_terminal([sys.executable, "-m", "sectool", "show", "M6.2"], sample_tree, env)
    assert "\x1b]0;" not in shown and "\x1b[2J" not in shown and "\x07" not in shown
    assert "\u241b]0;pwned\u2407five\u241b[2J" in shown
    diffed = _on_a_terminal(
        [sys.executable, "-m", "sectool", "diff", "5.7", "working"], sample_tree, env
    )
    assert "\x1b]0;" not in diffed and "\u241b]0;pwned" in diffed
