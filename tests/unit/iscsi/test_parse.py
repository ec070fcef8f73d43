"""iSCSI parsers on outputs captured on the lab VMs (LIO target on vm1, open-iscsi on vm2)."""

from __future__ import annotations

from pathlib import Path

from hacert.iscsi import parse

DATA = Path(__file__).resolve().parents[2] / "data" / "iscsi"
IQN = "iqn.2026-11.org.hacert.lab:disk1"


def load(name: str) -> str:
    assert (DATA / f"{name}.meta").exists(), f"{name} needs a .meta file"
    return (DATA / name).read_text()


def test_lio_target() -> None:
    targets = parse.parse_target(load("lio-target-vm1.txt"))
    assert targets is not None and list(targets) == [IQN]
    (tpg,) = targets[IQN]
    assert tpg.tag == 1 and tpg.enabled and not tpg.authentication and not tpg.demo_mode
    assert tpg.luns == [0] and tpg.portals == ["10.213.0.31:3260"]
    assert tpg.acls == {"iqn.2026-11.org.hacert.lab:vm2": False}  # no CHAP user


def test_no_lio() -> None:
    assert parse.parse_target("NO_LIO\n") is None


def test_sessions() -> None:
    (session,) = parse.parse_sessions(load("sysfs-sessions-vm2.txt"))
    assert session.target == IQN and session.logged_in
    assert session.portal == "10.213.0.31:3260" and session.devices == ("sda",)
    assert parse.parse_sessions("NO_ISCSI_SESSIONS\n") == []


def test_sessions_agree_with_iscsiadm() -> None:
    """The sysfs view says what `iscsiadm -m session -P 3` says."""
    text = load("iscsiadm-session-P3.txt")
    (session,) = parse.parse_sessions(load("sysfs-sessions-vm2.txt"))
    assert f"Target: {session.target}" in text
    assert "iSCSI Session State: LOGGED_IN" in text
    assert f"Attached scsi disk {session.devices[0]}" in text
