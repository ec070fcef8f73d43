"""Hostile and malformed user files: bounded, one line, never a secret, never a traceback."""

from __future__ import annotations

import resource
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from hacert.certification.waivers import load_waivers
from hacert.errors import ConfigurationError
from hacert.grading.rubric import load_rubric
from hacert.inventory import load_inventory

ROOT = Path(__file__).resolve().parents[2]
HOSTS_SUITE = next(p for p in ("hacert/suites/hosts", "suites/hosts") if (ROOT / p).exists())

# Runs one loader in a child process, so that a hang or a blown stack fails the test
# instead of the test run.
CHILD = """\
import sys
from hacert.errors import ConfigurationError
from hacert.certification.waivers import load_waivers
from hacert.grading.rubric import load_rubric
from hacert.inventory import load_inventory
loaders = {
    "inventory": lambda p: load_inventory(p, check_files=False),
    "rubric": load_rubric,
    "waivers": load_waivers,
}
try:
    loaders[sys.argv[1]](sys.argv[2])
except ConfigurationError as error:
    print(error)
    sys.exit(4)
print("loaded")
"""


def load_in_child(kind: str, path: Path, timeout: float = 30) -> tuple[int, str]:
    run = subprocess.run(
        [sys.executable, "-c", CHILD, kind, str(path)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=timeout,
    )
    return run.returncode, run.stdout + run.stderr


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def _bomb(levels: int = 9, width: int = 9) -> str:
    lines = ["bomb:", "  - &l0 [lol, lol, lol, lol, lol, lol, lol, lol, lol]"]
    for level in range(1, levels):
        lines.append(f"  - &l{level} [{', '.join([f'*l{level - 1}'] * width)}]")
    return "\n".join(lines) + "\n"


def _deep(depth: int = 20_000) -> str:
    return "[" * depth + "]" * depth


BOMB = _bomb()
HOSTILE = {
    "inventory": {
        "alias-bomb": BOMB.replace("bomb:", "x-bomb:")
        + "clusters: [{name: c, description: *l8, hosts: [{name: a, address: x}]}]\n",
        "alias-bomb-as-name": BOMB + "clusters: [{name: *l8, hosts: [{name: a, address: x}]}]\n",
        "deep-nesting": f"clusters: {_deep()}\n",
        "deep-mapping": "clusters: " + "{a: " * 20_000 + "1" + "}" * 20_000 + "\n",
        "200000-hosts": "clusters:\n- name: c\n  hosts:\n"
        + "".join(
            f"  - {{name: h{i}, address: 10.0.{i // 256 % 256}.{i % 256}}}\n"
            for i in range(200_000)
        ),
        "40000-roles": "clusters: [{name: c, hosts: [{name: a, address: x, roles: ["
        + "corosync, " * 40_000
        + "]}]}]\n",
        "recursive-alias": "clusters: &c [{name: c, hosts: [{name: a, address: x}], x: *c}]\n",
        "diamond-groups.ini": "".join(
            f"[g{i}:children]\ng{i + 1}\nh{i}\n[h{i}:children]\ng{i + 1}\n" for i in range(30)
        )
        + "[g30]\nha1 ansible_host=192.0.2.1\n",  # 2**30 ways from g0 to ha1
        "deep-groups.ini": "".join(f"[g{i}:children]\ng{i + 1}\n" for i in range(20_000))
        + "[g20000]\nha1\n",
        "deep-groups.yml": "all:\n"
        + "".join("  " * i + f"  children:\n{'  ' * i}    g{i}:\n" for i in range(200)),
    },
    "rubric": {
        "alias-bomb": BOMB.replace("bomb:", "x:")
        + "assignment: a\ntitle: *l8\nchecks: [{id: HOSTS-001}]\n",
        "alias-bomb-in-expect": "students:\n- name: s\n  cluster: c\n  expect:\n    "
        + BOMB.replace("\n  ", "\n      ")
        + "assignment: a\nchecks: [{id: HOSTS-001}]\n",
        "deep-nesting": f"assignment: a\nchecks: {_deep()}\n",
        "16000-checks": "assignment: a\nchecks:\n"
        + "".join(f"- {{id: HOSTS-{i % 999:03d}}}\n" for i in range(16_000)),
    },
    "waivers": {
        "alias-bomb": BOMB.replace("bomb:", "x:")
        + "waivers: [{check: HOSTS-001, justification: *l8, expires: 2030-01-01}]\n",
        "deep-nesting": f"waivers: {_deep()}\n",
    },
}


@pytest.mark.parametrize(
    ("kind", "name", "text"),
    [
        pytest.param(k, n, t, id=f"{k}-{n}")
        for k, cases in HOSTILE.items()
        for n, t in cases.items()
    ],
)
def test_a_hostile_file_is_refused_quickly_in_one_line(
    tmp_path: Path, kind: str, name: str, text: str
) -> None:
    path = tmp_path / ("hostile" + (Path(name).suffix or ".yaml"))
    path.write_text(text)
    cpu = _children_cpu()
    status, output = load_in_child(kind, path)
    assert _children_cpu() - cpu < 6, f"took {_children_cpu() - cpu:.1f} s of CPU"
    assert status == 4, output[-2000:]
    assert output.count("\n") == 1 and len(output) < len(str(path)) + 500, output[-2000:]
    assert output.startswith(f"{'waiver' if kind == 'waivers' else kind} error: {path}"), output


def test_an_alias_bomb_inventory_stops_pytest_with_a_usage_error(tmp_path: Path) -> None:
    path = tmp_path / "bomb.yaml"
    path.write_text(HOSTILE["inventory"]["alias-bomb"])
    run = subprocess.run(
        [
            *(sys.executable, "-m", "pytest", HOSTS_SUITE, "--inventory", str(path)),
            *("--collect-only", "-q", "-p", "no:cacheprovider", f"--junitxml={tmp_path / 'j.xml'}"),
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert run.returncode == 4, run.stdout[-2000:] + run.stderr[-2000:]
    errors = [line for line in run.stderr.splitlines() if line.strip()]
    assert len(errors) == 1 and errors[0].startswith("ERROR: inventory error:"), run.stderr


def inventory(tmp_path: Path, host: str) -> Path:
    path = tmp_path / "inv.yaml"
    path.write_text(f"clusters:\n  - name: c\n    hosts:\n      - {host}\n")
    return path


@pytest.mark.parametrize(
    ("host", "expected"),
    [
        ("{name: a, address: x, port: true}", "port"),
        ("{name: a, address: x, port: 22.5}", "port"),
        ("{name: a, address: 'node 1'}", "address"),
        ("{name: a, address: '-oProxyCommand=x'}", "address"),
        ("{name: a, address: 'a..b'}", "address"),
        ("{name: a, address: '192.0.2.300'}", "address"),
        ("{name: a, address: '[node1]'}", "address"),
        ("{name: a, address: '::1]'}", "address"),
    ],
)
def test_strict_types_and_addresses(tmp_path: Path, host: str, expected: str) -> None:
    with pytest.raises(ConfigurationError) as caught:
        load_inventory(inventory(tmp_path, host), check_files=False)
    assert f"hosts[0].{expected}:" in str(caught.value)


def test_bool_is_not_a_number_in_defaults_and_timeouts(tmp_path: Path) -> None:
    for setting in ("port: true", "connect_timeout: true", "command_timeout: yes"):
        path = tmp_path / "inv.yaml"
        path.write_text(
            f"defaults: {{{setting}}}\nclusters: [{{name: c, hosts: [{{name: a, address: x}}]}}]\n"
        )
        with pytest.raises(ConfigurationError, match=f"defaults.{setting.split(':')[0]}:"):
            load_inventory(path, check_files=False)


@pytest.mark.parametrize(
    ("address", "stored"),
    [
        ("node1", "node1"),
        ("node1.example.org.", "node1.example.org."),
        ("192.0.2.1", "192.0.2.1"),
        ("2001:db8::1", "2001:db8::1"),
        ("fe80::1%eth0", "fe80::1%eth0"),
        ("'[::1]'", "::1"),
        ("'[2001:db8::1]'", "2001:db8::1"),
    ],
)
def test_valid_addresses_load(tmp_path: Path, address: str, stored: str) -> None:
    loaded = load_inventory(
        inventory(tmp_path, f"{{name: a, address: {address}}}"), check_files=False
    )
    assert loaded.clusters[0].hosts[0].address == stored


def test_bracketed_ipv6_in_an_ansible_inventory(tmp_path: Path) -> None:
    path = tmp_path / "hosts.ini"
    path.write_text("[corosync]\nha1 ansible_host=[2001:db8::5] ansible_port=2222\n")
    host = load_inventory(path).clusters[0].hosts[0]
    assert (host.address, host.port) == ("2001:db8::5", 2222)


MERGE_KEYS = {
    "inventory": """\
        clusters:
          - name: c
            connection: {<<: &conn {user: root, port: 2222}, sudo: true}
            hosts:
              - &host {name: a, address: 192.0.2.1, roles: [corosync, pacemaker], user: admin}
              - <<: [*host, {port: 22}]
                name: b
                address: 192.0.2.2
        """,
    "rubric": """\
        assignment: a
        checks:
          - &check {id: HOSTS-001, points: 2, partial: none}
          - {<<: *check, id: HOSTS-003, points: 3}
        """,
    "waivers": """\
        waivers:
          - &w {check: COROSYNC-012, justification: lab has one link, expires: 2030-01-01}
          - {<<: *w, check: COROSYNC-013, clusters: [lab]}
        """,
}


def _loaded_by_merge(kind: str, path: Path) -> object:
    if kind == "inventory":
        cluster = load_inventory(path, check_files=False).clusters[0]
        assert cluster.connection is not None
        return (
            (cluster.connection.user, cluster.connection.port, cluster.connection.sudo),
            [(h.name, h.user, h.port, h.roles) for h in cluster.hosts],
        )
    if kind == "rubric":
        return [(c.id, c.points, c.partial) for c in load_rubric(path).checks]
    return [(w.check, w.justification, w.clusters) for w in load_waivers(path).waivers]


def test_merge_keys_are_supported(tmp_path: Path) -> None:
    loaded = {}
    for kind, text in MERGE_KEYS.items():
        path = tmp_path / f"{kind}.yaml"
        path.write_text(textwrap.dedent(text))
        loaded[kind] = _loaded_by_merge(kind, path)
    assert loaded["inventory"] == (
        ("root", 2222, True),
        [
            ("a", "admin", None, ["corosync", "pacemaker"]),
            ("b", "admin", 22, ["corosync", "pacemaker"]),
        ],
    )
    assert loaded["rubric"] == [("HOSTS-001", 2, "none"), ("HOSTS-003", 3, "none")]
    assert loaded["waivers"] == [
        ("COROSYNC-012", "lab has one link", None),
        ("COROSYNC-013", "lab has one link", ["lab"]),
    ]


def test_a_merge_key_does_not_hide_a_duplicate_key(tmp_path: Path) -> None:
    path = tmp_path / "inv.yaml"
    path.write_text(
        "x: &h {port: 22}\nclusters: [{name: c, name: d, hosts: [{<<: *h, name: a, address: x}]}]\n"
    )
    with pytest.raises(ConfigurationError, match="duplicate key 'name'"):
        load_inventory(path, check_files=False)


def test_a_file_too_large_is_refused_without_reading_it_all(tmp_path: Path) -> None:
    path = tmp_path / "big.yaml"
    with path.open("w") as out:
        out.write("# " + "x" * 1000 + "\n")
        out.truncate(1 << 30)  # a sparse 1 GiB file
    for load in (load_rubric, load_waivers, lambda p: load_inventory(p, check_files=False)):
        with pytest.raises(ConfigurationError, match="larger than"):
            load(path)


@pytest.mark.parametrize(
    ("kind", "text"),
    [
        (
            "rubric",
            "assignment: a\nchecks:\n"
            + "".join(f"- {{id: HOSTS-{i:03d}}}\n- {{id: HOSTS-{i:03d}}}\n" for i in range(999)),
        ),
        (
            "inventory",
            "clusters:\n- name: c\n  hosts: [{name: a, address: x}]\n  ? "
            + "k" * 100_000
            + "\n  : 1\n",
        ),
        (
            "waivers",
            "waivers: [{check: HOSTS-001, justification: j, expires: '" + "9" * 100_000 + "'}]\n",
        ),
    ],
    ids=["long-list-of-duplicates", "huge-unknown-key", "huge-bad-date"],
)
def test_a_usage_error_is_bounded(tmp_path: Path, kind: str, text: str) -> None:
    path = tmp_path / "input.yaml"
    path.write_text(text)
    status, output = load_in_child(kind, path)
    assert status == 4 and output.count("\n") == 1, output[:500]
    assert len(output) < len(str(path)) + 500, output[:1000]
