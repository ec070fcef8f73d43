"""A libvirt domain's XML (`virsh dumpxml`) as typed data."""

from __future__ import annotations

from dataclasses import dataclass, field

from hacert.xmlutil import attr, parse_xml, text

_UNIT_KIB = {
    "b": 1 / 1024,
    "bytes": 1 / 1024,
    "k": 1,
    "kib": 1,
    "kb": 1000 / 1024,
    "m": 1024,
    "mib": 1024,
    "mb": 1e6 / 1024,
    "g": 1024**2,
    "gib": 1024**2,
    "gb": 1e9 / 1024,
}


@dataclass(frozen=True)
class Disk:
    device: str  # disk, cdrom, lun
    bus: str | None
    target: str | None
    source: str | None

    @property
    def virtio(self) -> bool:
        return self.bus == "virtio"


@dataclass(frozen=True)
class Nic:
    type: str  # network, bridge, direct, user …
    source: str | None  # network name or bridge name
    model: str | None
    queues: int | None
    mac: str | None

    @property
    def virtio(self) -> bool:
        return self.model == "virtio"


@dataclass
class DomainXml:
    name: str
    uuid: str | None
    domain_type: str
    vcpus: int
    memory_kib: int
    current_memory_kib: int
    machine: str | None
    cpu_model: str | None
    emulator: str | None
    disks: list[Disk] = field(default_factory=list)
    nics: list[Nic] = field(default_factory=list)
    balloon_model: str | None = None
    hostdevs: int = 0
    seclabels: list[tuple[str, str]] = field(default_factory=list)  # (model, type)
    serial_logs: list[str] = field(default_factory=list)

    @property
    def memory_mib(self) -> float:
        return self.memory_kib / 1024

    @property
    def balloon(self) -> bool:
        return self.balloon_model not in (None, "none")

    def emulated_devices(self) -> list[str]:
        """Disks and NICs that do not use virtio (slow, emulated hardware)."""
        found = [
            f"disk {d.target} on {d.bus}" for d in self.disks if d.device == "disk" and not d.virtio
        ]
        found += [
            f"NIC {n.mac or n.source} model {n.model or 'default'}"
            for n in self.nics
            if not n.virtio
        ]
        return found


def to_kib(value: str, unit: str | None) -> int:
    return int(float(value) * _UNIT_KIB[(unit or "KiB").lower()])


def parse_domain(xml_text: str, *, host: str | None = None) -> DomainXml:
    root = parse_xml(xml_text, "virsh dumpxml", host=host)
    memory = root.find("memory")
    current = root.find("currentMemory")
    mem_kib = to_kib(memory.text or "0", memory.get("unit")) if memory is not None else 0
    cur_kib = to_kib(current.text or "0", current.get("unit")) if current is not None else mem_kib
    vcpu = root.find("vcpu")
    dom = DomainXml(
        name=text(root, "name") or "",
        uuid=text(root, "uuid"),
        domain_type=root.get("type", ""),
        vcpus=int(vcpu.get("current") or vcpu.text or 1) if vcpu is not None else 1,
        memory_kib=mem_kib,
        current_memory_kib=cur_kib,
        machine=attr(root, "os/type", "machine"),
        cpu_model=text(root, "cpu/model"),
        emulator=text(root, "devices/emulator"),
    )
    devices = root.find("devices")
    if devices is None:
        return dom
    for disk in devices.iterfind("disk"):
        source = disk.find("source")
        src = None
        if source is not None:
            src = source.get("file") or source.get("dev") or source.get("name")
        dom.disks.append(
            Disk(
                device=disk.get("device", "disk"),
                bus=attr(disk, "target", "bus"),
                target=attr(disk, "target", "dev"),
                source=src,
            )
        )
    for nic in devices.iterfind("interface"):
        source = nic.find("source")
        queues = attr(nic, "driver", "queues")
        dom.nics.append(
            Nic(
                type=nic.get("type", ""),
                source=(source.get("network") or source.get("bridge") or source.get("dev"))
                if source is not None
                else None,
                model=attr(nic, "model", "type"),
                queues=int(queues) if queues else None,
                mac=attr(nic, "mac", "address"),
            )
        )
    dom.balloon_model = attr(devices, "memballoon", "model")
    dom.hostdevs = len(devices.findall("hostdev"))
    dom.serial_logs = [
        s.get("path", "") for s in devices.iterfind("serial/source") if s.get("path")
    ]
    dom.seclabels = [(s.get("model", ""), s.get("type", "")) for s in root.iterfind("seclabel")]
    return dom
