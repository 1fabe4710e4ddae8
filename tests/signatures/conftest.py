"""Fixtures for the signatures package: a real two-level PKI, software keys, a SoftHSM2 token, openssl.

The CAs are built once per session (RSA-3072 generation and scrypt take a moment each); every
test that changes state (revocations, PIN counters) does so in plain values, never in the CA.
Validity windows are wide (2020-2045) so that openssl, which stamps the wall clock when it signs,
produces signatures these certificates cover; the package's own times are always passed in.
"""

from __future__ import annotations

import json
import os
import subprocess
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

import pkcs11
import pytest
from cryptography import x509
from cryptography.hazmat.primitives.asymmetric import rsa

from signatures import ca, keys, sealing
from signatures.ca import CertificateAuthority, IssuedCertificate
from signatures.pkcs11_signer import SOFTHSM2_MODULE, TokenKey, generate_token_key
from signatures.signer import SoftwareSigner
from signatures.subject import SubjectInfo
from tests import tools


def utc(*parts: int) -> datetime:
    return datetime(*parts, tzinfo=timezone.utc)


ROOT_PASSPHRASE = "Gốc: mật khẩu thử nghiệm, không dùng thật"
CA_PASSPHRASE = "Cấp phát: mật khẩu thử nghiệm, không dùng thật"
PIN = "246810"
TOKEN_PIN = "135790"
TOKEN_SO_PIN = "86420975"
ORGANIZATION = "Đảng bộ tỉnh Hưng Yên"
SIGNED_AT = utc(2026, 11, 26, 1, 0)            # 08:00 in Hà Nội
CERT_FROM = utc(2026, 1, 5)
CERT_UNTIL = utc(2028, 1, 5)

HANG = SubjectInfo(full_name="Nguyễn Thị Hằng", organization=ORGANIZATION, unit="Văn phòng Tỉnh ủy",
                   title="Chánh Văn phòng", email="hang.nt@hungyen.dcs.vn")
DUNG = SubjectInfo(full_name="Trần Quốc Dũng", organization=ORGANIZATION, unit="Ban Tổ chức Tỉnh ủy",
                   title="Phó Trưởng ban")


@dataclass(frozen=True)
class Pki:
    """A root CA and an issuing CA of one organisation, with their passphrases."""

    root: CertificateAuthority
    issuing: CertificateAuthority
    passphrase: str = CA_PASSPHRASE

    def issue(self, public_key: rsa.RSAPublicKey, subject: SubjectInfo = HANG, *,
              not_before: datetime = CERT_FROM, not_after: datetime = CERT_UNTIL) -> IssuedCertificate:
        return ca.issue_user_certificate(self.issuing, passphrase=self.passphrase, public_key=public_key,
                                         subject=subject, not_before=not_before, not_after=not_after)

    def root_certificate(self) -> x509.Certificate:
        return self.root.certificate()

    def chain(self) -> list[x509.Certificate]:
        return [self.issuing.certificate()]


#: The test CAs are opened for every certificate and CRL the tests make; the lowest cost the
#: envelope accepts keeps that quick. The default cost is checked in test_ca and test_keys.
CA_TEST_COST = sealing.ScryptCost(n=2**15)


def build_pki(organization: str) -> Pki:
    root = ca.create_root_ca(subject=SubjectInfo(f"{organization} – CA gốc nội bộ", organization),
                             passphrase=ROOT_PASSPHRASE, now=utc(2020, 1, 1), not_after=utc(2045, 1, 1),
                             cost=CA_TEST_COST)
    issuing = ca.create_issuing_ca(root, root_passphrase=ROOT_PASSPHRASE,
                                   subject=SubjectInfo(f"{organization} – CA nội bộ", organization),
                                   passphrase=CA_PASSPHRASE, now=utc(2020, 1, 1), not_after=utc(2040, 1, 1),
                                   cost=CA_TEST_COST)
    return Pki(root=root, issuing=issuing)


@pytest.fixture(scope="session")
def pki() -> Pki:
    return build_pki(ORGANIZATION)


@pytest.fixture(scope="session")
def other_pki() -> Pki:
    """Another organisation's CA, with the same names as ours: only the keys differ."""
    return build_pki(ORGANIZATION)


@pytest.fixture(scope="session")
def user_key() -> rsa.RSAPrivateKey:
    return keys.generate_user_key()


@pytest.fixture(scope="session")
def user_certificate(pki: Pki, user_key: rsa.RSAPrivateKey) -> IssuedCertificate:
    return pki.issue(user_key.public_key())


@pytest.fixture(scope="session")
def software_signer(pki: Pki, user_key, user_certificate) -> SoftwareSigner:
    return SoftwareSigner(user_key, user_certificate.certificate(), pki.chain())


@pytest.fixture
def decision() -> bytes:
    """Canonical decision bytes as the engine signs them (case, step, decision, note, time)."""
    return json.dumps({"case": "KN-2026-000123", "step": "chi_bo_xet_ket_nap", "decision": "approve",
                       "note": "Đủ điều kiện kết nạp", "at": SIGNED_AT.isoformat()},
                      ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode("utf-8")


# --- SoftHSM2 ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class SoftHsm:
    token_label: str
    pin: str

    def key(self, key_label: str) -> TokenKey:
        return TokenKey(module_path=SOFTHSM2_MODULE, token_label=self.token_label, key_label=key_label)


@pytest.fixture(scope="session")
def softhsm(tmp_path_factory) -> SoftHsm:
    """A private SoftHSM2 configuration and token directory, with one initialised token."""
    if not Path(SOFTHSM2_MODULE).exists():
        tools.missing(f"SoftHSM2 PKCS#11 module {SOFTHSM2_MODULE} is absent (apt-get install softhsm2)")
    tools.require("softhsm2-util")
    directory = tmp_path_factory.mktemp("softhsm")
    (directory / "tokens").mkdir()
    config = directory / "softhsm2.conf"
    config.write_text(f"directories.tokendir = {directory / 'tokens'}\nobjectstore.backend = file\n"
                      "log.level = ERROR\n")
    previous = os.environ.get("SOFTHSM2_CONF")
    os.environ["SOFTHSM2_CONF"] = str(config)
    label = "quytrinh-test"
    subprocess.run(["softhsm2-util", "--init-token", "--free", "--label", label, "--pin", TOKEN_PIN,
                    "--so-pin", TOKEN_SO_PIN], check=True, capture_output=True)
    # SoftHSM reads its configuration in C_Initialize: if this process loaded the module before
    # (another configuration), make it read ours.
    pkcs11.lib(SOFTHSM2_MODULE).reinitialize()
    yield SoftHsm(token_label=label, pin=TOKEN_PIN)
    pkcs11.unload(SOFTHSM2_MODULE)
    if previous is None:
        os.environ.pop("SOFTHSM2_CONF", None)
    else:
        os.environ["SOFTHSM2_CONF"] = previous


@pytest.fixture(scope="session")
def token_key(softhsm: SoftHsm) -> TokenKey:
    return softhsm.key("ky-so-tran-quoc-dung")


@pytest.fixture(scope="session")
def token_certificate(pki: Pki, softhsm: SoftHsm, token_key: TokenKey) -> IssuedCertificate:
    """The key pair is generated on the token; only its public half is certified."""
    public_key = generate_token_key(token_key, softhsm.pin)
    return pki.issue(public_key, DUNG)


# --- openssl ----------------------------------------------------------------------------------


@dataclass
class OpenSsl:
    """Runs openssl in a scratch directory; files are written by name."""

    directory: Path

    def write(self, name: str, data: bytes) -> str:
        path = self.directory / name
        path.write_bytes(data)
        return str(path)

    def run(self, *args: str) -> subprocess.CompletedProcess:
        return subprocess.run([tools.require("openssl"), *args], capture_output=True, text=True, cwd=self.directory)

    def cms_verify(self, signature: bytes, content: bytes, root_pem: bytes, *, at: datetime,
                   purpose: str | None = "any") -> subprocess.CompletedProcess:
        """``openssl cms -verify`` as the issue states it, checking validity at ``at`` (-attime)."""
        args = ["cms", "-verify", "-binary", "-inform", "DER", "-in", self.write("step.p7s", signature),
                "-content", self.write("step.json", content), "-CAfile", self.write("root.pem", root_pem),
                "-out", os.devnull, "-attime", str(int(at.timestamp()))]
        if purpose:
            args += ["-purpose", purpose]
        return self.run(*args)


@pytest.fixture
def openssl(tmp_path: Path) -> OpenSsl:
    tools.require("openssl")
    return OpenSsl(tmp_path)
