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
    unknown = runner.invoke(app, ["eval", "--suite", "agent", "--split", "test"])
    assert unknown.exit_code == 2 and "--split" in unknown.output


def test_the_heldout_split_is_never_compared_with_the_dev_baseline(tmp_path):
    for option in ("--baseline", "--write-baseline"):
        result = runner.invoke(
            app,
            ["eval", "--suite", "agent", "--split", "heldout", option, str(tmp_path / "b.json")],
        )
        assert result.exit_code == 2, result.output
        assert "baseline" in result.output
    assert not (tmp_path / "b.json").exists()


def test_eval_replays_an_imported_history(tmp_path):
    from datetime import date

    from erp.csvio import write_csv_dir
    from erp.demo import generate_demo

    folder = tmp_path / "csv"
    write_csv_dir(
        generate_demo(seed=3, stores=2, skus=8, days=200, as_of=date(2026, 5, 31)).data, folder
    )
    out = tmp_path / "eval"
    result = runner.invoke(
        app, ["eval", "--suite", "forecast", "--data", str(folder), "--out", str(out)]
    )
    assert result.exit_code == 0, result.output
    data = json.loads((out / "results.json").read_text())
    assert data["meta"]["data"] == str(folder)
    assert data["forecast"]["network"] == {"source": "imported"}
    sim = runner.invoke(
        app, ["eval", "--suite", "sim", "--data", str(folder), "--out", str(tmp_path / "sim")]
    )
    assert sim.exit_code == 0, sim.output
    result_sim = json.loads((tmp_path / "sim" / "results.json").read_text())["sim"]
    assert result_sim["config"]["end_date"] == "2026-05-31"
    assert 0 <= result_sim["policies"]["stockpilot"]["fill_rate"] <= 1


def test_eval_refuses_a_bad_data_folder(tmp_path):
    result = runner.invoke(app, ["eval", "--suite", "forecast", "--data", str(tmp_path / "none")])
    assert result.exit_code == 2


def test_eval_refuses_an_unknown_decline_and_a_baseline_beside_smoothed(tmp_path):
    bad = runner.invoke(app, ["eval", "--suite", "forecast", "--decline", "linear"])
    assert bad.exit_code == 2 and "unknown --decline" in bad.output
    base = tmp_path / "baseline.json"
    # The baseline is the default's ("fitted"): the other method is not compared with it.
    args = ["eval", "--suite", "forecast", "--decline", "smoothed", "--baseline", str(base)]
    smoothed = runner.invoke(app, args)
    assert smoothed.exit_code == 2 and "not compared with a baseline" in smoothed.output
