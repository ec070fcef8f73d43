"""Fault injection for the failure scenarios, each with the command that undoes it.

Faults that can cut the injecting command (stopping the stack, killing corosync, fencing)
are launched detached on the host (``systemd-run --no-block``, else ``nohup … &``) so the
SSH command returns at once and the cluster is watched from another node.
"""

from __future__ import annotations

import secrets
import subprocess
from pathlib import Path

from hacert import shell
from hacert.cluster import Cluster, Node
from hacert.corosync import probe as corosync
from hacert.errors import CommandTimeout, InfrastructureError
from hacert.pacemaker.expect import PowerCommands
from hacert.pacemaker.state import IPTABLES_TAG
from hacert.wait import poll

COROSYNC_PORTS = "5405:5412"
PARTITION_TAG = f"{IPTABLES_TAG}-partition"
DAEMONS: dict[str, str] = {
    "corosync": "corosync",
    "pacemakerd": "pacemakerd",
    "controld": "pacemaker-controld",
    "based": "pacemaker-based",
    "execd": "pacemaker-execd",
    "fenced": "pacemaker-fenced",
    "attrd": "pacemaker-attrd",
}


def detached(node: Node, command: str, name: str) -> None:
    """Starts ``command`` on ``node`` so it survives the SSH session and returns at once."""
    unit = f"hacert-{name}-{secrets.token_hex(3)}"
    if node.has_command("systemd-run"):
        line = (
            f"systemd-run --no-block --collect --quiet --unit={unit} sh -c {shell.quote(command)}"
        )
    else:
        line = f"nohup sh -c {shell.quote(command)} >/dev/null 2>&1 &"
    node.run(line, timeout=15, check=True)


def uses_pcs(node: Node) -> bool:
    return node.has_command("pcs")


def stop_stack(node: Node) -> None:
    """Gracefully stops pacemaker then corosync on ``node`` (detached)."""
    command = (
        "pcs cluster stop"
        if uses_pcs(node)
        else "systemctl stop pacemaker && systemctl stop corosync"
    )
    detached(node, command, "stop-stack")


def start_stack(node: Node) -> None:
    command = "pcs cluster start" if uses_pcs(node) else "systemctl start corosync pacemaker"
    node.run(command, timeout=120, check=True)


def stack_active(node: Node) -> bool:
    return node.run("systemctl is-active --quiet pacemaker", timeout=15).ok


def pids(node: Node, process: str) -> set[int]:
    result = node.run(["pidof", process], timeout=15)
    return {int(p) for p in result.stdout.split()} if result.ok else set()


def kill_daemon(node: Node, process: str) -> None:
    """SIGKILLs every process named ``process`` on ``node`` (detached)."""
    detached(node, f"kill -KILL $(pidof {shell.quote(process)})", f"kill-{process}")


def fail_resource(node: Node, rsc: str, on: str) -> None:
    node.run(["crm_resource", "--fail", "--resource", rsc, "--node", on], timeout=30, check=True)


def cleanup(node: Node, rsc: str | None = None) -> None:
    command = ["crm_resource", "--cleanup"] + (["--resource", rsc] if rsc else [])
    node.run(command, timeout=60, check=True)


def fence(peer: Node, target: str) -> None:
    """Asks the cluster, from ``peer``, to reboot ``target`` (detached)."""
    detached(peer, f"stonith_admin --reboot {shell.quote(target)} --timeout 120", "fence")


def isolate(peers: list[Node], addresses: list[str]) -> None:
    """Drops corosync UDP between each peer and ``addresses`` (the isolated node's links)."""
    for peer in peers:
        rules = []
        for address in addresses:
            rules.append(f"INPUT -s {shell.quote(address)} -p udp --dport {COROSYNC_PORTS}")
            rules.append(f"OUTPUT -d {shell.quote(address)} -p udp --dport {COROSYNC_PORTS}")
        script = "; ".join(
            f"iptables -I {rule} -m comment --comment {PARTITION_TAG} -j DROP" for rule in rules
        )
        peer.run(script, timeout=20, check=True)


def heal(node: Node) -> int:
    """Deletes every rule hacert added on ``node``; returns how many it removed."""
    listing = node.run("iptables -S", timeout=20)
    removed = 0
    for line in listing.stdout.splitlines():
        if IPTABLES_TAG in line and line.startswith("-A "):
            node.run(f"iptables -D {line[3:]}", timeout=20, check=True)
            removed += 1
    return removed


def set_standby(node: Node, target: str, on: bool) -> None:
    if on:
        command = ["crm_attribute", "--node", target, "--name", "standby", "--update", "on"]
    else:
        command = ["crm_attribute", "--node", target, "--name", "standby", "--delete"]
    node.run(command, timeout=30, check=True)


def set_property(node: Node, name: str, value: str | None) -> None:
    command = ["crm_attribute", "--type", "crm_config", "--name", name]
    command += ["--update", value] if value is not None else ["--delete"]
    node.run(command, timeout=30, check=True)


def move(node: Node, rsc: str, target: str) -> None:
    node.run(
        ["crm_resource", "--move", "--resource", rsc, "--node", target], timeout=30, check=True
    )


def clear(node: Node, rsc: str) -> None:
    node.run(["crm_resource", "--clear", "--resource", rsc], timeout=30, check=True)


def power(commands: PowerCommands, action: str, host: str, base: Path) -> str:
    """Runs the inventory's power command for ``host`` on the checking machine."""
    template = {"off": commands.off_command, "on": commands.on_command}.get(action)
    if action == "status":
        template = commands.status_command
    if template is None:
        raise InfrastructureError(f"no power {action} command configured")
    cwd = (base / commands.cwd).resolve() if commands.cwd else base
    line = template.format(host=shell.quote(host))
    try:
        result = subprocess.run(
            line, shell=True, cwd=cwd, capture_output=True, text=True, timeout=240, check=False
        )
    except subprocess.TimeoutExpired:
        raise CommandTimeout(f"`{line}` did not finish within 240 s") from None
    if result.returncode != 0:
        tail = (result.stderr or result.stdout).strip()[-200:]
        raise InfrastructureError(f"`{line}` exited {result.returncode}: {tail}")
    return result.stdout.strip()


def wait_ssh(node: Node, timeout: float) -> bool:
    for _ in poll(timeout=timeout, interval=2):
        node.forget_unreachable()
        try:
            if node.run("true", timeout=5).ok:
                return True
        except InfrastructureError:
            pass
    return False


def corosync_addresses(node: Node, target: str) -> list[str]:
    """The link addresses corosync's nodelist gives ``target`` (read on ``node``)."""
    text = node.output(["corosync-cmapctl", "-b", "nodelist.node"], timeout=20)
    entries: dict[str, dict[str, str]] = {}
    for line in text.splitlines():
        key, _, value = line.partition(" = ")
        parts = key.split(" ")[0].split(".")
        if len(parts) >= 4:
            entries.setdefault(parts[2], {})[parts[3]] = value.strip()
    for entry in entries.values():
        if entry.get("name") == target:
            return [
                v for k, v in sorted(entry.items()) if k.startswith("ring") and k.endswith("_addr")
            ]
    return []


def quorum_after_losing(cluster: Cluster, lost: set[str], reader: Node) -> tuple[bool, str]:
    """Whether the remaining nodes keep quorum when ``lost`` go away (votequorum arithmetic)."""
    status = corosync.quorum(reader)
    members = {m.name: m.votes for m in status.members}
    expected = status.expected_votes or len(cluster.nodes_with("corosync"))
    remaining = sum(v for name, v in members.items() if name not in lost)
    needed = 1 if status.two_node else expected // 2 + 1
    text = (
        f"losing {', '.join(sorted(lost))} leaves {remaining} of {expected} votes "
        f"(quorum needs {needed}{', two_node' if status.two_node else ''})"
    )
    return remaining >= needed and status.quorate, text
