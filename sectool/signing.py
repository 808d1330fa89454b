"""Signed designations: who may designate, and whether a designation tag was signed by them.

``.sectool/designators`` (git's allowed-signers format: ``PRINCIPAL [OPTIONS] KEYTYPE KEY``)
is written only by a designation (``designate --designators FILE``). Once a designated version
has it, the next designation's tag must be signed (``designate --sign``, git's own signing) by a
key that file lists; so adding a designator takes an existing one.
"""

from __future__ import annotations

import re

from sectool.errors import BadDesignators, UnauthorisedDesignation
from sectool.integrity import DESIGNATORS
from sectool.register import VersionRecord
from sectool.store import TagSignature
from sectool.tree import Tree

_KEY = re.compile(r"(?:ssh-|ecdsa-|sk-)[\w@.-]+\s+[A-Za-z0-9+/]+=*(?:\s|$)")


def parse_designators(data: bytes, source: str) -> bytes:
    """Check ``data`` is an allowed-signers file with at least one key; return it unchanged.

    Raises BadDesignators naming the first bad line.
    """
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        raise BadDesignators(
            f"{source} is not UTF-8 text", "give git's allowed-signers file"
        ) from None
    keys = 0
    for number, line in enumerate(text.splitlines(), 1):
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        if len(line.split()) < 3 or not _KEY.search(line):
            raise BadDesignators(
                f"{source}:{number} is not 'PRINCIPAL KEYTYPE KEY'",
                "write one line per designator, e.g. ada@example.org ssh-ed25519 AAAAC3Nz...",
            )
        keys += 1
    if not keys:
        raise BadDesignators(f"{source} lists no key", "list at least one designator's key")
    return data


def designators_at(tree: Tree, record: VersionRecord | None) -> bytes | None:
    """The designators file of a designated version, or None when it has none."""
    if record is None or tree.store.rev(f"refs/tags/{record.tag}") is None:
        return None
    return tree.store.read(f"refs/tags/{record.tag}", DESIGNATORS)


def require_designator(tree: Tree, allowed: bytes, version: str, tag_object: str) -> None:
    """Refuse unless the tag object is signed by a key in ``allowed``."""
    found = tree.store.verify_tag(tag_object, allowed)
    if not found.trusted:
        who = f" (signed by {describe(found)})" if found.signed else ""
        raise UnauthorisedDesignation(
            f"SEC {version} is not signed by a designator the last version lists{who}",
            f"sign with a key listed in {DESIGNATORS} (git config user.signingKey ...); "
            "a new designator is added by a designation an existing one signs",
        )


def describe(found: TagSignature) -> str:
    return found.signer or (f"key {found.key}" if found.key else "an unknown key")
