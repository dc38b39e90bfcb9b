"""The code an authenticator app shows now (RFC 6238: HMAC-SHA1, 30-second steps,
6 digits, as allauth's defaults), for tests that sign in with two factors."""

import base64
import hmac
import struct
import time
from hashlib import sha1


def totp_code(secret: str, at: float | None = None) -> str:
    key = base64.b32decode(secret.upper() + "=" * (-len(secret) % 8))
    counter = int((time.time() if at is None else at) // 30)
    digest = hmac.new(key, struct.pack(">Q", counter), sha1).digest()
    offset = digest[-1] & 0x0F
    value = struct.unpack(">I", digest[offset : offset + 4])[0] & 0x7FFFFFFF
    return f"{value % 1_000_000:06d}"
