"""``hacert grade|certify|verify|perf|lab``: the offline commands, under one name."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import hacert


def grade(args: list[str]) -> int:
    from hacert.grading.__main__ import main

    return main(args or ["--help"])


def certify(args: list[str]) -> int:
    from hacert.certification.__main__ import main

    return main(["certificate", *args])


def verify(args: list[str]) -> int:
    from hacert.certification.__main__ import main

    return main(["verify", *args])


def perf(args: list[str]) -> int:
    from hacert.perf.__main__ import main

    return main(args or ["--help"])


def checkout_root() -> Path | None:
    """The source checkout hacert runs from, if any (an installed wheel has no lab)."""
    root = Path(hacert.__file__).resolve().parent.parent
    return root if (root / "lab" / "__main__.py").is_file() else None


def lab(args: list[str]) -> int:
    root = checkout_root()
    if root is None:
        print(
            "hacert lab: the local lab is part of hacert's source checkout, not of the "
            "installed package (git clone the project, then `python3 -m lab up` as root)",
            file=sys.stderr,
        )
        return 4
    python = shutil.which("python3") or sys.executable
    env = {**os.environ, "PYTHONPATH": str(root)}
    return subprocess.run(
        [python, "-m", "lab", *(args or ["--help"])], cwd=root, env=env
    ).returncode
