"""Every error code the engine can raise has a Vietnamese message with correct parameters."""

import re
from pathlib import Path

from engine.errors import FieldError
from webapp import messages

ROOT = Path(__file__).resolve().parents[2]
CODE = re.compile(r'(?:Error|Invalid\w*|NotFound|NotAllowed|Conflict|Failed|Exceeded|Problem)\(\s*"([a-z_]+\.[a-z_]+)"')


def _raised_codes():
    codes = set()
    for path in (ROOT / "engine").rglob("*.py"):
        codes |= set(CODE.findall(path.read_text(encoding="utf-8")))
    for path in (ROOT / "engine").rglob("*.py"):
        codes |= set(re.findall(r'Problem\([^)]*?"([a-z_]+\.[a-z_]+)"', path.read_text(encoding="utf-8")))
    return codes


def test_every_engine_error_code_has_vietnamese_text():
    codes = _raised_codes()
    assert len(codes) > 30
    assert sorted(c for c in codes if c not in messages.VI) == []


def test_messages_keep_vietnamese_diacritics_and_fill_parameters():
    from engine.errors import NotFound
    assert messages.message(NotFound("case.not_found", number="KN-2026-000007")) == "Không tìm thấy hồ sơ KN-2026-000007."
    field = FieldError("cell_in_favour", "minimum", "Số đảng viên tán thành", {"limit": 0})
    assert messages.field_message(field) == "«Số đảng viên tán thành» phải lớn hơn hoặc bằng 0."
