"""Registers (sổ đăng ký) whose numbers the engine gives: what a form's ``x-register`` field may name.

Quy định 693-QĐ/VPTW (2021) on records work in party bodies: each register is kept by the body that
registers (here: the unit the step is given to), numbers from 1 on 1 January to 31 December, consecutively, without
gaps or duplicates; secret documents are registered and numbered in a separate register. The number of
an outgoing document is written "number-type/issuer" (``15-CV/ĐU``): the abbreviation of the document's
type from Quy định 399-QĐ/TW (2026), that of the issuing committee, and numbers below 10 with a leading
zero (Hướng dẫn 36-HD/VPTW). docs/registers.md describes how forms use them.
"""

from __future__ import annotations

from dataclasses import dataclass
from string import Formatter
from typing import Mapping


@dataclass(frozen=True)
class Register:
    """A register: its Vietnamese name, how its numbers are written, and the register a classified case
    (độ mật from "Mật") uses instead. ``format`` may use ``{number}``, ``{type}`` (the document type's
    abbreviation) and ``{issuer}`` (the issuing committee's)."""

    code: str
    name: str
    format: str = "{number}"
    secret: str | None = None


REGISTERS: dict[str, Register] = {r.code: r for r in (
    Register("incoming", "Sổ đăng ký văn bản đến", secret="incoming_secret"),
    Register("incoming_secret", "Sổ đăng ký văn bản mật đến", "M{number}"),
    Register("outgoing", "Sổ đăng ký văn bản đi", "{number:02d}-{type}/{issuer}", secret="outgoing_secret"),
    Register("outgoing_secret", "Sổ đăng ký văn bản mật đi", "{number:02d}-{type}/{issuer}"),
    Register("telegram", "Sổ đăng ký điện mật đến"),     # the cipher desk's own register: always secret
)}

#: Abbreviations of the document types (Quy định 399-QĐ/TW), by the names the forms offer.
DOCUMENT_TYPES: dict[str, str] = {
    "Nghị quyết": "NQ", "Quyết định": "QĐ", "Chỉ thị": "CT", "Kết luận": "KL", "Quy định": "QĐi", "Quy chế": "QC",
    "Hướng dẫn": "HD", "Kế hoạch": "KH", "Chương trình": "CTr", "Báo cáo": "BC", "Thông báo": "TB",
    "Tờ trình": "TTr", "Công văn": "CV", "Giấy mời": "GM", "Biên bản": "BB",
}

#: Abbreviation of the issuing committee by the level of the unit that keeps the register
#: (Ban Chấp hành Trung ương, tỉnh ủy/thành ủy, đảng ủy xã/phường, chi bộ).
ISSUERS: dict[str, str] = {"central": "TW", "province": "TU", "commune": "ĐU", "cell": "CB"}

#: What a field may ask instead of the register's own format: the bare sequence number.
ORDINAL = "ordinal"


class CannotNumber(LookupError):
    """The register's format needs a value the case does not give (``what``: ``document_type``, ``issuer``)."""

    def __init__(self, what: str, value: object) -> None:
        super().__init__(f"{what}: {value!r}")
        self.what = what
        self.value = value


def register_for(code: str, classification: int) -> Register:
    """The register a number is taken from: the secret counterpart for a case classified "Mật" or above.

    :raises KeyError: no such register.
    """
    register = REGISTERS[code]
    if classification >= 1 and register.secret:
        return REGISTERS[register.secret]
    return register


def numbered_by_type(register: Register) -> bool:
    """Whether the register's numbers carry the document type (``03-BC/ĐU``), and those of its secret
    counterpart, which a classified case uses instead."""
    def typed(r: Register) -> bool:
        return any(name == "type" for _, name, _, _ in Formatter().parse(r.format))
    return typed(register) or bool(register.secret and typed(REGISTERS[register.secret]))


def number_text(register: Register, number: int, *, data: Mapping, unit_level: str | None,
                ordinal: bool = False, document_type: str | None = None) -> str:
    """The number as written in the register (``12``, ``M3``, ``03-BC/ĐU``), or bare with ``ordinal``.

    ``data`` is the case's data with the step's (``document_type``); ``document_type``, the type the form
    itself names (``x-register``: a decision form numbers a "Quyết định"), overrides it.

    :raises CannotNumber: the format needs a document type or an issuer the case does not give.
    """
    if ordinal:
        return str(number)
    names = {name for _, name, _, _ in Formatter().parse(register.format) if name}
    values: dict[str, object] = {"number": number}
    if "type" in names:
        kind = document_type or data.get("document_type")
        if kind not in DOCUMENT_TYPES:
            raise CannotNumber("document_type", kind)
        values["type"] = DOCUMENT_TYPES[kind]
    if "issuer" in names:
        if unit_level not in ISSUERS:
            raise CannotNumber("issuer", unit_level)
        values["issuer"] = ISSUERS[unit_level]
    return register.format.format(**values)
