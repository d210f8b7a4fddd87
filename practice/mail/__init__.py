"""Sending email, with the outbox as the record of every message.

Without ``SMTP_HOST`` nothing leaves the machine: messages wait in the outbox
the owner can read, and whoever triggered them is shown what to hand over.
Secrets such as one-time links are passed as ``secrets``: the outbox shows the
message with them masked, and keeps the whole message only encrypted
(``kept_body``, under the notes keys) and only while it still has to be
delivered. Sent, or its link used or replaced, the kept copy is blanked.
"""

import smtplib
from email.message import EmailMessage

from flask import current_app

from practice.database import now_utc
from practice.extensions import db
from practice.mail.models import OutboundEmail

MASK = "[one-time link, not kept]"


def smtp_configured() -> bool:
    return bool(current_app.config.get("SMTP_HOST"))


def send(
    kind: str,
    to: str | None,
    subject: str,
    body: str,
    *,
    case_id: int | None = None,
    secrets: tuple[str, ...] = (),
) -> OutboundEmail:
    """Send ``body`` to ``to`` when SMTP is set up; always record it in the outbox."""
    stored = body
    for secret in secrets:
        stored = stored.replace(secret, MASK)
    record = OutboundEmail(kind=kind, to=to, subject=subject, body=stored, case_id=case_id)
    if secrets and to:
        record.kept_body = body
    db.session.add(record)
    if to and smtp_configured():
        _attempt(record, body)
    return record


def deliverable(record: OutboundEmail) -> bool:
    """Whether the outbox holds all it needs to send ``record`` (now, or again)."""
    if not record.to or record.sent_at is not None:
        return False
    return record.kept_body is not None or MASK not in record.body


def deliver(record: OutboundEmail) -> bool:
    """Send a message waiting in the outbox; True if the mail server took it."""
    if not deliverable(record) or not smtp_configured():
        return False
    return _attempt(record, record.kept_body if record.kept_body is not None else record.body)


def _attempt(record: OutboundEmail, body: str) -> bool:
    try:
        _deliver(record.to, record.subject, body)
    except (OSError, smtplib.SMTPException) as exc:
        record.error = f"{type(exc).__name__}: {exc}"[:500]
        current_app.logger.warning("Email %s to %s failed: %s", record.kind, record.to, exc)
        return False
    record.sent_at = now_utc()
    record.error = None
    record.kept_body = None
    return True


def _deliver(to: str, subject: str, body: str) -> None:
    config = current_app.config
    message = EmailMessage()
    message["From"] = config["MAIL_FROM"]
    message["To"] = to
    message["Subject"] = subject
    message.set_content(body)
    with smtplib.SMTP(config["SMTP_HOST"], config["SMTP_PORT"], timeout=15) as smtp:
        if config["SMTP_STARTTLS"]:
            smtp.starttls()
        if config.get("SMTP_USER"):
            smtp.login(config["SMTP_USER"], config["SMTP_PASSWORD"] or "")
        smtp.send_message(message)
