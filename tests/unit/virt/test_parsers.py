"""virt parsers against real libvirt 9.0 / QEMU 7.2 outputs captured on the lab (tests/data/virt)."""

from __future__ import annotations

from pathlib import Path

import pytest

from hacert.errors import UnexpectedOutput
from hacert.virt import qmp, virsh
from hacert.virt.capabilities import parse_capabilities, parse_domcapabilities
from hacert.virt.domxml import parse_domain
from hacert.virt.netxml import parse_network

DATA = Path(__file__).parents[2] / "data" / "virt"


def read(name: str) -> str:
    return (DATA / name).read_text()


def test_every_data_file_has_meta() -> None:
    for path in DATA.iterdir():
        if path.suffix != ".meta":
            meta = path.with_name(path.name + ".meta")
            assert meta.exists(), path.name
            assert "exit_status: 0" in meta.read_text()


def test_running_domain_xml() -> None:
    dom = parse_domain(read("domain-vm1-running.xml"))
    assert (dom.name, dom.domain_type, dom.vcpus) == ("vm1", "qemu", 1)
    assert dom.memory_kib == 262144 and dom.memory_mib == 256
    assert dom.machine == "pc-i440fx-7.2" and dom.cpu_model == "qemu64"
    assert dom.disks == [] and dom.nics == []
    assert dom.balloon_model == "none" and not dom.balloon
    assert dom.serial_logs == ["/var/log/hacert/vm1-serial.log"]
    assert dom.seclabels == [("dac", "dynamic")]
    assert dom.emulated_devices() == []


def test_domain_xml_virtio_and_emulated_devices() -> None:
    dom = parse_domain(read("domain-virtio-emulated-inactive.xml"))
    assert dom.vcpus == 2
    assert [(d.bus, d.target) for d in dom.disks] == [("virtio", "vda"), ("ide", "hda")]
    assert [(n.model, n.queues, n.source) for n in dom.nics] == [
        ("virtio", 2, "default"),
        ("e1000", None, "default"),
    ]
    assert dom.balloon
    emulated = dom.emulated_devices()
    assert len(emulated) == 2
    assert emulated[0] == "disk hda on ide"
    assert "model e1000" in emulated[1]


def test_domain_xml_rejects_garbage() -> None:
    with pytest.raises(UnexpectedOutput):
        parse_domain("error: failed to get domain 'nope'")


def test_capabilities() -> None:
    caps = parse_capabilities(read("capabilities.xml"))
    assert caps.arch == "x86_64"
    assert caps.security_models == ["none", "dac"]
    assert caps.security_driver == "none"
    assert "pc-i440fx-7.2" in caps.machines["x86_64"]
    assert "pc" in caps.machines["x86_64"]  # the canonical alias
    assert caps.domain_types == {"qemu"}  # no kvm: TCG only


def test_domcapabilities() -> None:
    caps = parse_domcapabilities(read("domcapabilities-qemu.xml"))
    assert (caps.machine, caps.domain_type) == ("pc-i440fx-7.2", "qemu")
    assert {"qemu64", "kvm64", "Nehalem"} <= caps.usable_cpu_models
    assert "Skylake-Server" in caps.unusable_cpu_models
    assert not caps.host_passthrough


def test_virsh_list_tables() -> None:
    assert virsh.parse_table(read("list-all.txt")) == [
        {"Id": "1", "Name": "vm1", "State": "running"}
    ]
    rows = virsh.parse_table(read("list-all-shutoff.txt"))
    assert [(r["Name"], r["State"], r["Id"]) for r in rows] == [
        ("vm1", "running", "9"),
        ("hacert-capture", "shut off", "-"),
    ]


def test_virsh_net_and_pool_tables() -> None:
    nets = virsh.parse_table(read("net-list-all.txt"))
    assert nets == [
        {"Name": "default", "State": "inactive", "Autostart": "no", "Persistent": "yes"}
    ]
    assert virsh.parse_table(read("pool-list-details.txt")) == []


def test_virsh_table_without_header_is_an_error() -> None:
    with pytest.raises(UnexpectedOutput):
        virsh.parse_table("error: failed to connect to the hypervisor")


def test_dominfo() -> None:
    info = virsh.parse_kv(read("dominfo-vm1.txt"))
    assert info["State"] == "running" and info["CPU(s)"] == "1"
    assert not virsh.dominfo_flag(info, "Persistent")
    assert not virsh.dominfo_flag(info, "Autostart")
    assert info["Security model"] == "none"
    persistent = virsh.parse_kv(read("dominfo-persistent-shutoff.txt"))
    assert virsh.dominfo_flag(persistent, "Persistent")
    assert persistent["State"] == "shut off"


def test_vcpuinfo_and_dommemstat() -> None:
    vcpus = virsh.parse_vcpuinfo(read("vcpuinfo-vm1.txt"))
    assert len(vcpus) == 1 and vcpus[0]["State"] == "running"
    assert virsh.parse_dommemstat(read("dommemstat-vm1.txt")) == {"rss": 220128}
    balloon = virsh.parse_dommemstat(read("dommemstat-balloon.txt"))
    assert balloon["actual"] == 262144


def test_host_validate() -> None:
    results = virsh.parse_host_validate(read("virt-host-validate.txt"))
    by_what = {r.what: r for r in results}
    hw = next(r for r in results if "hardware virtualization" in r.what)
    assert hw.result == "FAIL" and "KVM" in hw.detail
    assert any(r.result == "WARN" for r in results)
    assert all(r.driver == "QEMU" for r in results)
    assert by_what["if device /dev/net/tun exists"].result == "PASS"


def test_version() -> None:
    versions = virsh.parse_version(read("version.txt"))
    assert versions["QEMU"] == "7.2.22"
    assert versions["daemon"] == "9.0.0"
    assert versions["libvirt"] == "9.0.0"


def test_size_to_bytes() -> None:
    assert virsh.size_to_bytes("78.984 MiB") == pytest.approx(78.984 * 1024**2)
    assert virsh.size_to_bytes("0.000 B") == 0


def test_qmp_replies() -> None:
    assert qmp.parse_reply(read("qmp-query-status.json"))["status"] == "running"
    assert qmp.parse_reply(read("qmp-query-migrate-none.json")) == {}
    assert qmp.parse_reply(read("qmp-query-balloon.json")) == {"actual": 268435456}
    with pytest.raises(qmp.QmpError, match="DeviceNotActive"):
        qmp.parse_reply(read("qmp-error-balloon-none.json"))
    assert qmp.command("query-status") == '{"execute":"query-status"}'


def test_query_migrate_active() -> None:
    stats = qmp.stats_from_query_migrate(qmp.parse_reply(read("qmp-query-migrate-active.json")))
    assert stats.status == "active"
    assert stats.total_time_ms == 1265 and stats.setup_time_ms == 2
    assert stats.downtime_ms is None  # only once completed
    assert stats.transferred_bytes == 1389450
    assert stats.throughput_mib_s == pytest.approx(8.4532 * 1e6 / 8 / 1024**2, rel=1e-3)


def test_domjobinfo_completed_incoming() -> None:
    stats = qmp.stats_from_domjobinfo(read("domjobinfo-completed-incoming.txt"))
    assert stats.status == "completed"
    assert (stats.total_time_ms, stats.downtime_ms, stats.setup_time_ms) == (4696, 567, 0)
    assert stats.transferred_bytes == pytest.approx(78.984 * 1024**2)
    assert stats.throughput_mib_s == pytest.approx(37.207)
    assert stats.dirty_sync_count == 3
    assert set(stats.figures()) >= {"downtime_ms", "total_time_ms", "throughput_mib_s"}


def test_domjobinfo_active_and_none() -> None:
    active = qmp.stats_from_domjobinfo(read("domjobinfo-active.txt"))
    assert active.status == "unbounded" and active.downtime_ms is None
    assert qmp.stats_from_domjobinfo(read("domjobinfo-none.txt")).status == "none"


def test_network_xml() -> None:
    net = parse_network(read("net-dumpxml-default.xml"))
    assert (net.name, net.forward_mode, net.bridge) == ("default", "nat", "virbr0")
    assert net.addresses == ["192.168.122.1"] and net.dhcp
