import json

import pytest

from hacert.perf.__main__ import main
from hacert.perf.store import ResultStore
from tests.unit.perf.helpers import fill, nights


@pytest.fixture
def store_path(tmp_path):
    path = tmp_path / "perf.sqlite"
    with ResultStore(path) as store:
        fill(store, nights([100] * 20 + [80] * 4, 0.005, seed=41))
    return path


def test_accept_then_summary_exits_1_on_confirmed_regression(store_path, capsys):
    assert main(["--store", str(store_path), "accept-baseline", "--run", "n00", "--tag", "v1"]) == 0
    assert "accepted run n00 as 'v1'" in capsys.readouterr().out
    assert main(["--store", str(store_path), "summary", "--plain"]) == 1
    out = capsys.readouterr().out
    assert "run n23" in out and "confirmed regression" in out
    assert main(["--store", str(store_path), "summary", "--run", "n10", "--plain"]) == 0


def test_summary_of_unknown_run(store_path, capsys):
    assert main(["--store", str(store_path), "summary", "--run", "nope"]) == 2
    assert "no run 'nope'" in capsys.readouterr().err


def test_missing_store(tmp_path, capsys):
    assert main(["--store", str(tmp_path / "none.sqlite"), "runs"]) == 2


def test_export_json_and_csv(store_path, tmp_path, capsys):
    assert main(["--store", str(store_path), "export", "--format", "json", "--run", "n01"]) == 0
    assert len(json.loads(capsys.readouterr().out)) == 5
    out = tmp_path / "all.csv"
    assert (
        main(["--store", str(store_path), "export", "--format", "csv", "--output", str(out)]) == 0
    )
    assert len(out.read_text().splitlines()) == 1 + 24 * 5


def test_history_marks_the_change_point(store_path, tmp_path, capsys):
    main(["--store", str(store_path), "accept-baseline", "--run", "n00"])
    png = tmp_path / "trend.png"
    assert main(["--store", str(store_path), "history", "fio.seqwrite.bw", "--plot", str(png)]) == 0
    out = capsys.readouterr().out
    assert "n20" in out and "<- change point" in out and "[baseline]" in out
    assert png.read_bytes()[:4] == b"\x89PNG"


def test_runs_lists_acceptance(store_path, capsys):
    main(["--store", str(store_path), "accept-baseline", "--run", "n03", "--tag", "rel"])
    capsys.readouterr()
    assert main(["--store", str(store_path), "runs"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert len(lines) == 24
    assert lines[3].startswith("* n03") and "tags=rel" in lines[3]
