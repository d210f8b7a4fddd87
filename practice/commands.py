"""Command-line tasks: ``flask --app wsgi <command>``.

Each command does its work in one transaction and commits once at the end.
"""

import click
import sqlalchemy as sa
from cryptography.fernet import Fernet
from email_validator import EmailNotValidError, validate_email
from flask import Flask

from practice import audit
from practice.auth.forms import MIN_PASSWORD
from practice.auth.models import Role, User
from practice.backups.commands import backup_command, restore_command
from practice.catalogue.commands import catalogue_cli
from practice.crypto_rotation import rotate_all
from practice.demo import seed
from practice.extensions import db
from practice.reminders.commands import send_reminders_command


def register(app: Flask) -> None:
    app.cli.add_command(create_owner)
    app.cli.add_command(seed_demo)
    app.cli.add_command(catalogue_cli)
    app.cli.add_command(rotate_keys)
    app.cli.add_command(new_notes_key)
    app.cli.add_command(send_reminders_command)
    app.cli.add_command(backup_command)
    app.cli.add_command(restore_command)


@click.command("create-owner")
@click.option("--email", required=True, help="The owner's email; used to log in.")
@click.option("--name", default="Practice owner", show_default=True, help="The owner's name.")
@click.option(
    "--password",
    prompt=True,
    hide_input=True,
    confirmation_prompt=True,
    help="Asked for when not given.",
)
def create_owner(email: str, name: str, password: str) -> None:
    """Create the practice owner's account (for a new practice)."""
    try:
        email = validate_email(email.strip(), check_deliverability=False).normalized.lower()
    except EmailNotValidError as exc:
        raise click.BadParameter(str(exc), param_hint="--email") from exc
    if len(password) < MIN_PASSWORD:
        raise click.BadParameter(f"use at least {MIN_PASSWORD} characters", param_hint="password")
    if db.session.scalar(sa.select(User.id).where(User.email == email)):
        raise click.ClickException(f"an account for {email} already exists")
    owner = User(email=email, name=name, role=Role.OWNER)
    owner.set_password(password)
    db.session.add(owner)
    db.session.flush()
    audit.record("account.create", owner, role="owner", via="cli")
    db.session.commit()
    click.echo(f"Owner account created for {email}. Log in at /login.")


@click.command("seed-demo")
@click.option("--password", required=True, help="The password every demo login gets.")
@click.option("--if-empty", is_flag=True, help="Do nothing when the practice already has accounts.")
def seed_demo(password: str, if_empty: bool) -> None:
    """Fill the practice with demo accounts and couples for trying Mend out."""
    if len(password) < MIN_PASSWORD:
        raise click.BadParameter(f"use at least {MIN_PASSWORD} characters", param_hint="password")
    if if_empty and db.session.scalar(sa.select(sa.func.count(User.id))):
        click.echo("The practice already has accounts; no demo data added.")
        return
    logins = seed(password)
    db.session.commit()
    click.echo("Demo practice ready. Logins (all with the password you gave):")
    for role, email in logins:
        click.echo(f"  {role:<12} {email}")


@click.command("rotate-keys")
def rotate_keys() -> None:
    """Re-encrypt every note, entry and screening under the newest key in MEND_NOTES_KEYS."""
    counts = rotate_all()
    db.session.commit()
    audit_total = sum(counts.values())
    audit.record("keys.rotate", values=audit_total)
    db.session.commit()
    click.echo(f"Re-encrypted {audit_total} values under the newest key:")
    for column, n in counts.items():
        click.echo(f"  {column}: {n}")


@click.command("new-notes-key")
def new_notes_key() -> None:
    """Print a new key for MEND_NOTES_KEYS (put it first, keep the old one after it)."""
    click.echo(Fernet.generate_key().decode())
