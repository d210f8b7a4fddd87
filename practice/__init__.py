"""Mend: practice management for couples counsellors.

``create_app`` builds the Flask application. It connects nothing and creates
nothing: migrations, the catalogue and demo data are loaded by CLI commands.
"""

import os
from datetime import datetime
from pathlib import Path

from flask import Flask
from werkzeug.middleware.proxy_fix import ProxyFix

from config import DevelopmentConfig
from practice import (  # noqa: F401 - models: the whole schema
    commands,
    errors,
    models,
    request_cycle,
    templating,
)
from practice.account.routes import bp as account_bp
from practice.account.routes import require_two_factor
from practice.admin.routes import bp as admin_bp
from practice.auth.cookie import SessionCookie
from practice.auth.models import init_password_hashing
from practice.auth.routes import bp as auth_bp
from practice.billing.portal_routes import bp as portal_billing_bp
from practice.billing.practice_routes import bp as billing_practice_bp
from practice.billing.routes import bp as billing_bp
from practice.bounds import IdConverter
from practice.calendar import (  # noqa: F401 - the calendar's pages
    changes,
    feed_routes,
    request_routes,
    routes,
)
from practice.calendar.blueprint import bp as calendar_bp
from practice.cases.routes import bp as cases_bp
from practice.catalogue.routes import bp as catalogue_bp
from practice.consent.admin_routes import bp as admin_consent_bp
from practice.consent.portal_routes import bp as portal_consent_bp
from practice.consent.routes import bp as consent_bp
from practice.crypto import init_encryption
from practice.database import FixedClock, configure_sqlite
from practice.extensions import csrf, db, limiter, login_manager, migrate
from practice.homework.routes import bp as homework_bp
from practice.intake.admin_routes import bp as admin_intake_bp
from practice.intake.portal_routes import bp as portal_intake_bp
from practice.intake.routes import bp as intake_bp
from practice.keys import ensure_instance_keys
from practice.main.routes import bp as main_bp
from practice.messages.portal_routes import bp as portal_messages_bp
from practice.messages.routes import bp as messages_bp
from practice.parking import init_parking
from practice.plans.routes import bp as plans_bp
from practice.portal.appointments import bp as portal_calendar_bp
from practice.portal.requests import bp as portal_requests_bp
from practice.portal.routes import bp as portal_bp
from practice.progress.routes import bp as progress_bp
from practice.reports.routes import bp as reports_bp
from practice.safety.portal_routes import bp as portal_safety_bp
from practice.safety.routes import bp as safety_bp
from practice.screening.portal_routes import bp as portal_screening_bp
from practice.screening.routes import bp as screening_bp
from practice.sessions.routes import bp as sessions_bp

ROOT = Path(__file__).resolve().parent.parent


def create_app(config_class=DevelopmentConfig) -> Flask:
    """Build the app for ``config_class`` (a class from ``config``)."""
    app = Flask(
        __name__,
        template_folder=str(ROOT / "templates"),
        instance_path=os.environ.get("MEND_INSTANCE_PATH", str(ROOT / "instance")),
    )
    app.request_class = request_cycle.Request
    app.session_interface = SessionCookie()
    app.config.from_object(config_class)
    configure_secrets(app)
    configure_clock(app)
    configure_database(app)
    register_extensions(app)
    register_converters(app)
    register_blueprints(app)
    register_request_hooks(app)
    register_errorhandlers(app)
    register_template_helpers(app)
    register_commands(app)
    if app.config["TRUSTED_PROXIES"]:
        n = app.config["TRUSTED_PROXIES"]
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=n, x_proto=n, x_host=n)
    return app


def configure_secrets(app: Flask) -> None:
    """Refuse to start without required secrets; in development, make them."""
    if app.config["GENERATE_MISSING_KEYS"]:
        ensure_instance_keys(app)
    missing = [name for name in app.config["REQUIRED_SETTINGS"] if not app.config.get(name)]
    if missing:
        raise RuntimeError(
            f"Mend will not start without {' and '.join(missing)}: set "
            + ", ".join("MEND_NOTES_KEYS" if m == "NOTES_KEYS" else m for m in missing)
            + " in the environment (see README.md, 'Running a practice')."
        )


def configure_clock(app: Flask) -> None:
    """Under test only, run the app's clock from ``FIXED_NOW`` (``MEND_FIXED_NOW``)."""
    fixed = app.config.get("FIXED_NOW")
    if not fixed:
        return
    if not app.config.get("TESTING"):
        app.logger.warning("MEND_FIXED_NOW is ignored: it is honoured only when testing.")
        return
    if isinstance(fixed, str):
        fixed = datetime.fromisoformat(fixed)
    app.extensions["fixed_clock"] = FixedClock(fixed)


def configure_database(app: Flask) -> None:
    """Default to a SQLite file in the instance folder."""
    if not app.config.get("SQLALCHEMY_DATABASE_URI"):
        path = Path(app.instance_path) / "mend.sqlite3"
        app.config["SQLALCHEMY_DATABASE_URI"] = f"sqlite:///{path}"


def register_extensions(app: Flask) -> None:
    db.init_app(app)
    if app.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite"):
        Path(app.instance_path).mkdir(parents=True, exist_ok=True)
        with app.app_context():
            configure_sqlite(
                db.engine,
                app.config["SQLITE_BUSY_TIMEOUT_MS"],
                app.config["SQLITE_LOCK_OUTSIDE_REQUESTS"],
            )
    migrate.init_app(app, db, directory=str(ROOT / "migrations"), render_as_batch=True)
    csrf.init_app(app)
    limiter.init_app(app)
    login_manager.init_app(app)
    login_manager.login_view = "auth.login"
    login_manager.login_message = "Please log in to continue."
    login_manager.login_message_category = "info"
    login_manager.session_protection = "basic"
    init_password_hashing(app)
    init_encryption(app)


def register_converters(app: Flask) -> None:
    """Before any route: every ``<int:…>`` stops at the largest id (practice/bounds.py)."""
    app.url_map.converters["int"] = IdConverter


def register_blueprints(app: Flask) -> None:
    app.register_blueprint(main_bp)
    app.register_blueprint(auth_bp)
    app.register_blueprint(account_bp, url_prefix="/account")
    app.register_blueprint(admin_bp, url_prefix="/admin")
    app.register_blueprint(admin_intake_bp, url_prefix="/admin/intake")
    app.register_blueprint(admin_consent_bp, url_prefix="/admin/consent")
    app.register_blueprint(portal_bp, url_prefix="/portal")
    app.register_blueprint(portal_calendar_bp, url_prefix="/portal/appointments")
    app.register_blueprint(portal_requests_bp, url_prefix="/portal/appointments")
    app.register_blueprint(portal_safety_bp, url_prefix="/portal")
    app.register_blueprint(portal_screening_bp, url_prefix="/portal")
    app.register_blueprint(portal_intake_bp, url_prefix="/portal")
    app.register_blueprint(portal_consent_bp, url_prefix="/portal")
    app.register_blueprint(portal_messages_bp, url_prefix="/portal")
    app.register_blueprint(portal_billing_bp, url_prefix="/portal/billing")
    app.register_blueprint(calendar_bp, url_prefix="/calendar")
    app.register_blueprint(catalogue_bp, url_prefix="/catalogue")
    app.register_blueprint(cases_bp, url_prefix="/cases")
    app.register_blueprint(homework_bp, url_prefix="/cases/<int:case_id>/homework")
    app.register_blueprint(sessions_bp, url_prefix="/cases/<int:case_id>/sessions")
    app.register_blueprint(progress_bp, url_prefix="/cases/<int:case_id>")
    app.register_blueprint(screening_bp, url_prefix="/cases/<int:case_id>")
    app.register_blueprint(safety_bp, url_prefix="/cases/<int:case_id>")
    app.register_blueprint(intake_bp, url_prefix="/cases/<int:case_id>")
    app.register_blueprint(consent_bp, url_prefix="/cases/<int:case_id>")
    app.register_blueprint(plans_bp, url_prefix="/cases/<int:case_id>/plan")
    app.register_blueprint(billing_bp, url_prefix="/cases/<int:case_id>/billing")
    app.register_blueprint(billing_practice_bp, url_prefix="/billing")
    app.register_blueprint(reports_bp)
    app.register_blueprint(messages_bp)


def register_request_hooks(app: Flask) -> None:
    app.before_request(request_cycle.start_request)
    app.before_request(require_two_factor)
    # after_request hooks run in reverse: headers are set on whatever the commit returns.
    app.after_request(request_cycle.security_headers)
    app.after_request(request_cycle.commit_request)
    init_parking(app)


def register_errorhandlers(app: Flask) -> None:
    errors.register(app)


def register_template_helpers(app: Flask) -> None:
    templating.register(app)


def register_commands(app: Flask) -> None:
    commands.register(app)
