"""Name resolution of the cluster's node names (`getent ahosts`), as each node sees it."""

from __future__ import annotations

from hacert.cluster import Node

NOT_FOUND_EXIT = 2  # getent: "One or more supplied key could not be found"


def parse_ahosts(text: str) -> list[str]:
    """``getent ahosts NAME``: the addresses, first column, in order, without repeats."""
    addresses: list[str] = []
    for line in text.splitlines():
        words = line.split()
        if words and words[0] not in addresses:
            addresses.append(words[0])
    return addresses


def resolve(node: Node, name: str) -> list[str]:
    """The addresses ``name`` resolves to on ``node`` ([] when it does not resolve)."""
    result = node.run(["getent", "ahosts", name], timeout=20)
    if result.exit_status == NOT_FOUND_EXIT:
        return []
    result.check()
    return parse_ahosts(result.stdout)
