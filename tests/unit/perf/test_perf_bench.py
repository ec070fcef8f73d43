import json

from tools.bench_regression import NoiseModel, main


def test_synthetic_benchmark_runs_and_meets_targets_on_a_quiet_model(tmp_path, capsys):
    model = tmp_path / "noise.json"
    NoiseModel(level=1000.0, within_cv=0.02, between_cv=0.01, source="test").save(model)
    out = tmp_path / "figures.json"
    code = main(
        [
            "--synthetic",
            "--noise-model",
            str(model),
            "--aa-series",
            "1",
            "--aa-nights",
            "20",
            "--trials",
            "2",
            "--json",
            str(out),
        ]
    )
    text = capsys.readouterr().out
    assert "A/A: false alarms 0 in 1 x 20 nights" in text
    assert "runtime:" in text
    figures = json.loads(out.read_text())
    assert figures["mode"] == "synthetic" and figures["aa_nights"] == 20
    assert code == 0 and figures["targets_met"]
