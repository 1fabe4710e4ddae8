"""Outside programs the suite checks its output with: openssl, LibreOffice, pdftotext, SoftHSM2, Chromium.

A user's own clone may lack one: the test that needs it is skipped, saying what to install. The project's
test command (scripts/test.sh, hence .ci/run) installs them all and sets ``QUYTRINH_TEST_REQUIRE_TOOLS=1``:
there a missing program fails the test instead, so a green run never hides a missing install step.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import unicodedata
import uuid
from pathlib import Path

import pytest

PACKAGES = {"openssl": "openssl", "soffice": "libreoffice-writer", "pdftotext": "poppler-utils",
            "pdfinfo": "poppler-utils", "softhsm2-util": "softhsm2", "/usr/bin/chromium": "chromium"}


def required() -> bool:
    """The test command asked for every outside program (a missing one is a failure, not a skip)."""
    return os.environ.get("QUYTRINH_TEST_REQUIRE_TOOLS") == "1"


def missing(reason: str) -> None:
    """Fail under the test command, skip (saying why) elsewhere."""
    (pytest.fail if required() else pytest.skip)(reason)


def require(program: str) -> str:
    """The path of ``program`` (a name on PATH or an absolute path)."""
    path = shutil.which(program)
    if path is None:
        missing(f"{program} is not installed: apt-get install {PACKAGES.get(program, program)}")
    return path


def to_pdf(sources: list[Path], outdir: Path) -> list[Path]:
    """Convert documents to PDF in one headless LibreOffice run, with a profile of its own (parallel runs must
    not share one); returns the PDFs, in the order of ``sources``."""
    soffice = require("soffice")
    profile = Path(outdir) / f"lo-profile-{uuid.uuid4().hex}"
    try:
        result = subprocess.run([soffice, "--headless", f"-env:UserInstallation={profile.as_uri()}", "--convert-to",
                                 "pdf", "--outdir", str(outdir), *map(str, sources)],
                                capture_output=True, text=True, timeout=240)
    finally:
        shutil.rmtree(profile, ignore_errors=True)
    pdfs = [Path(outdir) / (Path(s).stem + ".pdf") for s in sources]
    for source, pdf in zip(sources, pdfs):
        assert pdf.exists(), f"LibreOffice produced no PDF for {Path(source).name}: {result.stdout}{result.stderr}"
    return pdfs


def pdf_text(pdf: Path) -> str:
    """The text of a PDF as pdftotext lays it out (NFC, so Vietnamese compares as typed)."""
    out = subprocess.run([require("pdftotext"), "-layout", str(pdf), "-"], check=True, capture_output=True,
                         text=True).stdout
    return unicodedata.normalize("NFC", out)


def pdf_pages(pdf: Path) -> int:
    info = subprocess.run([require("pdfinfo"), str(pdf)], check=True, capture_output=True, text=True).stdout
    return int(next(line.split()[1] for line in info.splitlines() if line.startswith("Pages:")))


def write_files(directory: Path, files: dict[str, bytes]) -> Path:
    """Write ``{relative name: bytes}`` under ``directory`` (a signature bundle, an export); returns it."""
    for name, content in files.items():
        path = Path(directory) / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(content)
    return Path(directory)


def openssl_cms_verify(directory: Path, signature: str, content: str, *, attime=None) -> subprocess.CompletedProcess:
    """``openssl cms -verify`` of a detached DER signature over ``content`` against ``root.pem``, all in
    ``directory``, as the signatures issue states it (validity checked at ``attime`` when given)."""
    args = [require("openssl"), "cms", "-verify", "-binary", "-inform", "DER", "-in", signature, "-content", content,
            "-CAfile", "root.pem", "-purpose", "any", "-out", os.devnull]
    if attime is not None:
        args += ["-attime", str(int(attime.timestamp()))]
    return subprocess.run(args, cwd=directory, capture_output=True, text=True)
