"""``flask --app wsgi send-reminders``: the command cron or a systemd timer runs."""

import click

from practice.database import now_utc
from practice.reminders.due import due_reminders
from practice.reminders.sending import send_reminders

HELP = """Send the reminders that are due: appointments (a day before each session),
homework (the day before it is due) and check-in requests (a few days before a
session). Email goes out through SMTP when SMTP_HOST is set; otherwise it waits
in the owner's outbox.

Safe to run as often as you like, from cron or a systemd timer, every five
minutes say: each reminder is recorded under a key of its own and sent once.
A run that fails part-way loses nothing; the next run picks up what is left,
and retries a failed message up to three times.

\b
cron:    */5 * * * * cd /srv/mend && .venv/bin/flask --app wsgi send-reminders
systemd: see README.md, "Reminders", for a service and timer.
"""


@click.command("send-reminders", help=HELP)
@click.option("--dry-run", is_flag=True, help="List what is due now; send and record nothing.")
def send_reminders_command(dry_run: bool) -> None:
    now = now_utc()
    if dry_run:
        for item in due_reminders(now):
            click.echo(f"due  {item.key}  to {item.to}")
        return
    outcome = send_reminders(now)
    kinds = ", ".join(f"{kind} {n}" for kind, n in sorted(outcome.sent.items())) or "none"
    click.echo(f"{outcome.due} due; sent {outcome.sent_total} ({kinds}).")
    if outcome.failed:
        click.echo(f"{len(outcome.failed)} failed and will be tried again:", err=True)
        for key in outcome.failed:
            click.echo(f"  {key}", err=True)
        raise SystemExit(1)
