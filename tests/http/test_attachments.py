"""Uploads: content sniffing, size limit, download and preview headers, who may add and read files."""

import io
import zipfile

from tests.people import CELL
from tests.procedures import P1_START

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32


def docx() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as package:
        package.writestr("[Content_Types].xml", "<Types/>")
        package.writestr("word/document.xml", "<w:document/>")
    return buffer.getvalue()


def upload(client, task_id, name, content):
    return client.post(f"/tasks/{task_id}/attachments", data={"file": (io.BytesIO(content), name)},
                       content_type="multipart/form-data")


def applicant_task(people):
    case = people.applicant.opens("admission", unit=CELL, data=P1_START)
    return case, people.applicant.task("submit_application", case)


def test_pdf_png_and_docx_are_accepted_and_listed(login, people):
    case, task = applicant_task(people)
    applicant = login("applicant")
    for name, content in [("Đơn xin vào Đảng.pdf", PDF), ("ảnh.png", PNG), ("lý lịch.docx", docx())]:
        response = upload(applicant, task.id, name, content)
        assert response.status_code == 302, response.get_data(as_text=True)[:300]
    page = applicant.get(f"/tasks/{task.id}").get_data(as_text=True)
    assert "Đơn xin vào Đảng.pdf" in page and "lý lịch.docx" in page
    assert "Đính kèm tệp" in login("cell_secretary").get(f"/cases/{case}").get_data(as_text=True)


def test_a_renamed_executable_and_unknown_types_are_refused(login, people):
    _, task = applicant_task(people)
    applicant = login("applicant")
    for name, content in [("don.pdf", b"MZ\x90\x00\x03"), ("anh.png", PDF), ("script.html", b"<script>x</script>"),
                          ("don.exe", PDF)]:
        response = upload(applicant, task.id, name, content)
        assert response.status_code == 422, name
        assert "Loại tệp không được phép" in response.get_data(as_text=True)


def test_an_oversized_upload_is_refused_with_the_limit(app, login, people):
    _, task = applicant_task(people)
    limit = app.config["QUYTRINH_SETTINGS"].max_upload_bytes
    applicant = login("applicant")
    just_over = upload(applicant, task.id, "lon.pdf", PDF + b"0" * limit)
    assert just_over.status_code == 422 and "Tệp quá lớn: chỉ được tối đa 20.0 MB." in just_over.get_data(as_text=True)
    far_over = upload(applicant, task.id, "rat-lon.pdf", PDF + b"0" * (limit + 2 * 1024 * 1024))
    assert far_over.status_code == 413 and "Dữ liệu gửi lên quá lớn" in far_over.get_data(as_text=True)


def test_an_empty_choice_gets_a_message(login, people):
    _, task = applicant_task(people)
    response = login("applicant").post(f"/tasks/{task.id}/attachments", data={}, content_type="multipart/form-data")
    assert response.status_code == 422 and "Vui lòng chọn tệp để tải lên." in response.get_data(as_text=True)


def test_download_and_preview_headers_are_safe(login, people):
    from engine.services import attachments
    case, _ = applicant_task(people)
    view = attachments.add_attachment(people.uow, number=case, actor=people.applicant.actor, filename="Đơn.pdf",
                                      stream=io.BytesIO(PDF))
    clerk = login("cell_secretary")
    download = clerk.get(f"/attachments/{view.id}")
    assert download.data == PDF and download.headers["Content-Disposition"].startswith("attachment;")
    assert "filename*=UTF-8''%C4%90%C6%A1n.pdf" in download.headers["Content-Disposition"]
    assert download.headers["X-Content-Type-Options"] == "nosniff"
    preview = clerk.get(f"/attachments/{view.id}/preview")
    assert preview.headers["Content-Type"] == "application/pdf"
    assert preview.headers["Content-Disposition"].startswith("inline;")
    assert "default-src 'none'" in preview.headers["Content-Security-Policy"]


def test_only_the_applicant_and_the_current_handler_may_attach(login, people):
    case, _ = applicant_task(people)
    clerk = login("cell_secretary")   # may see the case, has no open task in it yet
    response = clerk.post(f"/cases/{case}/attachments", data={"file": (io.BytesIO(PDF), "x.pdf")},
                          content_type="multipart/form-data")
    assert response.status_code == 302
    assert "chỉ người nộp hồ sơ và người đang xử lý" in clerk.get(f"/cases/{case}").get_data(as_text=True)
    outsider = login("other_commune_secretary")
    response = outsider.post(f"/cases/{case}/attachments", data={"file": (io.BytesIO(PDF), "x.pdf")},
                             content_type="multipart/form-data")
    assert response.status_code == 404
