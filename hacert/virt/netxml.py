"""A libvirt network's XML (`virsh net-dumpxml`) as typed data."""

from __future__ import annotations

from dataclasses import dataclass, field

from hacert.xmlutil import attr, parse_xml, text


@dataclass
class NetworkXml:
    name: str
    forward_mode: str  # "none" when there is no <forward>
    bridge: str | None
    addresses: list[str] = field(default_factory=list)
    dhcp: bool = False


def parse_network(xml_text: str, *, host: str | None = None) -> NetworkXml:
    root = parse_xml(xml_text, "virsh net-dumpxml", host=host)
    forward = root.find("forward")
    return NetworkXml(
        name=text(root, "name") or "",
        forward_mode=(forward.get("mode", "nat") if forward is not None else "none"),
        bridge=attr(root, "bridge", "name"),
        addresses=[ip.get("address", "") for ip in root.iterfind("ip")],
        dhcp=root.find("ip/dhcp") is not None,
    )
