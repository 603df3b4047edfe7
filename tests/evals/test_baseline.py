"""The CI regression gate: the small evaluation must not fall behind the committed baseline."""

from pathlib import Path

import pytest

from evals import runner

BASELINE = Path(runner.__file__).with_name("baseline.json")


@pytest.mark.slow
def test_ci_evaluation_does_not_regress_against_the_committed_baseline(tmp_path):
    results = runner.run_eval("all", size="ci", out=tmp_path)
    baseline = runner.load_baseline(BASELINE)
    assert baseline["size"] == "ci"
    regressions = runner.compare_to_baseline(results, baseline)
    assert not regressions, "\n".join(regressions)
    assert (tmp_path / "report.html").exists()
