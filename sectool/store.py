"""The SEC tree's git repository: reads at any revision, and all-or-nothing writes.

This is the only module that talks to git (a test enforces it): other modules call its named
operations, never git itself. Writes go through :meth:`Store.transaction`:

1. under a lock file, the new blobs, tree, commit and (optionally) annotated tag are written as
   unreferenced objects, which change nothing anyone can see;
2. a journal naming the old and new commits and the paths involved is written;
3. the index and working tree are brought to the new commit for those paths only;
4. one ``git update-ref --stdin`` transaction moves the branch and creates the tag, atomically
   and only if the branch is still where it was (the commit point);
5. the journal is removed.

Any exception before the commit point puts the paths back as they were. A process killed part
way leaves the journal, and the next sectool command in the tree finishes or undoes the work
depending on which side of the commit point it died.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import signal
import subprocess
import tempfile
import threading
import weakref
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from sectool.errors import GitFailure, Interrupted, Locked, SectoolError, SigningFailed
from sectool.parallel import WORKER_EXIT

# Used only for the parts of an identity that neither the environment nor git's config gives.
_FALLBACK_IDENTITY = {"name": "sectool", "email": "sectool@localhost"}


class InjectedFault(SectoolError):
    """Raised by the SECTOOL_FAULT test hook; never seen in normal use."""

    code = "injected-fault"


def fault_point(step: str) -> None:
    """Test hook: ``SECTOOL_FAULT=step`` raises here, ``step:kill`` dies, ``step:int`` sends
    itself SIGINT (as Ctrl-C), ``step:sleep`` waits."""
    wanted = os.environ.get("SECTOOL_FAULT", "")
    if not wanted or wanted.split(":")[0] != step:
        return
    if wanted.endswith(":kill"):
        os.kill(os.getpid(), 9)
    if wanted.endswith(":int"):  # as Ctrl-C
        os.kill(os.getpid(), signal.SIGINT)
        return
    if wanted.endswith(":sleep"):  # hold the lock a while, for race tests
        import time

        time.sleep(float(os.environ.get("SECTOOL_FAULT_SLEEP", "3")))
        return
    raise InjectedFault(f"injected fault at step '{step}'", "unset SECTOOL_FAULT")


@dataclass(frozen=True)
class TagSignature:
    """What git says of a tag's signature: is there one, is it good by a listed signer,
    the principal (e-mail) it names, and the key's fingerprint."""

    signed: bool
    trusted: bool
    signer: str | None
    key: str | None


@dataclass(frozen=True)
class Blob:
    """A file's object at a revision: its id, and its size in bytes (0 for a submodule)."""

    id: str
    size: int


@dataclass(frozen=True)
class TagInfo:
    name: str
    commit: str
    message: str
    object: str  # the tag object's id (annotated) or the commit (lightweight)


class Store:
    """A git repository holding a SEC tree."""

    def __init__(self, root: Path) -> None:
        self.root = Path(root)
        self._env = dict(os.environ)
        self._identity: dict[str, str] | None = None
        self._catfile: subprocess.Popen[bytes] | None = None

    # -- running git ---------------------------------------------------------------------------
    def git(
        self,
        *args: str,
        input: bytes | None = None,
        env: dict[str, str] | None = None,
        check: bool = True,
    ) -> str:
        """Run git in the tree and return its stdout; raise GitFailure with its stderr."""
        proc = subprocess.run(
            ["git", *args],
            cwd=self.root,
            input=input,
            capture_output=True,
            env={**self._env, **(env or {})},
        )
        if proc.returncode == -signal.SIGINT:  # Ctrl-C reached git too: an interruption,
            raise KeyboardInterrupt  # undone (or finished) as any other, not a git failure
        if check and proc.returncode != 0:
            detail = proc.stderr.decode("utf-8", "replace").strip().splitlines()
            raise GitFailure(
                f"git {args[0]} failed: {detail[-1] if detail else proc.returncode}",
                "run `git status` in the tree to see what git reports",
            )
        return proc.stdout.decode("utf-8", "surrogateescape")

    def identity_env(self) -> dict[str, str]:
        """Author and committer for sectool's commits and tags: the user's git identity
        (environment, then ``user.name``/``user.email``), sectool's own only for what is unset."""
        if self._identity is None:
            self._identity = {}
            for part in ("name", "email"):
                configured = self.git("config", "--get", f"user.{part}", check=False).strip()
                for role in ("AUTHOR", "COMMITTER"):
                    key = f"GIT_{role}_{part.upper()}"
                    if not self._env.get(key) and not configured:
                        self._identity[key] = _FALLBACK_IDENTITY[part]
        return self._identity

    @property
    def git_dir(self) -> Path:
        return self.root / ".git"

    @classmethod
    def init(cls, root: Path) -> Store:
        store = cls(root)
        store.git("init", "-q", "-b", "main")
        return store

    # -- reading -------------------------------------------------------------------------------
    def rev(self, name: str) -> str | None:
        """The commit a name points to, or None."""
        out = self.git("rev-parse", "-q", "--verify", name + "^{commit}", check=False).strip()
        return out or None

    def head(self) -> str | None:
        return self.rev("HEAD")

    def branch(self) -> str | None:
        out = self.git("symbolic-ref", "-q", "HEAD", check=False).strip()
        return out or None

    def read(self, rev: str, path: str) -> bytes | None:
        """A file's bytes at a revision, or None when it does not exist there."""
        return self.read_many(rev, [path])[path]

    def read_many(self, rev: str, paths: Iterable[str]) -> dict[str, bytes | None]:
        """Several files at one revision through one persistent ``git cat-file --batch``."""
        proc = self._cat_file()
        assert proc.stdin is not None and proc.stdout is not None  # both are pipes
        out: dict[str, bytes | None] = {}
        for path in paths:
            proc.stdin.write(f"{rev}:{path}\n".encode())
            proc.stdin.flush()
            header = proc.stdout.readline().decode().split()
            if len(header) < 3 or header[1] != "blob":
                out[path] = None
                continue
            size = int(header[2])
            data = proc.stdout.read(size)
            proc.stdout.read(1)
            out[path] = data
        return out

    def _cat_file(self) -> subprocess.Popen[bytes]:
        if self._catfile is None or self._catfile.poll() is not None:
            self.close()
            self._catfile = subprocess.Popen(
                ["git", "cat-file", "--batch"],
                cwd=self.root,
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                stderr=subprocess.DEVNULL,
                env=self._env,
            )
            self._finalizer = weakref.finalize(self, _shutdown, self._catfile)
            _READING.add(self)
        return self._catfile

    def _forget_reader(self) -> None:
        """In a forked child: let go of the parent's cat-file process without stopping it
        (the next read starts the child's own)."""
        if self._catfile is not None:
            self._finalizer.detach()
            for pipe in (self._catfile.stdin, self._catfile.stdout):
                if pipe is not None:
                    with contextlib.suppress(OSError):
                        pipe.close()  # the child's copies; the parent's stay open
            self._catfile = None

    def close(self) -> None:
        """Stop the cat-file process (also done when the Store is garbage-collected)."""
        if self._catfile is not None:
            self._finalizer()
            self._catfile = None

    def blob_ids(self, rev: str, folders: Iterable[str]) -> dict[str, str]:
        """path -> blob id of every file under ``folders`` at a revision (one git call)."""
        return {path: blob.id for path, blob in self.blobs(rev, folders).items()}

    def blobs(self, rev: str, folders: Iterable[str]) -> dict[str, Blob]:
        """path -> id and size of every file under ``folders`` at a revision (one git call)."""
        out = self.git("ls-tree", "-r", "-l", "-z", rev, "--", *folders, check=False)
        found = {}
        for entry in out.split("\0"):
            if entry:
                meta, _, path = entry.partition("\t")
                _, kind, blob_id, size = meta.split()
                found[path] = Blob(blob_id, int(size) if kind == "blob" else 0)
        return found

    def ls_files(self, rev: str, folder: str) -> list[str]:
        out = self.git("ls-tree", "-r", "--name-only", "-z", rev, "--", folder, check=False)
        return [p for p in out.split("\0") if p]

    def tags(self, prefix: str) -> dict[str, TagInfo]:
        """Tags under refs/tags/<prefix>, with the commit each points to and its message."""
        fmt = "%(refname:strip=2)%00%(objectname)%00%(*objectname)%00%(contents)%01"
        out = self.git("for-each-ref", f"--format={fmt}", f"refs/tags/{prefix}")
        tags = {}
        for record in out.split("\x01"):
            record = record.lstrip("\n")
            if not record:
                continue
            name, obj, peeled, message = record.split("\0", 3)
            tags[name] = TagInfo(name, peeled or obj, message, obj)
        return tags

    def dirty(self, paths: Iterable[str]) -> list[str]:
        """Paths among ``paths`` with staged, unstaged or untracked changes."""
        out = self.git("status", "--porcelain=v1", "-z", "--untracked-files=all", "--", *paths)
        entries = [e for e in out.split("\0") if e]
        return sorted({e[3:] for e in entries if len(e) > 3 and e[2] == " "})

    def changed_between(self, a: str, b: str, paths: Iterable[str] = ()) -> list[str]:
        out = self.git("diff", "--name-only", "-z", a, b, "--", *paths)
        return [p for p in out.split("\0") if p]

    def changed_in_worktree(self, rev: str, paths: Iterable[str] = ()) -> list[str]:
        """Paths whose working-tree file differs from ``rev`` (untracked files included)."""
        paths = list(paths)
        out = self.git("diff", "--name-only", "-z", rev, "--", *paths)
        extra = self.git("ls-files", "--others", "--exclude-standard", "-z", "--", *paths)
        return sorted({p for p in (out + "\0" + extra).split("\0") if p})

    def is_ancestor(self, ancestor: str, descendant: str) -> bool:
        """Whether commit ``ancestor`` is in the history of ``descendant`` (or is it)."""
        proc = subprocess.run(
            ["git", "merge-base", "--is-ancestor", ancestor, descendant],
            cwd=self.root,
            capture_output=True,
            env=self._env,
        )
        return proc.returncode == 0

    def unstage(self, paths: Iterable[str]) -> None:
        """Make the index match HEAD for ``paths`` (the working tree is left alone)."""
        paths = list(paths)
        if not paths:
            return
        if self.head() is None:
            self.git("rm", "-q", "--cached", "--ignore-unmatch", "--", *paths)
        else:
            self.git("reset", "-q", "HEAD", "--", *paths, check=False)

    def refresh_index(self) -> None:
        """Let git see that rewritten files match its index again (their timestamps changed)."""
        self.git("update-index", "-q", "--refresh", check=False)

    # -- writing -------------------------------------------------------------------------------
    @contextlib.contextmanager
    def lock(self) -> Iterator[None]:
        """An exclusive lock for sectool writers in this repository.

        The lock file appears already holding the holder's process id (written aside, then
        linked into place), so it is never seen empty; one whose holder is alive, or that cannot
        be read, is never taken over. Raises Locked.
        """
        folder = self.git_dir / "sectool"
        folder.mkdir(exist_ok=True)
        path = folder / "lock"
        mine = folder / f"lock.{os.getpid()}"
        mine.write_text(str(os.getpid()))
        try:
            for _attempt in range(2):
                try:
                    os.link(mine, path)
                    break
                except FileExistsError:
                    if _holder_alive(path):
                        raise Locked(
                            "another sectool command is writing to this tree",
                            f"wait for it to finish; if none is running, remove {path}",
                        ) from None
                    with contextlib.suppress(FileNotFoundError):
                        path.unlink()
            else:  # pragma: no cover - the stale lock reappeared between two attempts
                raise Locked("could not take the tree's lock", f"remove {path} if it is stale")
        finally:
            mine.unlink()
        try:
            self.recover()
            yield
        finally:
            with contextlib.suppress(FileNotFoundError):
                path.unlink()

    @property
    def _journal(self) -> Path:
        return self.git_dir / "sectool" / "journal.json"

    def _write_journal(self, record: dict) -> None:
        tmp = self._journal.with_suffix(".tmp")
        tmp.write_text(json.dumps(record))
        os.replace(tmp, self._journal)  # never seen half-written

    def _read_journal(self) -> dict:
        try:
            record = json.loads(self._journal.read_text())
            if not isinstance(record, dict) or not isinstance(record.get("paths"), list):
                raise ValueError("no paths")
            return {"old": str(record["old"]), "new": str(record["new"]), "paths": record["paths"]}
        except (ValueError, KeyError, TypeError):
            raise Interrupted(
                f"the journal of an interrupted sectool write, {self._journal}, is unreadable",
                "check `git status` and `git log -1`; once the tree is as you want it, "
                "delete the journal",
            ) from None

    def recover(self) -> str | None:
        """Finish or undo a transaction a killed process left; returns what was done.

        Refuses (Interrupted, with the journal kept) when a file the transaction touched has
        been edited since, so that finishing or undoing it never overwrites anyone's work.
        """
        if not self._journal.exists():
            return None
        record = self._read_journal()
        head = self.head()
        target = record["new"] if head == record["new"] else record["old"]
        edited = self._edited_since(record["old"], record["new"], record["paths"])
        if edited:
            listed = " ".join(edited)
            raise Interrupted(
                f"an interrupted designation cannot be "
                f"{'finished' if target == record['new'] else 'undone'}: "
                f"{', '.join(edited)} changed since it stopped",
                f"copy your edits elsewhere, run `git checkout HEAD -- {listed}`, then rerun "
                "sectool, which will finish the recovery",
            )
        self._checkout_paths(target, record["paths"])
        self._journal.unlink()
        return "completed" if target == record["new"] else "undone"

    def _edited_since(self, old: str, new: str, paths: list[str]) -> list[str]:
        """Paths whose working-tree file is neither the ``old`` nor the ``new`` commit's."""
        expected: dict[str, set[str | None]] = {p: set() for p in paths}
        for commit in (old, new):
            ids = self.blob_ids(commit, paths) if paths else {}
            for p in paths:
                expected[p].add(ids.get(p))
        present = [p for p in paths if (self.root / p).is_file()]
        hashes = (
            self.git("hash-object", "--stdin-paths", input="\n".join(present).encode()).split()
            if present
            else []
        )
        actual: dict[str, str | None] = dict.fromkeys(paths)
        actual.update(zip(present, hashes, strict=True))
        return [p for p in paths if actual[p] not in expected[p]]

    def transaction(
        self,
        files: dict[str, bytes | None],
        message: str,
        tag: tuple[str, str] | None = None,
        sign: bool = False,
        check_tag: Callable[[str], None] | None = None,
    ) -> str:
        """Commit ``files`` (None deletes) on the current branch, tag it, all or nothing.

        The caller holds :meth:`lock`. Returns the new commit id. Ctrl-C (SIGINT) while the
        working tree and refs are being changed is held until that is consistent: before the
        commit point it undoes the work and raises KeyboardInterrupt; after it, it comes too
        late to stop the designation, which completes.
        """
        branch = self.branch()
        old = self.head()
        if branch is None or old is None:
            raise GitFailure(
                "the tree has no checked-out branch with a commit",
                "check out the branch that holds the SEC (git switch main)",
            )
        fault_point("objects")
        new = self._write_commit(old, files, message)
        tag_object = self._write_tag(new, *tag, sign=sign) if tag else None
        if check_tag and tag_object:
            check_tag(tag_object)  # may refuse: so far only unreferenced objects exist
        paths = sorted(files)
        with _held_interrupts() as interrupts:
            fault_point("journal")
            self._write_journal({"old": old, "new": new, "paths": paths})
            try:
                fault_point("worktree")
                self._checkout_paths(new, paths)
                fault_point("refs")
                interrupts.check()
                lines = ["start", f"update {branch} {new} {old}"]
                if tag_object and tag:
                    lines.append(f"create refs/tags/{tag[0]} {tag_object}")
                lines += ["prepare", "commit", ""]
                self.git("update-ref", "--stdin", input="\n".join(lines).encode())
            except BaseException:
                # the ref transaction is atomic: the branch says which side of it we are on
                done = self.rev(branch) == new
                self._checkout_paths(new if done else old, paths)
                self._journal.unlink()
                if done:
                    return new
                raise
            fault_point("cleanup")
            self._journal.unlink()
        return new

    def _write_commit(self, parent: str, files: dict[str, bytes | None], message: str) -> str:
        with tempfile.TemporaryDirectory(prefix="sectool-") as tmp:
            env = {"GIT_INDEX_FILE": str(Path(tmp) / "index")}
            self.git("read-tree", parent, env=env)
            entries = []
            written = [(p, d) for p, d in files.items() if d is not None]
            if written:
                names = []
                for i, (_path, data) in enumerate(written):
                    name = Path(tmp) / f"blob{i}"
                    name.write_bytes(data)
                    names.append(str(name))
                shas = self.git(
                    "hash-object", "-w", "--stdin-paths", input="\n".join(names).encode()
                ).split()
                pairs = zip(written, shas, strict=True)
                entries += [f"100644 {sha}\t{path}" for (path, _), sha in pairs]
            entries += [f"0 {'0' * 40}\t{p}" for p, d in files.items() if d is None]
            self.git(
                "update-index", "--index-info", input=("\n".join(entries) + "\n").encode(), env=env
            )
            tree = self.git("write-tree", env=env).strip()
        return self.git(
            "commit-tree", tree, "-p", parent, input=message.encode(), env=self.identity_env()
        ).strip()

    def _write_tag(self, commit: str, name: str, message: str, sign: bool = False) -> str:
        ident = self.git("var", "GIT_COMMITTER_IDENT", env=self.identity_env()).strip()
        body = f"object {commit}\ntype commit\ntag {name}\ntagger {ident}\n\n{message}"
        if not body.endswith("\n"):
            body += "\n"
        data = body.encode()
        if sign:
            data += self._signature(data)
        return self.git("mktag", input=data).strip()

    # -- signing -------------------------------------------------------------------------------
    def _config(self, key: str, default: str = "") -> str:
        return self.git("config", "--get", key, check=False).strip() or default

    def _signature(self, payload: bytes) -> bytes:
        """Sign a tag payload as ``git tag -s`` does: gpg.format ssh or openpgp, with
        user.signingKey and gpg[.ssh].program. Raises SigningFailed."""
        fmt = self._config("gpg.format", "openpgp")
        key = self._config("user.signingkey")
        if fmt == "ssh":
            if not key:
                raise SigningFailed(
                    "git has no SSH signing key (user.signingKey)",
                    "git config user.signingKey ~/.ssh/id_ed25519.pub",
                )
            return self._ssh_sign(payload, key)
        if fmt != "openpgp":
            raise SigningFailed(
                f"sectool signs with gpg.format ssh or openpgp, not {fmt}",
                "git config gpg.format ssh",
            )
        if not key:
            key = self.git("var", "GIT_COMMITTER_IDENT", env=self.identity_env())
            key = key.rpartition(">")[0] + ">"
        program = self._config("gpg.program", "gpg")
        proc = self._run_signer([program, "--status-fd=2", "-bsau", key], payload)
        return proc.stdout

    def _ssh_sign(self, payload: bytes, key: str) -> bytes:
        program = self._config("gpg.ssh.program", "ssh-keygen")
        with tempfile.TemporaryDirectory(prefix="sectool-sign-") as tmp:
            message = Path(tmp) / "payload"
            message.write_bytes(payload)
            args = [program, "-Y", "sign", "-n", "git"]
            if key.startswith("key::"):  # a literal public key, its private half in ssh-agent
                literal = Path(tmp) / "key.pub"
                literal.write_text(key.removeprefix("key::") + "\n")
                args += ["-f", str(literal), "-U"]
            else:
                args += ["-f", os.path.expanduser(key)]
            self._run_signer([*args, str(message)], b"")
            return (Path(tmp) / "payload.sig").read_bytes()

    def _run_signer(self, args: list[str], payload: bytes) -> subprocess.CompletedProcess:
        try:
            proc = subprocess.run(args, input=payload, capture_output=True, cwd=self.root)
        except OSError as exc:
            raise SigningFailed(
                f"cannot run {args[0]}: {exc.strerror}", "install it, or set gpg[.ssh].program"
            ) from None
        if proc.returncode != 0:
            lines = proc.stderr.decode("utf-8", "replace").strip().splitlines()
            raise SigningFailed(
                f"{args[0]} could not sign: {lines[-1] if lines else proc.returncode}",
                "check git's signing set-up: gpg.format and user.signingKey",
            )
        return proc

    def verify_tag(self, obj: str, allowed_signers: bytes | None) -> TagSignature:
        """Check a tag object's signature with git; ``allowed_signers`` (git's allowed-signers
        format) lists who may sign SSH signatures. Never raises for a bad signature."""
        with tempfile.TemporaryDirectory(prefix="sectool-verify-") as tmp:
            args = []
            if allowed_signers is not None:
                allowed = Path(tmp) / "allowed_signers"
                allowed.write_bytes(allowed_signers)
                args = ["-c", f"gpg.ssh.allowedSignersFile={allowed}"]
            proc = subprocess.run(
                ["git", *args, "verify-tag", "--raw", obj],
                cwd=self.root,
                capture_output=True,
                env=self._env,
            )
        report = proc.stderr.decode("utf-8", "replace")
        signed = "no signature found" not in report
        good = re.search(r'Good "git" signature (?:for (\S+) )?with (\S+) key (\S+)', report)
        if good:
            return TagSignature(signed, proc.returncode == 0, good.group(1), good.group(3))
        gpg = re.search(r"\[GNUPG:\] GOODSIG (\S+) (.*)", report)
        if gpg:
            return TagSignature(signed, proc.returncode == 0, gpg.group(2).strip(), gpg.group(1))
        return TagSignature(signed, False, None, None)

    def _checkout_paths(self, commit: str, paths: list[str]) -> None:
        """Make index and working tree match ``commit`` for exactly these paths."""
        present = (
            set(self.git("ls-tree", "-r", "--name-only", "-z", commit, "--", *paths).split("\0"))
            if paths
            else set()
        )
        keep = [p for p in paths if p in present]
        gone = [p for p in paths if p not in present]
        if keep:
            self.git(
                "checkout",
                commit,
                "--pathspec-from-file=-",
                "--pathspec-file-nul",
                input="\0".join(keep).encode(),
            )
        if gone:
            self.git(
                "rm",
                "-q",
                "--cached",
                "--ignore-unmatch",
                "--pathspec-from-file=-",
                "--pathspec-file-nul",
                input="\0".join(gone).encode(),
            )
            for p in gone:
                with contextlib.suppress(FileNotFoundError):
                    (self.root / p).unlink()

    def commit_all(self, message: str) -> str:
        """The first commit of a new tree (nothing to be atomic against yet)."""
        self.git("add", "-A")
        self.git("commit", "-q", "-m", message, env=self.identity_env())
        return self.head() or ""

    def tag(self, name: str, commit: str, message: str) -> None:
        obj = self._write_tag(commit, name, message)
        self.git("update-ref", f"refs/tags/{name}", obj, "")


def merge_file(
    base: str, ours: str, theirs: str, labels: tuple[str, str, str] = ("ours", "base", "theirs")
) -> tuple[str, int]:
    """Three-way merge of three texts with ``git merge-file``; no repository is needed.

    Returns the merged text (with conflict markers labelled ``labels`` where the sides overlap)
    and the number of conflicts (0 when clean). Raises GitFailure when git itself fails.
    """
    with tempfile.TemporaryDirectory(prefix="sectool-merge-") as tmp:
        files = []
        for name, text in (("ours", ours), ("base", base), ("theirs", theirs)):
            path = Path(tmp) / name
            path.write_bytes(text.encode("utf-8"))
            files.append(str(path))
        proc = subprocess.run(
            ["git", "merge-file", "-p", "-L", labels[0], "-L", labels[1], "-L", labels[2], *files],
            capture_output=True,
        )
    # merge-file exits with the number of conflicts (at most 127); above that, or killed: failed
    if proc.returncode < 0 or proc.returncode > 127:
        raise GitFailure(
            f"git merge-file failed: {proc.stderr.decode(errors='replace')}",
            "check that git is installed and working",
        )
    return proc.stdout.decode("utf-8"), proc.returncode


# Stores with a cat-file process: a forked child must not read through its parent's.
_READING: weakref.WeakSet[Store] = weakref.WeakSet()


def _after_fork_in_child() -> None:
    for store in list(_READING):
        store._forget_reader()
    _READING.clear()


if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=_after_fork_in_child)


def _stop_readers() -> None:
    """Stop this process's cat-file processes and wait for them (a worker ending)."""
    for store in list(_READING):
        store.close()


WORKER_EXIT.append(_stop_readers)


def _shutdown(proc: subprocess.Popen[bytes]) -> None:
    with contextlib.suppress(Exception):
        if proc.stdin:
            proc.stdin.close()
        if proc.stdout:
            proc.stdout.close()
        proc.wait(timeout=5)


class _Interrupts:
    """Ctrl-C held back while the tree is being changed (see :func:`_held_interrupts`)."""

    def __init__(self) -> None:
        self.received = False

    def handle(self, _signum: int, _frame: object) -> None:
        self.received = True

    def check(self) -> None:
        """Raise the held KeyboardInterrupt now, where undoing is still possible."""
        if self.received:
            self.received = False
            raise KeyboardInterrupt


@contextlib.contextmanager
def _held_interrupts() -> Iterator[_Interrupts]:
    """Hold SIGINT for the duration (signals can only be handled in the main thread)."""
    interrupts = _Interrupts()
    if threading.current_thread() is not threading.main_thread():
        yield interrupts
        return
    previous = signal.signal(signal.SIGINT, interrupts.handle)
    try:
        yield interrupts
    finally:
        signal.signal(signal.SIGINT, previous)


def _holder_alive(lock: Path) -> bool:
    """Whether the lock's holder may still be running (an unreadable lock counts as held)."""
    try:
        pid = int(lock.read_text())
    except FileNotFoundError:
        return False
    except (OSError, ValueError):
        return True
    if pid <= 0:
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True
