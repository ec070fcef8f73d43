"""`virsh capabilities` and `virsh domcapabilities` (XML) as typed data."""

from __future__ import annotations

from dataclasses import dataclass, field

from hacert.xmlutil import parse_xml, text


@dataclass
class HostCapabilities:
    arch: str | None
    host_cpu_model: str | None
    security_models: list[str] = field(default_factory=list)
    machines: dict[str, set[str]] = field(default_factory=dict)  # arch -> machine types
    domain_types: set[str] = field(default_factory=set)  # qemu, kvm
    iommu: bool | None = None

    @property
    def security_driver(self) -> str:
        """The confining driver (the first secmodel other than dac), 'none' when there is none."""
        confining = [m for m in self.security_models if m not in ("dac", "none")]
        return confining[0] if confining else "none"


def parse_capabilities(xml_text: str, *, host: str | None = None) -> HostCapabilities:
    root = parse_xml(xml_text, "virsh capabilities", host=host)
    iommu = root.find("host/iommu")
    caps = HostCapabilities(
        arch=text(root, "host/cpu/arch"),
        host_cpu_model=text(root, "host/cpu/model"),
        security_models=[m.text.strip() for m in root.iterfind("host/secmodel/model") if m.text],
        iommu=None if iommu is None else iommu.get("support") == "yes",
    )
    for guest in root.iterfind("guest"):
        arch = guest.find("arch")
        if arch is None:
            continue
        names = caps.machines.setdefault(arch.get("name", ""), set())
        for machine in arch.iter("machine"):
            if machine.text:
                names.add(machine.text.strip())
            if machine.get("canonical"):
                names.add(machine.get("canonical", ""))
        caps.domain_types |= {d.get("type", "") for d in arch.iterfind("domain")}
    return caps


@dataclass
class DomainCapabilities:
    machine: str | None
    domain_type: str | None
    usable_cpu_models: set[str] = field(default_factory=set)
    unusable_cpu_models: set[str] = field(default_factory=set)
    host_passthrough: bool = False


def parse_domcapabilities(xml_text: str, *, host: str | None = None) -> DomainCapabilities:
    root = parse_xml(xml_text, "virsh domcapabilities", host=host)
    caps = DomainCapabilities(machine=text(root, "machine"), domain_type=text(root, "domain"))
    for mode in root.iterfind("cpu/mode"):
        if mode.get("name") == "host-passthrough":
            caps.host_passthrough = mode.get("supported") == "yes"
        if mode.get("name") != "custom":
            continue
        for model in mode.iterfind("model"):
            name = (model.text or "").strip()
            if model.get("usable", "yes") == "no":
                caps.unusable_cpu_models.add(name)
            else:
                caps.usable_cpu_models.add(name)
    return caps
