"""Signed designations with git's own SSH signing and a designators file (issue 11).

Real keys are made by ssh-keygen in each test; git signs and verifies.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest

from tests.conftest import git, repo_state, run_cli

pytestmark = pytest.mark.skipif(shutil.which("ssh-keygen") is None, reason="needs ssh-keygen")

DESIGNATE_58 = ("designate", "5.8", "--effective", "2017-07-12", "--change", "SECMP0035")
DESIGNATE_59 = ("designate", "5.9", "--effective", "2017-08-01", "--change", "SOS-2017-R1.3")


def make_key(folder: Path, name: str) -> Path:
    key = folder / name
    subprocess.run(
        ["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", name, "-f", str(key)], check=True
    )
    return key


@pytest.fixture
def keys(tmp_path: Path) -> dict[str, Path]:
    folder = tmp_path / "keys"
    folder.mkdir()
    return {name: make_key(folder, name) for name in ("ada", "bob")}


def use_key(root: Path, key: Path) -> None:
    git(root, "config", "gpg.format", "ssh")
    git(root, "config", "user.signingKey", str(key))


def allowed_signers(tmp_path: Path, *keys: Path) -> Path:
    path = tmp_path / "designators"
    lines = [f"{k.name}@example.invalid {k.with_suffix('.pub').read_text().strip()}" for k in keys]
    path.write_text("\n".join(lines) + "\n")
    return path


@pytest.fixture
def guarded(sample_tree: Path, keys, tmp_path: Path) -> Path:
    """SEC 5.8 designated, signed by ada, listing ada as the only designator."""
    use_key(sample_tree, keys["ada"])
    listed = allowed_signers(tmp_path, keys["ada"])
    result = run_cli(*DESIGNATE_58, "--sign", "--designators", str(listed), cwd=sample_tree)
    assert result.exit_code == 0, result.stderr
    return sample_tree


def test_sign_makes_a_tag_git_verifies_and_installs_the_designators(guarded: Path, tmp_path):
    assert "-----BEGIN SSH SIGNATURE-----" in git(guarded, "cat-file", "tag", "sec/5.8")
    listed = (tmp_path / "designators").read_text()
    assert git(guarded, "show", "sec/5.8:.sectool/designators") == listed
    check = subprocess.run(
        ["git", "-c", f"gpg.ssh.allowedSignersFile={tmp_path / 'designators'}",
         "verify-tag", "sec/5.8"],
        cwd=guarded, capture_output=True, text=True,
    )  # fmt: skip
    assert check.returncode == 0, check.stderr
    assert 'Good "git" signature for ada@example.invalid' in check.stderr


def test_after_designators_an_unsigned_designation_is_refused(guarded: Path):
    before = repo_state(guarded)
    result = run_cli(*DESIGNATE_59, cwd=guarded)
    assert result.exit_code == 6 and "error[unauthorised-designation]" in result.stderr
    assert "must be signed" in result.stderr
    assert repo_state(guarded) == before


def test_a_key_not_listed_is_refused(guarded: Path, keys):
    use_key(guarded, keys["bob"])
    before = repo_state(guarded)
    result = run_cli(*DESIGNATE_59, "--sign", cwd=guarded)
    assert result.exit_code == 6 and "error[unauthorised-designation]" in result.stderr
    assert "not signed by a designator" in result.stderr
    assert repo_state(guarded) == before


def test_a_listed_key_designates_and_verify_names_the_signer(guarded: Path):
    result = run_cli(*DESIGNATE_59, "--sign", cwd=guarded)
    assert result.exit_code == 0, result.stderr
    report = run_cli("verify", "--json", cwd=guarded)
    assert report.exit_code == 0, report.stdout
    versions = {v["version"]: v for v in json.loads(report.stdout)["versions"]}
    assert versions["5.9"]["signer"] == "ada@example.invalid"
    assert versions["5.9"]["trusted"] is True and versions["5.9"]["key"].startswith("SHA256:")
    assert versions["5.8"]["signed"] is True and versions["5.7"]["signed"] is False


def test_a_new_designator_is_added_only_by_a_listed_one(guarded: Path, keys, tmp_path):
    both = allowed_signers(tmp_path, keys["ada"], keys["bob"])
    use_key(guarded, keys["bob"])  # bob cannot add himself
    refused = run_cli(*DESIGNATE_59, "--sign", "--designators", str(both), cwd=guarded)
    assert refused.exit_code == 6 and "unauthorised-designation" in refused.stderr
    use_key(guarded, keys["ada"])  # ada can add him
    assert run_cli(*DESIGNATE_59, "--sign", "--designators", str(both), cwd=guarded).exit_code == 0


def test_the_designators_file_changes_only_through_a_designation(guarded: Path, keys, tmp_path):
    both = allowed_signers(tmp_path, keys["ada"], keys["bob"])
    (guarded / ".sectool/designators").write_text(both.read_text())
    git(guarded, "commit", "-qam", "add bob by hand")
    use_key(guarded, keys["bob"])
    result = run_cli(*DESIGNATE_59, "--sign", cwd=guarded)
    assert result.exit_code == 6 and "error[edited-outside-designation]" in result.stderr
    assert ".sectool/designators" in result.stderr


@pytest.mark.parametrize("replacement", ["unsigned", "bob"])
def test_verify_reports_a_replaced_tag(guarded: Path, keys, tmp_path, replacement):
    assert run_cli(*DESIGNATE_59, "--sign", cwd=guarded).exit_code == 0
    message = tmp_path / "message"
    message.write_text(
        git(
            guarded,
            "for-each-ref",
            "--format=%(contents:subject)%0a%0a%(contents:body)",
            "refs/tags/sec/5.9",
        )
    )
    flags = ["-a"] if replacement == "unsigned" else ["-s"]
    if replacement == "bob":
        use_key(guarded, keys["bob"])
    git(guarded, "tag", "-f", *flags, "-F", str(message), "--cleanup=verbatim", "sec/5.9",
        "sec/5.9^{commit}")  # fmt: skip
    result = run_cli("verify", cwd=guarded)
    assert result.exit_code == 1
    rule = "history.unsigned-tag" if replacement == "unsigned" else "history.unlisted-signer"
    assert rule in result.stdout


def test_a_malformed_designators_file_is_refused(sample_tree: Path, tmp_path):
    bad = tmp_path / "designators"
    bad.write_text("ada@example.invalid not-a-key\n")
    before = repo_state(sample_tree)
    result = run_cli(*DESIGNATE_58, "--designators", str(bad), cwd=sample_tree)
    assert result.exit_code == 4 and "error[bad-designators]" in result.stderr
    assert repo_state(sample_tree) == before


def test_sign_without_a_signing_key_is_refused_cleanly(sample_tree: Path):
    git(sample_tree, "config", "gpg.format", "ssh")
    before = repo_state(sample_tree)
    result = run_cli(*DESIGNATE_58, "--sign", cwd=sample_tree)
    assert result.exit_code == 6 and "error[signing-failed]" in result.stderr
    assert "user.signingKey" in result.stderr
    assert repo_state(sample_tree) == before
