"""Secrets for development, generated once into the instance folder.

Production reads ``SECRET_KEY`` and ``MEND_NOTES_KEYS`` from the environment and
refuses to start without them; a laptop gets its own keys on first start, kept
in ``instance/`` (git-ignored) so that sessions and encrypted notes survive a
restart.
"""

import os
import secrets
from pathlib import Path

from cryptography.fernet import Fernet
from flask import Flask


def _read_or_create(path: Path, make) -> str:
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        pass  # made earlier, or by another worker starting at the same moment
    else:
        with os.fdopen(fd, "w") as fh:
            fh.write(make())
    return path.read_text().strip()


def ensure_instance_keys(app: Flask) -> None:
    """Fill SECRET_KEY and NOTES_KEYS from the instance folder where unset."""
    folder = Path(app.instance_path)
    if not app.config.get("SECRET_KEY"):
        app.config["SECRET_KEY"] = _read_or_create(
            folder / "secret_key", lambda: secrets.token_urlsafe(48)
        )
    if not app.config.get("NOTES_KEYS"):
        app.config["NOTES_KEYS"] = _read_or_create(
            folder / "notes_key", lambda: Fernet.generate_key().decode()
        )
