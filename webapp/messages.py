"""User-facing text for the engine's error codes and journal event types, Vietnamese first.

The engine raises codes with parameters (engine/errors.py); this table is the one place that turns
them into sentences, for the CLI and the web app alike. tests/unit/test_messages.py fails when a code
the engine can raise has no Vietnamese text.
"""

from __future__ import annotations

import re
from string import Formatter

from engine.errors import DefinitionInvalid, FieldError, InvalidFormData, Problem, QuytrinhError

VI: dict[str, str] = {
    # generic families
    "error": "Đã xảy ra lỗi.",
    "input.invalid": "Dữ liệu không hợp lệ.",
    "not_found": "Không tìm thấy.",
    "not_allowed": "Bạn không có quyền thực hiện thao tác này.",
    "step.conflict": "Hồ sơ {number} vừa được người khác cập nhật. Vui lòng tải lại trang rồi thực hiện lại.",
    "config.invalid": "Cấu hình không hợp lệ: biến {variable} có giá trị «{value}».",
    "config.missing_secret": "Thiếu cấu hình bắt buộc {variable} (chỉ được bỏ trống ở chế độ trình diễn).",
    "admin.required": "Chỉ quản trị viên mới được thực hiện thao tác này.",
    "auth.invalid_credentials": "Tên đăng nhập hoặc mật khẩu không đúng.",
    "auth.rate_limited": "Bạn đã đăng nhập sai quá nhiều lần. Vui lòng thử lại sau {seconds} giây.",
    # organisation
    "unit.not_found": "Không tìm thấy tổ chức đảng có mã «{code}».",
    "unit.exists": "Mã tổ chức «{code}» đã tồn tại.",
    "unit.invalid_level": "Cấp tổ chức «{level}» không hợp lệ (chỉ có: trung ương, tỉnh, xã/phường, chi bộ).",
    "unit.invalid_parent": "Tổ chức cấp «{level}» không thể trực thuộc «{parent}».",
    "user.not_found": "Không tìm thấy người dùng «{username}».",
    "user.exists": "Tên đăng nhập «{username}» đã tồn tại.",
    "user.invalid_clearance": "Mức được tiếp cận bí mật «{clearance}» không hợp lệ (0 đến 3).",
    "role.unknown": "Vai trò «{role}» không có trong mô hình tổ chức.",
    "role_assignment.not_found": "Người dùng «{username}» không giữ vai trò «{role}» tại «{unit}».",
    # definitions
    "definition.invalid": "Tệp quy trình không hợp lệ ({count_text} lỗi).",
    "definition.not_found": "Chưa triển khai quy trình «{key}».",
    "definition.hash_mismatch": "Tệp của phiên bản quy trình đã bị thay đổi (mã băm không khớp).",
    "xml.syntax": "Tệp XML sai cú pháp: {detail}. Hãy mở lại bằng trình thiết kế và lưu lại.",
    "xml.empty": "Tệp rỗng: hãy chọn tệp BPMN đã lưu từ trình thiết kế.",
    "xml.not_xml": "Tệp không phải XML (không bắt đầu bằng thẻ «<»): hãy chọn tệp .bpmn đã lưu từ trình thiết kế (Camunda Modeler, bpmn.io…), không phải ảnh, PDF hay tệp nén.",
    "xml.bare_ampersand": "Ký tự «&» đứng riêng không hợp lệ trong XML: hãy viết «&amp;» (ví dụ && viết là &amp;&amp;) hoặc đặt biểu thức trong <![CDATA[ … ]]>.",
    "xml.entities": "Tệp khai báo hoặc dùng thực thể XML (<!DOCTYPE …>, <!ENTITY …>): quytrinh từ chối vì lý do an toàn. Hãy xóa các khai báo DOCTYPE/ENTITY ở đầu tệp và các tham chiếu &tên; tới chúng (trình thiết kế BPMN không tạo ra chúng).",
    "xml.tag_mismatch": "Thẻ «{open}» mở ở dòng {open_line} nhưng lại đóng bằng «{close}»: hãy sửa cho thẻ mở và thẻ đóng khớp nhau, hoặc mở lại tệp bằng trình thiết kế và lưu lại.",
    "xml.truncated": "Tệp bị cắt cụt: thẻ «{open}» mở ở dòng {open_line} chưa được đóng. Hãy tải lên bản đầy đủ của tệp.",
    "xml.namespace": "Tiền tố «{prefix}» (ở thẻ «{tag}») chưa được khai báo: hãy thêm xmlns:{prefix}=\"…\" vào thẻ gốc definitions, hoặc lưu lại tệp bằng trình thiết kế.",
    "xml.extra_content": "Có nội dung thừa sau thẻ gốc đã đóng: mỗi tệp chỉ chứa một thẻ definitions. Hãy xóa phần thừa ở cuối tệp.",
    "bpmn.not_definitions": "Đây không phải tệp BPMN 2.0 (thiếu thẻ gốc bpmn:definitions).",
    "bpmn.invalid": "Không đúng chuẩn BPMN 2.0: {detail}",
    "bpmn.attribute_not_allowed": "Thuộc tính «{attribute}» không được đặt trên phần tử «{element}» theo chuẩn BPMN 2.0: hãy xóa thuộc tính này (hoặc đổi phần tử sang loại có thuộc tính đó).",
    "bpmn.attribute_missing": "Phần tử «{element}» thiếu thuộc tính bắt buộc «{attribute}» theo chuẩn BPMN 2.0: hãy mở tệp trong trình thiết kế và hoàn chỉnh phần tử (ví dụ luồng phải nối đủ hai đầu).",
    "bpmn.element_unexpected": "Phần tử «{element}» không được đặt ở vị trí này theo chuẩn BPMN 2.0 (sai phần tử cha hoặc sai thứ tự). Ở vị trí này chỉ được đặt: {expected}.",
    "bpmn.element_misplaced": "Phần tử «{element}» không được đặt ở vị trí này theo chuẩn BPMN 2.0 (sai phần tử cha, sai thứ tự hoặc thừa): hãy chuyển hoặc xóa nó.",
    "bpmn.duplicate_id": "Mã «{value}» đã được dùng cho một phần tử khác: mỗi phần tử cần mã (id) riêng. Hãy đổi mã của phần tử «{element}» này.",
    "bpmn.invalid_value": "Giá trị «{value}» của thuộc tính «{attribute}» trên phần tử «{element}» không hợp lệ: cần {xsd_type}.",
    "problems.too_many": "Tệp có quá nhiều lỗi: chỉ hiện {shown} lỗi đầu. Hãy sửa các lỗi này rồi kiểm tra lại để xem các lỗi còn lại.",
    "bpmn.parse": "Không đọc được quy trình: {detail}",
    "process.not_executable": "Tệp không có quy trình nào được đánh dấu thực thi (isExecutable=\"true\").",
    "task.untyped": "Bước chưa xác định loại (bpmn:task). Hãy đổi thành «User task» (người xử lý) hoặc «Manual task».",
    "flow.missing_id": "Luồng từ «{source}» đến «{target}» thiếu mã định danh (id).",
    "element.unsupported": "Phần tử «{element_type}» chưa được hỗ trợ; quy trình sẽ không chạy đúng. Hãy vẽ lại bằng các phần tử được hỗ trợ.",
    "lane.missing_role": "Bước xử lý chưa gán vai trò: hãy đặt bước vào một làn có thuộc tính «role» (làn hiện tại: «{lane}»).",
    "assignment.invalid": "Cách gán người xử lý không hợp lệ: «{value}». Dùng role=MÃ_VAI_TRÒ và scope=case|parent|level:CẤP|unit:MÃ, hoặc assignee=data:TRƯỜNG.",
    "task.missing_form": "Bước xử lý chưa có biểu mẫu: thêm thuộc tính «formJsonSchemaFilename».",
    "form.missing_file": "Không tìm thấy tệp biểu mẫu «{file}» bên cạnh tệp BPMN.",
    "form.invalid_json": "Tệp biểu mẫu không phải JSON hợp lệ: {detail}.",
    "form.invalid_schema": "Biểu mẫu không đúng chuẩn JSON Schema: {detail}.",
    "form.json_syntax": "Tệp biểu mẫu không phải JSON hợp lệ ở dòng {line}, cột {column}: {json_error}.",
    "form.schema_keyword": "Biểu mẫu không đúng chuẩn JSON Schema: «{keyword}» tại {schema_path} có giá trị {value} không hợp lệ ({schema_rule} {expected}).",
    "form.not_object": "Biểu mẫu phải mô tả một đối tượng (\"type\": \"object\").",
    "gateway.unconditioned_flow": "Luồng ra của cổng «{gateway}» không có điều kiện và không phải luồng mặc định.",
    "timer.missing_value": "Sự kiện hẹn giờ chưa có giá trị thời gian (timeDuration, timeDate hoặc timeCycle).",
    "access.unknown_policy": "Chính sách tiếp cận «{value}» không hợp lệ: chỉ dùng «unit» hoặc «need_to_know».",
    "deadline.invalid": "Thời hạn «{value}» không đúng dạng ISO 8601 (ví dụ P30D là 30 ngày).",
    "form.rule_unknown_field": "Quy tắc {keyword} của biểu mẫu nhắc đến trường «{field}» nhưng biểu mẫu không có trường này: sửa tên trường (docs/designer.md, mục «Form keywords»).",
    "form.unit_rule_invalid": "Trường «{field}» khai báo cấp tổ chức không đúng ở «{detail}»: cấp chỉ có central, province, commune, cell; x-unit-where dùng các khóa level, within, outside, not (thêm case), contains (tên một trường của biểu mẫu) và by (docs/designer.md).",
    "register.unknown": "Trường «{field}» lấy số từ sổ đăng ký «{register}» nhưng danh mục sổ (workflows/registers.py) không có sổ này. Các sổ có: {known}.",
    "register.invalid": "Trường «{field}» khai báo x-register không đúng: dùng trên trường kiểu chuỗi, dạng \"x-register\": \"MÃ_SỔ\" hoặc {{\"register\": \"MÃ_SỔ\", \"format\": \"ordinal\", \"document_type\": \"Quyết định\"}} (các khóa format, document_type không bắt buộc; docs/registers.md).",
    "register.unknown_document_type": "Trường «{field}» cho số theo thể loại văn bản «{document_type}» nhưng danh mục thể loại (workflows/registers.py) không có thể loại này. Các thể loại có: {known}.",
    "register.document_type_unused": "Trường «{field}» khai báo thể loại văn bản (document_type) nhưng số của sổ «{register}» không ghi ký hiệu thể loại: bỏ document_type hoặc dùng sổ văn bản đi.",
    # validation rules and files drawn in other tools (engine/lint.py, engine/dialects.py, docs/interop.md)
    "datastore.no_implementation": "Kho dữ liệu «{name}» (dataStore) chưa có cài đặt trong quytrinh nên không chạy được. Hãy bỏ kho dữ liệu khỏi sơ đồ hoặc thay bằng đối tượng dữ liệu (data object) của hồ sơ.",
    "event.missing_ref": "Sự kiện {kind} ({event}) chưa chỉ rõ {kind} nào (thiếu tham chiếu, hoặc tham chiếu tới phần tử không tồn tại). Hãy chọn hoặc tạo {kind} có tên trong trình thiết kế.",
    "loop.unbounded": "Vòng lặp chuẩn chưa có điều kiện dừng: hãy đặt loopCondition hoặc loopMaximum.",
    "multi_instance.no_input": "Bước đa phiên bản chưa nói chạy bao nhiêu lần: hãy đặt loopCardinality (số lần) hoặc danh sách (loopDataInputRef, camunda:collection).",
    "call.missing_target": "Bước gọi quy trình (callActivity) chưa chọn quy trình được gọi: hãy đặt calledElement.",
    "call.unknown_process": "Quy trình được gọi «{process}» không có trong gói tải lên: hãy tải kèm tệp BPMN định nghĩa quy trình này.",
    "decision.missing": "Bước quy tắc nghiệp vụ chưa chỉ bảng quyết định (DMN): hãy đặt camunda:decisionRef hoặc spiffworkflow:calledDecisionId và tải kèm tệp DMN.",
    "timer.cycle_start": "Sự kiện bắt đầu hẹn giờ lặp lại (timeCycle) chưa được hỗ trợ: hồ sơ do người dùng mở. Hãy dùng timeDate/timeDuration hoặc bỏ hẹn giờ ở sự kiện bắt đầu.",
    "group.unknown": "Nhóm «{group}» (candidateGroups hoặc tên làn) không phải vai trò trong mô hình tổ chức và chưa được khai báo ánh xạ trong workflows/interop.py (ASSIGNMENTS). Hãy đổi thành mã vai trò (ví dụ cell_secretary@parent) hoặc nhờ quản trị viên khai báo ánh xạ.",
    "expression.untranslatable": "Biểu thức «{expression}» ({kind}) không chuyển được sang ngôn ngữ biểu thức của quytrinh. Hãy viết lại ở dạng đơn giản (ví dụ ${{approved}}, ${{amount > 1000 && region == 'HN'}}) hoặc bằng cú pháp của quytrinh (docs/scripts.md).",
    "timer.cron_untranslatable": "Biểu thức cron «{expression}» không phải một chu kỳ cố định (mỗi N giây, phút hoặc giờ). Hãy dùng chu kỳ ISO 8601, ví dụ R/PT5M.",
    "subprocess.no_start": "Quy trình con không có sự kiện bắt đầu và không xác định được bước đầu tiên: hãy thêm sự kiện bắt đầu.",
    "assignment.untranslatable": "Cách giao việc «{value}» dùng biểu thức mà quytrinh không chuyển được. Hãy dùng tên nhóm, ${{biến}} chứa tên người dùng, hoặc thuộc tính role/assignee (docs/lanes.md).",
    "assignment.several_groups": "Bước được giao cho nhiều nhóm «{value}» ứng với các vai trò khác nhau; mỗi bước của quytrinh chỉ giao cho một vai trò. Hãy giữ lại một nhóm.",
    "assignment.unbound_user": "Bước được giao cố định cho người dùng «{user}» của công cụ khác. quytrinh giao việc theo vai trò: hãy dùng candidateGroups, ${{biến}}, hoặc nhờ quản trị viên khai báo ánh xạ «{user}» trong workflows/interop.py.",
    "assignment.unbound_call": "Cách giao việc «{value}» gọi «{binding}» của công cụ khác để tìm người xử lý, nhưng lời gọi này chưa được ánh xạ tới chức năng đã đăng ký (workflows/interop.py SERVICES → workflows/functions.py). Hãy nhờ quản trị viên khai báo ánh xạ tới một chức năng trả về tên người dùng, hoặc dùng tên nhóm hay ${{biến}} chứa tên người dùng.",
    "form.unreadable_key": "Biểu mẫu «{key}» (formKey) nằm ngoài tệp BPMN nên quytrinh không đọc được. Hãy đặt tệp JSON Schema «{file}» bên cạnh tệp BPMN, hoặc khai báo các trường biểu mẫu (camunda:formData / formProperty).",
    "form.embedded_unreadable": "Biểu mẫu nhúng «{form}» (zeebe:formDefinition camunda-forms:bpmn:…): {why}. Hãy lưu lại biểu mẫu trong Camunda Modeler, hoặc đặt tệp JSON Schema bên cạnh tệp BPMN và trỏ formKey tới tệp đó.",
    "form.untranslatable": "Biểu mẫu nhúng «{form}» (Camunda Forms), thành phần «{component}»: {feature} không chuyển được sang biểu mẫu JSON Schema của quytrinh. Hãy bỏ phần đó khỏi biểu mẫu, hoặc đặt tệp JSON Schema bên cạnh tệp BPMN và trỏ formKey tới tệp đó.",
    "mapping.untranslatable": "Ánh xạ biến «{mapping}» không chạy được như ở công cụ gốc: {why}. Hãy bỏ ánh xạ này, hoặc đặt biến bằng bước kịch bản (scriptTask) của quytrinh (docs/interop.md).",
    "form.key_mapped": "Biểu mẫu «{key}» được thay bằng tệp JSON Schema «{file}».",
    "script.foreign": "Phần tử {construct} ({language}) của công cụ khác chạy mã Java/Groovy/JavaScript mà quytrinh không chạy được. Hãy bỏ nó, hoặc thay bằng bước kịch bản (scriptTask) viết bằng ngôn ngữ của quytrinh (docs/scripts.md).",
    "service.missing_implementation": "Bước dịch vụ chưa nói gọi chức năng nào: hãy đặt camunda:class, camunda:expression, camunda:topic (hoặc spiffworkflow:serviceTaskOperator) ứng với một chức năng đã đăng ký.",
    "service.unbound": "Bước dịch vụ dùng «{binding}» nhưng chưa được ánh xạ tới chức năng đã đăng ký (workflows/interop.py SERVICES → workflows/functions.py). Hãy nhờ quản trị viên khai báo ánh xạ.",
    "service.arguments": "Lời gọi chức năng «{function}» có {given} tham số nhưng chức năng chỉ nhận {expected}.",
    # notes: what the rewrite of a file from another tool did (shown by validate, kept with the version)
    "process.executable_assumed": "Quy trình không ghi isExecutable: coi là được thực thi (như Camunda, Flowable, SpiffWorkflow).",
    "process.not_executable_skipped": "Quy trình được đánh dấu isExecutable=\"false\" (ví dụ bể của bên ngoài): chỉ để minh họa, không chạy.",
    "timer.cron_translated": "Biểu thức cron «{expression}» được chuyển thành chu kỳ {value} (tính từ lúc bắt đầu chờ, không theo giờ đồng hồ).",
    "gateway.default_assumed": "Luồng không điều kiện «{flow}» đứng cuối nên được coi là luồng mặc định (như Camunda chọn luồng đầu tiên thỏa mãn).",
    "assignment.call_bound": "Người xử lý «{value}» được tính bằng chức năng «{function}» mỗi khi bước bắt đầu (như Camunda tính khi tạo việc); tên người dùng lưu ở trường «{field}».",
    "assignment.default_applied": "Bước không nêu người xử lý: giao cho «{assignment}» theo khai báo mặc định của quản trị viên (workflows/interop.py, khóa «*»).",
    "subprocess.start_added": "Đã thêm sự kiện bắt đầu trước các bước không có luồng vào: {nodes}.",
    "flow.implicit_split": "Bước có {count} luồng ra được tách bằng cổng {gateway} (tách nhánh ngầm định theo BPMN).",
    "element.duplicate_removed": "Phần tử được viết lặp lại y hệt (lần đầu ở dòng {line}): chỉ giữ một.",
    "form.confirmation": "Bước không có biểu mẫu: người xử lý chỉ xác nhận đã hoàn thành (như Camunda, Flowable).",
    "task.pass_through": "Bước chưa xác định loại (bpmn:task) của công cụ khác được cho đi qua, không giao cho ai (như Camunda, Flowable).",
    "form.generated": "Đã tạo biểu mẫu JSON Schema gồm {fields} trường từ khai báo formData/formProperty.",
    "form.start_inputs": "Quy trình đọc các biến chưa được bước nào đặt ({fields}): hỏi chúng ở biểu mẫu mở hồ sơ (Camunda/Flowable nhận chúng khi khởi tạo qua API).",
    "mapping.translated": "Ánh xạ biến chạy bằng kịch bản của bước: đặt {inputs} khi bước bắt đầu, chép {outputs} khi bước xong, rồi bỏ các biến cục bộ {removed}.",
    "mapping.kept": "Ánh xạ biến của bước gọi quy trình giữ nguyên tên hoặc chuyển mọi biến ({mappings}): quy trình được gọi nhận và trả lại dữ liệu của hồ sơ như vậy.",
    "service.bound": "Bước dịch vụ «{binding}» gọi chức năng «{function}».",
    "service.expression_evaluated": "Biểu thức dịch vụ «{expression}» không gọi chức năng nào: chỉ tính giá trị.",
    # scripts
    "script.syntax": "Biểu thức hoặc kịch bản sai cú pháp ở dòng {line}: {detail}.",
    "script.not_allowed": "Kịch bản dùng thành phần không được phép: {construct} {detail}.",
    "script.limit": "Kịch bản vượt giới hạn an toàn ({limit}).",
    "script.failed": "Kịch bản bị lỗi: {explanation} ({technical}).",
    "script.name_undefined": "Kịch bản dùng biến «{name}» chưa có trong dữ liệu hồ sơ.",
    "engine.failed": "Bộ máy quy trình báo lỗi: {detail}",
    # cases
    "case.not_found": "Không tìm thấy hồ sơ {number}.",
    "case.not_running": "Hồ sơ {number} không còn đang xử lý (trạng thái: {status}).",
    "case.classified": "Bạn không được tiếp cận hồ sơ ở mức mật này.",
    "case.invalid_classification": "Độ mật «{classification}» không hợp lệ.",
    "case.reason_required": "Vui lòng ghi lý do.",
    "case.cancel_not_allowed": "Chỉ người mở hồ sơ hoặc quản trị viên mới được hủy hồ sơ.",
    "case.not_failed": "Hồ sơ {number} không ở trạng thái lỗi nên không cần chạy lại.",
    "case.step_failed": "Không thực hiện được bước «{step}»: {reason_text} Hồ sơ chuyển sang trạng thái lỗi; dữ liệu đã nhập được giữ lại để chạy lại sau khi khắc phục.",
    "case.no_changes": "Chưa có dữ liệu nào cần sửa.",
    "case.unknown_fields": "Không sửa được trường {fields}: đó không phải trường của biểu mẫu nào trong quy trình (dữ liệu hệ thống không được sửa).",
    "case.open_token_used": "Biểu mẫu này đã được dùng để mở một hồ sơ khác: hãy tải lại trang rồi gửi lại.",
    "case.unit_cannot_process": "Không thể mở hồ sơ «{process}» tại «{unit}»: ở đó không có ai giữ vai trò «{role}» để xử lý. Hãy chọn đúng tổ chức đảng (ví dụ chi bộ của mình).",
    "message.not_waiting": "Hồ sơ không chờ thông điệp «{name}».",
    "signal.not_waiting": "Hồ sơ không chờ tín hiệu «{name}».",
    "register.cannot_number": "Không cho được số theo «{register}»: {what} «{value}» không có trong danh mục để ghi số, ký hiệu.",
    "repair.step_never_opened": "Bước «{element}» chưa từng được mở trong hồ sơ {number}, không thể trả hồ sơ về bước này.",
    "repair.replay_failed": "Không dựng lại được hồ sơ {number} từ nhật ký: {detail}",
    # assignment
    "assignment.missing": "Bước «{element}» chưa được gán người xử lý.",
    "assignment.unresolved": "Không xác định được người xử lý bước «{element}».",
    "assignment.no_unit": "Không tìm thấy tổ chức đảng xử lý bước «{element}» (phạm vi «{scope}» tính từ «{unit}»).",
    "assignment.no_user": "Bước «{element}» cần người xử lý ghi ở trường «{field}» nhưng trường này trống.",
    "assignment.unknown_user": "Không tìm thấy người dùng «{username}» (trường «{field}») để giao bước «{element}».",
    "assignment.nobody_cleared": "Không thể giao bước «{element}»: trong {unit} chưa ai giữ vai trò «{role}» được cấp "
                                 "độ tiếp cận bí mật của hồ sơ ({level_name}). Hãy hạ độ mật nếu đúng quy định, hoặc "
                                 "đề nghị quản trị cấp độ tiếp cận cho người phụ trách.",
    "assignment.not_cleared": "Không thể giao bước «{element}» cho «{username}» (trường «{field}»): người này chưa "
                              "được cấp độ tiếp cận bí mật của hồ sơ ({level_name}). Hãy chọn người khác.",
    # tasks
    "task.not_found": "Không tìm thấy nhiệm vụ {task}.",
    "task.already_completed": "Nhiệm vụ này đã được xử lý xong, không thể hoàn thành lần nữa.",
    "task.claimed_by_other": "Nhiệm vụ này đã được người khác nhận xử lý.",
    "task.not_entitled": "Bạn không giữ vai trò được giao nhiệm vụ này.",
    "task.already_yours": "Bạn đã nhận nhiệm vụ này rồi.",
    "task.not_claimed_by_you": "Bạn chưa nhận nhiệm vụ này nên không thể trả lại.",
    "task.delegate_not_entitled": "Không thể chuyển cho «{username}»: người này không giữ vai trò xử lý bước này.",
    "inbox.invalid_filter": "Bộ lọc hộp việc không hợp lệ.",
    # forms
    "form.invalid": "Biểu mẫu có {count} trường chưa đúng.",
    "form.too_large": "Dữ liệu biểu mẫu quá lớn.",
    "signature.invalid": "Chữ ký số không hợp lệ.",
    # digital signatures, certificates, generated documents (signatures issue; docs/signatures.md)
    "signature.pin_required": "Bước «{step}» cần chữ ký số: vui lòng nhập mã PIN của khóa ký.",
    "signature.wrong_pin": "Mã PIN không đúng. Còn {remaining} lần thử trước khi khóa ký bị khóa.",
    "signature.pin_malformed": "Mã PIN gồm từ {min_length} đến {max_length} ký tự: hãy nhập lại (lần nhập này không bị tính là sai).",
    "signature.pin_locked": "Khóa ký đã bị khóa vì nhập sai mã PIN {max_attempts} lần. Vui lòng liên hệ phòng Cơ yếu – CNTT để mở khóa.",
    "signature.pin_weak": "Mã PIN chưa đủ an toàn: cần ít nhất {min_length} ký tự, không phải một ký tự lặp lại hay dãy số liên tiếp.",
    "signature.no_certificate": "Bạn chưa có chứng thư số để ký. Hãy đề nghị cấp chứng thư số (trang «Chứng thư số của tôi»).",
    "signature.certificate_other_unit": "Chứng thư số {serial} của bạn cấp cho «{certificate_unit}», không phải cho «{unit}» nơi bạn xử lý bước này. Hãy đề nghị cấp chứng thư số cho đơn vị này.",
    "signature.certificate_not_activated": "Chứng thư số {serial} chưa được kích hoạt: hãy hoàn thành bước «Kích hoạt chứng thư số».",
    "signature.certificate_revoked": "Chứng thư số {serial} đã bị thu hồi (từ {revoked_at}): không thể dùng để ký.",
    "signature.certificate_expired": "Chứng thư số {serial} đã hết hạn ({not_after}): hãy đề nghị gia hạn.",
    "signature.certificate_not_yet_valid": "Chứng thư số {serial} chưa đến thời hạn có hiệu lực ({not_before}).",
    "signature.certificate_unsuitable": "Chứng thư số không được phép dùng để ký văn bản.",
    "signature.certificate_unknown": "Chứng thư số không do tổ chức chứng thực nội bộ cấp.",
    "signature.malformed": "Dữ liệu chữ ký số bị hỏng, không đọc được.",
    "signature.unsupported_algorithm": "Chữ ký số dùng thuật toán không được hỗ trợ.",
    "signature.content_mismatch": "Nội dung đã ký bị thay đổi sau khi ký.",
    "signature.chain_invalid": "Chứng thư số không dẫn về chứng thư gốc tin cậy.",
    "signature.time_mismatch": "Thời điểm ký ghi trong chữ ký khác với thời điểm ghi trong nhật ký hồ sơ.",
    "signature.key_store_invalid": "Khóa ký lưu trữ bị hỏng hoặc không đúng định dạng. Vui lòng liên hệ phòng Cơ yếu – CNTT.",
    "signature.key_mismatch": "Khóa ký không khớp với chứng thư số.",
    "signature.key_unsupported": "Loại khóa không được hỗ trợ (cần RSA từ 2048 bit).",
    "signature.token_unavailable": "Không dùng được thiết bị ký số (token «{token}»): kiểm tra thiết bị đã cắm và đúng khóa.",
    "signature.ca_passphrase_invalid": "Mật khẩu của tổ chức chứng thực nội bộ (QUYTRINH_CA_PASSPHRASE) không đúng.",
    "signature.validity_invalid": "Thời hạn hiệu lực của chứng thư không hợp lệ.",
    "signature.revocation_invalid": "Yêu cầu thu hồi không hợp lệ (lý do hoặc thời điểm).",
    "signature.already_revoked": "Chứng thư số {serial} đã bị thu hồi trước đó.",
    "signature.crl_invalid": "Danh sách chứng thư bị thu hồi (CRL) không hợp lệ.",
    "signature.missing": "Bước này bắt buộc ký số nhưng không có chữ ký.",
    "signature.decision_missing": "Nhật ký không giữ nội dung quyết định đã ký.",
    "signature.journal_mismatch": "Nội dung đã ký không khớp với nhật ký hồ sơ (trường «{field}»).",
    "signature.signer_mismatch": "Người ký không phải người được ghi trong nhật ký, hoặc chứng thư {serial} không được cấp cho người này.",
    "signature.role_not_held": "Người ký «{username}» không giữ vai trò «{role}» tại «{unit}» vào thời điểm ký.",
    "signature.file_changed": "Tệp «{name}» đã bị thay đổi sau khi ký (mã băm không khớp).",
    "signature.document_signature_invalid": "Chữ ký số của văn bản «{name}» không hợp lệ.",
    "ca.not_initialised": "Chưa khởi tạo tổ chức chứng thực nội bộ (chạy «quytrinh demo load» hoặc liên hệ quản trị viên).",
    "certificate.not_found": "Không tìm thấy chứng thư số {serial}.",
    "certificate.invalid_reason": "Lý do thu hồi «{reason}» không hợp lệ.",
    "certificate.no_holder": "Hồ sơ không xác định được người được cấp chứng thư số.",
    "certificate.not_holder": "Chỉ người được cấp chứng thư số mới thực hiện được bước này.",
    "certificate.token_required": "Vui lòng nhập nhãn thiết bị ký số (token) để tạo khóa trên thiết bị.",
    "certificate.no_pending_key": "Hồ sơ {number} chưa có cặp khóa chờ cấp chứng thư.",
    "certificate.not_issued": "Chứng thư số của hồ sơ này chưa được cấp.",
    "certificate.none_to_revoke": "Không có chứng thư số còn hiệu lực để thu hồi ({serial}).",
    "certificate.pin_mismatch": "Hai lần nhập mã PIN không giống nhau.",
    "effect.unknown": "Quy trình yêu cầu thao tác «{effect}» mà hệ thống không có.",
    "document.not_found": "Không tìm thấy văn bản.",
    "document.not_signed": "Văn bản này chưa được ký số.",
    "document.above_clearance": "Văn bản này chứa thông tin ở độ mật cao hơn độ tiếp cận của bạn (ví dụ: danh tính "
                                "người tố cáo), nên không được mở.",
    # web application: sign-in, API, attachments, notifications (issue 4)
    "auth.invalid_token": "Mã truy cập API không hợp lệ hoặc đã bị thu hồi.",
    "auth.login_required": "Vui lòng đăng nhập để tiếp tục.",
    "token.invalid_name": "Tên mã truy cập phải có từ 1 đến 100 ký tự.",
    "token.not_found": "Không tìm thấy mã truy cập.",
    "attachment.no_file": "Vui lòng chọn tệp để tải lên.",
    "attachment.too_large": "Tệp quá lớn: chỉ được tối đa {limit_mb} MB.",
    "attachment.empty": "Tệp rỗng, không có nội dung.",
    "attachment.type_not_allowed": "Loại tệp không được phép. Chỉ nhận: {allowed} (kiểm tra theo nội dung tệp, không chỉ theo đuôi tên tệp).",
    "attachment.not_allowed": "Bạn không được đính kèm tệp vào hồ sơ này: chỉ người nộp hồ sơ và người đang xử lý bước hiện tại.",
    "attachment.not_found": "Không tìm thấy tệp đính kèm.",
    "attachment.missing_file": "Tệp đính kèm không còn trong kho lưu trữ. Vui lòng báo quản trị viên.",
    "attachment.corrupted": "Tệp đính kèm trong kho lưu trữ không khớp mã băm đã ghi. Vui lòng báo quản trị viên.",
    "notification.not_found": "Không tìm thấy thông báo.",
    "cases.invalid_filter": "Bộ lọc hồ sơ không hợp lệ.",
    "case.unit_required": "Vui lòng chọn tổ chức đảng nhận hồ sơ.",
    "csrf.invalid": "Phiên làm việc đã hết hạn hoặc biểu mẫu không hợp lệ. Vui lòng tải lại trang rồi thực hiện lại.",
    "api.invalid_json": "Nội dung yêu cầu phải là một đối tượng JSON.",
    "api.unauthorized": "Cần đăng nhập, hoặc gửi mã truy cập API trong tiêu đề «Authorization: Bearer …».",
    "http.bad_request": "Yêu cầu không hợp lệ.",
    "http.not_found": "Không tìm thấy trang hoặc tài nguyên được yêu cầu.",
    "http.method_not_allowed": "Thao tác này không được hỗ trợ tại địa chỉ này.",
    "http.too_large": "Dữ liệu gửi lên quá lớn: chỉ được tối đa {limit_mb} MB.",
    "http.internal": "Lỗi hệ thống không mong đợi. Sự cố đã được ghi lại; vui lòng thử lại sau.",
    # process designer: drafts, uploads, versions (engine/services/designer.py)
    "designer.required": "Chỉ người thiết kế quy trình hoặc quản trị viên mới được dùng trình thiết kế.",
    "draft.not_found": "Không tìm thấy bản nháp quy trình {draft}.",
    "draft.changed": "Bản nháp vừa được {by} lưu (lần lưu thứ {revision}). Hãy tải lại trang để xem bản mới nhất trước khi lưu.",
    "draft.invalid_key": "Mã quy trình «{key}» không hợp lệ: dùng chữ thường không dấu, số và dấu gạch dưới, bắt đầu bằng chữ (ví dụ ket_nap_dang_vien).",
    "draft.key_exists": "Đã có quy trình mã «{key}». Hãy mở quy trình đó để sửa, hoặc chọn mã khác.",
    "draft.name_required": "Vui lòng nhập tên quy trình.",
    "draft.invalid_file_name": "Tên tệp «{name}» không hợp lệ: chỉ nhận tệp .bpmn, .dmn, .json, .xml, đường dẫn tương đối trong gói.",
    "draft.too_large": "Gói tệp quá lớn: tối đa {limit_mb} MB.",
    "draft.no_bpmn": "Chưa có tệp BPMN (.bpmn) trong các tệp gửi lên.",
    "draft.main_missing": "Tệp BPMN chính «{main}» không có trong các tệp gửi lên: hãy gửi kèm tệp này hoặc chọn một tệp .bpmn có trong gói.",
    "upload.replaces_existing": "Tệp có quy trình mã «{key}» trùng với thủ tục đang dùng «{name}» (phiên bản {version}): triển khai sẽ thay thủ tục này bằng phiên bản {next} cho mọi hồ sơ mở từ nay. Nếu đúng ý, hãy đánh dấu «Triển khai thành phiên bản mới» rồi triển khai lại; nếu không, hãy đổi mã (id) của quy trình trong tệp.",
    "upload.not_utf8": "Tệp «{name}» không phải văn bản UTF-8: hãy lưu lại tệp với mã hóa UTF-8.",
    "draft.several_bpmn": "Có nhiều tệp BPMN độc lập ({files}): mỗi lần chỉ tải lên một quy trình (kèm các quy trình nó gọi).",
    # auditor: step-through, checkpoints, dossier, archive (docs/audit.md)
    "audit.required": "Chỉ Ủy ban Kiểm tra hoặc quản trị viên mới được dùng chức năng kiểm tra hồ sơ.",
    "audit.invalid_period": "Khoảng thời gian không hợp lệ: ngày bắt đầu phải trước ngày kết thúc.",
    "audit.invalid_date": "Ngày «{value}» không hợp lệ: hãy chọn ngày trên lịch hoặc nhập theo dạng năm-tháng-ngày (ví dụ 2026-11-26).",
    "archive.required": "Chỉ Văn phòng cấp ủy, Ủy ban Kiểm tra hoặc quản trị viên mới được dùng kho lưu trữ điện tử.",
    "archive.case_not_closed": "Hồ sơ {number} chưa kết thúc (trạng thái: {status}) nên chưa nộp lưu được.",
    "archive.already_filed": "Hồ sơ {number} đã được nộp lưu (mã hồ sơ {file_code}); hồ sơ lưu trữ không sửa được.",
    "archive.not_found": "Không tìm thấy hồ sơ lưu trữ {file_code}.",
    "archive.dossier_changed": "Tệp hồ sơ điện tử {file_code} trong kho không còn khớp mã băm đã ghi khi nộp lưu. Vui lòng báo Ủy ban Kiểm tra.",
    "archive.record_changed": "Bản ghi lưu trữ đã bị sửa (không khớp con dấu số).",
    "dossier.clearance_above_own": "Không thể xuất hồ sơ cho người nhận có độ tiếp cận cao hơn độ tiếp cận của chính bạn.",
    "repair.invalid_json": "Dữ liệu sửa phải là một đối tượng JSON, ví dụ {{\"truong\": \"gia tri\"}}.",
    "repair.data_required": "Vui lòng nhập các trường cần sửa (một đối tượng JSON).",
    "repair.unknown_action": "Thao tác sửa chữa không hợp lệ.",
    "retention.invalid": "Thời hạn bảo quản «{value}» không hợp lệ: dùng P<số năm>Y (ví dụ P10Y) hoặc permanent (vĩnh viễn).",
}

#: Messages for one wrong field; ``{title}`` is the field's own title from its schema.
FIELD_VI: dict[str, str] = {
    "required": "«{title}» là bắt buộc.",
    "type": "«{title}» không đúng kiểu dữ liệu.",
    "minimum": "«{title}» phải lớn hơn hoặc bằng {limit}.",
    "maximum": "«{title}» phải nhỏ hơn hoặc bằng {limit}.",
    "x-not-more-than": "«{title}» không được lớn hơn «{other}».",
    "x-not-after": "«{title}» không được sau «{other}».",
    "x-not-before": "«{title}» không được trước «{other}».",
    "x-more-than-half-of": "«{title}» phải nhiều hơn một nửa «{other}» (Điều lệ Đảng: nghị quyết được thông qua khi quá nửa số đảng viên chính thức tán thành).",
    "x-member-unknown": "«{title}»: không có người dùng «{username}».",
    "x-not-self": "«{title}»: không được chọn chính mình.",
    "x-holders-of": "«{title}»: «{username}» không phải {role} của {unit}.",
    "x-unit-unknown": "«{title}»: không có tổ chức đảng mã «{code}».",
    "x-unit-level": "«{title}»: «{unit}» không phải là {unit_level}.",
    "x-unit-within": "«{title}»: «{unit}» không trực thuộc {other}.",
    "x-unit-outside": "«{title}»: «{unit}» trực thuộc {other}; hãy chọn tổ chức đảng ngoài {other}.",
    "x-unit-not": "«{title}»: không được chọn chính {unit}.",
    "x-unit-contains": "«{title}»: {other} không trực thuộc «{unit}».",
    "exclusiveMinimum": "«{title}» phải lớn hơn {limit}.",
    "exclusiveMaximum": "«{title}» phải nhỏ hơn {limit}.",
    "minLength": "«{title}» phải có ít nhất {limit} ký tự.",
    "maxLength": "«{title}» chỉ được tối đa {limit} ký tự.",
    "pattern": "«{title}» không đúng định dạng.",
    "format": "«{title}» không đúng định dạng ({limit}).",
    "enum": "«{title}» phải là một trong các giá trị cho phép.",
    "const": "«{title}» phải có giá trị {limit}.",
    "minItems": "«{title}» phải có ít nhất {limit} mục.",
    "maxItems": "«{title}» chỉ được tối đa {limit} mục.",
    "uniqueItems": "«{title}» không được có mục trùng nhau.",
    "additionalProperties": "Có trường không thuộc biểu mẫu: {fields}.",
    "multipleOf": "«{title}» phải là bội số của {limit}.",
    "register": "«{title}» do hệ thống tự cấp theo sổ đăng ký khi hoàn thành bước: không nhập số này.",
}

EVENT_VI: dict[str, str] = {
    "case.started": "Mở hồ sơ",
    "task.claimed": "Nhận xử lý",
    "task.released": "Trả lại nhiệm vụ",
    "task.delegated": "Chuyển người xử lý",
    "task.completed": "Hoàn thành bước",
    "timer.fired": "Đến hạn",
    "message.received": "Nhận thông điệp",
    "signal.received": "Nhận tín hiệu",
    "case.cancelled": "Hủy hồ sơ",
    "case.failed": "Lỗi khi xử lý",
    "case.retried": "Chạy lại",
    "case.data_corrected": "Sửa dữ liệu",
    "case.sent_back": "Trả về bước trước",
    "attachment.added": "Đính kèm tệp",
}

#: What the access log records (engine/services/access_log.py ACTIONS).
ACCESS_VI: dict[str, str] = {
    "case.view": "Xem hồ sơ",
    "case.audit": "Kiểm tra từng bước hồ sơ",
    "case.steps": "Tải dữ liệu các bước hồ sơ",
    "case.export": "Xuất hồ sơ điện tử",
    "case.replay": "Phát lại hồ sơ",
    "search": "Tìm kiếm hồ sơ",
    "archive.list": "Xem danh mục lưu trữ",
    "archive.view": "Xem hồ sơ lưu trữ",
    "archive.file": "Nộp lưu hồ sơ",
    "archive.retrieve": "Tải hồ sơ lưu trữ",
    "archive.export": "Xuất hồ sơ lưu trữ",
    "access_log.view": "Xem nhật ký truy cập",
    "document.download": "Tải văn bản",
    "attachment.download": "Tải tệp đính kèm",
}

#: The parameters an access log entry records with it (its ``detail``); a page number is not shown.
ACCESS_DETAIL_VI: dict[str, str] = {
    "process": "thủ tục", "unit": "tổ chức", "from": "mở từ ngày", "to": "đến ngày", "actor": "người thực hiện",
    "status": "trạng thái", "overdue": "chỉ hồ sơ quá hạn", "q": "từ khóa", "year": "năm", "number": "số hồ sơ",
    "file_code": "mã hồ sơ lưu trữ", "clearance": "cho người nhận có độ tiếp cận", "user": "người dùng",
    "file": "tệp", "sha256": "SHA-256",
}

#: In-app notifications (engine/services/notifications.py); ``{due}`` is shown as dd/mm/yyyy.
NOTIFICATION_VI: dict[str, str] = {
    "task.assigned": "Nhiệm vụ mới «{title}» — hồ sơ {case}",
    "case.returned": "Hồ sơ {case} được trả lại để bổ sung: «{title}»",
    "task.due_soon": "Sắp đến hạn ({due}): «{title}» — hồ sơ {case}",
    "task.delegated": "{by} chuyển cho bạn nhiệm vụ «{title}» — hồ sơ {case}",
    "case.ended": "Hồ sơ {case} ({case_title}) đã kết thúc",
    "case.ended.outcome": "Hồ sơ {case} ({case_title}) đã kết thúc: {outcome}",
    "case.ended.cancelled": "Hồ sơ {case} ({case_title}) đã bị hủy",
}


#: Vietnamese words for the values of some parameters (what a script tried, which limit it hit).
PARAM_VI: dict[str, dict[str, str]] = {
    "unit_level": {"central": "Trung ương", "province": "một đảng bộ tỉnh, thành phố",
                   "commune": "một đảng bộ xã, phường", "cell": "một chi bộ"},
    "limit": {"time": "thời gian chạy", "steps": "số bước tính toán", "memory": "bộ nhớ", "length": "độ dài dữ liệu",
              "power": "độ lớn của lũy thừa", "integer": "độ lớn của số", "range": "độ dài dãy số",
              "nesting": "độ sâu lồng nhau", "source": "độ dài mã"},
    "what": {"document_type": "thể loại văn bản", "issuer": "cấp tổ chức ban hành"},
    "kind": {"message": "thông điệp", "signal": "tín hiệu", "error": "lỗi", "escalation": "chuyển cấp",
             "mapping": "ánh xạ biến"},
    "why": {"event": "quytrinh không chạy kịch bản ở sự kiện (event), nên không đặt hay chép được biến của nó",
            "subprocess": "biến cục bộ của quy trình con được mọi bước bên trong nhìn thấy; quytrinh không giữ được phạm vi đó",
            "loop": "ở bước lặp, mỗi lượt có biến cục bộ riêng; quytrinh không giữ được phạm vi đó",
            "results_local": "khi có ánh xạ đầu ra, Zeebe giữ kết quả của bước (của job, bảng quyết định hay quy trình được gọi) làm biến cục bộ; quytrinh không biết trước tên các kết quả đó",
            "target": "tên biến phải là một tên đơn giản (chữ cái, chữ số, «_»), không phải đường dẫn a.b, biểu thức hay tên có dấu cách",
            "structure": "giá trị danh sách hay bảng (camunda:list, camunda:map) chưa được hỗ trợ",
            "local": "chỉ chuyển biến cục bộ (local=\"true\") chưa được hỗ trợ: quytrinh chuyển mọi biến của hồ sơ",
            "shadows": "ở công cụ gốc đây là biến cục bộ của bước, nhưng bước khác của quy trình cũng dùng tên này; quytrinh chỉ có một bộ biến cho mỗi hồ sơ nên sẽ ghi đè hoặc xóa giá trị của bước kia",
            "missing": "tệp không có biểu mẫu nhúng (zeebe:userTaskForm) mang mã này",
            "json": "nội dung không phải JSON của Camunda Forms (cần một danh sách components)"},
    "feature": {"conditional": "điều kiện ẩn/hiện (conditional)", "valuesKey": "danh sách lựa chọn lấy từ biến (valuesKey)",
                "valuesExpression": "danh sách lựa chọn tính bằng biểu thức (valuesExpression)",
                "expression": "giá trị tính bằng biểu thức FEEL («=…»)", "readonly": "trường chỉ đọc (readonly)",
                "disabled": "trường bị khóa (disabled)", "key": "trường không có khóa (key)",
                "filepicker": "chọn tệp (filepicker)", "group": "nhóm trường (group)",
                "dynamiclist": "danh sách lặp (dynamiclist)", "iframe": "khung nhúng (iframe)", "html": "HTML (html)",
                "table": "bảng (table)", "image": "hình ảnh (image)", "documentPreview": "xem tài liệu (documentPreview)",
                "datetime": "ngày giờ không phải kiểu ngày (datetime)", "radio": "lựa chọn không có giá trị (values)",
                "select": "lựa chọn không có giá trị (values)", "checklist": "lựa chọn không có giá trị (values)",
                "taglist": "lựa chọn không có giá trị (values)"},
    "xsd_type": {"xs:ID": "một mã định danh bắt đầu bằng chữ cái hoặc «_», không có dấu cách hay dấu «:»",
                 "xs:IDREF": "mã (id) của một phần tử có trong tệp, bắt đầu bằng chữ cái hoặc «_»",
                 "xs:boolean": "true hoặc false", "xs:integer": "một số nguyên", "xs:int": "một số nguyên",
                 "xs:double": "một số", "xs:decimal": "một số", "xs:anyURI": "một địa chỉ URI",
                 "xs:QName": "một tên, có thể kèm tiền tố đã khai báo (ví dụ bpmn:Message)"},
    "json_error": {"property_name": "tên thuộc tính phải đặt trong dấu ngoặc kép \"…\" (và không có dấu phẩy thừa trước «}»)",
                   "value": "thiếu giá trị ở đây (dấu phẩy thừa, chuỗi viết trong ngoặc đơn thay vì ngoặc kép, hoặc tệp rỗng)",
                   "comma": "thiếu dấu phẩy giữa hai mục, hoặc thiếu dấu đóng «}» hay «]»",
                   "colon": "thiếu dấu hai chấm «:» sau tên thuộc tính", "string": "chuỗi chưa có dấu ngoặc kép đóng",
                   "control": "chuỗi chứa ký tự xuống dòng hoặc tab: hãy viết \\n hoặc \\t",
                   "escape": "dấu «\\» trong chuỗi phải viết là «\\\\»",
                   "extra": "còn nội dung sau khi đối tượng JSON đã kết thúc (thừa dấu «}» hoặc hai đối tượng liền nhau)"},
    "schema_path": {"/": "gốc biểu mẫu"},
    "schema_rule": {"type_name": "chỉ nhận string, number, integer, boolean, object, array, null hoặc một danh sách các kiểu đó",
                    "type": "cần kiểu", "enum": "chỉ nhận một trong", "minimum": "không được nhỏ hơn",
                    "minItems": "danh sách không được rỗng", "uniqueItems": "các phần tử không được trùng nhau",
                    "anyOf": "không khớp dạng nào được phép", "oneOf": "không khớp dạng nào được phép",
                    "required": "thiếu thuộc tính bắt buộc", "additionalProperties": "có thuộc tính không được phép",
                    "pattern": "không đúng mẫu", "const": "không đúng giá trị cố định"},
    "construct": {"Import": "lệnh import", "ImportFrom": "lệnh import", "function": "hàm", "attribute": "thuộc tính",
                  "name": "tên", "FunctionDef": "định nghĩa hàm", "AsyncFunctionDef": "định nghĩa hàm",
                  "ClassDef": "định nghĩa lớp", "Lambda": "hàm lambda", "With": "khối with", "Try": "khối try",
                  "Raise": "lệnh raise", "Global": "lệnh global", "Nonlocal": "lệnh nonlocal", "Assert": "lệnh assert",
                  "format": "định dạng chuỗi", "service": "dịch vụ chưa đăng ký", "call": "lời gọi",
                  "subscript": "gán phần tử", "assignment": "phép gán", "del": "lệnh del", "feature": "tính năng",
                  "Yield": "lệnh yield", "Await": "lệnh await", "NamedExpr": "phép gán trong biểu thức",
                  "break": "lệnh break ngoài vòng lặp", "environment": "môi trường thực thi", "type": "kiểu dữ liệu"},
}


#: What an ordinary Python error of a designer's script means (engine/scripting.py reports its type and text);
#: ``TYPE/what`` are the cases :func:`_script_failure` recognises in the text, ``{value}`` the value it names.
SCRIPT_ERROR_VI: dict[str, str] = {
    "ZeroDivisionError": "chia cho 0",
    "ValueError": "giá trị không hợp lệ cho phép tính hoặc hàm",
    "ValueError/number": "giá trị «{value}» không phải là số",
    "ValueError/unpacking": "số giá trị không khớp với số biến được gán",
    "TypeError": "sai kiểu dữ liệu, ví dụ cộng số với chuỗi hay nhân danh sách với chuỗi",
    "TypeError/iterable": "sai kiểu dữ liệu — giá trị không phải danh sách nên không lặp qua được",
    "IndexError": "không có phần tử ở vị trí này vì danh sách hoặc chuỗi ngắn hơn",
    "KeyError": "không có khóa «{value}» trong dữ liệu",
    "NameError": "biến «{value}» chưa có giá trị",
    "AttributeError": "giá trị không có thuộc tính này",
    "OverflowError": "số quá lớn",
    "": "lỗi khi chạy",
}

_SCRIPT_ERROR_TEXTS = (   # (type, what, pattern of Python's text whose group "value" is the value named)
    # the text may be cut before its closing quote (engine/scripting.py keeps 200 characters)
    ("ValueError", "number", re.compile(r"^(?:invalid literal for int\(\) with base \d+|could not convert string to "
                                        r"float): (?P<q>['\"])(?P<value>.*?)(?P=q)?$", re.S)),
    ("ValueError", "unpacking", re.compile(r"^unpacking length$|^(?:too many|not enough) values to unpack")),
    ("TypeError", "iterable", re.compile(r"^not iterable$|is not iterable$")),
    ("KeyError", "", re.compile(r"^(?P<q>['\"]?)(?P<value>.+)(?P=q)$", re.S)),
    ("NameError", "", re.compile(r"^name (?P<q>['\"])(?P<value>.*)(?P=q) is not defined$")),
)
_TECHNICAL_LENGTH = 80


def _script_failure(params: dict) -> dict:
    """``explanation`` and ``technical`` for a ``script.failed``: the Vietnamese meaning of the Python error,
    then its type and a short text of it for the administrator."""
    error, detail = str(params.get("error") or ""), str(params.get("detail") or "")
    explanation = SCRIPT_ERROR_VI.get(error, SCRIPT_ERROR_VI[""])
    for kind, what, pattern in _SCRIPT_ERROR_TEXTS:
        found = pattern.search(detail) if kind == error else None
        if found:
            explanation = SCRIPT_ERROR_VI[f"{kind}/{what}" if what else kind]
            if found.groupdict().get("value"):
                explanation = explanation.format(value=_short(found.group("value"), 40))
            break
    explanation = explanation.replace(" «{value}»", "")   # nothing to name (empty, or too long to be reported)
    short = _short(detail, _TECHNICAL_LENGTH)
    return {"explanation": explanation, "technical": f"{error}: {short}" if short and error else error or short}


def _short(text: str, limit: int) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[:limit - 1] + "…"


#: Parameters computed from the recorded ones before a code's text is rendered.
def _problem_count(params: dict) -> dict:
    """"201 lỗi" was said of a list capped at 200 problems: "hơn 200 lỗi"."""
    return {"count_text": f"hơn {params.get('count')}" if params.get("more") else params.get("count")}


_DERIVED = {"script.failed": _script_failure, "definition.invalid": _problem_count}


def reason_message(code: str | None, params: dict | None) -> str:
    """The Vietnamese sentence for an error code and its parameters as recorded (a failed step's ``reason``
    and ``reason_params`` in the journal and on the case)."""
    params = dict(params or {})
    if code in _DERIVED:
        params.update(_DERIVED[code](params))
    return render(VI.get(code or "", VI["error"]), params)


class _Safe(dict):
    def __missing__(self, key: str) -> str:
        return ""


def render(template: str, params: dict) -> str:
    names = {name for _, name, _, _ in Formatter().parse(template) if name}
    values = _Safe({k: PARAM_VI.get(k, {}).get(str(v), _plain(v)) for k, v in params.items() if k in names})
    return " ".join(template.format_map(values).split()).replace(" )", ")").replace("( ", "(")


def _plain(value) -> str:
    if isinstance(value, (list, tuple)):
        return ", ".join(str(v) for v in value)
    return str(value)


#: Parameters holding an ISO 8601 time (signature errors): shown as dd/mm/yyyy hh:mm in Vietnam time.
TIME_PARAMS = ("revoked_at", "not_after", "not_before", "signing_time", "journal_time", "effective_from",
               "invalid_since")


def signature_message(code: str | None, params: dict) -> str:
    """The Vietnamese sentence for a signature verdict (``quytrinh signature verify``, the case page)."""
    values = dict(params or {})
    for name in TIME_PARAMS:
        if isinstance(values.get(name), str):
            values[name] = _local_time(values[name])
    return render(VI.get(code or "", VI["signature.invalid"]), values)


def _local_time(text: str) -> str:
    from datetime import datetime, timedelta, timezone
    try:
        moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        return text
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=timezone.utc)
    return moment.astimezone(timezone(timedelta(hours=7))).strftime("%d/%m/%Y %H:%M")


LEVEL_VI = ("Thường", "Mật", "Tối mật", "Tuyệt mật")     # engine.views.CLASSIFICATIONS, in the words of the law


def message(error: QuytrinhError) -> str:
    """The Vietnamese sentence for an engine error."""
    if error.code.startswith("signature."):
        return signature_message(error.code, error.params)
    template = VI.get(error.code) or VI.get(type(error).code) or VI["error"]
    params = dict(error.params)
    if error.code in _DERIVED:
        params.update(_DERIVED[error.code](params))
    if isinstance(params.get("level"), int) and 0 <= params["level"] < len(LEVEL_VI):
        params["level_name"] = LEVEL_VI[params["level"]]
    if "reason" in params:  # a failed step names the error behind it
        params["reason_text"] = reason_message(params["reason"], params.get("reason_params"))
    return render(template, params)


#: What a field of the wrong JSON type should have been ("abc" typed into a count).
_TYPE_VI = {"integer": "phải là một số nguyên", "number": "phải là một số", "string": "phải là một đoạn chữ",
            "boolean": "phải là Có hoặc Không", "array": "phải là một danh sách"}

#: What a JSON Schema ``format`` asks, in the words of the form's reader.
FORMAT_VI: dict[str, str] = {
    "date": "ngày, dạng năm-tháng-ngày, ví dụ 2026-11-26", "date-time": "ngày giờ, ví dụ 2026-11-26T08:30:00",
    "time": "giờ, ví dụ 08:30:00", "email": "địa chỉ thư điện tử", "uri": "địa chỉ web", "ipv4": "địa chỉ IP",
}


def field_message(error: FieldError) -> str:
    if error.code == "const" and error.params.get("limit") is True:
        return render("«{title}» cần được đánh dấu xác nhận.", {"title": error.title or error.field})
    if error.code == "type" and _TYPE_VI.get(str(error.params.get("limit"))):
        return render("«{title}» " + _TYPE_VI[str(error.params["limit"])] + ".", {"title": error.title or error.field})
    if error.code == "x-not-after" and error.params.get("today"):
        return render("«{title}» không được là một ngày trong tương lai.", {"title": error.title or error.field})
    params = dict(error.params)
    if error.code == "format":
        params["limit"] = FORMAT_VI.get(params.get("limit"), params.get("limit"))
    template = FIELD_VI.get(error.code, "«{title}» không hợp lệ.")
    return render(template, {"title": error.title or error.field, **params})


def problem_message(problem: Problem) -> str:
    # ``explained``: the text that says what a parser's English message means (engine/spiff/parser.py)
    return render(VI.get(problem.params.get("explained", "")) or VI.get(problem.code, problem.code), problem.params)


def problem_line(problem: Problem) -> str:
    """``FILE:LINE: ELEMENT_ID: message``, the format of ``quytrinh validate``."""
    return f"{problem.file}:{problem.line}: {problem.element or '-'}: {problem_message(problem)}"


def details(error: QuytrinhError) -> list[str]:
    """Extra lines under the main message: one per wrong field or per BPMN problem."""
    if isinstance(error, InvalidFormData):
        return [f"{e.field or '-'}: {field_message(e)}" for e in error.errors]
    if isinstance(error, DefinitionInvalid):
        return [problem_line(p) for p in error.problems]
    return []
