"""Signing documents that leave the platform (电子送达): an embedded PDF signature (PAdES-style CMS, by pyHanko)
with the platform's key, which any PDF reader can check against the platform certificate published at
/signing-certificate.pem. Everything runs offline: no timestamp authority, no revocation service.

The key and its self-signed certificate live in TONGBAN_SIGNING_KEY_DIR (default var/signing/, outside the
database); the first use makes them. A deployment puts its organisation's key and certificate there
(``key.pem``, ``cert.pem``). ``DocumentSigner`` is the seam for e-licences (issue 9): an SM2 signer with a
certificate from the national CA plugs in by ``set_document_signer``.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import fcntl
import io
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol, TypeVar

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID
from django.conf import settings
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.pdf_utils.misc import PdfError
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign import signers
from pyhanko.sign.validation import validate_pdf_signature
from pyhanko_certvalidator import ValidationContext

T = TypeVar("T")
KEY_FILE, CERT_FILE = "key.pem", "cert.pem"
FIELD_NAME = "TongbanPlatformSignature"


@dataclass(frozen=True)
class Verification:
    signed: bool  # the file carries a signature
    intact: bool  # the signed bytes were not changed since
    trusted: bool  # by the platform's certificate
    signer: str  # the certificate's subject

    @property
    def valid(self) -> bool:
        return self.signed and self.intact and self.trusted


class DocumentSigner(Protocol):
    def sign(self, pdf: bytes, reason: str, location: str) -> bytes: ...
    def verify(self, pdf: bytes) -> Verification: ...
    def certificate_pem(self) -> bytes: ...


def key_dir() -> Path:
    return Path(getattr(settings, "TONGBAN_SIGNING_KEY_DIR", "") or Path(settings.VAR_DIR) / "signing")


_lock = threading.Lock()


def _outside_event_loop(work: Callable[[], T]) -> T:
    """pyHanko's synchronous calls run their own asyncio loop: where a loop already runs in this thread (an
    ASGI server, a test driving a browser), run them in a thread of their own."""
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return work()
    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(work).result()


def ensure_platform_key(directory: Path, name: str) -> tuple[Path, Path]:
    """The key and certificate files, made once (ECDSA P-256, self-signed, ten years) when missing."""
    key_path, cert_path = directory / KEY_FILE, directory / CERT_FILE
    if key_path.is_file() and cert_path.is_file():
        return key_path, cert_path
    directory.mkdir(parents=True, exist_ok=True)
    # One maker across threads and processes (web workers and the task worker may start at once).
    with _lock, open(directory / ".lock", "w") as lock_file:
        fcntl.flock(lock_file, fcntl.LOCK_EX)
        if key_path.is_file() and cert_path.is_file():
            return key_path, cert_path
        key = ec.generate_private_key(ec.SECP256R1())
        subject = x509.Name(
            [x509.NameAttribute(NameOID.COUNTRY_NAME, "CN"), x509.NameAttribute(NameOID.COMMON_NAME, name)]
        )
        now = dt.datetime.now(dt.UTC)
        cert = (
            x509.CertificateBuilder()
            .subject_name(subject)
            .issuer_name(subject)
            .public_key(key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(now - dt.timedelta(days=1))
            .not_valid_after(now + dt.timedelta(days=3650))
            .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
            .add_extension(x509.KeyUsage(True, True, False, False, False, True, False, False, False), critical=True)
            .sign(key, hashes.SHA256())
        )
        key_path.write_bytes(
            key.private_bytes(
                serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
            )
        )
        key_path.chmod(0o600)
        cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
        return key_path, cert_path


class PlatformSigner:
    """Signs with the platform's own key (files in ``directory``)."""

    def __init__(self, directory: Path, name: str):
        self.key_path, self.cert_path = ensure_platform_key(directory, name)
        self._signer = signers.SimpleSigner.load(str(self.key_path), str(self.cert_path))

    def sign(self, pdf: bytes, reason: str, location: str) -> bytes:
        meta = signers.PdfSignatureMetadata(field_name=FIELD_NAME, reason=reason, location=location)
        writer = IncrementalPdfFileWriter(io.BytesIO(pdf))
        return _outside_event_loop(lambda: signers.sign_pdf(writer, meta, signer=self._signer).getvalue())

    def verify(self, pdf: bytes) -> Verification:
        try:
            signatures = PdfFileReader(io.BytesIO(pdf)).embedded_signatures
        except PdfError:  # not a PDF at all: nothing signed
            return Verification(False, False, False, "")
        if not signatures:
            return Verification(False, False, False, "")
        cert = self._signer.signing_cert
        context = ValidationContext(trust_roots=[cert], allow_fetching=False)
        status = _outside_event_loop(lambda: validate_pdf_signature(signatures[-1], context))
        return Verification(True, bool(status.intact), bool(status.trusted), status.signing_cert.subject.human_friendly)

    def certificate_pem(self) -> bytes:
        return self.cert_path.read_bytes()


_signer: DocumentSigner | None = None


def document_signer() -> DocumentSigner:
    global _signer
    if _signer is None:
        _signer = PlatformSigner(key_dir(), str(getattr(settings, "TONGBAN_PLATFORM_NAME", "Tongban")))
    return _signer


def set_document_signer(signer: DocumentSigner | None) -> None:
    """Plug in another signer (an SM2 one for e-licences), or None to use the platform key again."""
    global _signer
    _signer = signer
