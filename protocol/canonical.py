"""The one canonical JSON text of a document.

The server decides whether a repeated submission is a duplicate on the SHA-256 of this text; the
terminal stores a submission's body as this text when it is queued (so every resend is the same);
reference data ETags hash it (so reformatting a file does not make every terminal download it again).
Defined once here: two definitions that drift apart would turn duplicates into conflicts.
"""

from __future__ import annotations

import hashlib
import json
from typing import Any


def canonical_json(document: Any) -> str:
    """Sorted keys, no spaces, real UTF-8 (not ``\\u`` escapes), no NaN or Infinity."""
    return json.dumps(document, sort_keys=True, ensure_ascii=False, separators=(",", ":"), allow_nan=False)


def canonical_sha256(document: Any) -> str:
    """Lower-case hex SHA-256 of the canonical JSON text of ``document``."""
    return hashlib.sha256(canonical_json(document).encode("utf-8")).hexdigest()
