"""Who a certificate names: full name, organisation, unit, position, e-mail.

Mapping to X.509 (RFC 5280 attribute types): CN = full name, O = party organisation (e.g. "Đảng bộ
tỉnh Hưng Yên"), OU = unit (e.g. "Văn phòng Tỉnh ủy"), title = position (e.g. "Chánh Văn phòng"),
C = VN. cryptography writes these as UTF8String, so Vietnamese diacritics survive byte for byte.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass

from cryptography import x509
from cryptography.x509.oid import NameOID


def nfc(text: str) -> str:
    """Normalise to NFC and trim.

    The same name typed on two systems may come precomposed ("Nguyễn") or decomposed ("Nguye" +
    combining marks); both must give the same certificate subject, or searching and comparing names
    across the journal and the certificates silently fails.
    """
    return unicodedata.normalize("NFC", text).strip()


@dataclass(frozen=True)
class SubjectInfo:
    """The person (or CA) a certificate names; empty optional fields are left out of the subject."""

    full_name: str
    organization: str
    unit: str = ""
    title: str = ""
    email: str = ""
    country: str = "VN"

    def to_name(self) -> x509.Name:
        """Build the X.509 subject, most general attribute first (C, O, OU, title, CN)."""
        parts = [(NameOID.COUNTRY_NAME, self.country), (NameOID.ORGANIZATION_NAME, self.organization),
                 (NameOID.ORGANIZATIONAL_UNIT_NAME, self.unit), (NameOID.TITLE, self.title),
                 (NameOID.COMMON_NAME, self.full_name)]
        return x509.Name([x509.NameAttribute(oid, nfc(value)) for oid, value in parts if nfc(value)])

    @classmethod
    def from_name(cls, name: x509.Name) -> SubjectInfo:
        """Read the fields back from a subject (the first value of each attribute)."""
        def first(oid: x509.ObjectIdentifier) -> str:
            values = name.get_attributes_for_oid(oid)
            value = values[0].value if values else ""
            return value if isinstance(value, str) else value.decode("utf-8", "replace")

        return cls(full_name=first(NameOID.COMMON_NAME), organization=first(NameOID.ORGANIZATION_NAME),
                   unit=first(NameOID.ORGANIZATIONAL_UNIT_NAME), title=first(NameOID.TITLE),
                   email=first(NameOID.EMAIL_ADDRESS), country=first(NameOID.COUNTRY_NAME))

    @classmethod
    def from_certificate(cls, certificate: x509.Certificate) -> SubjectInfo:
        """Read the subject of ``certificate``, taking the e-mail from subjectAltName when present."""
        info = cls.from_name(certificate.subject)
        try:
            san = certificate.extensions.get_extension_for_class(x509.SubjectAlternativeName).value
        except x509.ExtensionNotFound:
            return info
        emails = san.get_values_for_type(x509.RFC822Name)
        if emails and not info.email:
            info = cls(**{**info.__dict__, "email": emails[0]})
        return info
