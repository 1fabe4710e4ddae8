"""The human-readable part of a dossier: ``summary.html`` and ``HUONG-DAN.txt``, in Vietnamese.

The summary is a document of the case (like the generated party documents), so its text is Vietnamese
here rather than in the web application's catalogue; times are shown in Asia/Ho_Chi_Minh, dd/mm/yyyy.
Every value comes from the (possibly redacted) journal views the dossier carries.
"""

from __future__ import annotations

import json
from html import escape
from zoneinfo import ZoneInfo

from sqlalchemy import select

from engine.clock import parse_iso
from engine.models import Unit, User
from engine.services import organisation, redaction

LOCAL = ZoneInfo("Asia/Ho_Chi_Minh")
EVENTS = {
    "case.started": "Mở hồ sơ", "task.claimed": "Nhận xử lý", "task.released": "Trả lại nhiệm vụ",
    "task.delegated": "Chuyển người xử lý", "task.completed": "Hoàn thành bước", "timer.fired": "Đến hạn",
    "message.received": "Nhận thông điệp", "signal.received": "Nhận tín hiệu", "case.cancelled": "Hủy hồ sơ",
    "case.failed": "Lỗi khi xử lý", "case.retried": "Chạy lại", "case.data_corrected": "Sửa dữ liệu",
    "case.sent_back": "Trả về bước trước", "attachment.added": "Đính kèm tệp",
}
#: Why a step failed (a ``case.failed`` event's ``reason``, an error code of engine/errors.py), in short; the
#: web app's messages say it at length, but the summary must not echo the data a script choked on.
FAILURES = {"script.failed": "kịch bản bị lỗi", "script.limit": "kịch bản vượt giới hạn an toàn",
            "script.not_allowed": "kịch bản dùng thành phần không được phép",
            "script.name_undefined": "kịch bản dùng biến chưa có trong dữ liệu hồ sơ",
            "script.syntax": "biểu thức hoặc kịch bản sai cú pháp", "engine.failed": "bộ máy quy trình báo lỗi"}
STATUSES = {"running": "Đang xử lý", "completed": "Hoàn thành", "cancelled": "Đã hủy", "error": "Lỗi, chờ khắc phục"}
LEVELS = {0: "Thường", 1: "Mật", 2: "Tối mật", 3: "Tuyệt mật"}
CHECKS = {"chain": "Chuỗi băm của nhật ký", "checkpoints": "Điểm chốt đã ký", "replay": "Phát lại từ nhật ký",
          "signatures": "Chữ ký số"}


def when(text_or_moment) -> str:
    moment = parse_iso(text_or_moment) if isinstance(text_or_moment, str) else text_or_moment
    return moment.astimezone(LOCAL).strftime("%d/%m/%Y %H:%M") if moment else ""


def _value(value) -> str:
    if isinstance(value, bool):
        return "Có" if value else "Không"
    if isinstance(value, (dict, list)):
        return escape(json.dumps(value, ensure_ascii=False))
    return escape("" if value is None else str(value))


def render(reader, *, case, record, rows, views, manifest, findings, data, policy) -> str:
    elements = record.meta.get("elements", {})
    usernames = sorted({r.actor for r in rows if r.actor})
    people = dict(reader.session.execute(select(User.username, User.full_name)
                                         .where(User.username.in_(usernames))).all()) if usernames else {}
    units = dict(reader.session.execute(select(Unit.code, Unit.name)).all())
    roles = organisation.role_names(reader)
    titles = _field_titles(record.files)
    checks = manifest["export_checks"]
    out = ["<!doctype html><html lang=\"vi\"><head><meta charset=\"utf-8\">",
           f"<title>Hồ sơ {escape(case.number)}</title>",
           "<style>body{font-family:'Liberation Serif','Times New Roman',serif;max-width:1000px;margin:2em auto;"
           "line-height:1.4}table{border-collapse:collapse;width:100%;margin:1em 0}td,th{border:1px solid #999;"
           "padding:4px 6px;vertical-align:top;text-align:left}th{background:#eee}.ok{color:#1a7f37}.bad{color:#b42318}"
           "code{font-size:85%;word-break:break-all}.muted{color:#555}</style></head><body>",
           f"<h1>Hồ sơ {escape(case.number)}</h1>",
           f"<p>{_value(_title(case, policy))}</p>",
           "<table><tbody>",
           f"<tr><th>Quy trình</th><td>{escape(record.name)} (mã <code>{escape(record.key)}</code>, phiên bản "
           f"{record.version}; SHA-256 <code>{escape(record.sha256)}</code>)</td></tr>",
           f"<tr><th>Tổ chức đảng</th><td>{escape(case.unit.name)} ({escape(case.unit.code)})</td></tr>",
           f"<tr><th>Độ mật</th><td>{escape(LEVELS.get(case.classification, str(case.classification)))}</td></tr>",
           f"<tr><th>Trạng thái</th><td>{escape(STATUSES.get(case.status, case.status))}</td></tr>",
           f"<tr><th>Mở lúc</th><td>{when(case.started_at)}</td></tr>",
           f"<tr><th>Kết thúc lúc</th><td>{when(case.ended_at) if case.ended_at else '—'}</td></tr>",
           f"<tr><th>Xuất lúc</th><td>{when(manifest['created_at'])} bởi {escape(manifest['created_by'])}</td></tr>",
           "</tbody></table>"]
    if policy.active:
        hidden = ", ".join(titles.get(f, f) for f in sorted(policy.hidden))
        out.append(f"<p class=\"bad\"><strong>Bản đã che</strong> cho người nhận có độ tiếp cận "
                   f"«{escape(LEVELS.get(policy.clearance, ''))}»: các trường {escape(hidden)} được thay bằng "
                   "«[đã che]»; sự kiện chứa chúng giữ mã băm và vị trí trong chuỗi nhưng không kiểm tra được nội "
                   "dung trong bản này.</p>")
    out.append("<h2>Kết quả kiểm tra khi xuất hồ sơ</h2><ul>")
    for key, label in CHECKS.items():
        ok = checks.get(key)
        out.append(f"<li class=\"{'ok' if ok else 'bad'}\">{'✓' if ok else '✗'} {label}: "
                   f"{'toàn vẹn' if ok else 'KHÔNG toàn vẹn'}</li>")
    if checks.get("first"):
        first = checks["first"]
        out.append(f"<li class=\"bad\">Lỗi đầu tiên: kiểm tra «{escape(CHECKS.get(first['check'], first['check']))}»"
                   f" tại sự kiện #{first['event']} ({escape(first['reason'])})</li>")
    out.append("</ul><p class=\"muted\">Kiểm tra lại mà không cần quytrinh: giải nén rồi chạy "
               "<code>python3 verify.py</code> (xem HUONG-DAN.txt).</p>")
    out.append("<h2>Diễn biến hồ sơ (nhật ký)</h2><table><thead><tr><th>#</th><th>Thời gian</th><th>Sự kiện</th>"
               "<th>Bước</th><th>Người thực hiện</th><th>Vai trò, tổ chức</th><th>Chữ ký</th></tr></thead><tbody>")
    signed = {s["seq"]: s for s in manifest["signatures"]}
    for row in rows:
        view = views[row.seq]
        data_view = view.get("data") or {}
        element = data_view.get("element")
        step = (elements.get(element) or {}).get("title", element) if element else ""
        if row.type == "timer.fired":
            step = ", ".join((elements.get(t) or {}).get("title", t) for t in data_view.get("timers") or [])
        role = data_view.get("role")
        unit = data_view.get("unit")
        parts = (roles.get(role, role) if role else "", units.get(unit, unit) if unit else "")
        where = ", ".join(x for x in parts if x)
        signature = signed.get(row.seq)
        mark = ""
        if signature:
            mark = ("con dấu số của hệ thống" if signature["kind"] == "seal" else
                    f"ký số: {escape(signature.get('signer') or '')}")
        reason = data_view.get("reason") if isinstance(data_view.get("reason"), str) else ""
        if row.type == "case.failed":
            reason = _failure(reason, data_view.get("reason_params"))
        out.append(f"<tr><td>{row.seq}</td><td>{when(view['at'])}</td><td>{escape(EVENTS.get(row.type, row.type))}"
                   f"{' — ' + escape(reason) if reason else ''}</td><td>{escape(step or '')}</td>"
                   f"<td>{escape(people.get(row.actor, row.actor or 'hệ thống'))}</td><td>{escape(where)}</td>"
                   f"<td>{mark}</td></tr>")
    out.append("</tbody></table><h2>Dữ liệu hồ sơ</h2><table><tbody>")
    for key, value in data.items():
        out.append(f"<tr><th>{escape(titles.get(key, key))}</th><td>{_value(value)}</td></tr>")
    out.append("</tbody></table><h2>Văn bản</h2><ul>")
    for doc in manifest["documents"]:
        state = "không kèm trong bản này (có thể chứa trường mật)" if doc.get("withheld") else \
            ("có chữ ký số" if doc.get("signature_kind") == "person" else
             "có con dấu số" if doc.get("signature_kind") == "seal" else "")
        out.append(f"<li>{escape(doc['title'])}, phiên bản {doc['version']}: {escape(doc['name'])} "
                   f"<span class=\"muted\">{escape(state)} · SHA-256 <code>{doc['sha256']}</code></span></li>")
    out.append("</ul><h2>Tệp đính kèm</h2><ul>")
    for item in manifest["attachments"]:
        state = " (không kèm trong bản này)" if item.get("withheld") else ""
        out.append(f"<li>{escape(item['name'])}{state} <span class=\"muted\">SHA-256 <code>{item['sha256']}"
                   "</code></span></li>")
    out.append("</ul><h2>Điểm chốt đã ký</h2><ul>")
    for point in manifest["checkpoints"]:
        kind = "kết thúc hồ sơ" if point["kind"] == "case" else "hằng ngày"
        out.append(f"<li>Điểm chốt #{point['seq']} ({kind}), {when(point['at'])}: nhật ký đến sự kiện "
                   f"#{point['entry'][1]}, mã băm <code>{escape(point['entry'][2])}</code></li>")
    if not manifest["checkpoints"]:
        out.append("<li>Chưa có điểm chốt đã ký.</li>")
    out.append("</ul></body></html>")
    return "\n".join(out)


def _failure(code: str, params) -> str:
    error = params.get("error") if isinstance(params, dict) else None
    text = FAILURES.get(code, "lỗi khi chạy")
    return f"{text} ({error})" if isinstance(error, str) and error.isidentifier() else text


def _title(case, policy) -> str:
    return redaction.redact(case.title, policy)[0]


def _field_titles(files: dict[str, str]) -> dict[str, str]:
    titles: dict[str, str] = {"initiator": "Người mở hồ sơ", "case_number": "Số hồ sơ", "case_unit": "Tổ chức đảng"}
    for schema in redaction.form_schemas(files):
        for key, prop in (schema.get("properties") or {}).items():
            if isinstance(prop, dict) and prop.get("title") and key not in titles:
                titles[key] = prop["title"]
    return titles


def instructions(number: str) -> str:
    return f"""HỒ SƠ ĐIỆN TỬ {number} — HƯỚNG DẪN KIỂM TRA

Hồ sơ này tự kiểm tra được, không cần phần mềm quytrinh: chỉ cần Python 3 (thư viện chuẩn) và openssl.

1. Giải nén tệp ZIP vào một thư mục.
2. Trong thư mục đó chạy:    python3 verify.py
   (hoặc: python3 verify.py THƯ_MỤC, thêm --json để có kết quả dạng JSON)
3. Kết quả:
   - mã thoát 0 và dòng «KẾT QUẢ: HỢP LỆ»: mọi tệp khớp bản kê, nhật ký liền mạch, điểm chốt và chữ ký số
     hợp lệ, văn bản và tệp đính kèm khớp mã băm ghi trong nhật ký;
   - mã thoát 1: từng điểm không hợp lệ được nêu tên (tệp, sự kiện số mấy, chữ ký nào);
   - mã thoát 2: không chạy được (thiếu openssl).

Từng chữ ký cũng kiểm tra được bằng openssl, ví dụ:
   openssl cms -verify -binary -inform DER -in signatures/NNN-BUOC.p7s -content signatures/NNN-BUOC.json \\
     -CAfile certificates/root.pem -purpose any

Nội dung: manifest.json (bản kê, có con dấu số manifest.json.p7s), journal.jsonl (nhật ký, mỗi dòng một sự
kiện), definition/ (tệp quy trình BPMN và biểu mẫu), checkpoints/ (điểm chốt đã ký), signatures/ (chữ ký
các bước), documents/ (văn bản), attachments/ (tệp đính kèm), certificates/ (chứng thư, CRL),
summary.html (tóm tắt hồ sơ).
"""
