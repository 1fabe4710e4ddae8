"""The designer's page comparing each procedure's as-is and re-engineered variants."""

import pytest

from engine.services import simulation


@pytest.fixture
def designer(login):
    return login("designer")


def test_the_comparison_page_lists_every_procedure_with_two_variants(designer):
    page = designer.get("/designer/comparison")
    assert page.status_code == 200
    text = page.get_data(as_text=True)
    assert "Quy trình hiện trạng và quy trình cải tiến" in text
    assert "residence_comment" in text and "Chưa mô phỏng." in text


def test_a_designer_simulates_one_procedure_and_the_result_is_kept(designer, settings):
    response = designer.post("/designer/comparison/residence_comment")
    assert response.status_code == 302
    [kept] = simulation.saved(settings)
    assert kept["procedure"] == "residence_comment" and kept["asis"]["completed"] > 0
    page = designer.get("/designer/comparison").get_data(as_text=True)
    assert kept["reengineered"]["name"] in page and "Mô phỏng lại" in page


def test_others_may_not_see_or_run_the_comparison(login):
    clerk = login("phamthidung")
    assert clerk.get("/designer/comparison").status_code == 403
    assert clerk.post("/designer/comparison/residence_comment").status_code == 403
    assert login("designer").post("/designer/comparison/no_such_procedure").status_code == 404
