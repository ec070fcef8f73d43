from hacert.perf.report import html_table, text_table
from hacert.perf.store import ResultStore, SeriesKey
from hacert.perf.trends import plot_evaluation
from hacert.perf.verdicts import evaluate
from tests.unit.perf.helpers import fill, nights

PNG_MAGIC = b"\x89PNG\r\n\x1a\n"


def test_trend_png_with_change_point_and_table(tmp_path):
    with ResultStore(tmp_path / "perf.sqlite") as store:
        runs = fill(store, nights([100] * 20 + [80] * 4, 0.01, seed=21))
        store.accept_baseline(runs[0])
        evaluation = evaluate(
            store, runs[-1], SeriesKey("lab", "node1:/dev/shm", "fio.seqwrite.bw")
        )
    assert evaluation.change_points
    png = plot_evaluation(evaluation, tmp_path / "plots")
    assert png.name == "lab__node1_dev_shm__fio.seqwrite.bw.png"
    assert png.read_bytes().startswith(PNG_MAGIC)
    assert png.stat().st_size > 10_000

    html = html_table([evaluation.verdict])
    assert "confirmed regression" in html and "<table>" in html
    text = text_table([evaluation.verdict])
    assert text.splitlines()[0].split() == [
        "cluster",
        "target",
        "metric",
        "baseline",
        "now",
        "change",
        "%",
        "p",
        "verdict",
    ]
    assert "confirmed regression" in text


def test_plot_of_a_single_night(tmp_path):
    with ResultStore(tmp_path / "perf.sqlite") as store:
        runs = fill(store, nights([100], 0.01, seed=22))
        evaluation = evaluate(store, runs[0], SeriesKey("lab", "node1:/dev/shm", "fio.seqwrite.bw"))
    assert plot_evaluation(evaluation, tmp_path).read_bytes().startswith(PNG_MAGIC)
