"""Seals a JSON document (a grade or a certificate) with a SHA-256 and, given a key, signs it
with Ed25519, so it can be audited.

The hash covers the document's canonical JSON without its own ``sha256`` key: keys
sorted, separators ``,`` and ``:``, UTF-8, no whitespace. Anyone can recompute it::

    python3 -c 'import json,hashlib,sys; d=json.load(open(sys.argv[1])); d.pop("sha256");
    print(hashlib.sha256(json.dumps(d,sort_keys=True,separators=(",",":"),
    ensure_ascii=False).encode()).hexdigest())' FILE

so the hash proves integrity only: whoever edits the file can recompute it. Authenticity
needs the signature: ``signature.value`` is the base64 Ed25519 signature of the same
canonical JSON without both the ``sha256`` and the ``signature`` keys, made with the key
whose fingerprint (as ``ssh-keygen -l`` shows it) is ``signature.key``.
"""

from __future__ import annotations

import base64
import hashlib
import json
from pathlib import Path
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from hacert.grading.keys import fingerprint

HASH_KEY = "sha256"
SIGNATURE_KEY = "signature"
HASH_COVERS = (
    "SHA-256 of the UTF-8 canonical JSON (sort_keys, separators ',' ':', ensure_ascii off) "
    "of this document without its 'sha256' key"
)
SIGNATURE_COVERS = "the same canonical JSON without its 'sha256' and 'signature' keys"
INTEGRITY_ONLY = "integrity only, not authenticity"
UNSIGNED = f"unsigned: {INTEGRITY_ONLY}"


def canonical_bytes(document: dict[str, Any], without: tuple[str, ...] = (HASH_KEY,)) -> bytes:
    body = {k: v for k, v in document.items() if k not in without}
    return json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def digest(document: dict[str, Any]) -> str:
    return hashlib.sha256(canonical_bytes(document)).hexdigest()


def _signed_bytes(document: dict[str, Any]) -> bytes:
    return canonical_bytes(document, (HASH_KEY, SIGNATURE_KEY))


def seal(document: dict[str, Any], key: Ed25519PrivateKey | None = None) -> dict[str, Any]:
    """Returns the document with its ``sha256`` key set, and its ``signature`` with a key."""
    body = {k: v for k, v in document.items() if k not in (HASH_KEY, SIGNATURE_KEY)}
    if key is not None:
        body[SIGNATURE_KEY] = {
            "algorithm": "ed25519",
            "key": fingerprint(key.public_key()),
            "value": base64.b64encode(key.sign(_signed_bytes(body))).decode(),
            "covers": SIGNATURE_COVERS,
        }
    return {**body, HASH_KEY: digest(body)}


def write_sealed(
    path: Path, document: dict[str, Any], key: Ed25519PrivateKey | None = None
) -> dict[str, Any]:
    sealed = seal(document, key)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(sealed, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    return sealed


def check_signature(
    document: dict[str, Any], public_key: Ed25519PublicKey | None
) -> tuple[bool, str]:
    """Whether the document is signed by ``public_key``; without a key, what can be said."""
    signature = document.get(SIGNATURE_KEY)
    if not isinstance(signature, dict):
        if public_key is None:
            return True, UNSIGNED
        return False, "REFUSED: unsigned, and --pubkey asks for a signature"
    signer = str(signature.get("key"))
    if public_key is None:
        return True, f"signed by {signer}, not checked (no --pubkey): {INTEGRITY_ONLY}"
    expected = fingerprint(public_key)
    if signer != expected:
        return False, f"REFUSED: signed by {signer}, not by the given key {expected}"
    try:
        public_key.verify(base64.b64decode(str(signature.get("value"))), _signed_bytes(document))
    except (InvalidSignature, ValueError):
        return False, f"REFUSED: the signature does not match the content (key {signer})"
    return True, f"signed by {signer}: authentic"


def verify_file(path: Path, public_key: Ed25519PublicKey | None = None) -> tuple[bool, str]:
    """Returns (ok, one-line explanation). With ``public_key``, only a document it signed
    (and not changed since) is ok; a matching hash is not enough."""
    try:
        document = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        return False, f"{path}: cannot read JSON: {exc}"
    if not isinstance(document, dict) or HASH_KEY not in document:
        return False, f"{path}: no '{HASH_KEY}' key: not a sealed hacert document"
    actual = digest(document)
    if actual != document[HASH_KEY]:
        return False, f"{path}: MODIFIED: recorded {document[HASH_KEY]}, content hashes to {actual}"
    ok, signed = check_signature(document, public_key)
    return ok, f"{path}: {'OK' if ok else 'NOT OK'} sha256 {actual}; {signed}"
