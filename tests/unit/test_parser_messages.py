"""What a designer reads when a file cannot be read, breaks the BPMN 2.0 schema, holds a broken form, is
written in another tool's language, or is too wrong to list in full (engine/spiff/parser.py, its one table
of parser messages; engine/lint.py): Vietnamese that says what is wrong and how to fix it, with the
element's local name, never lxml's, the XSD's or Python's English. The codes stay the families API clients
match (``xml.syntax``, ``bpmn.invalid``, ``form.invalid_json``...); the English stays in ``detail``."""

import json

import jsonschema
import pytest

from engine.errors import DefinitionInvalid
from engine.spiff import parser
from engine.spiff.parser import Bundle
from tests.bpmn_builder import FORM, flow, process, script_process, user_task
from webapp import messages

BPMN = "http://www.omg.org/spec/BPMN/20100524/MODEL"
FOREIGN = ('<?xml version="1.0" encoding="UTF-8"?>\n'
           f'<definitions xmlns="{BPMN}" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" id="defs" '
           'targetNamespace="t" exporter="Signavio Process Editor" expressionLanguage="http://www.w3.org/1999/XPath">\n'
           '<process id="p" isExecutable="true">\n{body}\n</process>\n</definitions>\n')
BOMB = ('<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
        + "".join(f'<!ENTITY lol{n} "{("&lol" + (str(n - 1) if n > 1 else "") + ";") * 10}">' for n in range(1, 10))
        + ']><lolz>&lol9;</lolz>')


def refused(files: dict[str, str], main: str = "p.bpmn"):
    with pytest.raises(DefinitionInvalid) as caught:
        parser.parse_bundle(Bundle(main=main, files=files))
    return caught.value.problems


def simple(task: str | None = None, extra: str = "") -> str:
    """start -> work (a user task with a form) -> end, drawn for quytrinh."""
    body = ('<bpmn:startEvent id="start"><bpmn:outgoing>f1</bpmn:outgoing></bpmn:startEvent>\n'
            + (task or user_task("work", "Xử lý", "f1", "f2"))
            + '<bpmn:endEvent id="end"><bpmn:incoming>f2</bpmn:incoming></bpmn:endEvent>\n'
            + flow("f1", "start", "work") + flow("f2", "work", "end") + extra)
    return process("simple", body, lane_nodes=["start", "work", "end"])


def said(problem) -> str:
    text = messages.problem_message(problem)
    assert "{http" not in text and "line 1, column" not in text
    return text


# files that are not XML -----------------------------------------------------------------------------

@pytest.mark.parametrize("text,expected", [
    ("", "Tệp rỗng: hãy chọn tệp BPMN đã lưu từ trình thiết kế."),
    ("  \n", "Tệp rỗng: hãy chọn tệp BPMN đã lưu từ trình thiết kế."),
    ("%PDF-1.4 ...", "Tệp không phải XML (không bắt đầu bằng thẻ «<»)"),
    (BOMB, "quytrinh từ chối vì lý do an toàn. Hãy xóa các khai báo DOCTYPE/ENTITY"),
    ('<?xml version="1.0"?><!DOCTYPE d [<!ENTITY x SYSTEM "file:///etc/passwd">]><d>&x;</d>', "lý do an toàn"),
    (f'<?xml version="1.0"?><!DOCTYPE d [<!ENTITY x "hi">]><definitions xmlns="{BPMN}">&x;</definitions>',
     "lý do an toàn"),                                         # even one that would expand harmlessly
    ("<definitions>${a && b}</definitions>", "hãy viết «&amp;»"),
    ("<definitions>\n<process>\n</definitions>", "Thẻ «process» mở ở dòng 2 nhưng lại đóng bằng «definitions»"),
    ("<definitions>\n<process>", "Tệp bị cắt cụt: thẻ «process» mở ở dòng 2 chưa được đóng"),
    ("<bpmn:definitions/>", "Tiền tố «bpmn» (ở thẻ «definitions») chưa được khai báo"),
])
def test_a_file_that_is_not_well_formed_xml_is_explained_in_vietnamese(text, expected):
    [problem] = refused({"p.bpmn": text})
    assert problem.code == "xml.syntax" and problem.file == "p.bpmn" and problem.line >= 1
    assert expected in said(problem) and problem.params["detail"] not in said(problem)


def test_another_xml_error_keeps_libxml2_s_words_as_its_detail():
    [problem] = refused({"p.bpmn": '<definitions a="1" a="2"/>'})
    assert messages.problem_message(problem) == ("Tệp XML sai cú pháp: Attribute a redefined. Hãy mở lại bằng "
                                                 "trình thiết kế và lưu lại.")


# files that break the BPMN 2.0 schema -----------------------------------------------------------------

@pytest.mark.parametrize("change,element,expected", [
    (('<bpmn:endEvent id="end">', '<bpmn:endEvent id="end" startQuantity="1">'), "end",
     "Thuộc tính «startQuantity» không được đặt trên phần tử «endEvent» theo chuẩn BPMN 2.0: hãy xóa thuộc tính này"),
    (('sourceRef="work" targetRef="end"/>', 'sourceRef="work"/>'), "f2",
     "Phần tử «sequenceFlow» thiếu thuộc tính bắt buộc «targetRef» theo chuẩn BPMN 2.0"),
    (('<bpmn:endEvent id="end">', '<bpmn:endEvent id="end"><bpmn:nonsense/>'), "end",
     "Phần tử «nonsense» không được đặt ở vị trí này theo chuẩn BPMN 2.0 (sai phần tử cha hoặc sai thứ tự). "
     "Ở vị trí này chỉ được đặt: documentation, extensionElements"),
    (('<bpmn:endEvent id="end">', '<bpmn:endEvent id="work">'), "work",
     "Mã «work» đã được dùng cho một phần tử khác: mỗi phần tử cần mã (id) riêng. Hãy đổi mã của phần tử «endEvent»"),
    (('<bpmn:endEvent id="end">', '<bpmn:endEvent id="end"><bpmn:incoming>f2</bpmn:incoming>'
      '<bpmn:documentation>x</bpmn:documentation>'), "end", "Phần tử «documentation» không được đặt ở vị trí này"),
    (('<bpmn:startEvent id="start">', '<bpmn:startEvent id="start" isInterrupting="maybe">'), "start",
     "Giá trị «maybe» của thuộc tính «isInterrupting» trên phần tử «startEvent» không hợp lệ: cần true hoặc false."),
])
def test_a_schema_error_names_the_element_and_attribute_in_vietnamese(change, element, expected):
    xml = simple().replace(*change, 1)
    problem = next(p for p in refused({"p.bpmn": xml, "forms/step.json": json.dumps(FORM)}) if p.code == "bpmn.invalid")
    assert problem.element == element and problem.line == xml.count("\n", 0, xml.index(change[1])) + 1
    assert expected in said(problem)


# forms ---------------------------------------------------------------------------------------------

@pytest.mark.parametrize("text,expected", [
    ('{"type": "object", }', "ở dòng 1, cột 20: tên thuộc tính phải đặt trong dấu ngoặc kép"),
    ('{"type": "object",\n "properties": {"a": 1 "b": 2}}', "ở dòng 2, cột 24: thiếu dấu phẩy giữa hai mục"),
    ("{'type': 'object'}", "tên thuộc tính phải đặt trong dấu ngoặc kép"),
    ('{"type": "object"}}', "còn nội dung sau khi đối tượng JSON đã kết thúc"),
    ('{"type": "object", "title": "a\tb"}', "chuỗi chứa ký tự xuống dòng hoặc tab"),
])
def test_a_form_that_is_not_json_says_where_and_what_in_vietnamese(text, expected):
    [problem] = refused({"p.bpmn": simple(), "forms/step.json": text})
    assert (problem.file, problem.element, problem.code) == ("forms/step.json", "work", "form.invalid_json")
    assert said(problem).startswith("Tệp biểu mẫu không phải JSON hợp lệ ") and expected in said(problem)


@pytest.mark.parametrize("schema,expected", [
    ({"type": "object", "properties": {"x": {"type": "nosuch"}}},
     "«type» tại properties/x có giá trị \"nosuch\" không hợp lệ (chỉ nhận string, number, integer, boolean, "
     "object, array, null hoặc một danh sách các kiểu đó)."),
    ({"type": "object", "required": "x"}, "«required» tại gốc biểu mẫu có giá trị \"x\" không hợp lệ (cần kiểu array)."),
    ({"type": "object", "properties": {"x": {"minLength": -1}}}, "«minLength» tại properties/x có giá trị -1 "
                                                                  "không hợp lệ (không được nhỏ hơn 0)."),
])
def test_a_form_that_is_not_a_json_schema_names_the_keyword_and_where_it_is(schema, expected):
    [problem] = refused({"p.bpmn": simple(), "forms/step.json": json.dumps(schema)})
    assert problem.code == "form.invalid_schema" and "is not" not in said(problem)
    assert said(problem).startswith("Biểu mẫu không đúng chuẩn JSON Schema: ") and expected in said(problem)


# expressions and scripts of another tool ------------------------------------------------------------

def test_an_xpath_condition_of_a_signavio_file_is_refused_once_quoting_it():
    body = ('<startEvent id="s"/><exclusiveGateway id="g" default="no"/><endEvent id="e1"/><endEvent id="e2"/>'
            '<sequenceFlow id="in" sourceRef="s" targetRef="g"/>'
            '<sequenceFlow id="yes" sourceRef="g" targetRef="e1"><conditionExpression xsi:type="tFormalExpression">'
            "<![CDATA[bpmn:getDataObject('approved')]]></conditionExpression></sequenceFlow>"
            '<sequenceFlow id="no" sourceRef="g" targetRef="e2"/>')
    [problem] = refused({"p.bpmn": FOREIGN.format(body=body)})
    assert (problem.element, problem.code) == ("yes", "expression.untranslatable")
    assert said(problem).startswith("Biểu thức «bpmn:getDataObject('approved')» (conditionExpression) không chuyển")


def test_a_javascript_script_task_is_refused_naming_its_language_and_nothing_else():
    body = ('<startEvent id="s"/><scriptTask id="ScriptTask_1" scriptFormat="Javascript"><script>'
            '<![CDATA[throw new Error("Hi Thorben")]]></script></scriptTask><endEvent id="e"/>'
            '<sequenceFlow id="f1" sourceRef="s" targetRef="ScriptTask_1"/>'
            '<sequenceFlow id="f2" sourceRef="ScriptTask_1" targetRef="e"/>')
    [problem] = refused({"p.bpmn": FOREIGN.format(body=body)})
    assert (problem.element, problem.code, problem.line) == ("ScriptTask_1", "script.foreign", 4)
    assert said(problem).startswith("Phần tử scriptTask (Javascript) của công cụ khác")


def test_a_syntax_error_in_quytrinh_s_own_file_is_still_invalid_syntax_with_its_line():
    problems = refused({"p.bpmn": script_process("broken", "x = = 1"), "forms/step.json": json.dumps(FORM)})
    assert [(p.element, p.code) for p in problems] == [("run", "script.syntax")]


# too many problems -----------------------------------------------------------------------------------

def unassigned_steps(count: int) -> str:
    return FOREIGN.format(body="\n".join(f'<userTask id="t{n}"/>' for n in range(count)))


def test_a_file_with_more_problems_than_the_cap_lists_the_first_ones_and_says_there_are_more(monkeypatch):
    checked = []
    original = jsonschema.Draft202012Validator.check_schema
    monkeypatch.setattr(jsonschema.Draft202012Validator, "check_schema",
                        classmethod(lambda cls, schema, **kw: checked.append(1) or original(schema, **kw)))
    problems = refused({"p.bpmn": unassigned_steps(300)})
    assert len(problems) == parser.MAX_PROBLEMS + 1
    assert {p.code for p in problems[:-1]} == {"lane.missing_role"}
    assert [p.element for p in problems[:3]] == ["t0", "t1", "t2"]          # the first ones, in line order
    assert said(problems[-1]) == ("Tệp có quá nhiều lỗi: chỉ hiện 200 lỗi đầu. Hãy sửa các lỗi này rồi kiểm tra "
                                  "lại để xem các lỗi còn lại.")
    assert len(checked) <= 1          # the steps' identical confirmation forms are checked once, not 300 times


def test_a_file_under_the_cap_lists_every_problem():
    problems = refused({"p.bpmn": unassigned_steps(150)})
    assert len(problems) == 150 and {p.code for p in problems} == {"lane.missing_role"}


def test_the_refusal_counts_the_problems_found_and_says_more_when_the_list_was_capped():
    from engine.errors import DefinitionInvalid
    from webapp.messages import message
    assert message(DefinitionInvalid(refused({"p.bpmn": unassigned_steps(150)}))) == \
        "Tệp quy trình không hợp lệ (150 lỗi)."
    assert message(DefinitionInvalid(refused({"p.bpmn": unassigned_steps(300)}))) == \
        "Tệp quy trình không hợp lệ (hơn 200 lỗi)."


# the table itself --------------------------------------------------------------------------------------

def test_every_explanation_of_the_table_has_vietnamese_text():
    explained = {code for _pattern, code, _constants in parser._EXPLAINED} | {"form.schema_keyword"}
    assert sorted(c for c in explained if c not in messages.VI) == []
    kinds = {constants["json_error"] for _p, _c, constants in parser._EXPLAINED if "json_error" in constants}
    assert sorted(k for k in kinds if k not in messages.PARAM_VI["json_error"]) == []
