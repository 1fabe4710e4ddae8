"""The designer's services on a real database: drafts saved with revisions, deploy of a draft as version N+1
while a case opened before it runs to its end on version N, and who may use them."""

import pytest

from engine.errors import DefinitionInvalid, NotAllowed, StepConflict
from engine.services import cases, definitions, designer
from tests.people import CELL
from tests.procedures import P1_START, P1_STEPS, run_p1

OFFICE = '<spiffworkflow:property name="role" value="committee_office" />'


def test_a_case_opened_before_a_deploy_finishes_on_its_version(people, uow):
    before = people.applicant.opens("admission", unit=CELL, data=P1_START)
    run_p1(people, before, until="committee_vote")
    actor = people.designer.actor
    draft = designer.create_draft(uow, actor=actor, key="admission")
    _view, files = designer.get_draft(uow, draft.id, actor=actor)
    files["admission.bpmn"] = files["admission.bpmn"].replace(OFFICE, OFFICE.replace("committee_office",
                                                                                     "records_clerk"))
    saved = designer.save_draft(uow, draft_id=draft.id, actor=actor, main="admission.bpmn", files=files,
                                expected_revision=1)
    [deployed] = designer.deploy_draft(uow, draft_id=draft.id, actor=actor, expected_revision=saved.revision)
    assert (deployed.key, deployed.version, deployed.new) == ("admission", 2, True)
    assert designer.get_draft(uow, draft.id, actor=actor)[0].deployed_version == 2

    rest = P1_STEPS[[element for _, element, _ in P1_STEPS].index("committee_vote"):]
    for who, element, data in rest:   # issue_decision still goes to the committee office: version 1's lane
        getattr(people, who).completes(element, before, data)
    finished = cases.get_case(uow, number=before)
    assert (finished.status, finished.version) == ("completed", 1)
    after = people.applicant.opens("admission", unit=CELL, data=P1_START)
    assert cases.get_case(uow, number=after).version == 2
    versions = designer.list_versions(uow, actor=actor, key="admission")
    assert [(v.definition.version, v.running, v.cases) for v in versions] == [(2, 1, 1), (1, 0, 1)]
    diff = designer.diff_versions(uow, actor=actor, key="admission", old=1, new=2)
    assert diff.marks()["changed"] == ["lane_committee_office"]


def test_a_draft_with_problems_deploys_nothing(people, uow):
    actor = people.designer.actor
    draft = designer.create_draft(uow, actor=actor, key="admission")
    _view, files = designer.get_draft(uow, draft.id, actor=actor)
    files["admission.bpmn"] = files["admission.bpmn"].replace(OFFICE, OFFICE.replace("committee_office", "nobody"))
    designer.save_draft(uow, draft_id=draft.id, actor=actor, main="admission.bpmn", files=files, expected_revision=1)
    with pytest.raises(DefinitionInvalid) as refused:
        designer.deploy_draft(uow, draft_id=draft.id, actor=actor)
    assert {p.code for p in refused.value.problems} == {"role.unknown"}
    assert definitions.get_definition(uow, "admission")[0].version == 1


def test_a_save_on_an_old_revision_is_a_conflict(people, uow):
    actor = people.designer.actor
    draft = designer.create_draft(uow, actor=actor, key="admission")
    _view, files = designer.get_draft(uow, draft.id, actor=actor)
    designer.save_draft(uow, draft_id=draft.id, actor=actor, main="admission.bpmn", files=files, expected_revision=1)
    with pytest.raises(StepConflict) as conflict:
        designer.save_draft(uow, draft_id=draft.id, actor=people.admin.actor, main="admission.bpmn", files=files,
                            expected_revision=1)
    assert conflict.value.code == "draft.changed" and conflict.value.params["by"] == "ngovanthiet"


@pytest.mark.parametrize("who", ["cell_secretary", "applicant", "cipher_office"])
def test_only_designers_and_administrators_design(people, uow, who):
    assert designer.can_design(people.designer.actor) and designer.can_design(people.admin.actor)
    with pytest.raises(NotAllowed):
        designer.create_draft(uow, actor=getattr(people, who).actor, key="admission")
    with pytest.raises(NotAllowed):
        designer.list_versions(uow, actor=getattr(people, who).actor, key="admission")


def test_editing_a_version_again_reopens_ones_own_unfinished_draft(people, uow):
    first = designer.create_draft(uow, actor=people.designer.actor, key="admission")
    assert designer.create_draft(uow, actor=people.designer.actor, key="admission").id == first.id
    assert designer.create_draft(uow, actor=people.admin.actor, key="admission").id != first.id
    designer.deploy_draft(uow, draft_id=first.id, actor=people.designer.actor)   # same files: still version 1
    assert designer.create_draft(uow, actor=people.designer.actor, key="admission").id != first.id
