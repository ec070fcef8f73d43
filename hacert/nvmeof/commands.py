"""Commands run on NVMe-oF targets and hosts."""

from __future__ import annotations

from hacert.cluster import Cluster, Node
from hacert.nvmeof import parse
from hacert.nvmeof.expect import NvmeofExpect


def expect_of(cluster: Cluster) -> NvmeofExpect:
    return cluster.expect.nvmeof or NvmeofExpect()


def target_state(node: Node) -> dict[str, parse.TargetSubsystem] | None:
    return parse.parse_target(node.output(parse.TARGET_SCRIPT, timeout=30))


def host_subsystems(node: Node) -> list[parse.Subsystem]:
    result = node.run(["nvme", "list-subsys", "-o", "json"], timeout=30)
    if not result.stdout.strip() and result.ok:
        return []
    return parse.parse_list_subsys(node.run_json(["nvme", "list-subsys", "-o", "json"], timeout=30))
