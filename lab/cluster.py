"""The corosync/pacemaker cluster on node1-3: pcsd auth, resource configuration, health."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field

from .config import CLUSTER_NODES, LAB_DIR, Paths
from .shell import run, say, ssh, ssh_cmd, wait_for

CRM_FILE = LAB_DIR / "files" / "cluster.crm"
EXPECTED_RESOURCES = ("fence-hacert", "dummy1", "vip", "web", "vm1", "ping")


@dataclass
class ClusterState:
    reachable: bool = False
    quorate: bool = False
    dc: str | None = None
    nodes_online: list[str] = field(default_factory=list)
    resources: dict[str, list[str]] = field(default_factory=dict)  # id -> nodes running it
    stopped: list[str] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)
    error: str = ""

    @property
    def healthy(self) -> bool:
        return (
            self.quorate
            and self.dc is not None
            and len(self.nodes_online) == len(CLUSTER_NODES)
            and not self.stopped
            and not self.failed
            and all(r in self.resources for r in EXPECTED_RESOURCES)
        )


def parse_crm_mon(xml_text: str) -> ClusterState:
    st = ClusterState(reachable=True)
    root = ET.fromstring(xml_text)
    dc = root.find("summary/current_dc")
    if dc is not None and dc.get("present") == "true":
        st.dc = dc.get("name")
        st.quorate = dc.get("with_quorum") == "true"
    st.nodes_online = [
        n.get("name", "") for n in root.iterfind("nodes/node") if n.get("online") == "true"
    ]
    for r in root.iter("resource"):
        rid = r.get("id", "")
        base = rid.split(":")[0]
        nodes = [n.get("name", "") for n in r.iterfind("node")]
        if r.get("failed") == "true" or r.get("blocked") == "true":
            st.failed.append(rid)
        if r.get("role") != "Started" or r.get("active") != "true":
            st.stopped.append(rid)
        else:
            st.resources.setdefault(base, []).extend(nodes)
    return st


def state(p: Paths, via: str | None = None) -> ClusterState:
    for n in [via] if via else [h.name for h in CLUSTER_NODES]:
        try:
            cp = ssh(p, n, "crm_mon --output-as=xml --inactive", check=False, timeout=20)
            if cp.stdout.lstrip().startswith("<"):
                return parse_crm_mon(cp.stdout)
        except Exception:
            continue
    return ClusterState(error="no node answered crm_mon")


def pcs_auth(p: Paths) -> None:
    names = " ".join(h.name for h in CLUSTER_NODES)

    def authed(n: str) -> bool:
        cmd = "cat /var/lib/pcsd/known-hosts 2>/dev/null"
        text = ssh(p, n, cmd, check=False, timeout=20).stdout
        return all(f'"{h.name}"' in text for h in CLUSTER_NODES)

    def auth(n: str) -> None:
        if authed(n):
            return
        cmd = f"pcs host auth {names} -u hacluster -p hacert-lab >/dev/null"
        # pcsd (ruby) starts slowly and the command needs it on every node: retry
        wait_for(
            f"pcs host auth on {n}",
            lambda: ssh(p, n, cmd, check=False, timeout=60).returncode == 0,
            120,
            2,
        )

    with ThreadPoolExecutor(len(CLUSTER_NODES)) as ex:
        list(ex.map(auth, [h.name for h in CLUSTER_NODES]))


def configure(p: Paths) -> None:
    """Wait for a quorate cluster with a DC, then load the resource configuration (idempotent)."""
    say("waiting for corosync quorum and a pacemaker DC")

    def ready() -> bool:
        s = state(p, "node1")
        return s.quorate and s.dc is not None

    wait_for("quorate cluster with a DC", ready, 120, 1)
    st = state(p, "node1")
    say(f"cluster quorate, DC {st.dc}; loading {CRM_FILE.name} (crm configure load update)")
    cmd = "cat > /root/hacert-cluster.crm && crm configure load update /root/hacert-cluster.crm"
    run([*ssh_cmd(p, "node1"), cmd], input=CRM_FILE.read_text(), timeout=120)
    say("pacemaker configuration loaded")


def cleanup_failed(p: Paths) -> None:
    """Forget failures from before this up (e.g. the fence device's monitor while the power
    switch was down), so pacemaker retries those resources."""
    st = state(p)
    if st.failed or st.stopped:
        say(
            f"cleaning up failed/stopped resources: {' '.join(sorted(set(st.failed + st.stopped)))}"
        )
        ssh(p, "node1", "crm_resource --cleanup", check=False, timeout=60)


def wait_started(p: Paths, timeout: float = 120) -> ClusterState:
    def good() -> bool:
        return state(p).healthy

    wait_for("all cluster resources started", good, timeout, 1)
    return state(p)
