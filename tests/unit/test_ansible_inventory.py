"""Ansible inventories (YAML and INI) become hacert clusters."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from hacert.inventory import InventoryError, load_inventory, resolve

ANSIBLE_YAML = """\
all:
  vars:
    ansible_user: admin
    hacert_environment: staging
  children:
    corosync:
      hosts:
        ha1: {ansible_host: 192.0.2.11, ansible_port: 2222}
        ha2: {ansible_host: 192.0.2.12}
    pacemaker:
      hosts:
        ha1:
        ha2:
    ceph_mon:
      hosts:
        st1: {ansible_host: 192.0.2.21, hacert_cluster: storage, ansible_ssh_private_key_file: key}
"""

ANSIBLE_INI = """\
# production HA pair
[corosync]
ha1 ansible_host=192.0.2.11 ansible_user=root
ha2 ansible_host=192.0.2.12 ansible_become=yes

[pacemaker:children]
corosync

[all:vars]
hacert_cluster=pair
hacert_allow_destructive=false
ansible_port=22
"""


def write(tmp_path: Path, name: str, text: str) -> Path:
    (tmp_path / "key").write_text("k\n")
    path = tmp_path / name
    path.write_text(textwrap.dedent(text))
    return path


def test_ansible_yaml_groups_become_roles_and_clusters(tmp_path: Path) -> None:
    inventory = load_inventory(write(tmp_path, "site.yml", ANSIBLE_YAML))
    assert [c.name for c in inventory.clusters] == ["site", "storage"]
    site = inventory.cluster("site")
    assert site.environment == "staging"
    assert site.host("ha1").roles == ["corosync", "pacemaker"]
    settings = resolve(inventory, site, site.host("ha1"))
    assert (settings.address, settings.port, settings.user) == ("192.0.2.11", 2222, "admin")
    storage = inventory.cluster("storage")
    assert storage.host("st1").roles == ["ceph-mon"]


def test_ansible_ini_with_children_and_vars(tmp_path: Path) -> None:
    inventory = load_inventory(write(tmp_path, "hosts.ini", ANSIBLE_INI))
    pair = inventory.cluster("pair")
    assert [h.name for h in pair.hosts] == ["ha1", "ha2"]
    assert sorted(pair.host("ha2").roles) == ["corosync", "pacemaker"]
    assert pair.host("ha2").sudo is True
    assert pair.allow_destructive is False


def test_ini_without_suffix_is_detected(tmp_path: Path) -> None:
    inventory = load_inventory(write(tmp_path, "hosts", ANSIBLE_INI))
    assert inventory.clusters[0].name == "pair"


@pytest.mark.parametrize(
    ("name", "text", "expected"),
    [
        ("bad.ini", "[corosync\nha1\n", "malformed section header"),
        ("bad2.ini", "[corosync]\nha1 ansible_port\n", "expected key=value"),
        ("bad3.ini", "[a:children]\nb\n[b:children]\na\n", "its own descendant"),
        ("bad.yml", "all:\n  hosts: [a, b]\n", "must be a mapping"),
        ("bad2.yml", "all:\n  children:\n    g:\n      hostz: {}\n", "unknown key(s) hostz"),
        (
            "bad3.yml",
            "all:\n  children:\n    corosync:\n      hosts: {a: {ansible_port: x}}\n",
            "port",
        ),
        ("empty.ini", "# nothing\n[corosync]\n", "defines no hosts"),
    ],
)
def test_malformed_ansible_inventory(tmp_path: Path, name: str, text: str, expected: str) -> None:
    with pytest.raises(InventoryError) as caught:
        load_inventory(write(tmp_path, name, text))
    assert expected in str(caught.value)
    assert "\n" not in str(caught.value)
