"""The command-line tasks a practice runs."""

import sqlalchemy as sa

from practice.auth.models import Role, User
from practice.cases.models import Case
from practice.extensions import db
from practice.homework.services import case_assignments


def test_create_owner(runner):
    result = runner.invoke(
        args=["create-owner", "--email", "Boss@Example.org", "--password", "a long password"]
    )
    assert result.exit_code == 0, result.output
    owner = db.session.scalar(sa.select(User))
    assert (owner.email, owner.role) == ("boss@example.org", Role.OWNER)


def test_create_owner_asks_for_the_password(runner):
    result = runner.invoke(
        args=["create-owner", "--email", "boss@example.org"],
        input="a long password\na long password\n",
    )
    assert result.exit_code == 0, result.output
    assert db.session.scalar(sa.select(User)).check_password("a long password")


def test_create_owner_refuses_short_passwords_and_duplicates(runner, owner):
    result = runner.invoke(args=["create-owner", "--email", "b@example.org", "--password", "x"])
    assert result.exit_code != 0
    result = runner.invoke(
        args=["create-owner", "--email", owner.email, "--password", "a long password"]
    )
    assert result.exit_code != 0
    assert "already exists" in result.output


def test_seed_demo_is_idempotent(runner):
    first = runner.invoke(args=["seed-demo", "--password", "demo password"])
    assert first.exit_code == 0, first.output
    assert "owner@demo.mend" in first.output
    count = db.session.scalar(sa.select(sa.func.count()).select_from(User))
    second = runner.invoke(args=["seed-demo", "--password", "demo password"])
    assert second.exit_code == 0, second.output
    db.session.rollback()
    assert db.session.scalar(sa.select(sa.func.count()).select_from(User)) == count


def test_seed_demo_if_empty_leaves_a_real_practice_alone(runner, owner):
    result = runner.invoke(args=["seed-demo", "--password", "demo password", "--if-empty"])
    assert "no demo data added" in result.output
    assert db.session.scalar(sa.select(sa.func.count()).select_from(User)) == 1


def test_demo_logins_work(runner, client, auth):
    runner.invoke(args=["seed-demo", "--password", "demo password"])
    assert auth.login("sam@demo.mend", "demo password").status_code == 302


def test_the_demos_paused_couple_has_nothing_that_involves_the_partner(runner):
    """Santos & Becker: work together paused for safety, and only work each does alone."""
    runner.invoke(args=["seed-demo", "--password", "demo password"])
    santos = db.session.scalar(sa.select(Case).where(Case.label.startswith("Maria Santos")))
    assert santos.joint_paused
    given = case_assignments(santos)
    assert given
    assert not [a.exercise.title for a in given if a.involves_partner]


def test_the_demo_shows_reliable_change_and_two_kept_reviews(runner):
    """The Morgans: Alex rises reliably (8 to 15, recovered), Jordan does not (11 to 13);
    a review at the fifth session and another at the eighth, each with its own figures."""
    from practice.dates import practice_today
    from practice.progress.change import Change
    from practice.progress.data import progress_for_case
    from practice.progress.models import CheckInSchedule
    from practice.progress.reviews import reviews_of

    runner.invoke(args=["seed-demo", "--password", "demo password"])
    morgan = db.session.scalar(sa.select(Case).where(Case.label == "Alex & Jordan Morgan"))
    progress = progress_for_case(morgan, practice_today())
    assert [(p.name, p.change_class) for p in progress.partners] == [
        ("Alex", Change.RECOVERED),
        ("Jordan", Change.UNCHANGED),
    ]
    first, second = reviews_of(morgan)
    assert (first.joint, second.joint) == (5, 8)
    assert [(m.baseline, m.latest, m.change) for m in first.measures] == [
        (8, 12, Change.IMPROVED),
        (11, 12, Change.UNCHANGED),
    ]
    assert [(m.baseline, m.latest, m.change) for m in second.measures] == [
        (8, 15, Change.RECOVERED),
        (11, 13, Change.UNCHANGED),
    ]
    olsen = db.session.scalar(sa.select(Case).where(Case.label == "Dana & Chris Olsen"))
    assert db.session.get(CheckInSchedule, olsen.id).every == 2


def test_create_owner_checks_the_email(runner):
    result = runner.invoke(
        args=["create-owner", "--email", "not-an-email", "--password", "a long password"]
    )
    assert result.exit_code != 0
    assert db.session.scalar(sa.select(sa.func.count()).select_from(User)) == 0
