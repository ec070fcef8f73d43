"""Ed25519 keys that sign certificates and grade files: OpenSSH or PEM files, as
``ssh-keygen -t ed25519`` or ``hacert certify keygen`` writes them."""

from __future__ import annotations

import base64
import hashlib
import os
from pathlib import Path

from cryptography.exceptions import UnsupportedAlgorithm
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from hacert.errors import ConfigurationError

PASSPHRASE_ENV = "HACERT_KEY_PASSPHRASE"


def _read(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except OSError as exc:
        raise ConfigurationError(f"{path}: cannot read: {exc.strerror or exc}") from None


def load_private_key(path: Path) -> Ed25519PrivateKey:
    data = _read(path)
    passphrase = os.environ.get(PASSPHRASE_ENV)
    password = passphrase.encode() if passphrase else None
    loader = (
        serialization.load_ssh_private_key
        if b"OPENSSH PRIVATE KEY" in data
        else serialization.load_pem_private_key
    )
    try:
        key = loader(data, password)
    except (TypeError, ValueError, UnsupportedAlgorithm) as exc:
        if password is None and "password" in str(exc).lower():
            raise ConfigurationError(
                f"{path}: the key is encrypted: put its passphrase in {PASSPHRASE_ENV}"
            ) from None
        raise ConfigurationError(f"{path}: not a usable private key: {exc}") from None
    if not isinstance(key, Ed25519PrivateKey):
        raise ConfigurationError(f"{path}: not an Ed25519 key (ssh-keygen -t ed25519 makes one)")
    return key


def load_public_key(path: Path) -> Ed25519PublicKey:
    data = _read(path)
    try:
        key = (
            serialization.load_pem_public_key(data)
            if data.lstrip().startswith(b"-----")
            else serialization.load_ssh_public_key(data.strip())
        )
    except (ValueError, UnsupportedAlgorithm) as exc:
        raise ConfigurationError(f"{path}: not a usable public key: {exc}") from None
    if not isinstance(key, Ed25519PublicKey):
        raise ConfigurationError(f"{path}: not an Ed25519 public key")
    return key


def openssh_public_line(key: Ed25519PublicKey) -> bytes:
    return key.public_bytes(serialization.Encoding.OpenSSH, serialization.PublicFormat.OpenSSH)


def fingerprint(key: Ed25519PublicKey) -> str:
    """The key's fingerprint as ``ssh-keygen -l`` prints it (``SHA256:`` base64)."""
    blob = base64.b64decode(openssh_public_line(key).split()[1])
    return "SHA256:" + base64.b64encode(hashlib.sha256(blob).digest()).decode().rstrip("=")


def generate_key(out: Path) -> str:
    """Writes a new unencrypted private key to ``out`` (mode 0600) and its public key to
    ``out.pub``; returns the fingerprint."""
    public_path = out.with_name(out.name + ".pub")
    for path in (out, public_path):
        if path.exists():
            raise ConfigurationError(f"{path}: exists; not overwriting a key")
    key = Ed25519PrivateKey.generate()
    private = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.OpenSSH,
        serialization.NoEncryption(),
    )
    out.parent.mkdir(parents=True, exist_ok=True)
    descriptor = os.open(out, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(descriptor, "wb") as handle:
        handle.write(private)
    public_path.write_bytes(openssh_public_line(key.public_key()) + b" hacert\n")
    return fingerprint(key.public_key())
