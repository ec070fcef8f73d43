import json

import pytest

from hacert.perf.store import Measurement, ResultStore, SeriesKey
from tests.unit.perf.helpers import fill, nights


@pytest.fixture
def store(tmp_path):
    with ResultStore(tmp_path / "sub" / "perf.sqlite") as s:
        yield s


def test_round_trip_keeps_every_field(store):
    m = Measurement(
        run_id="r1",
        cluster="lab",
        target="vm1:node1->node2",
        metric="migration.downtime",
        value=0.012,
        unit="s",
        direction="lower",
        repetition=3,
        timestamp="2026-01-01T00:00:00+00:00",
        stable=False,
        versions={"qemu": "7.2.0", "kernel": "6.1.0-18-amd64"},
    )
    store.record(m)
    assert store.measurements() == [m]
    assert store.measurements("other") == []


def test_store_survives_reopening(tmp_path):
    path = tmp_path / "perf.sqlite"
    with ResultStore(path) as s:
        fill(s, nights([100, 100], 0.01, seed=1))
        s.accept_baseline("n00", tag="v1")
    with ResultStore(path) as s:
        assert [r.run_id for r in s.runs()] == ["n00", "n01"]
        assert s.baseline() == "n00"
        assert s.baseline("v1") == "n00"


def test_series_has_one_point_per_run_in_time_order(store):
    samples = nights([100, 90, 80], 0.01, seed=2)
    fill(store, samples)
    points = store.series("lab", "node1:/dev/shm", "fio.seqwrite.bw")
    assert [p.run_id for p in points] == ["n00", "n01", "n02"]
    assert [list(p.values) for p in points] == samples
    assert points[0].versions == {"fio": "3.33"}
    assert points[1].direction == "higher" and points[1].stable
    until = store.series("lab", "node1:/dev/shm", "fio.seqwrite.bw", until_run="n01")
    assert [p.run_id for p in until] == ["n00", "n01"]


def test_baseline_by_id_tag_or_last_accepted(store):
    fill(store, nights([100] * 3, 0.01, seed=3))
    assert store.baseline() is None
    store.accept_baseline("n00", tag="release-1")
    store.accept_baseline("n02")
    assert store.baseline() == "n02"
    assert store.baseline("release-1") == "n00"
    assert store.baseline("n01") == "n01"
    assert store.baseline("nope") is None
    runs = {r.run_id: r for r in store.runs()}
    assert runs["n00"].accepted and runs["n00"].tags == ("release-1",)
    assert not runs["n01"].accepted
    with pytest.raises(KeyError):
        store.accept_baseline("missing")


def test_next_repetition_and_series_keys(store):
    key = SeriesKey("lab", "node1:/dev/shm", "fio.seqwrite.bw")
    assert store.next_repetition("n00", key) == 0
    fill(store, nights([100], 0.01, seed=4))
    assert store.next_repetition("n00", key) == 5
    assert store.series_keys("n00") == [key]


def test_export_csv_and_json(store):
    fill(store, nights([100, 95], 0.01, seed=5))
    rows = json.loads(store.export("json"))
    assert len(rows) == 10 and rows[0]["metric"] == "fio.seqwrite.bw"
    csv_text = store.export("csv", run_id="n01")
    lines = csv_text.strip().splitlines()
    assert lines[0].startswith("run_id,cluster,target,metric,value,unit,direction")
    assert len(lines) == 6
    assert all(line.startswith("n01,") for line in lines[1:])


def test_verdicts_are_kept_per_run(store):
    key = SeriesKey("lab", "t", "m")
    store.save_verdict("r1", key, {"verdict": "unchanged"})
    store.save_verdict("r1", key, {"verdict": "improved"})
    assert store.verdicts("r1") == [{"verdict": "improved"}]


def test_direction_is_validated():
    with pytest.raises(ValueError, match="direction"):
        Measurement(
            run_id="r", cluster="c", target="t", metric="m", value=1, unit="s", direction="up"
        )  # type: ignore[arg-type]
