"""Keeps inventory secrets out of every log, message and report."""

from __future__ import annotations

import threading

MASK = "********"
_MIN_SECRET_LENGTH = 4


class Redactor:
    """Replaces every registered secret with a mask."""

    def __init__(self) -> None:
        self._secrets: set[str] = set()
        self._lock = threading.Lock()

    def register(self, secret: str | None) -> None:
        if secret and len(secret) >= _MIN_SECRET_LENGTH:
            with self._lock:
                self._secrets.add(secret)

    def redact(self, text: str) -> str:
        for secret in sorted(self._secrets, key=len, reverse=True):
            if secret in text:
                text = text.replace(secret, MASK)
        return text

    def has_secrets(self) -> bool:
        return bool(self._secrets)

    def secrets(self) -> frozenset[str]:
        return frozenset(self._secrets)


REDACTOR = Redactor()


def redact(text: str) -> str:
    """Masks every secret registered so far in ``text``."""
    return REDACTOR.redact(text)
