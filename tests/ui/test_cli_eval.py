import json

from typer.testing import CliRunner

from ui.cli import app

runner = CliRunner()


def test_eval_forecast_suite_writes_the_report(tmp_path):
    out = tmp_path / "eval"
    result = runner.invoke(app, ["eval", "--suite", "forecast", "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert (out / "report.md").exists() and (out / "report.html").exists()
    data = json.loads((out / "results.json").read_text())
    assert data["forecast"]["n_series"] > 0


def test_eval_fails_on_a_regression_against_the_baseline(tmp_path):
    baseline = tmp_path / "baseline.json"
    first = runner.invoke(
        app,
        [
            "eval",
            "--suite",
            "forecast",
            "--out",
            str(tmp_path / "a"),
            "--write-baseline",
            str(baseline),
        ],
    )
    assert first.exit_code == 0, first.output
    same = runner.invoke(
        app,
        ["eval", "--suite", "forecast", "--out", str(tmp_path / "b"), "--baseline", str(baseline)],
    )
    assert same.exit_code == 0 and "no regression" in same.output
    doctored = json.loads(baseline.read_text())
    doctored["metrics"]["forecast.wape"] = 0.01  # an impossible standard
    baseline.write_text(json.dumps(doctored))
    worse = runner.invoke(
        app,
        ["eval", "--suite", "forecast", "--out", str(tmp_path / "c"), "--baseline", str(baseline)],
    )
    assert worse.exit_code == 1
    assert "forecast.wape" in worse.output


def test_eval_refuses_unknown_options():
    assert runner.invoke(app, ["eval", "--suite", "bogus"]).exit_code == 2
    assert runner.invoke(app, ["eval", "--size", "huge"]).exit_code == 2
