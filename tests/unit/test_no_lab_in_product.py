"""What is true of the local lab is said in the lab's inventory, never in the product's code."""

from __future__ import annotations

import os
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PRODUCT = ("hacert", "fixtures", "suites", "perf")
LAB_KNOWLEDGE = re.compile(
    r"is_lab|environment\s*[!=]=\s*['\"]lab['\"]|10\.213\.|lab power switch|inventory/lab\.yaml"
)


def test_the_product_has_no_lab_branches_addresses_or_paths() -> None:
    found = []
    for folder in PRODUCT:
        for directory, _, files in os.walk(ROOT / folder):  # the hacert/* symlinks not followed
            for path in (Path(directory) / f for f in files if f.endswith(".py")):
                for number, line in enumerate(path.read_text().splitlines(), 1):
                    if LAB_KNOWLEDGE.search(line):
                        found.append(f"{path.relative_to(ROOT)}:{number}: {line.strip()}")
    assert found == []
