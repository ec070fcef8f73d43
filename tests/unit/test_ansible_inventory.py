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
            "bad4.yml",
            "all:\n  children:\n    g:\n      ~: 1\n      2: x\n",
            "unknown key(s) 2, None",
        ),
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


PRODUCTION_THEN_LAB = [
    pytest.param(
        "hosts.ini",
        """\
        [corosync]
        ha1 ansible_host=192.0.2.11 hacert_environment=production
        ha2 ansible_host=192.0.2.12 hacert_environment=lab
        """,
        id="ini-host-vars",
    ),
    pytest.param(
        "hosts.ini",
        """\
        [prod]
        ha1 ansible_host=192.0.2.11
        [lab]
        ha2 ansible_host=192.0.2.12
        [prod:vars]
        hacert_environment=production
        [lab:vars]
        hacert_environment=lab
        """,
        id="ini-group-vars",
    ),
    pytest.param(
        "hosts.ini",
        """\
        [corosync]
        ha1 ansible_host=192.0.2.11 hacert_environment=lab
        [corosync:vars]
        hacert_environment=production
        """,
        id="ini-host-overrides-production-group",
    ),
    pytest.param(
        "hosts.ini",
        """\
        [corosync]
        ha1 ansible_host=192.0.2.11
        [corosync:vars]
        hacert_environment=production
        [corosync:vars]
        hacert_environment=lab
        """,
        id="ini-group-vars-twice",
    ),
    pytest.param(
        "site.yml",
        """\
        all:
          children:
            prod:
              vars: {hacert_environment: production}
              hosts: {ha1: {ansible_host: 192.0.2.11}}
            lab:
              vars: {hacert_environment: lab}
              hosts: {ha2: {ansible_host: 192.0.2.12}}
        """,
        id="yaml-group-vars",
    ),
    pytest.param(
        "site.yml",
        """\
        all:
          children:
            corosync:
              vars: {hacert_environment: production}
              hosts: {ha1: {ansible_host: 192.0.2.11}}
            pacemaker:
              children:
                corosync:
                  vars: {hacert_environment: lab}
        """,
        id="yaml-same-group-twice",
    ),
]


@pytest.mark.parametrize(("name", "text"), PRODUCTION_THEN_LAB)
def test_a_cluster_is_production_if_any_host_or_group_says_so(
    tmp_path: Path, name: str, text: str
) -> None:
    inventory = load_inventory(write(tmp_path, name, text))
    assert [c.environment for c in inventory.clusters] == ["production"]


@pytest.mark.parametrize(
    ("name", "text"),
    [
        pytest.param(
            "hosts.ini",
            """\
            [corosync]
            ha1 ansible_host=192.0.2.11 hacert_allow_destructive=false
            ha2 ansible_host=192.0.2.12 hacert_allow_destructive=true
            """,
            id="ini-hosts",
        ),
        pytest.param(
            "hosts.ini",
            """\
            [corosync]
            ha1 ansible_host=192.0.2.11 hacert_allow_destructive=yes
            [all:vars]
            hacert_allow_destructive=no
            """,
            id="ini-host-against-all",
        ),
        pytest.param(
            "site.yml",
            """\
            all:
              vars: {hacert_allow_destructive: false}
              children:
                corosync:
                  hosts: {ha1: {hacert_allow_destructive: true}}
            """,
            id="yaml-host-against-all",
        ),
        pytest.param(
            "site.yml",
            """\
            all:
              children:
                lab:
                  vars: {hacert_environment: lab}
                  hosts: {ha1: {hacert_environment: staging}}
            """,
            id="yaml-lab-against-staging",
        ),
    ],
)
def test_conflicting_cluster_settings_are_refused(tmp_path: Path, name: str, text: str) -> None:
    with pytest.raises(InventoryError) as caught:
        load_inventory(write(tmp_path, name, text))
    message = str(caught.value)
    assert "hacert_" in message and "differ" in message and "\n" not in message


def test_agreeing_hosts_and_groups_keep_their_setting(tmp_path: Path) -> None:
    text = """\
    [corosync]
    ha1 ansible_host=192.0.2.11 hacert_allow_destructive=true hacert_environment=lab
    ha2 ansible_host=192.0.2.12
    [all:vars]
    hacert_environment=lab
    hacert_allow_destructive=yes
    """
    cluster = load_inventory(write(tmp_path, "hosts.ini", text)).clusters[0]
    assert (cluster.environment, cluster.allow_destructive) == ("lab", True)
