"""The CIB's configuration section (`cibadmin -Q [--local]`), typed for checks and comparisons."""

from __future__ import annotations

import hashlib
import itertools
from dataclasses import dataclass, field
from xml.etree import ElementTree as ET
from xml.etree.ElementTree import Element

from hacert.errors import UnexpectedOutput
from hacert.xmlutil import parse_xml

# Properties pacemaker itself rewrites while running: not a configuration difference.
VOLATILE_PROPERTIES = frozenset({"last-lrm-refresh", "dc-version", "cluster-infrastructure"})
CLI_CONSTRAINT_PREFIXES = ("cli-ban-", "cli-prefer-", "cli-standby-")


@dataclass(frozen=True)
class LocationConstraint:
    id: str
    rsc: str
    node: str | None
    score: str | None
    role: str | None = None
    has_rules: bool = False

    @property
    def score_value(self) -> float:
        return score_number(self.score)


@dataclass(frozen=True)
class OrderConstraint:
    id: str
    first: str
    then: str
    first_action: str = "start"
    then_action: str = "start"
    kind: str = "Mandatory"


@dataclass(frozen=True)
class ColocationConstraint:
    id: str
    rsc: str
    with_rsc: str
    score: str
    rsc_role: str | None = None
    with_rsc_role: str | None = None


@dataclass(frozen=True)
class Primitive:
    id: str
    cls: str
    provider: str | None
    type: str
    meta: dict[str, str] = field(default_factory=dict)
    params: dict[str, str] = field(default_factory=dict)

    @property
    def agent(self) -> str:
        return ":".join(p for p in (self.cls, self.provider, self.type) if p)


@dataclass(frozen=True)
class Clone:
    id: str
    child: str
    promotable: bool
    meta: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class CibConfig:
    admin_epoch: int
    epoch: int
    properties: dict[str, str]
    rsc_defaults: dict[str, str]
    op_defaults: dict[str, str]
    nodes: tuple[str, ...]
    primitives: dict[str, Primitive]
    groups: dict[str, tuple[str, ...]]
    clones: dict[str, Clone]
    locations: tuple[LocationConstraint, ...]
    orders: tuple[OrderConstraint, ...]
    colocations: tuple[ColocationConstraint, ...]
    constraint_ids: tuple[str, ...]
    digest: str

    def property(self, *names: str) -> str | None:
        for name in names:
            if name in self.properties:
                return self.properties[name]
        return None

    def fence_devices(self) -> list[Primitive]:
        return [p for p in self.primitives.values() if p.cls == "stonith"]

    def cli_constraints(self) -> list[str]:
        return [c for c in self.constraint_ids if c.startswith(CLI_CONSTRAINT_PREFIXES)]

    def resource_ids(self) -> set[str]:
        return set(self.primitives) | set(self.groups) | set(self.clones)

    def meta(self, rsc: str, name: str) -> str | None:
        """A meta attribute of a resource, falling back to rsc_defaults."""
        primitive = self.primitives.get(rsc)
        if primitive and name in primitive.meta:
            return primitive.meta[name]
        return self.rsc_defaults.get(name)


def score_number(score: str | None) -> float:
    if score is None:
        return 0.0
    text = score.strip().upper().lstrip("+")
    if text in {"INFINITY", "INF"}:
        return float("inf")
    if text in {"-INFINITY", "-INF"}:
        return float("-inf")
    try:
        return float(text)
    except ValueError:
        return 0.0


def parse_cib(text: str, *, host: str | None = None) -> CibConfig:
    root = parse_xml(text, "cibadmin -Q", host=host)
    if root.tag != "cib":
        raise UnexpectedOutput(f"cibadmin -Q printed <{root.tag}>, not <cib>", host=host)
    configuration = root.find("configuration")
    if configuration is None:
        raise UnexpectedOutput("the CIB has no <configuration>", host=host)
    resources = configuration.find("resources")
    primitives: dict[str, Primitive] = {}
    groups: dict[str, tuple[str, ...]] = {}
    clones: dict[str, Clone] = {}
    if resources is not None:
        _walk_resources(resources, primitives, groups, clones)
    constraints = configuration.find("constraints")
    constraint_list = list(constraints) if constraints is not None else []
    return CibConfig(
        admin_epoch=int(root.get("admin_epoch", "0")),
        epoch=int(root.get("epoch", "0")),
        properties=_nvpairs(configuration.findall("crm_config/cluster_property_set")),
        rsc_defaults=_nvpairs(configuration.findall("rsc_defaults/meta_attributes")),
        op_defaults=_nvpairs(configuration.findall("op_defaults/meta_attributes")),
        nodes=tuple(n.get("uname", "") for n in configuration.findall("nodes/node")),
        primitives=primitives,
        groups=groups,
        clones=clones,
        locations=tuple(_location(c) for c in constraint_list if c.tag == "rsc_location"),
        orders=tuple(o for c in constraint_list if c.tag == "rsc_order" for o in _orders(c)),
        colocations=tuple(
            x for c in constraint_list if c.tag == "rsc_colocation" for x in _colocations(c)
        ),
        constraint_ids=tuple(c.get("id", "") for c in constraint_list),
        digest=configuration_digest(configuration),
    )


def configuration_digest(configuration: Element) -> str:
    """SHA-256 of the canonical configuration, ignoring properties pacemaker rewrites itself."""
    copy = ET.fromstring(ET.tostring(configuration))
    for property_set in copy.iter("cluster_property_set"):
        for nvpair in list(property_set):
            if nvpair.get("name") in VOLATILE_PROPERTIES:
                property_set.remove(nvpair)
    canonical = ET.canonicalize(ET.tostring(copy, encoding="unicode"), strip_text=True)
    return hashlib.sha256(canonical.encode()).hexdigest()


def _nvpairs(elements: list[Element]) -> dict[str, str]:
    values: dict[str, str] = {}
    for element in elements:
        for nvpair in element.findall("nvpair"):
            values.setdefault(nvpair.get("name", ""), nvpair.get("value", ""))
    return values


def _primitive(element: Element) -> Primitive:
    return Primitive(
        id=element.get("id", ""),
        cls=element.get("class", ""),
        provider=element.get("provider"),
        type=element.get("type", ""),
        meta=_nvpairs(element.findall("meta_attributes")),
        params=_nvpairs(element.findall("instance_attributes")),
    )


def _walk_resources(
    parent: Element,
    primitives: dict[str, Primitive],
    groups: dict[str, tuple[str, ...]],
    clones: dict[str, Clone],
) -> None:
    for child in parent:
        if child.tag == "primitive":
            primitives[child.get("id", "")] = _primitive(child)
        elif child.tag == "group":
            members = [p for p in child if p.tag == "primitive"]
            groups[child.get("id", "")] = tuple(p.get("id", "") for p in members)
            for member in members:
                primitives[member.get("id", "")] = _primitive(member)
        elif child.tag in {"clone", "master"}:
            inner = [c for c in child if c.tag in {"primitive", "group"}]
            meta = _nvpairs(child.findall("meta_attributes"))
            promotable = child.tag == "master" or meta.get("promotable", "").lower() in {
                "true",
                "1",
                "yes",
            }
            clones[child.get("id", "")] = Clone(
                id=child.get("id", ""),
                child=inner[0].get("id", "") if inner else "",
                promotable=promotable,
                meta=meta,
            )
            _walk_resources(child, primitives, groups, clones)


def _location(element: Element) -> LocationConstraint:
    rsc = element.get("rsc") or element.get("rsc-pattern") or ""
    if not rsc:
        refs = element.findall("resource_set/resource_ref")
        rsc = refs[0].get("id", "") if refs else ""
    return LocationConstraint(
        id=element.get("id", ""),
        rsc=rsc,
        node=element.get("node"),
        score=element.get("score"),
        role=element.get("role"),
        has_rules=element.find("rule") is not None,
    )


def _set_members(element: Element) -> list[list[str]]:
    return [
        [r.get("id", "") for r in rs.findall("resource_ref")]
        for rs in element.findall("resource_set")
    ]


def _orders(element: Element) -> list[OrderConstraint]:
    cid = element.get("id", "")
    kind = element.get("kind")
    if kind is None:
        score = element.get("score")
        kind = "Mandatory" if score is None or score_number(score) > 0 else "Optional"
    if element.get("first"):
        return [
            OrderConstraint(
                id=cid,
                first=element.get("first", ""),
                then=element.get("then", ""),
                first_action=element.get("first-action", "start"),
                then_action=element.get("then-action", element.get("first-action", "start")),
                kind=kind,
            )
        ]
    chain = [rsc for members in _set_members(element) for rsc in members]
    return [OrderConstraint(cid, a, b, kind=kind) for a, b in itertools.pairwise(chain)]


def _colocations(element: Element) -> list[ColocationConstraint]:
    cid, score = element.get("id", ""), element.get("score", "INFINITY")
    if element.get("rsc"):
        return [
            ColocationConstraint(
                id=cid,
                rsc=element.get("rsc", ""),
                with_rsc=element.get("with-rsc", ""),
                score=score,
                rsc_role=element.get("rsc-role"),
                with_rsc_role=element.get("with-rsc-role"),
            )
        ]
    # In a colocation set, each resource is placed with the one listed before it.
    chain = [rsc for members in _set_members(element) for rsc in members]
    return [ColocationConstraint(cid, b, a, score) for a, b in itertools.pairwise(chain)]
