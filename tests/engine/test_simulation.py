"""As-is versus re-engineered: simulated through the real engine, reproducible, reported for every
procedure that has both variants."""

from pathlib import Path

import pytest

from engine.services import simulation

ROOT = Path(__file__).resolve().parents[2]
BPMN = ROOT / "bpmn"


def test_admission_variants_are_simulated_through_the_engine_and_compared():
    first = simulation.compare(BPMN / "admission", cases_per_variant=4, seed=7)
    again = simulation.compare(BPMN / "admission", cases_per_variant=4, seed=7)
    assert first == again                                    # the same seed gives the same figures
    assert (first.asis.completed, first.reengineered.completed) == (4, 4)
    assert first.reengineered.steps == 11 and first.reengineered.signatures == 2
    assert first.asis.steps > first.reengineered.steps
    assert first.asis.mean_days > first.reengineered.mean_days > 0
    assert first.reduction == pytest.approx(1 - first.reengineered.mean_days / first.asis.mean_days)


def test_branch_probabilities_steer_the_simulated_cases(tmp_path):
    folder = tmp_path / "admission"
    folder.mkdir()
    for item in (BPMN / "admission").iterdir():
        if item.is_file():
            (folder / item.name).write_bytes(item.read_bytes())
    (folder / "forms").mkdir()
    for form in (BPMN / "admission" / "forms").iterdir():
        (folder / "forms" / form.name).write_bytes(form.read_bytes())
    always_rejected = '{"steps": {}, "branches": {"flow_review_reject": 1.0}}'
    (folder / "durations.json").write_text(always_rejected, encoding="utf-8")
    result = simulation.compare(folder, cases_per_variant=3, seed=1)
    # every re-engineered case ends at the first review: two steps of one day or so
    assert result.reengineered.completed == 3 and result.reengineered.mean_days < 3


@pytest.mark.slow
def test_the_comparison_report_covers_every_procedure_with_two_variants(tmp_path):
    results = simulation.compare_all(BPMN, cases_per_variant=3, seed=2026)
    folders = sorted(p.name for p in BPMN.iterdir() if (p / f"{p.name}_asis.bpmn").is_file())
    assert [r.procedure for r in results] == folders
    report = simulation.markdown(results, cases_per_variant=3, seed=2026)
    for result in results:
        assert f"`{result.reengineered.key}`" in report and f"`{result.asis.key}`" in report
