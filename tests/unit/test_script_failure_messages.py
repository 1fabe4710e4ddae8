"""A designer's script that fails at run time is explained in Vietnamese (webapp/messages.py SCRIPT_ERROR_VI),
the Python error's name and a short text of it kept in parentheses at the end for the administrator."""

from __future__ import annotations

import pytest

from engine import scripting
from engine.errors import ScriptError
from engine.services.steps import CaseFailed
from webapp import messages


def failure_of(script: str, data: dict | None = None) -> ScriptError:
    with pytest.raises(ScriptError) as failed:
        scripting.execute(script, dict(data or {"text": "abc"}), functions={})
    return failed.value


@pytest.mark.parametrize("script, text", [
    ("x = int(text)", "Kịch bản bị lỗi: giá trị «abc» không phải là số "
                      "(ValueError: invalid literal for int() with base 10: 'abc')."),
    ("x = float(text)", "Kịch bản bị lỗi: giá trị «abc» không phải là số "
                        "(ValueError: could not convert string to float: 'abc')."),
    ("x = 1 / 0", "Kịch bản bị lỗi: chia cho 0 (ZeroDivisionError: division by zero)."),
    ("x = [1, 2][5]", "Kịch bản bị lỗi: không có phần tử ở vị trí này vì danh sách hoặc chuỗi ngắn hơn "
                      "(IndexError: list index out of range)."),
    ("x = [1] * 'a'", "Kịch bản bị lỗi: sai kiểu dữ liệu, ví dụ cộng số với chuỗi hay nhân danh sách với chuỗi "
                      "(TypeError: can't multiply sequence by non-int of type 'str')."),
    ("x = {'a': 1}['b']", "Kịch bản bị lỗi: không có khóa «b» trong dữ liệu (KeyError: 'b')."),
    ("a, b = [1]", "Kịch bản bị lỗi: số giá trị không khớp với số biến được gán (ValueError: unpacking length)."),
])
def test_common_python_errors_are_explained_in_vietnamese(script, text):
    assert messages.message(failure_of(script)) == text


def test_a_name_error_names_the_variable_and_an_unknown_error_is_still_readable():
    assert messages.reason_message("script.failed", {"error": "NameError", "detail": "name 'x' is not defined"}) \
        == "Kịch bản bị lỗi: biến «x» chưa có giá trị (NameError: name 'x' is not defined)."
    assert messages.reason_message("script.failed", {"error": "LookupError", "detail": "boom"}) \
        == "Kịch bản bị lỗi: lỗi khi chạy (LookupError: boom)."
    # a key too long to be reported (engine/scripting.py leaves the text out): nothing to quote
    assert messages.reason_message("script.failed", {"error": "KeyError", "detail": ""}) \
        == "Kịch bản bị lỗi: không có khóa trong dữ liệu (KeyError)."


def test_the_technical_detail_is_kept_short():
    text = messages.message(failure_of("x = int(text)", {"text": "9" * 30 + "z" * 150}))
    assert text.startswith("Kịch bản bị lỗi: giá trị «" + "9" * 30 + "z" * 9 + "…» không phải là số (ValueError: ")
    assert len(text) < 200 and text.endswith("…).")


def test_a_failed_step_says_the_same_in_its_sentence():
    failed = CaseFailed(step="Tính điểm", element="run", reason="script.failed",
                        reason_params={"error": "ZeroDivisionError", "detail": "division by zero"})
    assert messages.message(failed).startswith(
        "Không thực hiện được bước «Tính điểm»: Kịch bản bị lỗi: chia cho 0 (ZeroDivisionError: division by zero). "
        "Hồ sơ chuyển sang trạng thái lỗi")
    assert messages.reason_message("script.limit", {"limit": "time"}) == "Kịch bản vượt giới hạn an toàn (thời gian chạy)."
