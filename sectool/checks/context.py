"""What every rule needs: the working tree's documents, parsed once, and its change sets."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from sectool.changes.changeset import FOLDER, MANIFEST, ChangeSet
from sectool.document import Document, parse_document
from sectool.errors import SectoolError
from sectool.model import ClauseRef, DocId, Finding, Severity
from sectool.tree import LEGAL_FOLDERS, Tree, decode


@dataclass
class CheckContext:
    tree: Tree
    documents: dict[DocId, Document] = field(default_factory=dict)
    texts: dict[DocId, str] = field(default_factory=dict)
    problems: list[Finding] = field(default_factory=list)  # files that did not even parse
    files: set[str] = field(default_factory=set)
    changes: dict[str, ChangeSet] = field(default_factory=dict)
    change_problems: list[Finding] = field(default_factory=list)
    changed: set[str] = field(default_factory=set)  # paths changed since --changed-since REF

    @classmethod
    def load(cls, tree: Tree) -> CheckContext:
        context = cls(tree)
        for folder in LEGAL_FOLDERS:
            for path in sorted((tree.root / folder).glob("*.md")):
                rel = path.relative_to(tree.root).as_posix()
                context.files.add(rel)
                doc_id = DocId.from_path(rel)
                if doc_id is None:
                    context.problems.append(
                        Finding(
                            "structure.file-name",
                            Severity.ERROR,
                            f"{rel} is not named like a document",
                            "name it sections/<Letter>.md, schedules/<N>.md or appendices/"
                            "<Letters>.md",
                            path=rel,
                        )
                    )
                    continue
                try:
                    text = decode(path.read_bytes(), rel)
                    context.texts[doc_id] = text
                    context.documents[doc_id] = parse_document(text, doc_id, rel)
                except SectoolError as exc:
                    context.problems.append(
                        Finding(
                            "structure.parse",
                            Severity.ERROR,
                            exc.message,
                            exc.hint,
                            path=rel,
                            line=exc.line,
                            clause=exc.clause,
                        )
                    )
        context._load_changes()
        return context

    @classmethod
    def from_texts(
        cls, tree: Tree, texts: dict[DocId, str], parsed: dict[DocId, Document] | None = None
    ) -> CheckContext:
        """A context over given document texts (a version being designated), not the files;
        ``parsed`` holds documents already parsed from exactly those texts.

        Raises MalformedDocument when a text does not parse.
        """
        context = cls(tree)
        for doc_id, text in texts.items():
            context.files.add(doc_id.path)
            context.texts[doc_id] = text
            known = (parsed or {}).get(doc_id)
            context.documents[doc_id] = known or parse_document(text, doc_id)
        return context

    def _load_changes(self) -> None:
        for manifest in sorted((self.tree.root / FOLDER).glob(f"*/{MANIFEST}")):
            rel = manifest.relative_to(self.tree.root).as_posix()
            try:
                change = ChangeSet.loads(decode(manifest.read_bytes(), rel), rel)
            except SectoolError as exc:
                self.change_problems.append(
                    Finding("changes.manifest", Severity.ERROR, exc.message, exc.hint, path=rel)
                )
                continue
            self.changes[change.id] = change

    def resolve(self, doc_id: DocId, clause: str | None) -> tuple[bool, str]:
        """(found, heading) for a reference in the working tree."""
        document = self.documents.get(doc_id)
        if document is None:
            return False, ""
        if clause is None:
            return True, document.title
        if clause not in document.index:
            return False, ""
        return True, document.heading_of(clause)

    def scope(self, targets: list[str], changed_since: str | None, base: Path) -> set[str] | None:
        """The paths findings are limited to, or None for everything."""
        if not targets and not changed_since:
            return None
        scope: set[str] = set()
        for target in targets:
            scope.add(self._target_path(target, base))
        if changed_since:
            changed = self._changed_paths(changed_since)
            self.changed = changed
            scope |= changed
            touched = {DocId.from_path(p) for p in changed} - {None}
            scope |= self._referencing(touched)
        return scope

    def _target_path(self, target: str, base: Path) -> str:
        path = base / target
        if path.exists():
            try:
                return path.resolve().relative_to(self.tree.root).as_posix().rstrip("/") or "."
            except ValueError:
                pass
        if target in self.changes:
            return f"{FOLDER}/{target}"
        entry, _ = self.tree.snapshot().resolve(ClauseRef.parse(target))
        return entry.path

    def _changed_paths(self, rev: str) -> set[str]:
        store = self.tree.store
        if store.rev(rev) is None:
            from sectool.errors import UnknownVersion

            raise UnknownVersion(
                f"git knows no revision '{rev}'",
                "give a branch, tag or commit, e.g. --changed-since origin/main",
            )
        return set(store.changed_in_worktree(rev))

    def _referencing(self, touched: set) -> set[str]:
        from sectool.references import extract_references

        out = set()
        for doc_id, document in self.documents.items():
            if any(r.target in touched for r in extract_references(document)):
                out.add(doc_id.path)
        return out

    def in_scope(self, doc_id: DocId, scope: set[str] | None) -> bool:
        return scope is None or doc_id.path in scope
