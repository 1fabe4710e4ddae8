"""Detached CMS SignedData (RFC 5652): built around any RSA signing function, and read back.

Built with asn1crypto rather than cryptography's ``PKCS7SignatureBuilder`` for two reasons: the
builder needs the private key in memory (a PKCS#11 token never lets it out), and it stamps
``signingTime`` from the wall clock, while the engine signs at the time of its injectable clock.

What a signature carries: SHA-256; signed attributes contentType (id-data), signingTime,
messageDigest and ESS signingCertificateV2 (RFC 5035: binds the signer's certificate into what is
signed, as CAdES-BES requires, so the certificate cannot be swapped for another one with the same
key); the signer's certificate and the issuing CA's, so ``openssl cms -verify -CAfile root.pem``
needs nothing else.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime

import asn1crypto.tsp  # noqa: F401  (registers the signing_certificate_v2 attribute with asn1crypto.cms)
from asn1crypto import cms
from asn1crypto import x509 as asn1_x509
from cryptography import x509
from cryptography.exceptions import UnsupportedAlgorithm as CryptographyUnsupportedAlgorithm
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

from signatures._time import as_utc, whole_seconds
from signatures.errors import ChainInvalid, KeyUnsupported, SignatureMalformed, UnsupportedAlgorithm

#: Signs the DER of the signed attributes: RSASSA-PKCS1-v1_5 with SHA-256, as the token's
#: CKM_SHA256_RSA_PKCS or ``key.sign(data, PKCS1v15(), SHA256())`` do.
SignFunction = Callable[[bytes], bytes]

#: Digests a verifier accepts; signatures made here always use SHA-256.
DIGESTS = {"sha256": hashlib.sha256, "sha384": hashlib.sha384, "sha512": hashlib.sha512}

#: What asn1crypto and cryptography raise on damaged DER. Both decode lazily, so these surface
#: wherever a field is first touched, not only at load time.
DECODE_ERRORS = (ValueError, TypeError, KeyError, AttributeError, x509.InvalidVersion,
                 x509.DuplicateExtension, x509.UnsupportedGeneralNameType)


def build_detached(data: bytes, *, certificate: x509.Certificate, chain: Sequence[x509.Certificate],
                   signing_time: datetime, sign: SignFunction) -> bytes:
    """Return the DER of a detached SignedData over ``data`` whose signature ``sign`` computes.

    ``signing_time`` is truncated to whole seconds (UTCTime has no fractions).
    """
    if not isinstance(certificate.public_key(), rsa.RSAPublicKey):
        raise KeyUnsupported(key_type=type(certificate.public_key()).__name__)
    cert_der = certificate.public_bytes(serialization.Encoding.DER)
    asn1_cert = asn1_x509.Certificate.load(cert_der)
    attributes = _signed_attributes(data, cert_der, whole_seconds(as_utc(signing_time, "signing_time")))
    # The signature covers the attributes encoded as a SET (tag 0x31), not as the [0] IMPLICIT
    # field they become inside SignerInfo (RFC 5652 §5.4).
    signature = sign(attributes.dump())
    signer_info = cms.SignerInfo({
        "version": "v1",
        "sid": cms.SignerIdentifier({"issuer_and_serial_number": cms.IssuerAndSerialNumber(
            {"issuer": asn1_cert.issuer, "serial_number": asn1_cert.serial_number})}),
        "digest_algorithm": {"algorithm": "sha256"},
        "signed_attrs": attributes,
        "signature_algorithm": {"algorithm": "rsassa_pkcs1v15"},
        "signature": signature,
    })
    certificates = [asn1_cert] + [asn1_x509.Certificate.load(c.public_bytes(serialization.Encoding.DER))
                                  for c in chain]
    signed_data = cms.SignedData({
        "version": "v1",
        "digest_algorithms": [{"algorithm": "sha256"}],
        "encap_content_info": {"content_type": "data"},
        "certificates": [cms.CertificateChoices(name="certificate", value=c) for c in certificates],
        "signer_infos": [signer_info],
    })
    return cms.ContentInfo({"content_type": "signed_data", "content": signed_data}).dump()


def _signed_attributes(data: bytes, cert_der: bytes, signing_time: datetime) -> cms.CMSAttributes:
    # RFC 5280 §4.1.2.5.1 / RFC 5652 §11.3: UTCTime for 1950-2049, GeneralizedTime after.
    time = cms.Time({"utc_time" if signing_time.year < 2050 else "generalized_time": signing_time})
    attributes = [
        cms.CMSAttribute({"type": "content_type", "values": ["data"]}),
        cms.CMSAttribute({"type": "signing_time", "values": [time]}),
        cms.CMSAttribute({"type": "message_digest", "values": [hashlib.sha256(data).digest()]}),
        cms.CMSAttribute({"type": "signing_certificate_v2",
                          "values": [{"certs": [{"cert_hash": hashlib.sha256(cert_der).digest()}]}]}),
    ]
    # DER: a SET OF is sorted by the encodings of its elements (X.690 §11.6).
    return cms.CMSAttributes(sorted(attributes, key=lambda a: a.dump()))


@dataclass(frozen=True)
class ParsedSignature:
    """The parts of a detached SignedData a verifier needs, already decoded."""

    signer_certificate: x509.Certificate
    certificates: tuple[x509.Certificate, ...]
    digest_algorithm: str
    signed_attributes_der: bytes
    signature: bytes
    message_digest: bytes
    signing_time: datetime
    #: (hash algorithm, hash) of each ESSCertIDv2, or None when the attribute is absent.
    signing_certificate_hashes: tuple[tuple[str, bytes], ...] | None


def parse_detached(signature: bytes) -> ParsedSignature:
    """Decode a detached SignedData with exactly one signer and the usual signed attributes.

    :raises SignatureMalformed: not such a structure (``params['reason']`` says which part).
    :raises UnsupportedAlgorithm: a digest or signature algorithm other than SHA-2 / RSA PKCS#1 v1.5.
    :raises ChainInvalid: the signer's certificate is not embedded.
    """
    try:
        return _parse(signature)
    except CryptographyUnsupportedAlgorithm as exc:
        raise UnsupportedAlgorithm(algorithm=str(exc)) from exc
    except DECODE_ERRORS as exc:
        raise SignatureMalformed(reason="undecodable", detail=type(exc).__name__) from exc


def _parse(signature: bytes) -> ParsedSignature:
    info = cms.ContentInfo.load(signature, strict=True)
    if info["content_type"].native != "signed_data":
        raise SignatureMalformed(reason="not_signed_data")
    signed_data = info["content"]
    encapsulated = signed_data["encap_content_info"]
    if encapsulated["content"].native is not None:
        raise SignatureMalformed(reason="not_detached")
    if encapsulated["content_type"].native != "data":
        raise SignatureMalformed(reason="content_type", found=str(encapsulated["content_type"].native))
    signer_infos = list(signed_data["signer_infos"])
    if len(signer_infos) != 1:
        raise SignatureMalformed(reason="signer_count", count=len(signer_infos))
    signer_info = signer_infos[0]
    # The fields below are not covered by the signature; refusing anything but the one correct
    # value keeps a signature from having several byte forms that all verify.
    expected_version = "v1" if signer_info["sid"].name == "issuer_and_serial_number" else "v3"
    if signed_data["version"].native not in ("v1", "v3") or signer_info["version"].native != expected_version:
        raise SignatureMalformed(reason="version")

    digest_algorithm = signer_info["digest_algorithm"]["algorithm"].native
    if digest_algorithm not in DIGESTS:
        raise UnsupportedAlgorithm(algorithm=digest_algorithm)
    if digest_algorithm not in {a["algorithm"].native for a in signed_data["digest_algorithms"]}:
        raise SignatureMalformed(reason="digest_algorithms")
    signature_algorithm = signer_info["signature_algorithm"]
    for algorithm in (signer_info["digest_algorithm"], signature_algorithm, *signed_data["digest_algorithms"]):
        if algorithm["parameters"].native is not None:        # absent or NULL (RFC 5754, RFC 4055)
            raise SignatureMalformed(reason="algorithm_parameters")
    if signature_algorithm.signature_algo != "rsassa_pkcs1v15":
        raise UnsupportedAlgorithm(algorithm=signature_algorithm["algorithm"].native)
    if signature_algorithm["algorithm"].native != "rsassa_pkcs1v15" and \
            signature_algorithm.hash_algo != digest_algorithm:
        raise UnsupportedAlgorithm(algorithm=signature_algorithm["algorithm"].native)

    attributes = signer_info["signed_attrs"]
    if not isinstance(attributes, cms.CMSAttributes) or not len(attributes):
        raise SignatureMalformed(reason="no_signed_attributes")
    values = _single_valued(attributes)
    for required in ("content_type", "message_digest", "signing_time"):
        if required not in values:
            raise SignatureMalformed(reason="missing_attribute", attribute=required)
    if values["content_type"].native != "data":
        raise SignatureMalformed(reason="content_type", found=str(values["content_type"].native))
    ess = values.get("signing_certificate_v2")

    embedded = [c.chosen for c in (signed_data["certificates"] or []) if c.name == "certificate"]
    for certificate in embedded:
        # cryptography 50 accepts a certificate signature BIT STRING that claims unused bits, openssl
        # refuses it ("invalid bit string bits left"); refuse it too, so no two byte forms verify.
        if certificate["signature_value"].contents[:1] != b"\x00":
            raise SignatureMalformed(reason="certificate_signature_bits")
    signer = _find_signer(signer_info["sid"], embedded)
    return ParsedSignature(
        signer_certificate=x509.load_der_x509_certificate(signer.dump()),
        certificates=tuple(x509.load_der_x509_certificate(c.dump()) for c in embedded),
        digest_algorithm=digest_algorithm,
        # Keep the bytes as received and only swap the [0] tag back to SET: re-encoding could
        # "repair" a non-DER encoding and verify something other than what was signed.
        signed_attributes_der=b"\x31" + attributes.dump()[1:],
        signature=signer_info["signature"].native,
        message_digest=values["message_digest"].native,
        signing_time=as_utc(values["signing_time"].native, "signing_time"),
        signing_certificate_hashes=None if ess is None else tuple(
            (cert_id["hash_algorithm"]["algorithm"].native, cert_id["cert_hash"].native)
            for cert_id in ess["certs"]),
    )


#: Attributes that RFC 5652 §11 and RFC 5035 §5.4 require to appear once with exactly one value.
SINGLE_VALUED = ("content_type", "message_digest", "signing_time", "signing_certificate_v2")


def _single_valued(attributes: cms.CMSAttributes) -> dict[str, object]:
    """Map each attribute of :data:`SINGLE_VALUED` that is present to its one value."""
    values: dict[str, object] = {}
    seen: set[str] = set()
    for attribute in attributes:
        name = attribute["type"].native
        if name in seen or (name in SINGLE_VALUED and len(attribute["values"]) != 1):
            raise SignatureMalformed(reason="repeated_attribute", attribute=str(name))
        seen.add(name)
        if name in SINGLE_VALUED:
            values[name] = attribute["values"][0]
    return values


def _find_signer(sid: cms.SignerIdentifier, embedded: list[asn1_x509.Certificate]) -> asn1_x509.Certificate:
    for certificate in embedded:
        if sid.name == "issuer_and_serial_number":
            # Byte-exact, not RFC 5280's case-insensitive name match: the sid is unsigned, and a
            # signer copies the issuer from its certificate, so only one form should verify.
            if (certificate.issuer.dump() == sid.chosen["issuer"].dump()
                    and certificate.serial_number == sid.chosen["serial_number"].native):
                return certificate
        elif certificate.key_identifier == sid.chosen.native:
            return certificate
    raise ChainInvalid(reason="signer_certificate_missing")
