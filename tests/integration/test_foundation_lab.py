"""The foundation against the real lab: the hosts suite, sudo, secrets, parallel clusters."""

from __future__ import annotations

import shutil
import time
from pathlib import Path

import pytest
import yaml

from hacert.cluster import Cluster
from hacert.errors import SudoRefused
from hacert.inventory import load_inventory
from hacert.transport import ConnectionPool
from tests.integration.conftest import LAB_INVENTORY, outcomes, run_suite

pytestmark = [pytest.mark.lab, pytest.mark.usefixtures("lab_containers")]
SECRET = "Zq8-hacert-TOPSECRET-4711"


def lab_cluster(pool: ConnectionPool, **host_changes: object) -> Cluster:
    inventory = load_inventory(LAB_INVENTORY)
    spec = inventory.cluster("lab")
    if host_changes:
        spec = spec.model_copy(
            update={"hosts": [h.model_copy(update=host_changes) for h in spec.hosts]}
        )
    return Cluster(spec, inventory, base=LAB_INVENTORY.parent, pool=pool)


def test_hosts_suite_passes_on_the_lab(tmp_path: Path) -> None:
    run, document = run_suite(tmp_path, "suites/hosts", "--cluster", "lab", "-p", "no:randomly")
    assert run.returncode == 0, run.stdout[-4000:]
    results = outcomes(document)
    assert results and set(results.values()) == {"passed"}
    hosts = document["clusters"]["lab"]["hosts"]
    assert all(
        h["reachable"] and h["host_key_sha256"].startswith("SHA256:") for h in hosts.values()
    )
    assert document["clusters"]["lab"]["versions"]["corosync"].startswith("3.")


def test_sudo_without_password_works_and_a_prompting_sudo_fails_fast() -> None:
    pool = ConnectionPool()
    try:
        allowed = lab_cluster(pool, user="hacert", sudo=True).node("node1")
        assert allowed.output("id -u").strip() == "0"
        prompting = lab_cluster(pool, user="hacertpw", sudo=True).node("node1")
        started = time.monotonic()
        with pytest.raises(SudoRefused, match="NOPASSWD"):
            prompting.run("id -u")
        assert time.monotonic() - started < 5
    finally:
        pool.close_all()


def test_secrets_never_reach_reports_or_terminal(tmp_path: Path) -> None:
    document = yaml.safe_load(LAB_INVENTORY.read_text())
    document["defaults"]["password"] = SECRET
    document["clusters"] = [c for c in document["clusters"] if c["name"] == "lab"]
    document["clusters"].append(
        {
            "name": "dead",
            "environment": "lab",
            "connection": {"password": SECRET, "connect_timeout": 2},
            "hosts": [{"name": "ghost", "address": "10.213.0.250", "roles": ["corosync"]}],
        }
    )
    inventory = tmp_path / "inventory.yaml"
    inventory.write_text(yaml.safe_dump(document))
    run, results = run_suite(tmp_path, "suites/hosts", "--inventory", str(inventory), "-v")
    assert results["checks"], run.stdout[-3000:]
    assert "broken" in {c["outcome"] for c in results["checks"] if c["cluster"] == "dead"}
    leaks = [
        p
        for p in tmp_path.rglob("*")
        if p.is_file() and p != inventory and SECRET in p.read_text(errors="replace")
    ]
    assert leaks == []
    assert SECRET not in run.stdout and SECRET not in run.stderr


def test_dead_cluster_is_broken_fast_and_others_run_in_parallel(tmp_path: Path) -> None:
    document = yaml.safe_load(LAB_INVENTORY.read_text())
    lab = next(c for c in document["clusters"] if c["name"] == "lab")
    twin = {**lab, "name": "lab-twin"}
    dead = {
        "name": "dead",
        "environment": "lab",
        "connection": {"connect_timeout": 2},
        "hosts": [{"name": f"ghost{i}", "address": f"10.213.0.{250 + i}"} for i in range(3)],
    }
    document["clusters"] = [lab, twin, dead]
    inventory = tmp_path / "inventory.yaml"
    inventory.write_text(yaml.safe_dump(document))
    started = time.monotonic()
    run, results = run_suite(
        tmp_path, "suites/hosts", "--inventory", str(inventory), "-n", "2", "--dist", "loadgroup"
    )
    elapsed = time.monotonic() - started
    by_cluster: dict[str, set[str]] = {}
    for check in results["checks"]:
        by_cluster.setdefault(check["cluster"], set()).add(check["outcome"])
    assert by_cluster["lab"] == {"passed"} and by_cluster["lab-twin"] == {"passed"}, run.stdout[
        -3000:
    ]
    assert "broken" in by_cluster["dead"] and by_cluster["dead"] <= {"broken", "skipped"}
    assert elapsed < 120
    assert shutil.which("true")
