"""SM2/SM3 (GB/T 32918): gmalg against the standard's vectors, our key and signature encodings, and OpenSSL 3
both ways (it verifies what Tongban signs; Tongban verifies what it signs), with the default user ID."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import gmalg
import gmalg.ellipticcurve as ec
import pytest
from gmalg.sm2 import SM2Core

from tongban.core import sm2

# GB/T 32918.2 Annex A: the 256-bit example curve, user ALICE123@YAHOO.COM, message "message digest".
EXAMPLE_CURVE = ec.ECDLP(
    0x8542D69E4C044F18E8B92435BF6FF7DE457283915C45517D722EDB8B08F1DFC3,
    0x787968B4FA32C3FD2417842E73BBFEFF2F3C848B6831D7E0EC65228B3937E498,
    0x63E4C6D3B23B0C849CF84241484BFE48F61D59A5B16BA06E6E12D1DA27C5249A,
    (
        0x421DEBD61B62EAB6746434EBC3CC315E32220B3BADD50BDC4C4E6C147FEDD43D,
        0x0680512BCBB42C07D47349D2153B70C4E5D7FDFCBFA36EA1A85841B9E46E09A2,
    ),
    0x8542D69E4C044F18E8B92435BF6FF7DD297720630485628D5AE74EE7C32E79B7,
)


def test_gmalg_matches_the_annex_a_signature_example():
    k = 0x6CB28D99385C175C94F94E934817663FC176D925DD72B727260DBAAE1FB2F96F
    core = SM2Core(EXAMPLE_CURVE, gmalg.SM3(), lambda _bits: k)
    d = 0x128B2FA8BD433C6C068C8D803DFF79792A519A55171B1B650C23661D15897263
    public = core.generate_pk(d)
    assert public[0] == 0x0AE4C7798AA0F119471BEE11825BE46202BB79E2A5844495E97C04FF4DF2548A
    r, s = core.sign(b"message digest", d, b"ALICE123@YAHOO.COM", public)
    assert r == 0x40F1EC59F793D9F49E09DCEF49130D4194F79FB1EED2CAA55BACDB49C4E755D1
    assert s == 0x6FC6DAC32C5D5CF10C77DFB20F7C2EB667A457872FB09EC56327A67EC7DEEBE7
    assert core.verify(b"message digest", r, s, b"ALICE123@YAHOO.COM", public)


def test_gmalg_matches_the_recommended_curve_example_with_the_default_user_id():
    """GB/T 32918.5 (GM/T 0003.5) example on the recommended curve, ID 1234567812345678."""
    signer = gmalg.SM2(
        bytes.fromhex("3945208F7B2144B13F36E38AC6D39F95889393692860B51A42FB81EF4DF7C5B8"),
        sm2.USER_ID,
        rnd_fn=lambda _bits: 0x59276E27D506861A16680F3AD9C02DCCEF3CC1FA3CDBE4CE6D54B80DEAC1BC21,
    )
    r, s = signer.sign(b"message digest")
    assert r.hex().upper() == "F5A03B0648D2C4630EEAC513E1BB81A15944DA3827D5B74143AC7EACEEE720B3"
    assert s.hex().upper() == "B1B6AA29DF212FD8763182BC0D421CA1BB9038FD1F7F42D4840B69C485BBC1AA"


def test_sm3_of_the_standard_examples():
    assert sm2.sm3(b"abc").hex() == "66c7f0f462eeedd9d1f2d46bdc10e4e24167c4875cf2f7a2297da02b8f4ba8e0"
    assert sm2.sm3(b"abcd" * 16).hex() == "debe9ff92275b8a138604889c18e5a4d6fdb70e5387e5765293dcba39c0c5732"


def test_signatures_verify_and_nothing_else_does():
    private, public = sm2.generate_keypair()
    signature = sm2.sign(private, b"licence")
    assert len(signature) == 64 and sm2.verify(public, b"licence", signature)
    assert not sm2.verify(public, b"licencf", signature)
    assert not sm2.verify(public, b"licence", signature[:-1] + bytes([signature[-1] ^ 1]))
    assert not sm2.verify(sm2.generate_keypair()[1], b"licence", signature)
    # nonces are random: the same message twice gives two signatures
    assert sm2.sign(private, b"licence") != signature


def test_der_and_pem_round_trips():
    private, public = sm2.generate_keypair()
    signature = sm2.sign(private, b"x")
    assert sm2.signature_from_der(sm2.signature_to_der(signature)) == signature
    assert sm2.public_key_from_pem(sm2.public_key_pem(public)) == public
    assert sm2.private_key_from_pem(sm2.private_key_pem(private)) == private
    with pytest.raises(sm2.SignatureError):
        sm2.check_public_key(public[:-1] + bytes([public[-1] ^ 1]))


OPENSSL = shutil.which("openssl")
needs_openssl = pytest.mark.skipif(OPENSSL is None, reason="the openssl command is not installed")


def _openssl(*args: str) -> subprocess.CompletedProcess:
    assert OPENSSL
    return subprocess.run([OPENSSL, *args], capture_output=True, text=True, timeout=30)


def _distid(user_id: bytes = sm2.USER_ID) -> list[str]:
    # OpenSSL 3.0's pkeyutl takes the SM2 ID as -pkeyopt (later versions also as -sigopt, as dgst does).
    return ["-pkeyopt", f"distid:{user_id.decode()}"]


@needs_openssl
def test_openssl_verifies_what_tongban_signs(tmp_path: Path):
    private, public = sm2.generate_keypair()
    message = "电子证照 1.2.156.3005.2".encode()
    (tmp_path / "data").write_bytes(message)
    (tmp_path / "pub.pem").write_text(sm2.public_key_pem(public))
    (tmp_path / "sig").write_bytes(sm2.signature_to_der(sm2.sign(private, message)))
    common = ["pkeyutl", "-verify", "-pubin", "-inkey", str(tmp_path / "pub.pem"), "-rawin", "-digest", "sm3"]
    files = ["-in", str(tmp_path / "data"), "-sigfile", str(tmp_path / "sig")]
    ok = _openssl(*common, *_distid(), *files)
    assert ok.returncode == 0, ok.stdout + ok.stderr
    # the ID is part of what is signed: another ID fails, so the default really was used
    assert _openssl(*common, *_distid(b"1234567812345679"), *files).returncode != 0
    (tmp_path / "data").write_bytes(message + b"!")
    assert _openssl(*common, *_distid(), *files).returncode != 0


@needs_openssl
def test_tongban_verifies_what_openssl_signs(tmp_path: Path):
    made = _openssl("genpkey", "-algorithm", "SM2", "-out", str(tmp_path / "key.pem"))
    assert made.returncode == 0, made.stderr
    pub = _openssl("pkey", "-in", str(tmp_path / "key.pem"), "-pubout", "-out", str(tmp_path / "pub.pem"))
    assert pub.returncode == 0, pub.stderr
    message = b'{"identifier":"1.2.156.3005.2"}'
    (tmp_path / "data").write_bytes(message)
    signed = _openssl(
        "pkeyutl", "-sign", "-inkey", str(tmp_path / "key.pem"), "-rawin", "-digest", "sm3", *_distid(),
        "-in", str(tmp_path / "data"), "-out", str(tmp_path / "sig"),
    )  # fmt: skip
    assert signed.returncode == 0, signed.stderr
    public = sm2.public_key_from_pem((tmp_path / "pub.pem").read_text())
    assert public == sm2.public_key_of(sm2.private_key_from_pem((tmp_path / "key.pem").read_text()))
    signature = sm2.signature_from_der((tmp_path / "sig").read_bytes())
    assert sm2.verify(public, message, signature)
    assert not sm2.verify(public, message + b" ", signature)


@needs_openssl
def test_openssl_dgst_with_sigopt_agrees_too(tmp_path: Path):
    """domain.md §6 gives the option as -sigopt: `openssl dgst` takes it so."""
    private, public = sm2.generate_keypair()
    (tmp_path / "key.pem").write_text(sm2.private_key_pem(private))
    (tmp_path / "data").write_bytes(b"status list")
    signed = _openssl(
        "dgst", "-sm3", "-sign", str(tmp_path / "key.pem"), "-sigopt", "distid:1234567812345678",
        "-out", str(tmp_path / "sig"), str(tmp_path / "data"),
    )  # fmt: skip
    assert signed.returncode == 0, signed.stderr
    assert sm2.verify(public, b"status list", sm2.signature_from_der((tmp_path / "sig").read_bytes()))


def test_our_verification_agrees_with_gmalg_and_the_standards_example():
    """sm2.verify is our own (Jacobian coordinates, public data only): the standard's example signature holds,
    and on random keys and messages it says what gmalg says, for good signatures and changed ones."""
    private = bytes.fromhex("3945208F7B2144B13F36E38AC6D39F95889393692860B51A42FB81EF4DF7C5B8")
    example = bytes.fromhex(
        "F5A03B0648D2C4630EEAC513E1BB81A15944DA3827D5B74143AC7EACEEE720B3"
        "B1B6AA29DF212FD8763182BC0D421CA1BB9038FD1F7F42D4840B69C485BBC1AA"
    )
    assert sm2.verify(sm2.public_key_of(private), b"message digest", example)
    assert not sm2.verify(sm2.public_key_of(private), b"message digest!", example)
    for length in range(0, 200, 25):
        private, public = sm2.generate_keypair()
        message = bytes(range(256))[:length]
        signature = sm2.sign(private, message, public)
        changed = signature[:40] + bytes([signature[40] ^ 0x10]) + signature[41:]
        for candidate in (signature, changed):
            theirs = bool(gmalg.SM2(None, sm2.USER_ID, public).verify(message, candidate[:32], candidate[32:]))
            assert sm2.verify(public, message, candidate) is theirs
        assert sm2.verify(public, message, signature)
    zero = bytes(32)
    n = (0xFFFFFFFEFFFFFFFFFFFFFFFFFFFFFFFF7203DF6B21C6052B53BBF40939D54123).to_bytes(32, "big")
    for r, s in ((zero, signature[32:]), (signature[:32], zero), (n, signature[32:])):
        assert not sm2.verify(public, message, r + s)
