"""The ``quytrinh`` command line, run as a real process: its contract (README, "CLI") and its errors,
which go to stderr in Vietnamese with a non-zero exit and never a traceback."""

import json
from pathlib import Path

import pytest

from tests.bpmn_builder import write_bundle
from tests.conftest import DEMO_PIN
from tests.procedures import P1_START, P1_STEPS

ROOT = Path(__file__).resolve().parents[2]
NICK = {"applicant": "nguyenvanan", "introducer1": "tranthibinh", "introducer2": "levancuong",
        "cell_secretary": "phamthidung", "party_building_board": "hoangvanem", "standing_board": "vuthiphuong",
        "committee_office": "dangvangiang"}




def test_p1_runs_from_start_to_completion_through_the_cli(cli):
    assert "admission" in [p["key"] for p in json.loads(cli("process", "list", "--json").stdout)]
    users = {u["username"]: u for u in json.loads(cli("user", "list", "--json").stdout)}
    assert users["phamthidung"]["roles"] == [{"role": "cell_secretary", "unit": "HY-TANTIEN-DONG"},
                                             {"role": "party_member", "unit": "HY-TANTIEN-DONG"}]
    number = cli("case", "start", "admission", "--unit", "HY-TANTIEN-DONG", "--as", "nguyenvanan",
                 "--data", json.dumps(P1_START, ensure_ascii=False)).stdout.strip()
    assert number.startswith("KN-2026-")
    for who, element, data in P1_STEPS:
        username = NICK[who]
        mine = [t for t in json.loads(cli("task", "list", "--as", username, "--json").stdout)
                if t["element"] == element and t["case"] == number]
        assert mine, (username, element)
        shown = json.loads(cli("task", "show", mine[0]["id"], "--as", username, "--json").stdout)
        assert shown["form"]["type"] == "object" and shown["signature_required"] in (True, False)
        cli("task", "claim", mine[0]["id"], "--as", username)
        signing = ["--pin", DEMO_PIN] if shown["signature_required"] else []       # cell_vote, committee_vote
        cli("task", "complete", mine[0]["id"], "--as", username, "--data", json.dumps(data, ensure_ascii=False),
            *signing)
    case = json.loads(cli("case", "show", number, "--json").stdout)
    assert case["status"] == "completed" and case["process"] == "admission" and case["version"] == 1
    assert case["unit"] == "HY-TANTIEN-DONG" and case["data"]["full_name"] == "Nguyễn Văn An"
    assert [e["type"] for e in case["events"]].count("task.completed") == len(P1_STEPS)
    assert [t for t in json.loads(cli("task", "list", "--all", "--json").stdout) if t["case"] == number] == []
    assert "toàn vẹn" in cli("audit", "verify", number).stdout
    assert cli("worker", "--once").returncode == 0


def test_wrong_form_data_is_refused_in_vietnamese_naming_each_field(cli):
    number = cli("case", "start", "admission", "--unit", "HY-TANTIEN-DONG", "--as", "nguyenvanan",
                 "--data", json.dumps(P1_START)).stdout.strip()
    task = json.loads(cli("task", "list", "--as", "nguyenvanan", "--json").stdout)[0]
    result = cli("task", "complete", task["id"], "--as", "nguyenvanan", "--data", '{"commitment": false}', ok=False)
    assert result.returncode == 1
    assert "Biểu mẫu có 3 trường chưa đúng" in result.stderr
    assert "«Đơn xin vào Đảng (mẫu 1-KNĐ)» là bắt buộc" in result.stderr
    assert json.loads(cli("case", "show", number, "--json").stdout)["events"][-1]["type"] == "case.started"


@pytest.mark.parametrize("args,expected", [
    (["case", "start", "admission", "--unit", "NOPE", "--as", "nguyenvanan"], "Không tìm thấy tổ chức đảng"),
    (["case", "start", "admission", "--unit", "HY-TANTIEN-DONG", "--as", "ghost"], "Không tìm thấy người dùng"),
    (["case", "show", "KN-1999-000001", "--json"], "Không tìm thấy hồ sơ"),
    (["task", "complete", "00000000-0000-0000-0000-000000000000", "--as", "phamthidung"], "Không tìm thấy nhiệm vụ"),
    (["case", "start", "unknown_process", "--unit", "HY-TANTIEN-DONG", "--as", "nguyenvanan"],
     "Chưa triển khai quy trình"),
])
def test_refused_requests_exit_1_with_a_vietnamese_message(cli, args, expected):
    result = cli(*args, ok=False)
    assert result.returncode == 1 and expected in result.stderr


def test_bad_json_and_usage_errors_exit_2_in_vietnamese(cli):
    result = cli("case", "start", "admission", "--unit", "HY-TANTIEN-DONG", "--as", "nguyenvanan",
                 "--data", "{not json", ok=False)
    assert result.returncode == 2 and "không phải JSON hợp lệ" in result.stderr
    result = cli("task", "list", ok=False)
    assert result.returncode == 2 and "Sai cú pháp lệnh" in result.stderr


def test_validate_prints_file_line_element_and_message_and_deploy_refuses(cli, tmp_path):
    good = str(ROOT / "bpmn/admission/admission.bpmn")
    assert cli("validate", good).returncode == 0
    broken = _admission_copy(tmp_path / "bad", lambda xml: xml.replace(
        'cell_in_favour * 3 &gt;= cell_full_members * 2', '__import__(&quot;os&quot;).system(&quot;id&quot;)'))
    result = cli("validate", str(broken), ok=False)
    line = next(i + 1 for i, text in enumerate(broken.read_text().splitlines()) if "__import__" in text)
    assert result.returncode == 1
    assert result.stdout.splitlines() == [f"{broken}:{line}: flow_cell_passed: Kịch bản dùng thành phần không được "
                                          f"phép: hàm __import__."]
    assert cli("deploy", str(broken), ok=False).returncode == 1
    assert [p["version"] for p in json.loads(cli("process", "list", "--json").stdout) if p["key"] == "admission"] == [1]


def test_deploy_prints_key_version_and_sha256(cli, tmp_path):
    copy = _admission_copy(tmp_path / "v2", lambda xml: xml.replace("Xem xét đơn và lý lịch", "Xem xét đơn"))
    key, version, sha256 = cli("deploy", str(copy)).stdout.split()
    assert (key, version, len(sha256)) == ("admission", "2", 64)


def _admission_copy(folder: Path, change) -> Path:
    """P1's file and forms copied to ``folder``, with ``change`` applied to the BPMN text."""
    xml = (ROOT / "bpmn/admission/admission.bpmn").read_text(encoding="utf-8")
    path = write_bundle(folder, "admission.bpmn", change(xml))
    for form in (ROOT / "bpmn/admission/forms").iterdir():
        (folder / "forms" / form.name).write_text(form.read_text(encoding="utf-8"), encoding="utf-8")
    return path


@pytest.mark.parametrize("raw", ["<bpmn:definitions name='Quy trình'/>".encode("latin-1"), b"\x89PNG\r\n\x1a\n\x00"])
def test_a_file_that_is_not_utf8_text_is_refused_by_name_not_with_an_unexpected_error(cli, tmp_path, raw):
    path = tmp_path / "khac.bpmn"
    path.write_bytes(raw)
    for command in ("validate", "deploy"):
        result = cli(command, str(path), ok=False)
        assert result.returncode == 1, result.stderr
        assert "Tệp «khac.bpmn» không phải văn bản UTF-8" in result.stderr
