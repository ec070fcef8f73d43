"""The virt checks' own logic: survival proof, test guest XML, pair ordering, SLO verdicts."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from hacert.virt import guest, select
from hacert.virt.domxml import parse_domain
from hacert.virt.expect import MigrationExpect, ScratchGuest, VirtExpect
from hacert.virt.migration import MigrationRun
from hacert.virt.qmp import MigrationStats

GUEST = ScratchGuest(
    name="t1", kernel="/k", initrd="/i", machine="pc-i440fx-7.2", cpu_model="qemu64"
)


def test_counter_continued() -> None:
    assert guest.continued(41, [42, 43]) is None
    assert guest.continued(41, [41, 42]) is None


@pytest.mark.parametrize(
    ("before", "after", "why"),
    [
        (41, [], "no tick"),
        (41, [1, 2], "restarted"),
        (41, [42, 3], "went back"),
        (41, [41, 41], "stuck"),
    ],
)
def test_counter_broken(before: int, after: list[int], why: str) -> None:
    problem = guest.continued(before, after)
    assert problem is not None and why in problem


def test_ticks_from_serial_text() -> None:
    text = "[    0.000000] ACPI BIOS Error\r\nhacert guest up\r\ntick 1\r\ntick 2\r\n"
    assert guest.ticks(text, GUEST.tick_pattern) == [1, 2]


def test_test_guest_xml_round_trips_through_the_parser() -> None:
    dom = parse_domain(guest.domain_xml(GUEST, kvm=False))
    assert (dom.name, dom.domain_type, dom.machine, dom.cpu_model) == (
        "t1",
        "qemu",
        "pc-i440fx-7.2",
        "qemu64",
    )
    assert dom.memory_mib == 256 and dom.balloon
    assert dom.serial_logs == ["/var/log/hacert/t1-serial.log"]
    assert parse_domain(guest.domain_xml(GUEST, kvm=True)).domain_type == "kvm"


def test_test_guest_xml_escapes_values() -> None:
    odd = GUEST.model_copy(update={"cmdline": "a<b & c"})
    assert "a&lt;b &amp; c" in guest.domain_xml(odd, kvm=False)


class _Node:
    def __init__(self, name: str) -> None:
        self.name = name


def test_chain_is_an_eulerian_tour_over_every_pair() -> None:
    a, b, c = _Node("a"), _Node("b"), _Node("c")
    pairs = [(x, y) for x in (a, b, c) for y in (a, b, c) if x is not y]
    tour = select.chain(pairs)  # type: ignore[arg-type]
    assert sorted((x.name, y.name) for x, y in tour) == sorted((x.name, y.name) for x, y in pairs)
    assert all(tour[i][1] is tour[i + 1][0] for i in range(len(tour) - 1))


def test_chain_keeps_pairs_without_a_tour() -> None:
    a, b, c = _Node("a"), _Node("b"), _Node("c")
    pairs = [(a, b), (c, a)]
    assert select.chain(pairs) == pairs  # type: ignore[arg-type]


def _run(**changes: object) -> MigrationRun:
    run = MigrationRun(
        "node1",
        "node2",
        "t1",
        wall_s=2.0,
        on_destination="running",
        on_source=None,
        tick_before=10,
        ticks_after=[11, 12],
        stats=MigrationStats(status="completed", downtime_ms=120),
    )
    for key, value in changes.items():
        setattr(run, key, value)
    return run


def test_migration_verdicts() -> None:
    expect = MigrationExpect(max_downtime_ms=500, max_total_s=30)
    assert _run().problems(expect) == []
    slow = _run(stats=MigrationStats(status="completed", downtime_ms=900))
    assert "downtime 900 ms > SLO 500 ms" in slow.problems(expect)[0]
    assert "still running on source" in _run(on_source="running").problems(expect)[0]
    assert "absent on destination" in _run(on_destination=None).problems(expect)[0]
    assert _run(error="`virsh migrate` exited 1").problems(expect)[0].endswith("exited 1")
    assert "no downtime figure" in _run(stats=None).problems(expect)[0]


def test_virt_expect_rejects_duplicates_and_typos() -> None:
    with pytest.raises(ValidationError, match="domain listed twice"):
        VirtExpect.model_validate({"domains": [{"name": "a"}, {"name": "a"}]})
    with pytest.raises(ValidationError):
        VirtExpect.model_validate({"domains": [{"name": "a", "stat": "running"}]})
    with pytest.raises(ValidationError):
        MigrationExpect.model_validate({"round_trips": 0})
