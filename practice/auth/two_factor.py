"""Two-factor sign-in with time-based one-time codes (RFC 6238), and recovery codes.

Any authenticator app works (the QR code carries a standard ``otpauth://`` URI).
A code is accepted within one 30-second step either side of now, and never
twice: the last step used is kept. Recovery codes are for a lost phone; each
works once and only its hash is stored.
"""

import base64
import hashlib
import hmac
import secrets
import time

import pyotp
import segno
from markupsafe import Markup

from practice.auth.models import User
from practice.database import now_utc

RECOVERY_CODES = 8


def new_secret() -> str:
    return pyotp.random_base32()


def provisioning_uri(user: User, secret: str, issuer: str) -> str:
    return pyotp.TOTP(secret).provisioning_uri(name=user.email, issuer_name=issuer)


def qr_image(uri: str) -> Markup:
    """The URI as a QR code, an <img> of inline SVG (the pages' CSP allows data: images)."""
    svg = segno.make(uri, error="m").svg_inline(scale=5, dark="#000", light="#fff")
    encoded = base64.b64encode(svg.encode()).decode()
    return Markup(
        '<img class="qr" alt="QR code for your authenticator app" '
        'src="data:image/svg+xml;base64,{}">'
    ).format(encoded)


def _digits(code: str) -> str:
    return "".join(ch for ch in code if ch.isdigit())


def check_code(user: User, code: str, at: float | None = None) -> bool:
    """Accept a current, unused code for ``user``; remember its step if accepted."""
    code = _digits(code)
    if not user.totp_secret or len(code) != 6:
        return False
    totp = pyotp.TOTP(user.totp_secret)
    now = time.time() if at is None else at
    for drift in (0, -1, 1):
        step = int(now // totp.interval) + drift
        if hmac.compare_digest(totp.at(step * totp.interval), code):
            if user.totp_last_step is not None and step <= user.totp_last_step:
                return False  # already used: a replayed code
            user.totp_last_step = step
            return True
    return False


def _hash(code: str) -> str:
    return hashlib.sha256(code.strip().lower().replace("-", "").encode()).hexdigest()


def new_recovery_codes(user: User) -> list[str]:
    """Fresh recovery codes for ``user``; shown once, kept only as hashes."""
    codes = [f"{secrets.token_hex(3)}-{secrets.token_hex(3)}" for _ in range(RECOVERY_CODES)]
    user.recovery_codes = [_hash(code) for code in codes]
    return codes


def use_recovery_code(user: User, code: str) -> bool:
    hashed = _hash(code)
    remaining = list(user.recovery_codes or [])
    if hashed not in remaining:
        return False
    remaining.remove(hashed)
    user.recovery_codes = remaining
    return True


def enable(user: User) -> list[str]:
    user.totp_enabled_at = now_utc()
    return new_recovery_codes(user)


def disable(user: User) -> None:
    user.totp_secret = None
    user.totp_enabled_at = None
    user.totp_last_step = None
    user.recovery_codes = None
