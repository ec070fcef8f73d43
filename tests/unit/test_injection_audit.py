"""No inventory value reaches a remote shell unquoted.

Every string field of every `expect` section (found by walking the pydantic models, so a new
field is covered without touching this file) and of `platform` gets a value that runs
``touch <canary>`` if a shell ever parses it: unquoted, inside '...' and inside "...". Every
read-only check then runs against nodes whose commands a local ``sh -c`` executes with only
``touch`` on its PATH, and no canary may appear.
"""

from __future__ import annotations

import ast
import importlib
import inspect
import subprocess
import time
import types
import typing
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from pydantic import BaseModel, ValidationError

from hacert import shell
from hacert.checks import meta_of
from hacert.cluster import Cluster, Node
from hacert.inventory.model import (
    ClusterSpec,
    Expectations,
    HostSpec,
    Inventory,
    Platform,
    Role,
)
from hacert.pacemaker import faults
from hacert.transport import CommandFailed, CommandResult, ConnectionPool

ROOT = Path(__file__).resolve().parents[2]
SUITES = next(p for p in (ROOT / "hacert" / "suites", ROOT / "suites") if p.is_dir())
# Inventory fields that ARE shell lines, run on the checking machine by design (the operator's
# own power switch commands): not inventory data that could reach a target host.
SHELL_BY_DESIGN = {
    "expect.pacemaker.power.off_command",
    "expect.pacemaker.power.on_command",
    "expect.pacemaker.power.status_command",
}
_SKIP = object()
PLAIN = "a0"


@dataclass
class Canaries:
    """One canary file per inventory field, and the hostile value that creates it."""

    folder: Path
    paths: list[str] = field(default_factory=list)

    def value(self, path: str) -> str:
        self.paths.append(path)
        target = self.folder / str(len(self.paths) - 1)
        touch = f"touch {target}"
        return f"/x';{touch};'\"$({touch})\"`{touch}`"

    def fired(self) -> list[str]:
        return sorted(self.paths[int(p.name)] for p in self.folder.iterdir())


def _hostile(annotation: Any, path: str, canaries: Canaries) -> Any:
    origin = typing.get_origin(annotation)
    args = typing.get_args(annotation)
    if annotation is str:
        return "true {host}" if path in SHELL_BY_DESIGN else canaries.value(path)
    if origin is typing.Literal:
        return args[0]
    if annotation in (int, float):
        return 1
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return hostile_model(annotation, path, canaries)
    if origin in (typing.Union, types.UnionType):
        values = (_hostile(a, path, canaries) for a in args if a is not type(None))
        return next((v for v in values if v is not _SKIP), _SKIP)
    if origin is list:
        item = _hostile(args[0], path, canaries)
        return _SKIP if item is _SKIP else [item]
    if origin is tuple:
        items = [_hostile(a, f"{path}[{i}]", canaries) for i, a in enumerate(args)]
        return _SKIP if _SKIP in items else items
    if origin is dict:
        key = _hostile(args[0], f"{path}.<key>", canaries)
        value = _hostile(args[1], f"{path}.<value>", canaries)
        return _SKIP if _SKIP in (key, value) else {key: value}
    return _SKIP


def hostile_model(model: type[BaseModel], path: str, canaries: Canaries) -> dict[str, Any]:
    """Data for ``model`` with a hostile value in every string field its validation accepts."""
    data = {}
    for name, info in model.model_fields.items():
        value = _hostile(info.annotation, f"{path}.{name}", canaries)
        if value is not _SKIP:
            data[name] = value
    while True:
        try:
            model.model_validate(data)
            return data
        except ValidationError as error:
            refused = {str(e["loc"][0]) for e in error.errors() if e["loc"]}
            if not refused & data.keys():
                raise
            for key in refused & data.keys():
                if model.model_fields[key].is_required() and data[key] != PLAIN:
                    data[key] = PLAIN  # its validation refuses hostile values
                else:
                    del data[key]


class ShellNode(Node):
    """A Node whose commands a local ``sh -c`` parses and runs with only ``touch`` on PATH."""

    bin_dir: Path
    work_dir: Path
    commands: list[str]

    def run(
        self,
        command: str | Sequence[object],
        *,
        timeout: float | None = None,
        sudo: bool | None = None,
        stdin: str | None = None,
        check: bool = False,
        missing_ok: bool = False,
    ) -> CommandResult:
        line = command if isinstance(command, str) else shell.join(command)
        self.commands.append(line)
        started = time.monotonic()
        done = subprocess.run(
            ["/bin/sh", "-c", line],
            input=stdin or "",
            capture_output=True,
            text=True,
            cwd=self.work_dir,
            env={"PATH": str(self.bin_dir)},
            timeout=10,
            check=False,
        )
        result = CommandResult(
            self.settings.host,
            line,
            done.returncode,
            done.stdout,
            done.stderr,
            time.monotonic() - started,
        )
        return result.check() if check else result


def hostile_cluster(canaries: Canaries, tmp: Path) -> tuple[Cluster, list[str]]:
    roles = list(typing.get_args(Role))
    spec = ClusterSpec(
        name="hostile",
        environment="lab",
        platform=Platform.model_validate(hostile_model(Platform, "platform", canaries)),
        hosts=[HostSpec(name=f"h{i}", address=f"127.0.0.{i + 1}", roles=roles) for i in range(2)],
        expect=Expectations.model_validate(hostile_model(Expectations, "expect", canaries)),
    )
    cluster = Cluster(spec, Inventory(clusters=[spec]), pool=ConnectionPool())
    (tmp / "bin").mkdir(parents=True)
    (tmp / "bin" / "touch").symlink_to("/usr/bin/touch")
    commands: list[str] = []
    cluster.nodes = [shell_node(node, tmp, commands) for node in cluster.nodes]
    return cluster, commands


def shell_node(node: Node, tmp: Path, commands: list[str]) -> ShellNode:
    """``node`` as a ShellNode working in ``tmp`` (whose bin/ holds what is on its PATH)."""
    sandboxed = ShellNode(node.spec, node.settings, ConnectionPool())
    sandboxed.bin_dir, sandboxed.work_dir, sandboxed.commands = tmp / "bin", tmp, commands
    return sandboxed


def read_only_checks() -> Iterator[tuple[str, Callable[..., object]]]:
    for path in sorted(SUITES.rglob("test_*.py")):
        parts = path.relative_to(ROOT).with_suffix("").parts
        module = importlib.import_module(".".join(parts))
        for function in vars(module).values():
            meta = meta_of(function)
            if meta and not meta.destructive and function.__module__ == module.__name__:
                yield meta.id, function


def _fixtures(cluster: Cluster, technology: str) -> dict[str, Callable[[], object]]:
    """What the suites' conftests give a check, built by the same library calls."""
    from hacert.corosync import view as corosync_view
    from hacert.corosync.expect import CorosyncExpect
    from hacert.pacemaker import sbd
    from hacert.pacemaker import view as pacemaker_view
    from hacert.pacemaker.expect import PacemakerExpect

    def corosync_expect() -> CorosyncExpect:
        return cluster.expect.corosync or CorosyncExpect()

    def expect() -> object:
        if technology == "corosync":
            return corosync_expect()
        return cluster.expect.pacemaker or PacemakerExpect()

    def views() -> object:
        wanted = corosync_expect()
        return corosync_view.read_cluster(cluster, wanted.conf_path, wanted.authkey_path)

    return {
        "cluster": lambda: cluster,
        "gfs2": lambda: cluster.expect.gfs2,
        "expect": expect,
        "views": views,
        "view": lambda: pacemaker_view.read_cluster(cluster),
        "running": lambda: pacemaker_view.read_cluster(cluster),
        "sbd_nodes": lambda: sbd.read_nodes(pacemaker_view.read_cluster(cluster).nodes),
    }


def run_check(function: Callable[..., object], cluster: Cluster, technology: str) -> int:
    """Runs one check on every node (or once); returns how many times it ran."""
    wanted = list(inspect.signature(function).parameters)
    fixtures = _fixtures(cluster, technology)
    if not set(wanted) <= set(fixtures) | {"node"}:
        return 0
    nodes: list[Node | None] = list(cluster.nodes) if "node" in wanted else [None]
    for node in nodes:
        try:
            kwargs = {n: node if n == "node" else fixtures[n]() for n in wanted}
            function(**kwargs)
        except BaseException as error:
            if isinstance(error, KeyboardInterrupt):
                raise
    return len(nodes)


def test_hostile_values_reach_no_shell_unquoted(tmp_path: Path) -> None:
    canaries = Canaries(tmp_path / "canaries")
    canaries.folder.mkdir()
    cluster, commands = hostile_cluster(canaries, tmp_path / "sandbox")
    ran = []
    for check_id, function in read_only_checks():
        technology = Path(inspect.getfile(function)).parent.name
        if run_check(function, cluster, technology):
            ran.append(check_id)
    assert len(ran) > 50 and len(commands) > 100, (ran, len(commands))
    assert canaries.fired() == [], "these inventory fields reached a shell unquoted"


def test_every_expect_string_field_gets_a_hostile_value(tmp_path: Path) -> None:
    canaries = Canaries(tmp_path)
    hostile_model(Expectations, "expect", canaries)
    assert "expect.ceph.keyring_glob" in canaries.paths
    assert "expect.pacemaker.resources" in canaries.paths
    assert len(canaries.paths) > 80


def test_keyring_glob_still_expands_and_stays_data(tmp_path: Path) -> None:
    """CEPH-009's pattern is a glob: it must match files, and nothing else in it may run."""
    keyrings = tmp_path / "etc-ceph"
    keyrings.mkdir()
    for name in ("ceph.client.admin.keyring", "ceph.client.x y.keyring", "ceph.mon.keyring"):
        (keyrings / name).write_text("[client]\n")
    canary = tmp_path / "canary"
    listed = subprocess.run(
        ["/bin/sh", "-c", f'{shell.glob_args(f"{keyrings}/*.client.*.keyring")}; ls -- "$@"'],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.splitlines()
    assert sorted(Path(p).name for p in listed) == [
        "ceph.client.admin.keyring",
        "ceph.client.x y.keyring",
    ]
    hostile = f"{keyrings}/*.keyring;touch {canary};$(touch {canary})`touch {canary}`"
    subprocess.run(["/bin/sh", "-c", f'{shell.glob_args(hostile)}; ls -- "$@"'], check=False)
    assert not canary.exists()


def test_partition_rules_keep_a_hostile_corosync_address_as_data(tmp_path: Path) -> None:
    """The isolated node's link addresses come from a peer's corosync config, not from us."""
    canaries = Canaries(tmp_path / "canaries")
    canaries.folder.mkdir()
    cluster, commands = hostile_cluster(canaries, tmp_path / "sandbox")
    with pytest.raises(CommandFailed, match="iptables: not found"):
        faults.isolate(cluster.nodes[:1], [canaries.value("corosync nodelist address")])
    assert commands and canaries.fired() == []


# f-strings run as shell lines that interpolate something other than shell.quote/join/
# glob_args, reviewed: constants, numbers, already-quoted names, and (pacemaker heal) a rule
# line the host's own `iptables -S` printed, fed back to the same host's iptables.
REVIEWED = {
    "hacert/ovs/faults.py": {"SINK_PATH", "out", "port", "seconds"},
    "hacert/pacemaker/faults.py": {"line[3:]"},
    "hacert/virt/migration.py": {"line", "offset + 1"},
    "hacert/virt/probes.py": {"pidfile"},
    "hacert/virt/rawqemu.py": {"pid"},
    "suites/ceph/test_ceph.py": {"keyrings"},
}
QUOTING = {"quote", "join", "glob_args", "int"}


def _unquoted(line: ast.JoinedStr) -> Iterator[str]:
    for part in line.values:
        if isinstance(part, ast.FormattedValue):
            call = part.value
            name = getattr(getattr(call, "func", None), "attr", None) or getattr(
                getattr(call, "func", None), "id", None
            )
            if not (isinstance(call, ast.Call) and name in QUOTING):
                yield ast.unparse(call)


def test_shell_lines_built_with_f_strings_quote_what_they_interpolate() -> None:
    """A new f-string shell line that interpolates an unquoted value fails here."""
    found = []
    for path in sorted({*ROOT.joinpath("hacert").rglob("*.py"), *SUITES.rglob("*.py")}):
        where = str(path.relative_to(ROOT)).replace("hacert/suites/", "suites/")
        for call in ast.walk(ast.parse(path.read_text())):
            if not (
                isinstance(call, ast.Call)
                and isinstance(call.func, ast.Attribute)
                and call.func.attr in ("run", "output", "run_json")
                and call.args
                and isinstance(call.args[0], ast.JoinedStr)
            ):
                continue
            found += [
                f"{where}:{call.lineno}: {{{e}}}"
                for e in _unquoted(call.args[0])
                if e not in REVIEWED.get(where, set())
            ]
    assert found == []
