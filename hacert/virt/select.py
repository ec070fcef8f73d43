"""Which hosts and domains a virt check looks at, from the inventory's `expect.virt`."""

from __future__ import annotations

import itertools
from typing import Any

from hacert.cluster import Cluster, Node
from hacert.virt.expect import DomainExpect, NetworkExpect, PoolExpect, VirtExpect


def hypervisors(cluster: Cluster) -> list[Node]:
    return cluster.nodes_with("hypervisor")


def on_host(
    items: list[DomainExpect] | list[NetworkExpect] | list[PoolExpect], node: Node
) -> list[Any]:
    return [i for i in items if i.hosts is None or node.name in i.hosts]


def domain_expect(expect: VirtExpect | None, name: str) -> DomainExpect | None:
    if expect is None:
        return None
    return next((d for d in expect.domains if d.name == name), None)


def migration_pairs(cluster: Cluster, pairs: list[tuple[str, str]]) -> list[tuple[Node, Node]]:
    """The inventory's ordered pairs, or every ordered pair of hypervisors."""
    if pairs:
        return [(cluster.node(a), cluster.node(b)) for a, b in pairs]
    nodes = hypervisors(cluster)
    return [(a, b) for a in nodes for b in nodes if a is not b]


def chain(pairs: list[tuple[Node, Node]]) -> list[tuple[Node, Node]]:
    """The pairs ordered so one guest can hop through them without repositioning.

    Hierholzer's algorithm: every ordered pair of hypervisors forms an Eulerian circuit
    (a->b->c->a->c->b->a). When the pairs admit none, they are returned as given and the
    caller repositions the guest between hops.
    """
    if not pairs:
        return []
    nodes = {id(n): n for pair in pairs for n in pair}
    adjacency: dict[int, list[int]] = {}
    for a, b in pairs:
        adjacency.setdefault(id(a), []).append(id(b))
    stack, path = [id(pairs[0][0])], []
    while stack:
        here = stack[-1]
        if adjacency.get(here):
            stack.append(adjacency[here].pop(0))
        else:
            path.append(stack.pop())
    path.reverse()
    if len(path) - 1 != len(pairs):
        return pairs
    return [(nodes[a], nodes[b]) for a, b in itertools.pairwise(path)]
