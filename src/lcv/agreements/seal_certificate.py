"""A self-signed seal certificate for demo and tests. Production uses a CA-issued one (README)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.hazmat.primitives.serialization import pkcs12
from cryptography.x509.oid import NameOID

VALIDITY = timedelta(days=5 * 365)


def create_self_signed_pkcs12(
    path: Path, *, password: bytes | None = None, common_name: str = "LCV-portaal (demo)"
) -> bool:
    """Write a PKCS#12 with a new key and a 5-year self-signed certificate; False if it exists.

    The certificate is an end entity (no CA) that may only sign: digitalSignature and
    nonRepudiation, the key usages a seal certificate needs (a CA-issued one has them too)."""
    if path.exists():
        return False
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    name = x509.Name(
        [
            x509.NameAttribute(NameOID.COMMON_NAME, common_name),
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, "LCV-portaal"),
            x509.NameAttribute(NameOID.COUNTRY_NAME, "NL"),
        ]
    )
    now = datetime.now(UTC)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - timedelta(minutes=5))
        .not_valid_after(now + VALIDITY)
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=True,
                content_commitment=True,  # nonRepudiation
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                key_cert_sign=False,
                crl_sign=False,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
        .sign(key, hashes.SHA256())
    )
    encryption = serialization.BestAvailableEncryption(password) if password else serialization.NoEncryption()
    data = pkcs12.serialize_key_and_certificates(b"lcv-seal", key, certificate, None, encryption)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    path.chmod(0o600)
    write_certificate_pem(path, password=password)
    return True


def seal_certificate_path(pkcs12_path: str | Path, certificate_path: str = "") -> Path:
    """Where the seal's certificate (PEM, public) lies: LCV_SEAL_CERTIFICATE, or beside the PKCS#12.
    Checking a seal needs only this file; the web process never opens the PKCS#12."""
    return Path(certificate_path) if certificate_path else Path(pkcs12_path).with_suffix(".pem")


def write_certificate_pem(path: Path, *, password: bytes | None) -> Path:
    """Export the certificate of the PKCS#12 at `path` as PEM beside it (for verification)."""
    _key, certificate, _ = pkcs12.load_key_and_certificates(path.read_bytes(), password)
    if certificate is None:
        raise ValueError(f"{path} holds no certificate")
    target = seal_certificate_path(path)
    target.write_bytes(certificate.public_bytes(serialization.Encoding.PEM))
    return target


def can_open(path: Path, *, password: bytes | None) -> bool:
    """Does the PKCS#12 open with this password and hold both a key and a certificate?"""
    try:
        key, certificate, _ = pkcs12.load_key_and_certificates(path.read_bytes(), password)
    except ValueError:
        return False
    return key is not None and certificate is not None
