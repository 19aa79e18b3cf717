"""The QR code's text alphabet (pure): RFC 4648 base32 without padding, upper case. Its 32 characters all lie
in the QR code's alphanumeric mode (5.5 bits a character) and are safe in a URL path, so the code can be a
link a phone opens; base45 packs 3% more but its space, ``%`` and ``+`` cannot stand in a URL."""

from __future__ import annotations

import base64
import binascii


def encode(data: bytes) -> str:
    return base64.b32encode(data).decode("ascii").rstrip("=")


def decode(text: str) -> bytes:
    cleaned = text.strip().upper()
    padded = cleaned + "=" * (-len(cleaned) % 8)
    try:
        return base64.b32decode(padded)
    except (binascii.Error, ValueError) as exc:
        raise ValueError("二维码内容不是有效的证照码") from exc
