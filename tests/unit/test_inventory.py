"""The inventory: valid files load, every malformed one gives one clear line."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from hacert.inventory import InventoryError, load_inventory, resolve
from hacert.secrets import REDACTOR

ROOT = Path(__file__).resolve().parents[2]

VALID = """\
version: 1
defaults:
  user: admin
  key_file: key
  sudo: true
clusters:
  - name: prod
    environment: production
    connection:
      port: 2222
    hosts:
      - name: n1
        address: 192.0.2.1
        roles: [corosync, pacemaker]
      - name: n2
        address: 192.0.2.2
        user: root
        port: 22
        roles: [corosync, pacemaker]
    expect:
      hosts:
        max_clock_skew_s: 0.5
"""


def write(tmp_path: Path, text: str, name: str = "inv.yaml") -> Path:
    path = tmp_path / name
    path.write_text(textwrap.dedent(text))
    (tmp_path / "key").write_text("not really a key\n")
    return path


def test_valid_inventory_resolves_defaults_cluster_and_host(tmp_path: Path) -> None:
    inventory = load_inventory(write(tmp_path, VALID))
    cluster = inventory.cluster("prod")
    first = resolve(inventory, cluster, cluster.host("n1"), tmp_path)
    second = resolve(inventory, cluster, cluster.host("n2"), tmp_path)
    assert (first.user, first.port, first.sudo) == ("admin", 2222, True)
    assert (second.user, second.port) == ("root", 22)
    assert first.key_file == tmp_path / "key"
    assert first.host_keys == "verify"
    assert cluster.environment == "production" and not cluster.allow_destructive
    assert cluster.expect.hosts.max_clock_skew_s == 0.5


def test_the_lab_inventory_is_valid() -> None:
    inventory = load_inventory(ROOT / "inventory" / "lab.yaml", check_files=False)
    assert {c.name for c in inventory.clusters} >= {"lab"}


def test_password_is_registered_as_secret_and_hidden_from_repr(tmp_path: Path) -> None:
    text = VALID.replace("  sudo: true\n", "  sudo: true\n  password: s3cr3t-Pa55\n")
    inventory = load_inventory(write(tmp_path, text))
    settings = resolve(inventory, inventory.clusters[0], inventory.clusters[0].hosts[0])
    assert settings.password == "s3cr3t-Pa55"
    assert "s3cr3t" not in repr(settings) and "s3cr3t" not in repr(inventory)
    assert "s3cr3t-Pa55" in REDACTOR.secrets()


HOST = "hosts: [{name: a, address: 192.0.2.1}]"
INVALID: list[tuple[str, str, str]] = [
    ("empty file", "", "file is empty"),
    ("not a mapping", "- a\n- b\n", "expected a mapping at the top, found a list"),
    ("bad yaml indentation", "clusters:\n  - name: a\n   hosts: []\n", "bad YAML"),
    ("unclosed bracket", "clusters: [\n", "bad YAML"),
    ("tab character", "clusters:\n\t- name: a\n", "bad YAML"),
    ("no clusters", "version: 1\n", "missing required key 'clusters'"),
    (
        "duplicate key",
        f"clusters: [{{name: c, {HOST}}}]\nclusters: []\n",
        "duplicate key 'clusters'",
    ),
    (
        "password of the wrong type is not echoed",
        f"defaults: {{password: 12345678}}\nclusters: [{{name: c, {HOST}}}]\n",
        "defaults.password: Input should be a valid string",
    ),
    ("empty clusters", "clusters: []\n", "clusters"),
    (
        "unknown top-level key",
        f"clusterz: []\nclusters: [{{name: c, {HOST}}}]\n",
        "unknown key 'clusterz'",
    ),
    (
        "unknown cluster key",
        f"clusters: [{{name: c, colour: red, {HOST}}}]\n",
        "unknown key 'colour'",
    ),
    (
        "unknown host key",
        "clusters: [{name: c, hosts: [{name: a, address: x, adress: y}]}]\n",
        "unknown key 'adress'",
    ),
    ("wrong version", f"version: 2\nclusters: [{{name: c, {HOST}}}]\n", "version"),
    (
        "port not a number",
        "clusters: [{name: c, hosts: [{name: a, address: x, port: ssh}]}]\n",
        "port",
    ),
    (
        "port out of range",
        "clusters: [{name: c, hosts: [{name: a, address: x, port: 70000}]}]\n",
        "less than or equal to 65535",
    ),
    (
        "roles not a list",
        "clusters: [{name: c, hosts: [{name: a, address: x, roles: corosync}]}]\n",
        "roles",
    ),
    (
        "unknown role",
        "clusters: [{name: c, hosts: [{name: a, address: x, roles: [corosink]}]}]\n",
        "corosink",
    ),
    (
        "role twice",
        "clusters: [{name: c, hosts: [{name: a, address: x, roles: [ovs, ovs]}]}]\n",
        "role listed twice",
    ),
    (
        "duplicate host",
        "clusters: [{name: c, hosts: [{name: a, address: x}, {name: a, address: y}]}]\n",
        "listed twice",
    ),
    (
        "duplicate cluster",
        f"clusters: [{{name: c, {HOST}}}, {{name: c, {HOST}}}]\n",
        "defined twice",
    ),
    (
        "host without address",
        "clusters: [{name: c, hosts: [{name: a}]}]\n",
        "needs an 'address' or an 'ssh_alias'",
    ),
    ("no hosts", "clusters: [{name: c, hosts: []}]\n", "hosts"),
    ("bad host name", "clusters: [{name: c, hosts: [{name: 'a b', address: x}]}]\n", "name"),
    ("bad environment", f"clusters: [{{name: c, environment: prod, {HOST}}}]\n", "environment"),
    (
        "destructive not a bool",
        f"clusters: [{{name: c, allow_destructive: maybe, {HOST}}}]\n",
        "allow_destructive",
    ),
    (
        "expect for a role no host has",
        f"clusters: [{{name: c, {HOST}, expect: {{pacemaker: {{}}}}}}]\n",
        "no host has the role 'pacemaker'",
    ),
    (
        "bad host key policy",
        f"defaults: {{host_keys: trust}}\nclusters: [{{name: c, {HOST}}}]\n",
        "host_keys",
    ),
    (
        "negative timeout",
        f"defaults: {{command_timeout: -1}}\nclusters: [{{name: c, {HOST}}}]\n",
        "command_timeout",
    ),
    (
        "missing key file",
        "clusters: [{name: c, hosts: [{name: a, address: x, key_file: /nonexistent/key}]}]\n",
        "no such file",
    ),
    (
        "key file is a directory",
        "clusters: [{name: c, hosts: [{name: a, address: x, key_file: /}]}]\n",
        "not a regular file",
    ),
    (
        "unknown platform key",
        f"clusters: [{{name: c, platform: {{kvm: false, gpu: true}}, {HOST}}}]\n",
        "unknown key 'gpu'",
    ),
    (
        "bad datapath",
        f"clusters: [{{name: c, platform: {{ovs_datapath: dpdk}}, {HOST}}}]\n",
        "ovs_datapath",
    ),
]


@pytest.mark.parametrize(("text", "expected"), [pytest.param(t, e, id=i) for i, t, e in INVALID])
def test_malformed_inventory_gives_one_line(tmp_path: Path, text: str, expected: str) -> None:
    path = write(tmp_path, text)
    with pytest.raises(InventoryError) as caught:
        load_inventory(path)
    message = str(caught.value)
    assert expected in message
    assert "\n" not in message
    assert message.startswith(f"inventory error: {path}")


def test_error_names_the_line_and_place(tmp_path: Path) -> None:
    text = "clusters:\n  - name: c\n    hosts:\n      - name: a\n        address: x\n        port: 99999\n"
    with pytest.raises(InventoryError) as caught:
        load_inventory(write(tmp_path, text))
    assert f"{tmp_path / 'inv.yaml'}:6: clusters[0].hosts[0].port:" in str(caught.value)


def test_missing_and_unreadable_files(tmp_path: Path) -> None:
    with pytest.raises(InventoryError, match="file not found"):
        load_inventory(tmp_path / "nope.yaml")
    with pytest.raises(InventoryError, match="is a directory"):
        load_inventory(tmp_path)
    binary = tmp_path / "bin.yaml"
    binary.write_bytes(b"\xff\xfe\x00garbage")
    with pytest.raises(InventoryError, match="not UTF-8"):
        load_inventory(binary)


@pytest.mark.parametrize(
    "text",
    [
        pytest.param(
            "clusters: [{name: c, hosts: [{name: a, address: x, port: 0}]}]\n", id="port-zero"
        ),
        pytest.param("clusters:\n  - name: c\n   hosts: []\n", id="bad-yaml"),
    ],
)
def test_pytest_stops_with_usage_error_and_one_line(tmp_path: Path, text: str) -> None:
    path = write(tmp_path, text)
    run = subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            "suites/hosts",
            "--inventory",
            str(path),
            "-p",
            "no:xdist",
            f"--alluredir={tmp_path / 'allure'}",
            f"--junitxml={tmp_path / 'j.xml'}",
            f"--results-json={tmp_path / 'r.json'}",
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert run.returncode == 4, run.stdout + run.stderr
    errors = [line for line in run.stderr.splitlines() if line.strip()]
    assert len(errors) == 1 and errors[0].startswith("ERROR: inventory error:"), run.stderr
    assert "Traceback" not in run.stdout + run.stderr


def test_unknown_cluster_option_is_a_usage_error(tmp_path: Path) -> None:
    path = write(tmp_path, VALID)
    run = subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            "suites/hosts",
            "--inventory",
            str(path),
            "--cluster",
            "nope",
            f"--alluredir={tmp_path / 'allure'}",
            f"--junitxml={tmp_path / 'j.xml'}",
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert run.returncode == 4
    assert "--cluster 'nope' is not in the inventory" in run.stderr


def test_a_malformed_password_is_never_echoed(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "defaults: {password: [hunter2-xyz]}\nclusters: [{name: c, hosts: [{name: a, address: x}]}]\n",
    )
    with pytest.raises(InventoryError) as caught:
        load_inventory(path)
    assert "defaults.password" in str(caught.value) and "hunter2" not in str(caught.value)


def test_the_example_inventories_are_valid() -> None:
    for name in ("example-production.yaml", "class-example.yaml"):
        inventory = load_inventory(ROOT / "inventory" / name, check_files=False)
        assert inventory.clusters
