"""history: the verify checks (register, tags and Document Log agree; no designated document
edited outside a designation)."""

from __future__ import annotations

from sectool.checks.context import CheckContext
from sectool.history import verify
from sectool.model import Finding


def check(context: CheckContext) -> list[Finding]:
    return verify(context.tree)
