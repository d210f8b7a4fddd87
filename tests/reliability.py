"""The figures of the last reliability run, kept for docs/security.md.

Each test adds its own section to ``build/reliability-<database>.json``.
"""

import json
from datetime import UTC, datetime

from flask import Flask

from practice.extensions import db
from tests.live import ROOT


def record_figures(app: Flask, section: str, figures: dict) -> None:
    with app.app_context():
        database = db.engine.dialect.name
    path = ROOT / "build" / f"reliability-{database}.json"
    path.parent.mkdir(exist_ok=True)
    kept = json.loads(path.read_text()) if path.exists() else {}
    kept[section] = {"at": datetime.now(UTC).isoformat(timespec="seconds"), **figures}
    path.write_text(json.dumps(kept, indent=2, sort_keys=True) + "\n")
