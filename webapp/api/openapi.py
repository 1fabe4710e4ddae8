"""The OpenAPI 3.1 description of ``/api/v1``, served at ``/api/openapi.json``."""

from __future__ import annotations

ERROR = {"$ref": "#/components/schemas/Error"}


def _errors(*statuses: int) -> dict:
    text = {400: "CSRF hoặc yêu cầu không hợp lệ", 401: "Chưa xác thực", 403: "Không có quyền",
            404: "Không tìm thấy (hoặc không được phép xem)", 409: "Xung đột: đã xử lý hoặc người khác đã nhận",
            422: "Dữ liệu không hợp lệ (chi tiết từng trường trong fields)"}
    return {str(s): {"description": text[s], "content": {"application/json": {"schema": ERROR}}} for s in statuses}


def _ok(schema: dict, description: str = "OK", status: str = "200") -> dict:
    return {status: {"description": description, "content": {"application/json": {"schema": schema}}}}


TASK_ID = {"name": "task_id", "in": "path", "required": True, "schema": {"type": "string", "format": "uuid"}}
NUMBER = {"name": "number", "in": "path", "required": True, "schema": {"type": "string"},
          "example": "KN-2026-000001"}


def document(server: str = "") -> dict:
    task = {"$ref": "#/components/schemas/Task"}
    status = {"$ref": "#/components/schemas/CaseStatus"}
    return {
        "openapi": "3.1.0",
        "info": {"title": "quytrinh API", "version": "1",
                 "description": "Hộp việc, nhận và hoàn thành nhiệm vụ, mở hồ sơ, theo dõi trạng thái. "
                                "Cùng quy tắc phân quyền, độ mật và thông báo lỗi (tiếng Việt) như giao diện web."},
        "servers": [{"url": server or "/"}],
        "security": [{"bearer": []}, {"session": []}],
        "paths": {
            "/api/v1/procedures": {"get": {"summary": "Danh mục thủ tục (phiên bản mới nhất)",
                                           "operationId": "listProcedures",
                                           "responses": {**_ok({"type": "object"}), **_errors(401)}}},
            "/api/v1/tasks": {"get": {
                "summary": "Nhiệm vụ người dùng được xử lý", "operationId": "listTasks",
                "parameters": [
                    {"name": "view", "in": "query", "schema": {"enum": ["all", "claimed", "units"]}},
                    {"name": "process", "in": "query", "schema": {"type": "string"}},
                    {"name": "unit", "in": "query", "schema": {"type": "string"}},
                    {"name": "due", "in": "query", "schema": {"enum": ["soon", "overdue"]}},
                    {"name": "sort", "in": "query", "schema": {"enum": ["created", "due", "case"]}},
                    {"name": "order", "in": "query", "schema": {"enum": ["asc", "desc"]}},
                    {"name": "page", "in": "query", "schema": {"type": "integer", "minimum": 1}},
                    {"name": "per_page", "in": "query", "schema": {"type": "integer", "minimum": 1, "maximum": 200}},
                ],
                "responses": {**_ok({"type": "object", "properties": {
                    "items": {"type": "array", "items": task}, "total": {"type": "integer"},
                    "page": {"type": "integer"}, "per_page": {"type": "integer"}}}), **_errors(401, 422)}}},
            "/api/v1/tasks/{task_id}": {"get": {
                "summary": "Một nhiệm vụ, kèm biểu mẫu (JSON Schema)", "operationId": "getTask",
                "parameters": [TASK_ID], "responses": {**_ok(task), **_errors(401, 404)}}},
            "/api/v1/tasks/{task_id}/claim": {"post": {
                "summary": "Nhận xử lý nhiệm vụ", "operationId": "claimTask", "parameters": [TASK_ID],
                "responses": {**_ok(task), **_errors(400, 401, 403, 404, 409, 422)}}},
            "/api/v1/tasks/{task_id}/release": {"post": {
                "summary": "Trả lại nhiệm vụ đã nhận", "operationId": "releaseTask", "parameters": [TASK_ID],
                "responses": {**_ok(task), **_errors(400, 401, 403, 404, 409)}}},
            "/api/v1/tasks/{task_id}/complete": {"post": {
                "summary": "Hoàn thành nhiệm vụ với dữ liệu biểu mẫu", "operationId": "completeTask",
                "parameters": [TASK_ID],
                "requestBody": {"required": True, "content": {"application/json": {"schema": {
                    "type": "object", "required": ["data"], "properties": {
                        "data": {"type": "object"},
                        "pin": {"type": "string", "description": "Mã PIN của khóa ký (bước cần chữ ký số)"}}}}}},
                "responses": {**_ok(status), **_errors(400, 401, 403, 404, 409, 422)}}},
            "/api/v1/cases": {"post": {
                "summary": "Mở hồ sơ", "operationId": "startCase",
                "requestBody": {"required": True, "content": {"application/json": {"schema": {
                    "type": "object", "required": ["process", "unit"],
                    "properties": {"process": {"type": "string", "example": "admission"},
                                   "unit": {"type": "string", "example": "HY-TANTIEN-DONG"},
                                   "data": {"type": "object"},
                                   "classification": {"type": "integer", "minimum": 0, "maximum": 3}}}}}},
                "responses": {**_ok(status, "Đã mở hồ sơ", "201"), **_errors(400, 401, 403, 404, 422)}}},
            "/api/v1/cases/{number}": {"get": {
                "summary": "Trạng thái hồ sơ", "operationId": "getCase", "parameters": [NUMBER],
                "responses": {**_ok(status), **_errors(401, 404)}}},
        },
        "components": {
            "securitySchemes": {
                "bearer": {"type": "http", "scheme": "bearer",
                           "description": "Mã truy cập cá nhân tạo tại trang «Mã truy cập API»."},
                "session": {"type": "apiKey", "in": "cookie", "name": "quytrinh_session",
                            "description": "Phiên đăng nhập; yêu cầu POST cần tiêu đề X-CSRFToken."},
            },
            "schemas": {
                "Error": {"type": "object", "required": ["code", "message", "fields"], "properties": {
                    "code": {"type": "string", "example": "task.already_completed"},
                    "message": {"type": "string", "description": "Thông báo tiếng Việt"},
                    "fields": {"type": "array", "items": {"type": "object", "properties": {
                        "field": {"type": "string"}, "code": {"type": "string"}, "message": {"type": "string"}}}}}},
                "Task": {"type": "object", "properties": {
                    "id": {"type": "string", "format": "uuid"}, "case": {"type": "string"},
                    "element": {"type": "string"}, "title": {"type": "string"},
                    "role": {"type": ["string", "null"]}, "unit": {"type": ["string", "null"]},
                    "assignee": {"type": ["string", "null"]}, "state": {"type": "string"},
                    "can_claim": {"type": "boolean"}, "can_complete": {"type": "boolean"},
                    "due_at": {"type": ["string", "null"], "format": "date-time"},
                    "form": {"type": ["object", "null"], "description": "JSON Schema (chi tiết nhiệm vụ)"}}},
                "CaseStatus": {"type": "object", "properties": {
                    "number": {"type": "string"}, "title": {"type": "string"}, "process": {"type": "string"},
                    "status": {"enum": ["running", "completed", "cancelled", "error"]},
                    "unit": {"type": "string"}, "classification": {"type": "integer"},
                    "data": {"type": "object"},
                    "open_steps": {"type": "array", "items": {"type": "object"}},
                    "done": {"type": "array", "items": {"type": "string"}},
                    "outcome": {"type": ["string", "null"],
                                "description": "Tên sự kiện kết thúc mà hồ sơ đã đạt (khi đã hoàn thành)"}}},
            },
        },
    }
