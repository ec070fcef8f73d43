"""lab status / wait-healthy: hosts up, ssh, key services, cluster quorum and resources."""

from __future__ import annotations

import json
import subprocess
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass, field

from . import cluster, hostpower, plugins, power
from .config import HOSTS, OVS_HOSTS, Host, Paths

SERVICES_ALL = ["sshd", "chrony"]
SERVICES_NODE = ["corosync", "pacemaker", "pcsd", "libvirtd.socket"]
SERVICES_OVS = ["ovsdb-server", "ovs-vswitchd", "hacert-ovs"]


@dataclass
class HostStatus:
    name: str
    address: str
    up: bool = False
    ssh: bool = False
    services: dict[str, str] = field(default_factory=dict)

    @property
    def healthy(self) -> bool:
        return self.up and self.ssh and all(v == "active" for v in self.services.values())


def host_status(p: Paths, h: Host) -> HostStatus:
    hs = HostStatus(h.name, h.addr0, up=hostpower.is_on(h))
    if not hs.up or not p.key.exists():
        return hs
    units = (
        SERVICES_ALL
        + (SERVICES_NODE if h.cluster_node else [])
        + (SERVICES_OVS if h.name in OVS_HOSTS else [])
    )
    from .shell import ssh

    try:
        cp = ssh(p, h.name, "systemctl is-active " + " ".join(units), check=False, timeout=15)
    except subprocess.TimeoutExpired:
        return hs
    if cp.returncode == 255:
        return hs
    hs.ssh = True
    hs.services = dict(zip(units, cp.stdout.split(), strict=False))
    return hs


def collect(p: Paths) -> dict:
    with ThreadPoolExecutor(len(HOSTS)) as ex:
        hosts = list(ex.map(lambda h: host_status(p, h), HOSTS))
    cl = (
        cluster.state(p)
        if any(h.ssh for h in hosts)
        else cluster.ClusterState(error="no host reachable")
    )
    power_ok = p.power_socket.exists()
    if power_ok:
        try:
            power.request(p, "list", "-", timeout=5)
        except Exception:
            power_ok = False
    result = {
        "hosts": [dict(asdict(h), healthy=h.healthy) for h in hosts],
        "cluster": dict(asdict(cl), healthy=cl.healthy),
        "power_switch": power_ok,
    }
    result["healthy"] = all(h.healthy for h in hosts) and cl.healthy and power_ok
    return result


def show(p: Paths, as_json: bool, tier: str = "containers") -> int:
    """Print the lab's health. The exit code covers the container tier, plus the plug-in
    tiers' status.sh when --tier names them (their output is shown either way)."""
    s = collect(p)
    plugin_rcs: dict[str, int] = {}
    for name in plugins.PLUGIN_TIERS:
        if plugins.script(name, "status").exists():
            cp = subprocess.run(
                ["bash", str(plugins.script(name, "status"))],
                env=plugins.env(p),
                capture_output=as_json,
                text=True,
                check=False,
                timeout=120,
            )
            plugin_rcs[name] = cp.returncode
    s["tiers"] = {name: {"status_rc": rc} for name, rc in plugin_rcs.items()}
    counted = [rc for name, rc in plugin_rcs.items() if tier in (name, "all")]
    if as_json:
        print(json.dumps(s, indent=2))
    else:
        for h in s["hosts"]:
            bad = [k for k, v in h["services"].items() if v != "active"]
            services = "ok" if not bad and h["ssh"] else "BAD " + ",".join(bad)
            print(
                f"{h['name']:6} {h['address']:12} up={'yes' if h['up'] else 'NO':3} "
                f"ssh={'yes' if h['ssh'] else 'NO':3} services={services}"
            )
        c = s["cluster"]
        print(f"cluster: quorate={c['quorate']} dc={c['dc']} online={','.join(c['nodes_online'])}")
        for r, nodes in sorted(c["resources"].items()):
            print(f"  {r:14} started on {', '.join(nodes)}")
        for r in c["stopped"]:
            print(f"  {r:14} NOT started")
        for r in c["failed"]:
            print(f"  {r:14} FAILED")
        print(f"power switch: {'ok' if s['power_switch'] else 'DOWN'}")
        print(f"lab: {'healthy' if s['healthy'] else 'NOT healthy'}")
    return 0 if s["healthy"] and not any(counted) else 1


def wait_healthy(p: Paths, timeout: float) -> int:
    deadline = time.monotonic() + timeout
    while True:
        s = collect(p)
        if s["healthy"]:
            print("lab: healthy")
            return 0
        if time.monotonic() > deadline:
            print(json.dumps(s, indent=2))
            print(f"lab: NOT healthy after {timeout:.0f}s")
            return 1
        time.sleep(2)
