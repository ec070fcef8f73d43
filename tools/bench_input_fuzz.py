"""Benchmark: >= 10,000 generated inventories, rubrics and waiver files, loaded as hacert does.

    .venv/bin/python -m tools.bench_input_fuzz [--cases 11000] [--seed 1] [--cli 48]

Kinds: native YAML inventories, Ansible YAML and INI inventories, rubrics, waivers, and
hostile files of each (alias bombs, deep nesting, oversized files, self-containing aliases,
merge keys, odd tags and encodings, group graphs with 2**30 paths). Valid documents come
from the example files in inventory/, rubrics/ and waivers/ and from a random Ansible
group tree; they are mutated (values, keys, text), and canary secrets are put under
secret-named keys only. Each case is loaded in-process the way the run loads it; a sample
also goes through the real command (``python -m pytest ... --collect-only``).

Prints cases per kind, the outcome distribution (exit 0 = loaded, 4 = usage error),
the slowest case, max RSS, and the counts that must be 0: tracebacks, timeouts, secret
leaks, usage errors that are not one bounded line, and production-interlock violations
(an Ansible cluster loaded as non-production although a host or group says production, or
loaded although its hosts and groups disagree on hacert_allow_destructive). Exits 1 if any
of them is not 0.
"""

from __future__ import annotations

import argparse
import copy
import random
import resource
import signal
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from hacert.certification.waivers import load_waivers
from hacert.errors import ConfigurationError
from hacert.grading.catalog import known_check_ids
from hacert.grading.rubric import load_rubric
from hacert.inventory import load_inventory
from hacert.inventory.model import ROLES

ROOT = Path(__file__).resolve().parents[1]
CANARY = ("Qz7canaryAlpha", "Qz7canaryBravo")
SECRET = " ".join(CANARY)
SECRET_KEYS = (
    "password",
    "ansible_password",
    "ansible_ssh_pass",
    "ansible_become_pass",
    "ansible_become_password",
    "key_passphrase",
    "vault_password",
    "api_token",
)
CASE_TIMEOUT_S = 60
MAX_MESSAGE = 1000
KIND_WORD = {"inventory": "inventory", "rubric": "rubric", "waivers": "waiver"}


@dataclass
class Case:
    kind: str  # inventory | rubric | waivers: which loader
    family: str  # native-yaml, ansible-yaml, ansible-ini, rubric, waivers, hostile-...
    text: str | bytes
    suffix: str = ".yaml"
    # For unmutated Ansible trees: (a host or group says production, destructive values differ)
    interlock: tuple[bool, bool] | None = None


@dataclass
class Result:
    outcome: str  # loaded | usage-error | traceback | timeout
    seconds: float
    message: str = ""
    problems: list[str] = field(default_factory=list)
    rss_growth_mib: float = 0.0  # how much this case raised the process's peak RSS


# Runs pytest and writes its own peak RSS (VmHWM: ru_maxrss of a child counts the parent's
# memory it was forked from).
_PEAK_WRAPPER = """\
import atexit, runpy, sys
out = sys.argv.pop(1)
def peak():
    with open("/proc/self/status") as status, open(out, "w") as sink:
        sink.write(next(line for line in status if line.startswith("VmHWM")))
atexit.register(peak)
sys.argv[0] = "pytest"
runpy.run_module("pytest", run_name="__main__", alter_sys=True)
"""


@dataclass
class CliRun:
    code: int
    output: str
    seconds: float
    rss_mib: float


def _peak_rss_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


# ---------------------------------------------------------------- random values


def _scalar(rng: random.Random) -> Any:
    return rng.choice(
        [
            None,
            True,
            False,
            0,
            -1,
            1,
            22,
            65536,
            2**63,
            1.5,
            float("inf"),
            "",
            " ",
            "x",
            "prod",
            "production",
            "lab",
            "a b",
            "[::1]",
            "[node1]",
            "::1",
            "fe80::1%eth0",
            "192.0.2.300",
            "-oProxyCommand=touch /tmp/x",
            "node1.example.org",
            "2030-02-30",
            "2030-01-01",
            "HOSTS-001",
            "PCMK-999",
            "corosink",
            "corosync",
            "\u00e9\u00e8",
            "\x1b[31mred",
            "x" * rng.choice([61, 300, 5000]),
            "{{ lookup('env', 'HOME') }}",
            "$(id)",
            "*",
        ]
    )


def _value(rng: random.Random, depth: int = 0) -> Any:
    roll = rng.random()
    if depth > 2 or roll < 0.6:
        return _scalar(rng)
    if roll < 0.8:
        return [_value(rng, depth + 1) for _ in range(rng.randint(0, 3))]
    return {_key(rng): _value(rng, depth + 1) for _ in range(rng.randint(0, 3))}


def _key(rng: random.Random) -> Any:
    return rng.choice(
        [
            *("name", "address", "port", "user", "roles", "hosts", "expect", "x", "", "clusterz"),
            *("environment", "allow_destructive", "id", "points", "check", "expires", 1, None),
        ]
    )


# ---------------------------------------------------------------- mutations


def _paths(document: Any, prefix: tuple[Any, ...] = ()) -> Iterator[tuple[Any, ...]]:
    if isinstance(document, dict):
        for key, value in document.items():
            if key in SECRET_KEYS:
                continue  # a secret stays under its secret-named key
            yield (*prefix, key)
            yield from _paths(value, (*prefix, key))
    elif isinstance(document, list):
        for index, value in enumerate(document):
            yield (*prefix, index)
            yield from _paths(value, (*prefix, index))


def mutate(rng: random.Random, document: Any, times: int) -> Any:
    document = copy.deepcopy(document)
    for _ in range(times):
        paths = list(_paths(document))
        if not paths:
            break
        path = rng.choice(paths)
        parent = document
        for part in path[:-1]:
            parent = parent[part]
        action = rng.choice(["replace", "replace", "delete", "add", "duplicate", "rename"])
        last = path[-1]
        if action == "replace":
            parent[last] = _value(rng)
        elif action == "delete":
            del parent[last]
        elif action == "duplicate" and isinstance(parent, list):
            parent.insert(last, copy.deepcopy(parent[last]))
        elif action == "rename" and isinstance(parent, dict):
            parent[_key(rng)] = parent.pop(last)
        elif isinstance(parent, dict):
            parent[_key(rng)] = _value(rng)
    return document


def add_secrets(rng: random.Random, document: Any) -> Any:
    """Puts canary secrets under secret-named keys of random mappings (and nowhere else)."""
    mappings = [document] if isinstance(document, dict) else []
    mappings += [v for v in _walk(document) if isinstance(v, dict)]
    for target in rng.sample(mappings, min(len(mappings), rng.randint(1, 3))):
        target[rng.choice(SECRET_KEYS)] = rng.choice([SECRET, [SECRET], {"value": SECRET}])
    return document


def _walk(document: Any) -> Iterator[Any]:
    children = (
        document.values()
        if isinstance(document, dict)
        else document
        if isinstance(document, list)
        else []
    )
    for child in children:
        yield child
        yield from _walk(child)


def mutate_text(rng: random.Random, text: str) -> str:
    """Edits characters and lines, never a line that holds (or introduces) a secret."""
    lines = text.split("\n")
    safe = [
        i
        for i in range(len(lines))
        if not any(c in "\n".join(lines[i : i + 2]) for c in CANARY)
        and not any(k in lines[i] for k in SECRET_KEYS)
    ]
    for _ in range(rng.randint(1, 3)):
        if not safe:
            break
        i = rng.choice(safe)
        line = lines[i]
        action = rng.choice(["char", "insert", "dup", "drop", "indent", "truncate"])
        at = rng.randint(0, len(line))
        if action == "char" and line:
            lines[i] = line[: max(at - 1, 0)] + line[at:]
        elif action == "insert":
            lines[i] = line[:at] + rng.choice(":[]{}-&*!|>'\"#%@\t,=?~\\") + line[at:]
        elif action == "dup":
            lines.insert(i, line)
        elif action == "drop":
            lines[i] = ""
        elif action == "indent":
            lines[i] = " " * rng.randint(1, 3) + line
        else:
            return "\n".join([*lines[:i], line[:at]])
    return "\n".join(lines)


def dump(rng: random.Random, document: Any) -> str:
    try:
        return yaml.safe_dump(
            document, default_flow_style=rng.choice([False, None]), sort_keys=False, width=100
        )
    except yaml.YAMLError:
        return yaml.safe_dump({"unrepresentable": str(document)})


# ---------------------------------------------------------------- valid-ish generators


def _examples(folder: str) -> list[Any]:
    return [yaml.safe_load(f.read_text()) for f in sorted((ROOT / folder).glob("*.yaml"))]


def from_examples(rng: random.Random, kind: str, family: str, examples: list[Any]) -> Case:
    document = mutate(rng, rng.choice(examples), rng.choice([0, 1, 1, 2, 3, 4]))
    if kind == "inventory" or rng.random() < 0.3:
        document = add_secrets(rng, document) if rng.random() < 0.7 else document
    text = dump(rng, document)
    if rng.random() < 0.3:
        text = mutate_text(rng, text)
    return Case(kind, family, text)


@dataclass
class Tree:
    """A random Ansible inventory: groups with hosts, vars and children."""

    hosts: dict[str, dict[str, dict[str, Any]]]  # group -> host -> vars
    vars: dict[str, dict[str, Any]]
    children: dict[str, list[str]]


def random_tree(rng: random.Random) -> Tree:
    names = rng.sample([r.replace("-", "_") for r in ROLES] + ["web", "db", "prod", "lab"], 5)
    groups = ["all", *names[: rng.randint(1, 5)]]
    tree = Tree({g: {} for g in groups}, {g: {} for g in groups}, {g: [] for g in groups})
    for index, group in enumerate(groups[1:], start=1):
        if rng.random() < 0.4 and index > 1:
            tree.children[rng.choice(groups[1:index])].append(group)
        for _ in range(rng.randint(0, 3)):
            tree.hosts[group][f"ha{rng.randint(1, 6)}"] = _host_vars(rng)
    for group in groups:
        if rng.random() < 0.5:
            tree.vars[group] = _cluster_vars(rng)
    return tree


def _host_vars(rng: random.Random) -> dict[str, Any]:
    variables: dict[str, Any] = {}
    if rng.random() < 0.9:
        good = [f"192.0.2.{rng.randint(1, 254)}", "node1", "2001:db8::5", "[2001:db8::5]"]
        variables["ansible_host"] = rng.choice(good if rng.random() < 0.9 else ["a b", "-oX"])
    if rng.random() < 0.3:
        variables["ansible_port"] = rng.choice([22, 2222, 2222, 2222, 0, 70000, True, "ssh"])
    if rng.random() < 0.3:
        variables["ansible_user"] = rng.choice(["root", "admin", "admin", ""])
    if rng.random() < 0.3:
        variables[rng.choice(SECRET_KEYS[1:5])] = SECRET
    return variables | _cluster_vars(rng, 0.25)


def _cluster_vars(rng: random.Random, chance: float = 0.6) -> dict[str, Any]:
    variables: dict[str, Any] = {}
    if rng.random() < chance:
        variables["hacert_environment"] = rng.choice(["lab", "staging", "production"])
    if rng.random() < chance:
        variables["hacert_allow_destructive"] = rng.choice([True, False])
    return variables


def interlock_expectation(tree: Tree) -> tuple[bool, bool]:
    """(some host or group over a host says production, their destructive values differ)."""
    environments: list[Any] = []
    destructive: list[Any] = []

    def has_hosts(group: str, seen: frozenset[str]) -> bool:
        return bool(tree.hosts[group]) or any(
            has_hosts(c, seen | {group}) for c in tree.children[group] if c not in seen
        )

    any_hosts = any(tree.hosts.values())
    for group in tree.hosts:
        applies = has_hosts(group, frozenset()) or (group == "all" and any_hosts)
        claims = [tree.vars[group]] if applies else []
        claims += list(tree.hosts[group].values())
        for variables in claims:
            if "hacert_environment" in variables:
                environments.append(variables["hacert_environment"])
            if "hacert_allow_destructive" in variables:
                destructive.append(variables["hacert_allow_destructive"])
    return "production" in environments, len(set(destructive)) > 1


def ansible_yaml(tree: Tree) -> dict[str, Any]:
    document: dict[str, Any] = {}
    for group in tree.hosts:
        body: dict[str, Any] = {}
        if tree.hosts[group]:
            body["hosts"] = {h: (v or None) for h, v in tree.hosts[group].items()}
        if tree.vars[group]:
            body["vars"] = tree.vars[group]
        if tree.children[group]:
            body["children"] = {c: None for c in tree.children[group]}
        document[group] = body or None
    return document


def _ini_value(rng: random.Random, value: Any) -> str:
    if isinstance(value, bool):
        return rng.choice(["true", "yes", "True"] if value else ["false", "no", "False"])
    text = str(value)
    if " " in text and rng.random() < 0.6:
        return f"'{text}'"
    return text


def ansible_ini(rng: random.Random, tree: Tree) -> str:
    lines = []
    for group in tree.hosts:
        if tree.hosts[group]:
            lines.append(f"[{group}]")
            for host, variables in tree.hosts[group].items():
                pairs = [f"{k}={_ini_value(rng, v)}" for k, v in variables.items()]
                lines.append(" ".join([host, *pairs]))
        if tree.vars[group]:
            lines.append(f"[{group}:vars]")
            lines += [f"{k}={_ini_value(rng, v)}" for k, v in tree.vars[group].items()]
        if tree.children[group]:
            lines.append(f"[{group}:children]")
            lines += tree.children[group]
    return "\n".join(lines) + "\n"


def from_tree(rng: random.Random, family: str) -> Case:
    tree = random_tree(rng)
    pristine = rng.random() < 0.6
    if family == "ansible-ini":
        text = ansible_ini(rng, tree)
        text = text if pristine else mutate_text(rng, text)
        suffix = rng.choice([".ini", ".cfg", ""])
    else:
        document = ansible_yaml(tree)
        text = dump(rng, document if pristine else mutate(rng, document, rng.randint(1, 3)))
        suffix = rng.choice([".yml", ".yaml"])
    return Case(
        "inventory", family, text, suffix, interlock_expectation(tree) if pristine else None
    )


# ---------------------------------------------------------------- hostile generators


def _bomb(rng: random.Random) -> tuple[str, str]:
    levels, width = rng.randint(3, 12), rng.randint(2, 10)
    lines = ["  - &l0 [" + ", ".join(["lol"] * width) + "]"]
    lines += [f"  - &l{i} [" + ", ".join([f"*l{i - 1}"] * width) + "]" for i in range(1, levels)]
    return "\n".join(lines) + "\n", f"*l{levels - 1}"


def _deep(rng: random.Random) -> str:
    depth = rng.choice([65, 100, 1000, 20_000, 200_000])
    if rng.random() < 0.5:
        return "[" * depth + "]" * depth
    return "{a: " * depth + "1" + "}" * depth


HOSTILE_TEMPLATES = {
    "inventory": "clusters: [{name: c, description: @V@, hosts: [{name: a, address: x}]}]\n",
    "rubric": "assignment: a\ntitle: @V@\nchecks: [{id: HOSTS-001}]\n",
    "waivers": "waivers: [{check: HOSTS-001, justification: @V@, expires: 2030-01-01}]\n",
}


def hostile(rng: random.Random, kind: str) -> Case:
    template = HOSTILE_TEMPLATES[kind]
    shape = rng.choice(
        ["bomb", "bomb", "deep", "recursive", "big", "merge", "tag", "bytes", "long", "many"]
    )
    family = f"hostile-{shape}"
    if shape == "bomb":
        anchors, ref = _bomb(rng)
        return Case(kind, family, "x:\n" + anchors + template.replace("@V@", ref))
    if shape == "deep":
        return Case(kind, family, template.replace("@V@", _deep(rng)))
    if shape == "recursive":
        return Case(kind, family, template.replace("@V@", "&r [1, *r]"))
    if shape == "big":
        size = rng.choice([1_900_000, 2_200_000, 8_000_000])
        return Case(kind, family, template + "#" * size + "\n")
    if shape == "merge":
        merge = rng.choice(["{<<: 1}", "{<<: [1, 2]}", "{<<: {a: 1}, a: 2}", "{<<: *nope}"])
        return Case(kind, family, template.replace("@V@", merge))
    if shape == "tag":
        tag = rng.choice(
            [
                "!!python/object/apply:os.system ['id']",
                "!vault |\n  $ANSIBLE_VAULT;1.1",
                "!!binary aGk=",
                "!!set {a}",
                "!!omap [a: 1]",
                "!!timestamp 2030-01-01",
                "!x 1",
            ]
        )
        return Case(kind, family, template.replace("@V@", tag))
    if shape == "bytes":
        raw = template.replace("@V@", "x").encode()
        junk = rng.choice([b"\x00", b"\xff\xfe", b"\xef\xbb\xbf", b"\x1b[2J", b"\r", b"\x85"])
        at = rng.randint(0, len(raw))
        return Case(kind, family, raw[:at] + junk + raw[at:])
    if shape == "long":
        return Case(kind, family, template.replace("@V@", "'" + "y" * 1_500_000 + "'"))
    many = rng.choice([5_000, 12_000])
    if kind == "inventory":
        hosts = "".join(
            f"  - {{name: h{i}, address: 10.0.{i // 250}.{i % 250 + 1}}}\n" for i in range(many)
        )
        return Case(kind, family, "clusters:\n- name: c\n  hosts:\n" + hosts)
    if kind == "rubric":
        items = "".join(f"- {{id: HOSTS-{i % 999:03d}}}\n" for i in range(many))
        return Case(kind, family, f"assignment: a\nchecks:\n{items}")
    item = "- {check: HOSTS-001, justification: j, expires: 2030-01-01}\n"
    return Case(kind, family, "waivers:\n" + item * many)


def hostile_ansible(rng: random.Random) -> Case:
    shape = rng.choice(["diamond", "chain", "cycle", "wide", "ini-secret"])
    n = rng.randint(10, 40)
    if shape == "diamond":
        text = "".join(
            f"[g{i}:children]\ng{i + 1}\nh{i}\n[h{i}:children]\ng{i + 1}\n" for i in range(n)
        )
        text += f"[g{n}]\nha1 ansible_host=192.0.2.1\n"
    elif shape == "chain":
        depth = rng.choice([60, 100, 5000, 30_000])
        text = "".join(f"[g{i}:children]\ng{i + 1}\n" for i in range(depth)) + f"[g{depth}]\nha1\n"
    elif shape == "cycle":
        text = "".join(f"[g{i}:children]\ng{(i + 1) % n}\n" for i in range(n)) + "[g0]\nha1\n"
    elif shape == "wide":
        count = rng.choice([5_000, 40_000, 60_000])
        text = "[corosync]\n" + "".join(
            f"h{i} ansible_host=10.0.{i // 250 % 250}.{i % 250 + 1}\n" for i in range(count)
        )
    else:
        var = rng.choice(SECRET_KEYS[1:5])
        text = rng.choice(
            [
                f"[corosync]\nha1 ansible_host=192.0.2.1 {var}={SECRET} ansible_port=22\n",
                f"[corosync:vars]\n{var}: {SECRET}\n[corosync]\nha1\n",
                f"[corosync]\nha1 {var}:{SECRET}\n",
                f"[corosync {var}={SECRET}\n",
                f"[corosync]\nha1 {var}='{SECRET}\n",
            ]
        )
    return Case("inventory", f"hostile-ansible-{shape}", text, ".ini")


# ---------------------------------------------------------------- running


class _Timeout(Exception):
    pass


def _on_alarm(signum: int, frame: object) -> None:
    raise _Timeout


def loaders() -> dict[str, Callable[[Path], object]]:
    known = known_check_ids()
    return {
        "inventory": load_inventory,
        "rubric": lambda p: load_rubric(p, known),
        "waivers": lambda p: load_waivers(p, known),
    }


def check_message(case: Case, path: Path, message: str) -> list[str]:
    problems = []
    if "\n" in message or len(message) > MAX_MESSAGE:
        problems.append("bad message: not one bounded line")
    if not message.startswith(f"{KIND_WORD[case.kind]} error: {path}"):
        problems.append("bad message: does not start with '<kind> error: <file>'")
    if any(word in message for word in CANARY):
        problems.append("secret leak")
    return problems


def run_case(case: Case, path: Path, load: Callable[[Path], object]) -> Result:
    if isinstance(case.text, bytes):
        path.write_bytes(case.text)
    else:
        path.write_text(case.text)
    signal.alarm(CASE_TIMEOUT_S)
    started = time.perf_counter()
    try:
        loaded = load(path)
    except ConfigurationError as error:
        seconds = time.perf_counter() - started
        return Result("usage-error", seconds, str(error), check_message(case, path, str(error)))
    except _Timeout:
        return Result("timeout", time.perf_counter() - started, problems=["timeout"])
    except Exception as error:  # a traceback is what the benchmark is looking for
        message = f"{type(error).__name__}: {str(error)[:200]}"
        return Result("traceback", time.perf_counter() - started, message, ["traceback"])
    finally:
        signal.alarm(0)
    return Result("loaded", time.perf_counter() - started, problems=_interlock(case, loaded))


def _interlock(case: Case, loaded: object) -> list[str]:
    if case.interlock is None:
        return []
    production, conflicting = case.interlock
    clusters = getattr(loaded, "clusters", [])
    if production and any(c.environment != "production" for c in clusters):
        return ["interlock: production claim lost"]
    if conflicting:
        return ["interlock: conflicting hacert_allow_destructive loaded"]
    return []


def examples() -> dict[str, list[Any]]:
    return {
        "inventory": _examples("inventory"),
        "rubric": _examples("rubrics"),
        "waivers": _examples("waivers"),
    }


def make_case(seed: int, index: int, examples: dict[str, list[Any]]) -> Case:
    """Case ``index`` of the run, made again identically from ``seed`` and ``index`` (texts
    are not kept: hostile ones are megabytes each)."""
    rng = random.Random(seed * 1_000_003 + index)
    makers: list[tuple[float, Callable[[], Case]]] = [
        (0.27, lambda: from_examples(rng, "inventory", "native-yaml", examples["inventory"])),
        (0.17, lambda: from_tree(rng, "ansible-yaml")),
        (0.17, lambda: from_tree(rng, "ansible-ini")),
        (0.16, lambda: from_examples(rng, "rubric", "rubric", examples["rubric"])),
        (0.16, lambda: from_examples(rng, "waivers", "waivers", examples["waivers"])),
        (0.05, lambda: hostile(rng, rng.choice(["inventory", "rubric", "waivers"]))),
        (0.02, lambda: hostile_ansible(rng)),
    ]
    weights = [w for w, _ in makers]
    return rng.choices(makers, weights)[0][1]()


def run_cli(case: Case, work: Path, suite: str, index: int) -> CliRun:
    folder = work / f"cli{index}"
    folder.mkdir()
    target = folder / f"input{case.suffix}"
    if isinstance(case.text, bytes):
        target.write_bytes(case.text)
    else:
        target.write_text(case.text)
    inventory = folder / "inventory.yaml"
    inventory.write_text(
        "clusters:\n"
        + "".join(
            f"  - {{name: {n}, environment: lab, hosts: [{{name: n1, address: 192.0.2.1,"
            " roles: [corosync, pacemaker]}]}\n"
            for n in ("lab", "alice-ha", "bob-ha", "carol-ha")
        )
    )
    option = {"inventory": [], "rubric": ["--rubric"], "waivers": ["--waivers"]}[case.kind]
    args = (
        ["--inventory", str(target)]
        if not option
        else ["--inventory", str(inventory), *option, str(target)]
    )
    started = time.perf_counter()
    output = folder / "output.txt"
    with output.open("wb") as sink:
        child = subprocess.Popen(
            [
                *(sys.executable, "-c", _PEAK_WRAPPER, str(folder / "peak")),
                *(suite, *args, "--collect-only", "-q"),
                *("-p", "no:cacheprovider", "-p", "no:xdist", f"--junitxml={folder / 'j.xml'}"),
                *(f"--alluredir={folder / 'allure'}", f"--results-json={folder / 'r.json'}"),
            ],
            cwd=ROOT,
            stdout=sink,
            stderr=subprocess.STDOUT,
        )
        code = child.wait()
    text = output.read_text(errors="replace")
    peak = (folder / "peak").read_text().split()[1] if (folder / "peak").exists() else "0"
    return CliRun(code, text, time.perf_counter() - started, int(peak) / 1024)


def cli_problems(expected: str, code: int, output: str) -> list[str]:
    problems = []
    if "Traceback" in output:
        problems.append("traceback")
    if any(word in output for word in CANARY):
        problems.append("secret leak")
    if expected == "usage-error":
        errors = [line for line in output.splitlines() if line.startswith("ERROR")]
        if code != 4:
            problems.append(f"exit {code} instead of 4")
        if len(errors) != 1 or len([ln for ln in output.splitlines() if ln.strip()]) != 1:
            problems.append("not one line")
    elif code not in (0, 5):
        problems.append(f"loaded in-process but exit {code}")
    return problems


def sample_for_cli(
    rng: random.Random, cases: list[Case], results: list[Result], size: int
) -> list[int]:
    by_group: dict[tuple[str, str], list[int]] = {}
    for index, (case, result) in enumerate(zip(cases, results, strict=True)):
        group = (
            case.family.split("-")[0] if case.family.startswith("hostile") else case.family,
            result.outcome,
        )
        by_group.setdefault(group, []).append(index)
    chosen: list[int] = []
    groups = sorted(by_group)
    while len(chosen) < size and any(by_group.values()):
        for group in groups:
            if by_group[group] and len(chosen) < size:
                chosen.append(by_group[group].pop(rng.randrange(len(by_group[group]))))
    return chosen


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=11_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--cli", type=int, default=48, help="cases also run through pytest")
    parser.add_argument("--jobs", type=int, default=4, help="pytest runs at once")
    args = parser.parse_args()

    rng = random.Random(args.seed)
    signal.signal(signal.SIGALRM, _on_alarm)
    started = time.perf_counter()
    documents = examples()
    load = loaders()
    cases: list[Case] = []
    results: list[Result] = []
    with tempfile.TemporaryDirectory(prefix="hacert-fuzz-") as tmp:
        work = Path(tmp)
        for index in range(args.cases):
            case = make_case(args.seed, index, documents)
            path = work / f"case{index % 10}{case.suffix}"
            peak = _peak_rss_mib()
            results.append(run_case(case, path, load[case.kind]))
            results[-1].rss_growth_mib = _peak_rss_mib() - peak
            case.text = ""
            cases.append(case)
        in_process = time.perf_counter() - started
        report(cases, results, in_process)
        rss_self = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        suite = next(p for p in ("hacert/suites/hosts", "suites/hosts") if (ROOT / p).exists())
        chosen = sample_for_cli(rng, cases, results, args.cli)
        with ThreadPoolExecutor(args.jobs) as pool:
            runs = list(
                pool.map(
                    lambda i: run_cli(make_case(args.seed, i, documents), work, suite, i), chosen
                )
            )
    bad = sum(1 for r in results if r.problems)
    bad += report_cli(cases, results, chosen, runs)
    print(f"max RSS: {rss_self:.0f} MiB in-process (the process that loaded every case)")
    print(f"total time: {time.perf_counter() - started:.0f} s")
    print("RESULT:", "PASS" if bad == 0 else f"FAIL ({bad} cases with problems)")
    return 0 if bad == 0 else 1


def report(cases: list[Case], results: list[Result], seconds: float) -> None:
    print(f"input fuzz benchmark: {len(cases)} cases, in-process {seconds:.0f} s")
    kinds = Counter(c.family if not c.family.startswith("hostile") else "hostile" for c in cases)
    print("cases per kind:", ", ".join(f"{k} {n}" for k, n in sorted(kinds.items())))
    hostile = Counter(c.family for c in cases if c.family.startswith("hostile"))
    print(
        "  hostile shapes:",
        ", ".join(f"{k.removeprefix('hostile-')} {n}" for k, n in sorted(hostile.items())),
    )
    exit_of = {"loaded": "exit 0 (loaded)", "usage-error": "exit 4 (usage error)"}
    outcomes = Counter(exit_of.get(r.outcome, r.outcome) for r in results)
    print("outcomes:", ", ".join(f"{k} {n}" for k, n in sorted(outcomes.items())))
    table = Counter(
        (c.family.split("-")[0] if c.family.startswith("hostile") else c.family, r.outcome)
        for c, r in zip(cases, results, strict=True)
    )
    for family in sorted({f for f, _ in table}):
        row = ", ".join(
            f"{o} {table[(family, o)]}"
            for o in ("loaded", "usage-error", "traceback", "timeout")
            if table[(family, o)]
        )
        print(f"  {family:13} {row}")
    growth: dict[str, float] = {}
    for case, result in zip(cases, results, strict=True):
        growth[case.family] = growth.get(case.family, 0.0) + result.rss_growth_mib
    print(
        "peak RSS raised by (MiB, summed per kind):",
        ", ".join(
            f"{k} {v:.0f}" for k, v in sorted(growth.items(), key=lambda kv: -kv[1])[:5] if v >= 1
        ),
    )
    slowest = max(range(len(results)), key=lambda i: results[i].seconds)
    times = sorted(r.seconds for r in results)
    print(
        f"time per case: max {times[-1]:.2f} s ({cases[slowest].family}), "
        f"p99 {times[int(len(times) * 0.99)] * 1000:.0f} ms, median {times[len(times) // 2] * 1000:.1f} ms"
    )
    problems = Counter(p.split(":")[0] for r in results for p in r.problems)
    print(
        f"tracebacks: {problems['traceback']}, timeouts: {problems['timeout']}, "
        f"secret leaks: {problems['secret leak']}, "
        f"messages not one bounded '<kind> error: <file>' line: {problems['bad message']}, "
        f"interlock violations: {problems['interlock']}"
    )
    interlocked = [c for c in cases if c.interlock is not None]
    print(
        f"  interlock cases: {len(interlocked)} unmutated Ansible trees, "
        f"{sum(1 for c in interlocked if c.interlock and c.interlock[0])} with a production claim, "
        f"{sum(1 for c in interlocked if c.interlock and c.interlock[1])} with conflicting destructive values"
    )
    for case, result in [(c, r) for c, r in zip(cases, results, strict=True) if r.problems][:8]:
        print(f"  PROBLEM {case.family}: {result.problems} {result.message[:300]!r}")


def report_cli(
    cases: list[Case], results: list[Result], chosen: list[int], runs: list[CliRun]
) -> int:
    codes = Counter(run.code for run in runs)
    bad = 0
    for index, run in zip(chosen, runs, strict=True):
        problems = cli_problems(results[index].outcome, run.code, run.output)
        if problems:
            bad += 1
            print(f"  CLI PROBLEM {cases[index].family}: {problems} {run.output[-300:]!r}")
    print(
        f"CLI sample (python -m pytest ... --collect-only): {len(runs)} runs over "
        f"{len({cases[i].family for i in chosen})} families, exit codes "
        + ", ".join(f"{c}: {n}" for c, n in sorted(codes.items()))
        + f", runs with problems {bad}, max time {max((r.seconds for r in runs), default=0):.1f} s"
        + f", max RSS {max((r.rss_mib for r in runs), default=0):.0f} MiB"
    )
    return bad


if __name__ == "__main__":
    sys.exit(main())
