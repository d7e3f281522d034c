"""The QR code of a virtual MFA device's otpauth:// URI, as the PNG CreateVirtualMFADevice returns."""

from __future__ import annotations

import io

SCALE = 4  # pixels per module, so an authenticator app's camera reads it off a screen


def qr_png(text: str) -> bytes:
    """A PNG of the QR code for `text` (error correction level M, four-module quiet zone)."""
    import segno  # only CreateVirtualMFADevice needs it

    buffer = io.BytesIO()
    segno.make(text, error="m", micro=False).save(buffer, kind="png", scale=SCALE, border=4)
    return buffer.getvalue()
