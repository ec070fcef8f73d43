"""Check that the suite's default inventory (inventory/lab.yaml) describes this lab.

stdlib only (runs before the project venv exists), so this is a line-level check rather
than a YAML parse: every lab host and its addresses must be present, and every 10.213.x.y
address in the file must be a lab address.
"""

from __future__ import annotations

import re

from .config import HOSTS, REPO, VIP
from .shell import say

INVENTORY = REPO / "inventory" / "lab.yaml"
OTHER_LAB_ADDRESSES = {"10.213.0.1", "10.213.1.1", VIP, "10.213.0.31", "10.213.0.32", "10.213.1.31", "10.213.1.32"}


def problems() -> list[str]:
    if not INVENTORY.exists():
        return []
    text = INVENTORY.read_text()
    out = []
    known = set(OTHER_LAB_ADDRESSES)
    for h in HOSTS:
        known |= {h.addr0, *( [h.addr1] if h.addr1 else [])}
        if not re.search(rf"\b{h.name}\b", text):
            out.append(f"host {h.name} missing")
        if not re.search(rf"\b{re.escape(h.addr0)}\b", text):
            out.append(f"address {h.addr0} of {h.name} missing")
    for addr in set(re.findall(r"\b10\.213\.[01]\.\d+\b", text)):
        if addr not in known:
            out.append(f"address {addr} is not a lab address")
    return out


def verify() -> None:
    if not INVENTORY.exists():
        say(f"note: {INVENTORY.relative_to(REPO)} not present yet; skipping the inventory check")
        return
    bad = problems()
    if bad:
        raise SystemExit(f"lab: {INVENTORY.relative_to(REPO)} does not match the lab: " + "; ".join(bad))
    say(f"{INVENTORY.relative_to(REPO)} matches the lab hosts and addresses")
