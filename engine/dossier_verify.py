#!/usr/bin/env python3
"""Kiểm tra hồ sơ điện tử xuất từ quytrinh — chỉ cần Python (thư viện chuẩn) và openssl.

    python3 verify.py [THƯ_MỤC_HỒ_SƠ] [--json]

Checks a dossier exported by ``quytrinh audit export`` (docs/audit.md) with nothing but the Python
standard library and the ``openssl`` command, and names every thing that does not hold:

1. every file listed in manifest.json has its sha256, and the manifest carries the system's seal;
2. the procedure's files hash to the definition the case started on (journal event #1);
3. the journal is one unbroken hash chain (canonical JSON, sha256, ``prev`` links, sequence numbers);
4. each signed checkpoint verifies (openssl cms, the bundled root) and agrees with the journal: a case
   checkpoint lists every event hash, a daily one proves the case's entry with a Merkle audit path;
5. every signature (signed decisions, sealed repairs, documents) verifies with ``openssl cms -verify``
   against the bundled root at its signing time, is not revoked then according to the bundled CRL, and
   agrees with the journal;
6. every document and attachment has the sha256 the journal recorded.

Redacted events (fields above the recipient's clearance) keep their recorded hash and place in the chain
and are reported as "đã che, không kiểm tra được nội dung tại đây"; so are withheld files.
Exit status: 0 everything holds, 1 something failed (each failure is named), 2 the check could not run.
This file is shipped verbatim in every dossier (engine/dossier_verify.py in the quytrinh sources).
"""

import hashlib
import json
import os
import subprocess
import sys
import tempfile
from datetime import datetime, timezone

FORMAT = "quytrinh-dossier/1"
#: The events a signature or seal may belong to, in words (a seal on a repair has no step to name).
EVENT_LABELS = {
    "case.started": "Mở hồ sơ", "task.completed": "Hoàn thành bước", "case.cancelled": "Hủy hồ sơ",
    "case.failed": "Lỗi khi xử lý", "case.retried": "Chạy lại bước bị lỗi", "case.data_corrected": "Sửa dữ liệu",
    "case.sent_back": "Trả về bước trước", "timer.fired": "Đến hạn", "attachment.added": "Đính kèm tệp",
}
GENESIS = "0" * 64
GENERATED = "_generated/"


def canonical(value):
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False,
                      allow_nan=False).encode("utf-8")


def sha256_hex(data):
    return hashlib.sha256(data).hexdigest()


def parse_time(text):
    if text.endswith("Z"):
        text = text[:-1] + "+00:00"
    moment = datetime.fromisoformat(text)
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=timezone.utc)
    return moment.astimezone(timezone.utc)


# Merkle audit path (RFC 9162, 2.1.3.2), as engine/merkle.py --------------------------------------

def merkle_leaf(case, events, head):
    data = json.dumps([case, events, head], separators=(",", ":"), ensure_ascii=False).encode("utf-8")
    return hashlib.sha256(b"\x00" + data).digest()


def merkle_verify(leaf, index, size, path, expected_root):
    if not 0 <= index < size:
        return False
    fn, sn, r = index, size - 1, leaf
    for item in path:
        p = bytes.fromhex(item)
        if sn == 0:
            return False
        if fn & 1 or fn == sn:
            r = hashlib.sha256(b"\x01" + p + r).digest()
            if not fn & 1:
                while not fn & 1 and fn != 0:
                    fn >>= 1
                    sn >>= 1
        else:
            r = hashlib.sha256(b"\x01" + r + p).digest()
        fn >>= 1
        sn >>= 1
    return sn == 0 and r.hex() == expected_root


# The report ------------------------------------------------------------------------------------------

class Report:
    def __init__(self, quiet=False):
        self.lines = []
        self.failures = []
        self.notes = []
        self.quiet = quiet

    def ok(self, text):
        self._say("✓ " + text)

    def fail(self, where, text):
        self.failures.append({"where": where, "message": text})
        self._say("✗ " + where + ": " + text)

    def note(self, text):
        self.notes.append(text)
        self._say("• " + text)

    def _say(self, line):
        self.lines.append(line)
        if not self.quiet:
            print(line)


# openssl ---------------------------------------------------------------------------------------------

class OpenSSL:
    def __init__(self, base, manifest, work):
        self.base = base
        self.work = work
        certs = manifest.get("certificates") or {}
        self.root = os.path.join(base, certs.get("root", "certificates/root.pem"))
        self.issuing = os.path.join(base, certs.get("issuing", "certificates/issuing.pem"))
        self.system_ders = set()
        for path in certs.get("system") or []:
            der = self.der(os.path.join(base, path))
            if der:
                self.system_ders.add(sha256_hex(der))
        self.revoked = {}
        self._counter = 0

    def run(self, args, data=None):
        try:
            result = subprocess.run(["openssl"] + args, input=data, capture_output=True, timeout=60)
        except FileNotFoundError:
            raise SystemExit("Không tìm thấy lệnh openssl: hãy cài openssl rồi chạy lại (mã thoát 2).")
        return result

    def der(self, pem_path):
        if not os.path.exists(pem_path):
            return None
        result = self.run(["x509", "-in", pem_path, "-outform", "DER"])
        return result.stdout if result.returncode == 0 else None

    def verify_cms(self, signature_path, content_path, at):
        """(ok, message, signer serial hex, signer DER sha256)."""
        self._counter += 1
        signer = os.path.join(self.work, "signer-%d.pem" % self._counter)
        args = ["cms", "-verify", "-binary", "-inform", "DER", "-in", signature_path, "-content", content_path,
                "-CAfile", self.root, "-purpose", "any", "-out", os.devnull, "-signer", signer]
        if at is not None:
            args += ["-attime", str(int(at.timestamp()))]
        result = self.run(args)
        if result.returncode != 0:
            detail = result.stderr.decode("utf-8", "replace").strip().splitlines()
            reason = next((line for line in detail if "Verify error" in line or "error:" in line), "")
            reason = reason.split("Verify error:")[-1].split(":")[-1].strip() if reason else ""
            return False, "openssl cms -verify thất bại" + (" (" + reason + ")" if reason else ""), None, None
        serial = self.run(["x509", "-in", signer, "-noout", "-serial"]).stdout.decode("ascii", "replace")
        serial = serial.strip().split("=", 1)[-1].upper() if "=" in serial else None
        der = self.der(signer)
        return True, "", serial, sha256_hex(der) if der else None

    def load_crl(self, crl_path, report):
        if not crl_path or not os.path.exists(crl_path):
            report.note("Không có danh sách thu hồi (CRL) trong hồ sơ: bỏ qua kiểm tra thu hồi.")
            return
        chain = os.path.join(self.work, "chain.pem")
        with open(chain, "wb") as handle:
            for path in (self.issuing, self.root):
                with open(path, "rb") as part:
                    handle.write(part.read())
        checked = self.run(["crl", "-inform", "DER", "-in", crl_path, "-CAfile", chain, "-noout"])
        if checked.returncode != 0 or b"verify OK" not in (checked.stderr + checked.stdout):
            report.fail(os.path.relpath(crl_path, self.base), "chữ ký của danh sách thu hồi (CRL) không hợp lệ")
            return
        text = self.run(["crl", "-inform", "DER", "-in", crl_path, "-noout", "-text"]).stdout.decode("utf-8", "replace")
        serial = None
        lines = text.splitlines()
        for index, line in enumerate(lines):
            line = line.strip()
            if line.startswith("Serial Number:"):
                serial = line.split(":", 1)[1].strip().upper()
                if len(serial) % 2:
                    serial = "0" + serial
            elif line.startswith("Revocation Date:") and serial:
                self.revoked[serial] = _openssl_time(line.split(":", 1)[1].strip())
            elif line.startswith("Invalidity Date:") and serial and index + 1 < len(lines):
                since = _openssl_time(lines[index + 1].strip())
                if since is not None:
                    self.revoked[serial] = min(self.revoked.get(serial, since), since)
        report.ok("Danh sách thu hồi (CRL) có chữ ký hợp lệ của CA cấp phát; %d chứng thư bị thu hồi"
                  % len(self.revoked))

    def revoked_before(self, serial, at):
        when = self.revoked.get((serial or "").upper())
        return when is not None and at is not None and when <= at


def _openssl_time(text):
    try:
        return datetime.strptime(text.replace("  ", " "), "%b %d %H:%M:%S %Y GMT").replace(tzinfo=timezone.utc)
    except ValueError:
        return None


# The checks ------------------------------------------------------------------------------------------

def check_files(base, manifest, report):
    bad = 0
    for path, info in sorted((manifest.get("files") or {}).items()):
        full = os.path.join(base, path)
        if not os.path.isfile(full):
            report.fail(path, "tệp bị thiếu")
            bad += 1
            continue
        with open(full, "rb") as handle:
            digest = sha256_hex(handle.read())
        if digest != info.get("sha256"):
            report.fail(path, "nội dung đã bị thay đổi (SHA-256 khác với bản kê manifest.json)")
            bad += 1
    if not bad:
        report.ok("%d tệp khớp mã SHA-256 trong bản kê (manifest.json)" % len(manifest.get("files") or {}))


def check_manifest_seal(base, ssl, report):
    seal = os.path.join(base, "manifest.json.p7s")
    if not os.path.exists(seal):
        report.fail("manifest.json.p7s", "thiếu con dấu số của bản kê")
        return
    ok, message, _serial, der = ssl.verify_cms(seal, os.path.join(base, "manifest.json"), None)
    if not ok:
        report.fail("manifest.json", "con dấu số của bản kê không hợp lệ: " + message)
    elif der not in ssl.system_ders:
        report.fail("manifest.json", "bản kê không được đóng dấu bằng chứng thư của hệ thống")
    else:
        report.ok("Bản kê (manifest.json) có con dấu số hợp lệ của hệ thống")


def read_journal(base, manifest, report):
    events = []
    path = os.path.join(base, "journal.jsonl")
    try:
        with open(path, "rb") as handle:
            raw_lines = handle.read().split(b"\n")
    except OSError:
        report.fail("journal.jsonl", "không đọc được nhật ký")
        return events
    for number, raw in enumerate(raw_lines, start=1):
        if not raw.strip():
            continue
        try:
            events.append(json.loads(raw.decode("utf-8")))
        except (ValueError, UnicodeDecodeError):
            report.fail("journal.jsonl dòng %d" % number, "dòng nhật ký bị hỏng (không phải JSON hợp lệ)")
            return None
    return events


def check_chain(case, events, manifest, report):
    """Returns {seq: parsed body} of the readable events, or None when the chain is broken."""
    prev, bodies, redacted = GENESIS, {}, []
    for expected, event in enumerate(events, start=1):
        seq = event.get("seq")
        where = "journal.jsonl sự kiện #%s" % seq
        if seq != expected:
            report.fail("journal.jsonl sự kiện #%d" % expected, "thiếu sự kiện hoặc sai thứ tự (gặp #%s)" % seq)
            return None
        if event.get("prev") != prev:
            report.fail(where, "liên kết tới sự kiện trước bị đứt")
            return None
        if event.get("redacted"):
            redacted.append(seq)
            if not isinstance(event.get("hash"), str) or len(event["hash"]) != 64:
                report.fail(where, "sự kiện đã che thiếu mã băm")
                return None
            prev = event["hash"]
            continue
        body_text = event.get("body")
        if not isinstance(body_text, str):
            report.fail(where, "thiếu nội dung sự kiện")
            return None
        body_bytes = body_text.encode("utf-8")
        if sha256_hex(body_bytes) != event.get("hash"):
            report.fail(where, "nội dung không khớp mã băm")
            return None
        try:
            body = json.loads(body_text)
        except ValueError:
            report.fail(where, "nội dung không phải JSON")
            return None
        if canonical(body) != body_bytes:
            report.fail(where, "nội dung không ở dạng chuẩn")
            return None
        if body.get("seq") != seq or body.get("prev") != prev or body.get("case") != case \
                or body.get("type") != event.get("type") or body.get("at") != event.get("at") \
                or body.get("actor") != event.get("actor"):
            report.fail(where, "thông tin sự kiện khác với nội dung đã băm")
            return None
        bodies[seq] = body
        prev = event["hash"]
    head = (manifest.get("journal") or {}).get("head")
    if head is not None and head != prev:
        report.fail("journal.jsonl", "sự kiện cuối cùng bị xóa hoặc thay (mã băm cuối khác bản kê)")
        return None
    report.ok("Nhật ký: %d sự kiện, chuỗi băm liền mạch từ sự kiện #1 đến #%d" % (len(events), len(events)))
    for seq in redacted:
        report.note("Sự kiện #%d đã che (trường mật vượt độ tiếp cận của người nhận): giữ mã băm và vị trí "
                    "trong chuỗi, không kiểm tra được nội dung tại đây" % seq)
    return bodies


def bundle_sha256(base, definition):
    digest = hashlib.sha256()
    for name in sorted(n for n in definition.get("files", {}) if not n.startswith(GENERATED)):
        with open(os.path.join(base, "definition", name), "rb") as handle:
            text = handle.read()
        digest.update(name.encode("utf-8") + b"\0")
        digest.update(hashlib.sha256(text).digest())
    return digest.hexdigest()


def check_definition(base, manifest, bodies, report):
    definition = manifest.get("definition") or {}
    try:
        computed = bundle_sha256(base, definition)
    except OSError as exc:
        report.fail("definition/", "thiếu tệp quy trình (%s)" % exc.filename)
        return
    started = (bodies or {}).get(1, {}).get("data", {}).get("definition")
    if computed != definition.get("sha256"):
        report.fail("definition/", "tệp quy trình đã bị thay đổi (mã băm không khớp phiên bản đã triển khai)")
    elif bodies is not None and 1 in bodies and started != computed:
        report.fail("definition/", "tệp quy trình không phải phiên bản hồ sơ đã chạy (sự kiện #1)")
    else:
        report.ok("Tệp quy trình %s phiên bản %s khớp mã băm %s… của sự kiện mở hồ sơ"
                  % (definition.get("key"), definition.get("version"), computed[:16]))


def check_checkpoints(base, case, events, manifest, ssl, report):
    hashes = {e.get("seq"): e.get("hash") for e in events}
    items = manifest.get("checkpoints") or []
    covered = 0
    for item in items:
        where = item.get("file", "checkpoints/?")
        content_path = os.path.join(base, where)
        try:
            with open(content_path, "rb") as handle:
                raw = handle.read()
            body = json.loads(raw.decode("utf-8"))
        except (OSError, ValueError, UnicodeDecodeError):
            report.fail(where, "không đọc được điểm chốt")
            continue
        at = parse_time(body.get("at", "1970-01-01T00:00:00Z"))
        ok, message, _serial, der = ssl.verify_cms(os.path.join(base, item.get("signature", "")), content_path, at)
        if not ok:
            report.fail(where, "chữ ký của điểm chốt không hợp lệ: " + message)
            continue
        if der not in ssl.system_ders:
            report.fail(where, "điểm chốt không được ký bằng chứng thư của hệ thống")
            continue
        entry = item.get("entry") or [None, 0, None]
        if body.get("kind") == "case":
            signed = body.get("hashes") or []
            if body.get("case") != case or len(signed) != body.get("events"):
                report.fail(where, "điểm chốt không thuộc hồ sơ này")
                continue
            bad = next((i for i, h in enumerate(signed, start=1) if hashes.get(i) != h), None)
            if bad is not None:
                report.fail("journal.jsonl sự kiện #%d" % bad, "khác với điểm chốt đã ký #%s (%s)"
                            % (body.get("seq"), where))
                continue
            covered = max(covered, len(signed))
            report.ok("Điểm chốt #%s (kết thúc hồ sơ) ký bởi hệ thống, khớp %d mã băm của nhật ký"
                      % (body.get("seq"), len(signed)))
        else:
            leaf = merkle_leaf(entry[0], entry[1], entry[2])
            if entry[0] != case or not merkle_verify(leaf, item.get("index", -1), item.get("size", 0),
                                                     item.get("path") or [], body.get("root")) \
                    or item.get("size") != body.get("count"):
                report.fail(where, "mục của hồ sơ không thuộc điểm chốt ngày đã ký (đường dẫn Merkle sai)")
                continue
            if hashes.get(entry[1]) != entry[2]:
                report.fail("journal.jsonl sự kiện #%s" % entry[1], "khác với điểm chốt ngày %s đã ký (#%s)"
                            % (body.get("day"), body.get("seq")))
                continue
            covered = max(covered, entry[1])
            report.ok("Điểm chốt ngày %s (#%s) ký bởi hệ thống, bao trùm nhật ký đến sự kiện #%s"
                      % (body.get("day"), body.get("seq"), entry[1]))
    if not items:
        report.note("Hồ sơ chưa có điểm chốt đã ký: chỉ kiểm tra được chuỗi băm")
    elif covered < len(events):
        report.note("Điểm chốt đã ký bao trùm đến sự kiện #%d trên %d" % (covered, len(events)))


def _find_input(bodies, seq):
    body = bodies.get(seq) or {}
    return body.get("data") or {}


def check_signatures(base, case, bodies, manifest, ssl, report):
    for item in manifest.get("signatures") or []:
        seq = item.get("seq")
        where = item.get("signature", "?")
        name = item.get("label") or item.get("step") or ""
        label = "Chữ ký %s (sự kiện #%s)" % (EVENT_LABELS.get(name, name), seq)
        if item.get("redacted"):
            report.note(label + ": sự kiện đã che, không kiểm tra được tại đây")
            continue
        body = bodies.get(seq)
        if body is None:
            report.fail(where, "không có sự kiện #%s trong nhật ký" % seq)
            continue
        content_path = os.path.join(base, item.get("content", ""))
        try:
            with open(content_path, "rb") as handle:
                content = handle.read()
        except OSError:
            report.fail(item.get("content", "?"), "thiếu nội dung đã ký")
            continue
        data = body.get("data") or {}
        at = parse_time(body["at"])
        if item.get("kind") == "decision":
            decision = data.get("signed")
            if not isinstance(decision, dict) or canonical(decision) != content:
                report.fail(item.get("content"), "nội dung đã ký khác với quyết định ghi trong nhật ký (#%s)" % seq)
                continue
            expected = {"case": case, "step": data.get("element"), "task": data.get("task"),
                        "instance": data.get("instance"), "data": data.get("input"), "at": body.get("at"),
                        "prev": body.get("prev")}
            wrong = [k for k, v in expected.items() if decision.get(k) != v]
            signer = decision.get("signer") or {}
            if signer.get("username") != body.get("actor"):
                wrong.append("signer")
            if wrong:
                report.fail(item.get("content"), "quyết định đã ký không khớp nhật ký (%s)" % ", ".join(wrong))
                continue
        else:   # a repair sealed by the system: the event's own body
            if content != canonical(body):
                report.fail(item.get("content"), "nội dung đã đóng dấu khác với sự kiện #%s" % seq)
                continue
        ok, message, serial, der = ssl.verify_cms(os.path.join(base, where), content_path, at)
        if not ok:
            report.fail(where, message)
            continue
        if item.get("kind") == "decision":
            expected_serial = ((data.get("signed") or {}).get("signer") or {}).get("certificate")
            if (serial or "").upper() != (expected_serial or "").upper():
                report.fail(where, "chứng thư ký (%s) không phải chứng thư ghi trong quyết định" % serial)
                continue
        elif der not in ssl.system_ders:
            report.fail(where, "con dấu không phải chứng thư của hệ thống")
            continue
        if ssl.revoked_before(serial, at):
            report.fail(where, "chứng thư %s đã bị thu hồi trước thời điểm ký" % serial)
            continue
        report.ok(label + ": " + (item.get("signer") or serial or "") + ", hợp lệ")


def check_files_against_journal(base, bodies, manifest, ssl, report, redacted_any):
    recorded_documents, recorded_attachments = {}, {}
    for body in (bodies or {}).values():
        data = body.get("data") or {}
        for entry in data.get("documents") or []:
            if isinstance(entry, dict) and entry.get("sha256") and entry.get("version"):
                if not entry.get("unchanged"):
                    recorded_documents[(entry.get("key"), entry.get("version"))] = (entry["sha256"], body,
                                                                                  entry.get("certificate"))
        if body.get("type") == "attachment.added":
            recorded_attachments[data.get("attachment")] = (data.get("sha256"), body)
    for item in manifest.get("documents") or []:
        where = item.get("path") or item.get("name")
        if item.get("missing"):
            report.fail("documents/" + str(item.get("name")), "văn bản không còn trong kho lưu trữ khi xuất hồ sơ")
            continue
        if item.get("withheld"):
            report.note("Văn bản %s: không kèm trong hồ sơ này (có thể chứa trường mật), SHA-256 %s…"
                        % (item.get("name"), (item.get("sha256") or "")[:16]))
            continue
        with open(os.path.join(base, item["path"]), "rb") as handle:
            digest = sha256_hex(handle.read())
        found = recorded_documents.get((item.get("key"), item.get("version")))
        if found is None and redacted_any:
            report.note("Văn bản %s: sự kiện tạo ra văn bản đã che, không đối chiếu được" % where)
        elif found is None or found[0] != digest:
            report.fail(where, "văn bản khác với mã băm ghi trong nhật ký")
            continue
        if item.get("signature"):
            body = found[1] if found else None
            at = parse_time(body["at"]) if body else None
            ok, message, serial, _der = ssl.verify_cms(os.path.join(base, item["signature"]),
                                                       os.path.join(base, item["path"]), at)
            if not ok:
                report.fail(item["signature"], message)
                continue
            if ssl.revoked_before(serial, at):
                report.fail(item["signature"], "chứng thư %s đã bị thu hồi trước thời điểm ký" % serial)
                continue
            recorded_serial = found[2] if found else None
            if recorded_serial and (serial or "").upper() != recorded_serial.upper():
                report.fail(item["signature"], "văn bản được ký bằng chứng thư %s, không phải chứng thư %s ghi "
                                               "trong nhật ký" % (serial, recorded_serial))
                continue
        signed = ", chữ ký số hợp lệ" if item.get("signature") else ""
        report.ok("Văn bản %s khớp nhật ký%s" % (item.get("name"), signed))
    for item in manifest.get("attachments") or []:
        where = item.get("path") or item.get("name")
        if item.get("missing"):
            report.fail("attachments/" + str(item.get("name")), "tệp không còn trong kho lưu trữ khi xuất hồ sơ")
            continue
        if item.get("withheld"):
            report.note("Tệp đính kèm %s: không kèm trong hồ sơ này (có thể chứa trường mật)" % item.get("name"))
            continue
        with open(os.path.join(base, item["path"]), "rb") as handle:
            digest = sha256_hex(handle.read())
        found = recorded_attachments.get(item.get("id"))
        if found is None and redacted_any:
            report.note("Tệp đính kèm %s: sự kiện đính kèm đã che, không đối chiếu được" % where)
        elif found is None or found[0] != digest:
            report.fail(where, "tệp đính kèm khác với mã băm ghi trong nhật ký")
        else:
            report.ok("Tệp đính kèm %s khớp nhật ký" % item.get("name"))


def verify(base, quiet=False):
    report = Report(quiet=quiet)
    try:
        with open(os.path.join(base, "manifest.json"), "rb") as handle:
            manifest = json.loads(handle.read().decode("utf-8"))
    except (OSError, ValueError, UnicodeDecodeError):
        report.fail("manifest.json", "thiếu hoặc không đọc được bản kê")
        return report
    if manifest.get("format") != FORMAT:
        report.fail("manifest.json", "định dạng hồ sơ không được hỗ trợ: %s" % manifest.get("format"))
        return report
    case = manifest.get("case")
    report._say("Kiểm tra hồ sơ %s (%s), xuất lúc %s" % (case, FORMAT, manifest.get("created_at")))
    with tempfile.TemporaryDirectory(prefix="quytrinh-verify-") as work:
        ssl = OpenSSL(base, manifest, work)
        check_files(base, manifest, report)
        check_manifest_seal(base, ssl, report)
        ssl.load_crl(os.path.join(base, manifest.get("crl") or "certificates/issuing.crl"), report)
        events = read_journal(base, manifest, report)
        bodies = check_chain(case, events, manifest, report) if events is not None else None
        check_definition(base, manifest, bodies, report)
        if events is not None:
            check_checkpoints(base, case, events, manifest, ssl, report)
        if bodies is not None:
            check_signatures(base, case, bodies, manifest, ssl, report)
            check_files_against_journal(base, bodies, manifest, ssl, report,
                                        any(e.get("redacted") for e in events))
    return report


def main(argv):
    args = [a for a in argv if not a.startswith("--")]
    base = os.path.abspath(args[0]) if args else os.path.dirname(os.path.abspath(__file__))
    as_json = "--json" in argv
    report = verify(base, quiet=as_json)
    if as_json:
        print(json.dumps({"ok": not report.failures, "failures": report.failures, "notes": report.notes,
                          "lines": report.lines}, ensure_ascii=False, indent=2))
    elif report.failures:
        first = report.failures[0]
        print("KẾT QUẢ: KHÔNG HỢP LỆ — %d lỗi; lỗi đầu tiên: %s: %s"
              % (len(report.failures), first["where"], first["message"]))
    else:
        print("KẾT QUẢ: HỢP LỆ — mọi kiểm tra đều đạt" + (" (%d ghi chú)" % len(report.notes) if report.notes else ""))
    return 1 if report.failures else 0


if __name__ == "__main__":
    if hasattr(sys.stdout, "reconfigure"):
        sys.stdout.reconfigure(encoding="utf-8")
    sys.exit(main(sys.argv[1:]))
