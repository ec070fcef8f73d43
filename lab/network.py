"""Host-side network: the two lab bridges, one netns per host, veths, and the OVS bond cables.

Nothing here routes: ip_forward stays off and hosts get no default route.
"""

from __future__ import annotations

from pathlib import Path

from .config import BRIDGES, HOSTS, OVS_BONDS, OVS_HOSTS, Host
from .shell import ok, run


def link_exists(name: str, netns: str | None = None) -> bool:
    cmd = (
        ["ip", "link", "show", name] if netns is None else ["ip", "-n", netns, "link", "show", name]
    )
    return ok(cmd)


def netns_exists(name: str) -> bool:
    return Path(f"/run/netns/{name}").exists()


def ensure_bridges() -> None:
    for br, addr in BRIDGES.items():
        if not link_exists(br):
            run(["ip", "link", "add", br, "type", "bridge", "stp_state", "0", "forward_delay", "0"])
        run(["ip", "addr", "replace", addr, "dev", br])
        run(["ip", "link", "set", br, "up"])


def host_veth(h: Host, idx: int) -> str:
    return f"hc{idx}-{h.name}"


def reset_host_netns(h: Host) -> None:
    """Create (or restore to pristine) a host's netns: lo, eth0 (+eth1), addresses, nothing else.

    Called before each boot: a killed host leaves addresses (e.g. the cluster VIP) and
    OVS taps behind, which real power-off would have wiped.
    """
    ns = h.netns
    if not netns_exists(ns):
        run(["ip", "netns", "add", ns])
    run(["ip", "-n", ns, "link", "set", "lo", "up"])
    wanted = [(0, h.addr0)] + ([(1, h.addr1)] if h.addr1 else [])
    for idx, addr in wanted:
        outer, inner = host_veth(h, idx), f"eth{idx}"
        if not link_exists(inner, ns):
            if link_exists(outer):
                run(["ip", "link", "del", outer])
            run(["ip", "link", "add", outer, "type", "veth", "peer", "name", inner, "netns", ns])
        run(["ip", "link", "set", outer, "master", f"hcbr{idx}", "up"])
        run(["ip", "-n", ns, "addr", "flush", "dev", inner])
        run(["ip", "-n", ns, "addr", "add", f"{addr}/24", "dev", inner])
        run(["ip", "-n", ns, "link", "set", inner, "up"])
    # drop anything a previous boot created (OVS taps, VIP aliases on other links, bridges)
    keep = {"lo", "eth0", "eth1", *[c for *_, cables in OVS_BONDS for c in cables]}
    for line in run(["ip", "-n", ns, "-o", "link", "show"]).stdout.splitlines():
        name = line.split(":")[1].strip().split("@")[0]
        if name not in keep:
            run(["ip", "-n", ns, "link", "del", name], check=False)


def ensure_cables() -> None:
    """veth 'cables' between node1 and node2 for the OVS bonds (same name on both ends)."""
    a, b = (f"hacert-{n}" for n in OVS_HOSTS)
    for *_, cables in OVS_BONDS:
        for cab in cables:
            if link_exists(cab, a) and link_exists(cab, b):
                continue
            run(["ip", "-n", a, "link", "del", cab], check=False)
            run(["ip", "-n", b, "link", "del", cab], check=False)
            run(
                [
                    "ip",
                    "link",
                    "add",
                    f"tmp{cab}a",
                    "netns",
                    a,
                    "type",
                    "veth",
                    "peer",
                    "name",
                    f"tmp{cab}b",
                    "netns",
                    b,
                ]
            )
            run(["ip", "-n", a, "link", "set", f"tmp{cab}a", "name", cab])
            run(["ip", "-n", b, "link", "set", f"tmp{cab}b", "name", cab])
    for ns in (a, b):
        for *_, cables in OVS_BONDS:
            for cab in cables:
                run(["ip", "-n", ns, "link", "set", cab, "up"])
                # the cables belong to OVS: the host kernel must not answer ARP on them or it
                # hands out the cable's MAC for the bridge's address (traffic then bypasses the
                # bond). /proc/sys is read-only inside the containers, so set it from here.
                run(
                    [
                        "ip",
                        "netns",
                        "exec",
                        ns,
                        "sysctl",
                        "-q",
                        "-w",
                        f"net.ipv4.conf.{cab}.arp_ignore=8",
                        f"net.ipv6.conf.{cab}.disable_ipv6=1",
                    ]
                )


def remove_network() -> None:
    for h in HOSTS:
        if netns_exists(h.netns):
            run(["ip", "netns", "del", h.netns], check=False)
    for h in HOSTS:
        for idx in (0, 1):
            if link_exists(host_veth(h, idx)):
                run(["ip", "link", "del", host_veth(h, idx)], check=False)
    for br in BRIDGES:
        if link_exists(br):
            run(["ip", "link", "del", br], check=False)
