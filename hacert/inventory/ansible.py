"""Reads Ansible inventories (YAML and INI) into hacert's native inventory layout.

Hosts come from every group; a group named like a role (``ceph_mon`` or ``ceph-mon``)
gives its hosts that role. ``hacert_cluster`` (a host or group variable) names the
cluster a host belongs to, the file's stem otherwise; ``hacert_environment`` and
``hacert_allow_destructive`` set the cluster's environment and destructive permission:
every host and group that sets them is heard, not only the last one (a cluster is
production if any of them says so; other disagreements are refused).
"""

from __future__ import annotations

import re
import shlex
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from hacert.inventory.model import ROLES
from hacert.yamlfile import MAX_DEPTH, MAX_NODES, is_secret_name

HOST_VARS = {
    "ansible_host": "address",
    "ansible_port": "port",
    "ansible_ssh_port": "port",
    "ansible_user": "user",
    "ansible_ssh_user": "user",
    "ansible_ssh_private_key_file": "key_file",
    "ansible_password": "password",
    "ansible_ssh_pass": "password",
    "ansible_become": "sudo",
}
CLUSTER_VARS = {
    "hacert_environment": "environment",
    "hacert_allow_destructive": "allow_destructive",
}


class AnsibleFormatError(ValueError):
    """The Ansible inventory's own structure is wrong."""


# (variable, who set it, value): a cluster variable as one host or group set it.
Claim = tuple[str, str, Any]


def _claims(variables: dict[str, Any], source: str) -> list[Claim]:
    return [(var, source, variables[var]) for var in CLUSTER_VARS if var in variables]


@dataclass
class _Group:
    name: str
    hosts: dict[str, dict[str, Any]] = field(default_factory=dict)
    vars: dict[str, Any] = field(default_factory=dict)
    children: list[str] = field(default_factory=list)
    claims: list[Claim] = field(default_factory=list)
    host_claims: dict[str, list[Claim]] = field(default_factory=dict)

    def add_vars(self, variables: dict[str, Any]) -> None:
        self.vars.update(variables)
        self.claims.extend(_claims(variables, f"group '{self.name}'"))

    def add_host(self, host: str, variables: dict[str, Any]) -> None:
        self.hosts[host] = {**self.hosts.get(host, {}), **variables}
        self.host_claims.setdefault(host, []).extend(_claims(variables, f"host '{host}'"))


def looks_like_ansible_yaml(document: object) -> bool:
    if not isinstance(document, dict) or "clusters" in document:
        return False
    return "all" in document or any(
        isinstance(v, dict) and ({"hosts", "children"} & set(v)) for v in document.values()
    )


def parse_yaml_groups(document: dict[str, Any]) -> dict[str, _Group]:
    groups: dict[str, _Group] = {}

    def visit(name: str, body: Any, where: str) -> None:
        group = groups.setdefault(name, _Group(name))
        if body is None:
            return
        if not isinstance(body, dict):
            raise AnsibleFormatError(f"{where}: a group must be a mapping")
        unknown = set(body) - {"hosts", "vars", "children"}
        if unknown:
            raise AnsibleFormatError(
                f"{where}: unknown key(s) {', '.join(sorted(map(str, unknown)))}"
            )
        hosts = body.get("hosts") or {}
        if not isinstance(hosts, dict):
            raise AnsibleFormatError(f"{where}.hosts: must be a mapping of host names")
        for host, host_vars in hosts.items():
            if host_vars is not None and not isinstance(host_vars, dict):
                raise AnsibleFormatError(f"{where}.hosts.{host}: host variables must be a mapping")
            group.add_host(str(host), dict(host_vars or {}))
        group_vars = body.get("vars") or {}
        if not isinstance(group_vars, dict):
            raise AnsibleFormatError(f"{where}.vars: must be a mapping")
        group.add_vars(group_vars)
        children = body.get("children") or {}
        if not isinstance(children, dict):
            raise AnsibleFormatError(f"{where}.children: must be a mapping of groups")
        for child, child_body in children.items():
            group.children.append(str(child))
            visit(str(child), child_body, f"{where}.children.{child}")

    for name, body in document.items():
        visit(str(name), body, str(name))
    return groups


# Words with nothing shlex would interpret (quotes, escapes, comments): split ~50x faster.
_PLAIN_WORDS = re.compile(r"[^'\"\\#\s]+(?:[ \t]+[^'\"\\#\s]+)*")
_INI_SECTION = re.compile(r"^\[([^\]:]+)(?::(vars|children))?\]$")


def parse_ini_groups(text: str) -> dict[str, _Group]:
    groups: dict[str, _Group] = {"ungrouped": _Group("ungrouped")}
    current, kind = "ungrouped", "hosts"
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        if not line or line.startswith(("#", ";")):
            continue
        section = _INI_SECTION.match(line)
        if section:
            current, kind = section.group(1), section.group(2) or "hosts"
            groups.setdefault(current, _Group(current))
            continue
        if line.startswith("["):
            raise AnsibleFormatError(f"line {number}: malformed section header{_shown(line)}")
        try:
            words = (
                line.split() if _PLAIN_WORDS.fullmatch(line) else shlex.split(line, comments=True)
            )
        except ValueError as error:
            raise AnsibleFormatError(f"line {number}: {error}") from None
        group = groups[current]
        if kind == "children":
            group.children.append(words[0])
            groups.setdefault(words[0], _Group(words[0]))
        elif kind == "vars":
            key, sep, value = line.partition("=")
            if not sep:
                raise AnsibleFormatError(f"line {number}: expected key=value{_shown(line)}")
            group.add_vars({key.strip(): _ini_value(value.strip())})
        else:
            host_vars: dict[str, Any] = {}
            for word in words[1:]:
                key, sep, value = word.partition("=")
                if not sep:
                    shown = _shown(word, after=host_vars)
                    raise AnsibleFormatError(f"line {number}: expected key=value{shown}")
                host_vars[key] = _ini_value(value)
            group.add_host(words[0], host_vars)
    return groups


def _shown(text: str, after: Iterable[str] = ()) -> str:
    """``text`` for an error message, unless it may hold a secret: it names one, or follows
    one on its line (the rest of an unquoted secret with spaces)."""
    if is_secret_name(text) or any(is_secret_name(key) for key in after):
        return " (not shown: it may hold a secret; quote values that contain spaces)"
    return f", got {text!r}"


def _ini_value(value: str) -> Any:
    lowered = value.lower()
    if lowered in {"true", "yes"}:
        return True
    if lowered in {"false", "no"}:
        return False
    if value.isdigit():
        return int(value)
    return value.strip("'\"")


def to_native(groups: dict[str, _Group], default_cluster: str) -> dict[str, Any]:
    """Flattens groups into the native ``{"clusters": [...]}`` layout."""
    host_vars: dict[str, dict[str, Any]] = {}
    host_roles: dict[str, list[str]] = {}
    host_claims: dict[str, list[Claim]] = {}
    order: list[str] = []

    def visit(
        name: str,
        inherited: dict[str, Any],
        roles: list[str],
        depth: int,
        claims: list[Claim],
    ) -> None:
        if depth > MAX_DEPTH:
            raise AnsibleFormatError(f"groups nested more than {MAX_DEPTH} levels deep")
        group = groups[name]
        merged = {**inherited, **group.vars}
        claims = [*claims, *group.claims]
        work[0] += 1 + len(group.hosts) * (1 + len(claims))
        if work[0] > MAX_NODES:
            raise AnsibleFormatError(
                f"too complex: hosts reached through groups more than {MAX_NODES} times"
            )
        role = name.replace("_", "-")
        own_roles = [*roles, role] if role in ROLES else roles
        for host, variables in group.hosts.items():
            if host not in host_vars:
                order.append(host)
                host_vars[host] = {}
                host_roles[host] = []
                host_claims[host] = []
            host_vars[host] = {**merged, **host_vars[host], **variables}
            host_claims[host] += [*claims, *group.host_claims.get(host, [])]
            for r in own_roles:
                if r not in host_roles[host]:
                    host_roles[host].append(r)
        for child in group.children:
            if child not in groups:
                raise AnsibleFormatError(f"group '{name}' names an unknown child group '{child}'")
            visit(child, merged, own_roles, depth + 1, claims)

    work = [0]
    _refuse_cycles(groups)
    top = groups.get("all", _Group("all"))
    children = {child for g in groups.values() for child in g.children}
    for root in [n for n in groups if n not in children]:
        if root == "all":
            visit(root, {}, [], 1, [])
        else:
            visit(root, dict(top.vars), [], 1, top.claims)

    clusters: dict[str, dict[str, Any]] = {}
    cluster_claims: dict[str, list[Claim]] = {}
    for host in order:
        variables = host_vars[host]
        name = str(variables.get("hacert_cluster", default_cluster))
        cluster = clusters.setdefault(name, {"name": name, "hosts": []})
        cluster_claims.setdefault(name, []).extend(host_claims[host])
        entry: dict[str, Any] = {"name": host, "roles": host_roles[host]}
        for var, key in HOST_VARS.items():
            if var in variables:
                entry[key] = variables[var]
        entry.setdefault("address", host)
        cluster["hosts"].append(entry)
    if not clusters:
        raise AnsibleFormatError("the inventory defines no hosts")
    for name, cluster in clusters.items():
        for var, key in CLUSTER_VARS.items():
            said = [(source, value) for v, source, value in cluster_claims[name] if v == var]
            if said:
                cluster[key] = _decide(name, var, said)
    return {"version": 1, "clusters": list(clusters.values())}


def _decide(cluster: str, var: str, said: list[tuple[str, Any]]) -> Any:
    """One value for a cluster variable from everyone who set it: production wins (the
    safe side), any other disagreement is refused."""
    values = [value for _, value in said]
    if var == "hacert_environment" and "production" in values:
        return "production"
    first_source, first = said[0]
    other = next((source for source, value in said if value != first), None)
    if other is not None:
        raise AnsibleFormatError(
            f"cluster '{cluster}': {var} differs between {first_source} and {other}; "
            "set it once for the cluster"
        )
    return first


def _refuse_cycles(groups: dict[str, _Group]) -> None:
    done: set[str] = set()
    for start, group in groups.items():
        path, on_path = [start], {start}
        pending = [iter(group.children)]
        while pending:
            child = next(pending[-1], None)
            if child is None:
                done.add(path[-1])
                on_path.discard(path.pop())
                pending.pop()
            elif child in on_path:
                raise AnsibleFormatError(f"group '{child}' is its own descendant")
            elif child not in done and child in groups:
                path.append(child)
                on_path.add(child)
                pending.append(iter(groups[child].children))


def load_ansible(path: Path, text: str, document: object | None) -> dict[str, Any]:
    stem = re.sub(r"[^A-Za-z0-9._-]", "-", path.stem) or "cluster"
    if isinstance(document, dict):
        return to_native(parse_yaml_groups(document), stem)
    return to_native(parse_ini_groups(text), stem)
