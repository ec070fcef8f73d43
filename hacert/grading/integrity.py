"""Seals a JSON document with a SHA-256 so a grade or certificate can be audited.

The hash covers the document's canonical JSON without its own ``sha256`` key: keys
sorted, separators ``,`` and ``:``, UTF-8, no whitespace. Anyone can recompute it::

    python3 -c 'import json,hashlib,sys; d=json.load(open(sys.argv[1])); d.pop("sha256");
    print(hashlib.sha256(json.dumps(d,sort_keys=True,separators=(",",":"),
    ensure_ascii=False).encode()).hexdigest())' FILE
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

HASH_KEY = "sha256"
HASH_COVERS = (
    "SHA-256 of the UTF-8 canonical JSON (sort_keys, separators ',' ':', ensure_ascii off) "
    "of this document without its 'sha256' key"
)


def canonical_bytes(document: dict[str, Any]) -> bytes:
    body = {k: v for k, v in document.items() if k != HASH_KEY}
    return json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def digest(document: dict[str, Any]) -> str:
    return hashlib.sha256(canonical_bytes(document)).hexdigest()


def seal(document: dict[str, Any]) -> dict[str, Any]:
    """Returns the document with its ``sha256`` key set."""
    return {**{k: v for k, v in document.items() if k != HASH_KEY}, HASH_KEY: digest(document)}


def write_sealed(path: Path, document: dict[str, Any]) -> dict[str, Any]:
    sealed = seal(document)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(sealed, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    return sealed


def verify_file(path: Path) -> tuple[bool, str]:
    """Returns (ok, one-line explanation)."""
    try:
        document = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        return False, f"{path}: cannot read JSON: {exc}"
    if not isinstance(document, dict) or HASH_KEY not in document:
        return False, f"{path}: no '{HASH_KEY}' key: not a sealed hacert document"
    actual = digest(document)
    if actual != document[HASH_KEY]:
        return False, f"{path}: MODIFIED: recorded {document[HASH_KEY]}, content hashes to {actual}"
    return True, f"{path}: OK sha256 {actual}"
