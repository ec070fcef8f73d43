"""crmadmin, fencing timeouts and SBD settings, on real captures (tests/data/pacemaker)."""

from __future__ import annotations

from pathlib import Path

import pytest

from hacert.pacemaker import controller, sbd, timing
from hacert.pacemaker.cib import CibConfig, Primitive, parse_cib

DATA = Path(__file__).parents[2] / "data" / "pacemaker"
LAB_CIB = "cibadmin-Q.2.1.5.lab-live.xml"
DEBIAN_SBD = "sbd.default.debian-1.5.2-1"


def read(name: str) -> str:
    return (DATA / name).read_text()


def lab_cib(**properties: str) -> CibConfig:
    cib = parse_cib(read(LAB_CIB))
    merged = {**cib.properties, **properties}
    return CibConfig(**{**cib.__dict__, "properties": merged})


def with_device(cib: CibConfig, **params: str) -> CibConfig:
    device = cib.primitives["fence-hacert"]
    changed = Primitive(**{**device.__dict__, "params": {**device.params, **params}})
    return CibConfig(**{**cib.__dict__, "primitives": {**cib.primitives, device.id: changed}})


# crmadmin


def test_dc_from_crmadmin_d() -> None:
    assert controller.parse_dc(read("crmadmin-D.2.1.5.xml")) == "node1"


@pytest.mark.parametrize(
    ("name", "node"),
    [("crmadmin-S.2.1.5.not-dc.xml", "node2"), ("crmadmin-S.2.1.5.not-dc-node3.xml", "node3")],
)
def test_state_of_a_member(name: str, node: str) -> None:
    state = controller.parse_state(read(name), node)
    assert state == controller.ControllerState(node=node, state="S_NOT_DC", message="OK")


def test_state_of_the_dc() -> None:
    state = controller.parse_state(read("crmadmin-S.2.1.5.idle-dc.xml"), "node1")
    assert (state.node, state.state, state.code) == ("node1", "S_IDLE", 0)


def test_state_of_a_controller_that_does_not_answer() -> None:
    state = controller.parse_state(read("crmadmin-S.2.1.5.timeout.xml"), "nosuchnode")
    assert state.state is None and state.code == 124
    assert "No reply received from controller before timeout" in state.describe()


def test_settled_cluster_has_no_problem() -> None:
    states = {
        "node1": controller.parse_state(read("crmadmin-S.2.1.5.idle-dc.xml"), "node1"),
        "node2": controller.parse_state(read("crmadmin-S.2.1.5.not-dc.xml"), "node2"),
        "node3": controller.parse_state(read("crmadmin-S.2.1.5.not-dc-node3.xml"), "node3"),
    }
    assert controller.problems("node1", states) == {}


def test_busy_dc_and_silent_member_are_problems() -> None:
    states = {
        "node1": controller.ControllerState("node1", "S_TRANSITION_ENGINE"),
        "node2": controller.parse_state(read("crmadmin-S.2.1.5.timeout.xml"), "node2"),
        "node3": controller.parse_state(read("crmadmin-S.2.1.5.not-dc-node3.xml"), "node3"),
    }
    found = controller.problems("node1", states)
    assert set(found) == {"node1", "node2"}
    assert found["node1"].startswith("S_TRANSITION_ENGINE (the DC, want S_IDLE)")
    assert "status 124" in found["node2"]


def test_a_member_in_s_idle_is_not_the_dc_state_it_should_be() -> None:
    states = {"node2": controller.ControllerState("node2", "S_IDLE")}
    assert "want S_NOT_DC" in controller.problems("node1", states)["node2"]


def test_no_dc_is_a_problem() -> None:
    assert controller.problems(None, {}) == {"": "no DC (`crmadmin -D` names none)"}


class FakeClock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.now += seconds


def test_wait_settled_looks_again_during_a_transition() -> None:
    clock = FakeClock()
    answers = iter(["S_POLICY_ENGINE", "S_TRANSITION_ENGINE", "S_IDLE"])

    def look() -> tuple[str | None, dict[str, controller.ControllerState]]:
        return "node1", {"node1": controller.ControllerState("node1", next(answers))}

    dc, found = controller.wait_settled(look, clock=clock, sleep=clock.sleep)
    assert (dc, found) == ("node1", {})
    assert clock.now == 6.0


def test_wait_settled_gives_up_after_ten_seconds() -> None:
    clock = FakeClock()
    looks: list[float] = []

    def look() -> tuple[str | None, dict[str, controller.ControllerState]]:
        looks.append(clock.now)
        return "node1", {"node1": controller.ControllerState("node1", "S_ELECTION")}

    _, found = controller.wait_settled(look, clock=clock, sleep=clock.sleep)
    assert found["node1"].startswith("S_ELECTION")
    assert looks == [0.0, 3.0, 6.0, 9.0, 10.0]


# Pacemaker time values and fencing timeouts


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("60s", 60.0),
        ("2min", 120.0),
        ("90", 90.0),
        ("1500ms", 1.5),
        ("1h", 3600.0),
        (" 40 ", 40.0),
        ("2m", 120.0),
        ("500000us", 0.5),
    ],
)
def test_seconds(text: str, value: float) -> None:
    assert timing.seconds(text) == value


@pytest.mark.parametrize("text", ["", "soon", "5 days", "-1"])
def test_seconds_refuses(text: str) -> None:
    with pytest.raises(ValueError):
        timing.seconds(text)


def test_lab_fencing_timeout_covers_its_device() -> None:
    judgement = timing.judge_fencing_timeout(parse_cib(read(LAB_CIB)))
    assert judgement.setting == "stonith-timeout=60s"
    assert judgement.timeout_s == 60.0
    assert judgement.problems == ()  # fence-hacert power_timeout=40


def test_device_timeout_above_the_fencing_timeout() -> None:
    cib = with_device(parse_cib(read(LAB_CIB)), pcmk_reboot_timeout="2min")
    assert timing.device_timeouts(cib.primitives["fence-hacert"]) == {
        "pcmk_reboot_timeout": 120.0,
        "power_timeout": 40.0,
    }
    judgement = timing.judge_fencing_timeout(cib)
    assert judgement.problems == ("fence-hacert pcmk_reboot_timeout=2min (120s)",)


def test_unset_timeout_defaults_to_60s_and_pacemaker3_name_wins() -> None:
    cib = parse_cib(read(LAB_CIB))
    unset = CibConfig(
        **{
            **cib.__dict__,
            "properties": {k: v for k, v in cib.properties.items() if k != "stonith-timeout"},
        }
    )
    assert timing.fencing_timeout(unset) == ("stonith-timeout unset (default 60s)", 60.0)
    both = lab_cib(**{"fencing-timeout": "90"})
    assert timing.fencing_timeout(both) == ("fencing-timeout=90", 90.0)


def test_sbd_figure_needs_the_margin() -> None:
    cib = parse_cib(read(LAB_CIB))
    assert timing.judge_fencing_timeout(cib, 50.0).problems == ()  # 60s >= 1.2 x 50s
    assert timing.judge_fencing_timeout(cib, 51.0).problems == ("SBD 51s x 1.2 = 61.2s",)


def test_no_fencing_delay_on_the_lab() -> None:
    assert timing.fencing_delay(parse_cib(read(LAB_CIB))) is None


@pytest.mark.parametrize(
    ("properties", "params", "found"),
    [
        ({"priority-fencing-delay": "15s"}, {}, "priority-fencing-delay=15s"),
        ({"priority-fencing-delay": "0"}, {}, None),
        ({}, {"pcmk_delay_max": "15"}, "fence-hacert pcmk_delay_max=15"),
        (
            {},
            {"pcmk_delay_base": "node1:5s;node2:0s"},
            "fence-hacert pcmk_delay_base=node1:5s;node2:0s",
        ),
        ({}, {"pcmk_delay_base": "0s"}, None),
    ],
)
def test_fencing_delay(
    properties: dict[str, str], params: dict[str, str], found: str | None
) -> None:
    cib = with_device(lab_cib(**properties), **params)
    assert timing.fencing_delay(cib) == found


# SBD


def test_debian_sbd_file() -> None:
    values = sbd.parse_sysconfig(read(DEBIAN_SBD))
    assert values == {
        "SBD_PACEMAKER": "yes",
        "SBD_STARTMODE": "always",
        "SBD_DELAY_START": "no",
        "SBD_WATCHDOG_DEV": "/dev/watchdog",
        "SBD_WATCHDOG_TIMEOUT": "5",
        "SBD_TIMEOUT_ACTION": "flush,reboot",
        "SBD_MOVE_TO_ROOT_CGROUP": "auto",
        "SBD_SYNC_RESOURCE_STARTUP": "yes",
        "SBD_OPTS": "",
    }
    config = sbd.SbdConfig(values)
    assert config.diskless and config.devices == []
    assert config.watchdog_dev == "/dev/watchdog"
    assert config.watchdog_timeout_s == 5.0


def test_sbd_devices_quotes_and_comments() -> None:
    text = read(DEBIAN_SBD).replace(
        '#SBD_DEVICE=""', 'SBD_DEVICE="/dev/disk/by-id/a;/dev/disk/by-id/b"  # two disks'
    )
    config = sbd.SbdConfig(sbd.parse_sysconfig(text))
    assert config.devices == ["/dev/disk/by-id/a", "/dev/disk/by-id/b"]
    assert not config.diskless


def test_msgwait_from_sbd_dump() -> None:
    # `sbd -d DEV -1 15 -4 30 create` then `sbd -d DEV dump`, sbd 1.5.2 on a loop device
    dump = (DATA / "sbd-dump.1.5.2.msgwait30.txt").read_text()
    assert sbd.parse_msgwait(dump) == 30.0
    assert sbd.parse_msgwait("") is None


def node(label: str, text: str | None, enabled: str = "enabled") -> sbd.SbdNode:
    config = sbd.SbdConfig(sbd.parse_sysconfig(text)) if text is not None else None
    return sbd.SbdNode(label, enabled, "/etc/default/sbd" if text else None, config)


def test_sbd_not_used_without_the_service() -> None:
    nodes = [node("node1", None, "disabled"), node("node2", None, "absent")]
    assert not sbd.used(nodes)
    assert sbd.figure_s(nodes, parse_cib(read(LAB_CIB))) is None


def test_diskless_sbd_consistent() -> None:
    text = read(DEBIAN_SBD)
    nodes = [node("node1", text), node("node2", text)]
    cib = lab_cib(**{"stonith-watchdog-timeout": "10s"})
    assert sbd.problems(nodes, cib) == []
    assert sbd.figure_s(nodes, cib) == 10.0
    auto = lab_cib(**{"stonith-watchdog-timeout": "-1"})
    assert sbd.problems(nodes, auto) == []
    assert sbd.figure_s(nodes, auto) == 10.0  # 2 x SBD_WATCHDOG_TIMEOUT


def test_diskless_sbd_problems() -> None:
    text = read(DEBIAN_SBD)
    other = text.replace("SBD_WATCHDOG_TIMEOUT=5", "SBD_WATCHDOG_TIMEOUT=10")
    no_dev = text.replace("SBD_WATCHDOG_DEV=/dev/watchdog", "#SBD_WATCHDOG_DEV=/dev/watchdog")
    nodes = [node("node1", text), node("node2", other), node("node3", no_dev, "disabled")]
    found = sbd.problems(nodes, lab_cib(**{"stonith-watchdog-timeout": "15"}))
    assert ("node3", "sbd service is disabled, not enabled") in found
    assert ("node3", "SBD_WATCHDOG_DEV not set") in found
    assert (None, "the sbd settings differ: node1 vs node2 vs node3") in found
    assert (None, "stonith-watchdog-timeout=15 < 2 x SBD_WATCHDOG_TIMEOUT = 20s") in found
    unset = sbd.problems([node("node1", text)], parse_cib(read(LAB_CIB)))
    assert unset == [(None, "diskless SBD but stonith-watchdog-timeout is unset")]


def test_disk_sbd_figure_is_msgwait() -> None:
    text = read(DEBIAN_SBD).replace('#SBD_DEVICE=""', "SBD_DEVICE=/dev/sdb")
    config = sbd.SbdConfig(sbd.parse_sysconfig(text))
    nodes = [sbd.SbdNode("node1", "enabled", "/etc/default/sbd", config, msgwait_s=30.0)]
    cib = parse_cib(read(LAB_CIB))
    assert sbd.problems(nodes, cib) == []
    assert sbd.figure_s(nodes, cib) == 30.0
    assert timing.judge_fencing_timeout(cib, 30.0).problems == ()
    assert timing.judge_fencing_timeout(cib, 60.0).problems == ("SBD 60s x 1.2 = 72s",)
