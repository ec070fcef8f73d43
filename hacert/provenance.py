"""What a run or certificate records about the hacert that made it: its version, the git
commit of the checkout it ran from, and a digest of the check catalogue it knew."""

from __future__ import annotations

import hashlib
import json
import shutil
import subprocess
from collections.abc import Iterable
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import Any

import hacert
from hacert.checks import CheckMeta

CHECKOUT = Path(hacert.__file__).resolve().parent.parent


def hacert_version() -> str:
    try:
        return version("hacert")
    except PackageNotFoundError:
        return hacert.__version__


def git_commit(root: Path = CHECKOUT) -> str | None:
    """HEAD of the git checkout at ``root`` (suffixed ``-dirty`` when tracked files changed);
    None for an installed package."""
    git = shutil.which("git")
    if git is None or not (root / ".git").exists():
        return None
    head = subprocess.run(
        [git, "-C", str(root), "rev-parse", "HEAD"], capture_output=True, text=True, check=False
    )
    if head.returncode != 0:
        return None
    changed = subprocess.run(
        [git, "-C", str(root), "status", "--porcelain", "--untracked-files=no"],
        capture_output=True,
        text=True,
        check=False,
    ).stdout.strip()
    return head.stdout.strip() + ("-dirty" if changed else "")


def catalogue_digest(metas: Iterable[CheckMeta]) -> str:
    """SHA-256 of the sorted (id, title, severity) of every check."""
    rows = sorted((m.id, m.title, m.severity) for m in metas)
    return hashlib.sha256(json.dumps(rows, ensure_ascii=False).encode()).hexdigest()


def installed_catalogue_digest() -> str:
    from hacert.catalog import load_catalog  # imports every suite module

    return catalogue_digest(e.meta for e in load_catalog())


def provenance() -> dict[str, Any]:
    return {
        "hacert_version": hacert_version(),
        "git_commit": git_commit(),
        "catalogue_digest": installed_catalogue_digest(),
    }
