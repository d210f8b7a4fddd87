"""The start page in plain words: the greeting, counts, an owner without cases."""

import pytest

from practice.auth.models import Role
from practice.cases.models import CaseStatus
from practice.words import greeting_name, plural


@pytest.mark.parametrize(
    ("name", "called"),
    [
        ("Olive Owner", "Olive"),
        ("Dr Olive Owner", "Olive"),
        ("Dr. Olive Owner", "Olive"),
        ("Prof Dr Ann Lee", "Ann"),
        ("Dr Owner", "Dr Owner"),
        ("Casey", "Casey"),
        ("  ", ""),
    ],
)
def test_a_greeting_uses_the_given_name_past_any_title(name, called):
    assert greeting_name(name) == called


def test_counts_take_the_right_plural():
    assert plural(1, "safety flag") == "1 safety flag"
    assert plural(2, "safety flag") == "2 safety flags"
    assert plural(0, "person", "people") == "0 people"


def test_the_dashboard_greets_a_doctor_by_name(client, auth, make_user):
    doctor = make_user(Role.COUNSELLOR, name="Dr Casey Counsellor")
    auth.login(doctor)
    page = client.get("/dashboard").data.decode()
    assert "Good to see you, Casey" in page
    assert "Good to see you, Dr" not in page


def test_one_safety_flag_is_singular(client, auth, counsellor, make_case):
    make_case(counsellor, screening="concerns-plan")
    auth.login(counsellor)
    page = client.get("/dashboard").data.decode()
    assert "safety flag</div>" in page
    assert "1 safety flags" not in page
    assert ">open case</div>" in page


def test_an_owner_without_cases_is_told_what_is_true(client, auth, owner, counsellor, make_case):
    make_case(counsellor)
    make_case(counsellor, ("Sam Okafor", "Robin Okafor"))
    make_case(counsellor, ("Lee Ray",), status=CaseStatus.CLOSED)
    auth.login(owner)
    page = client.get("/dashboard").data.decode()
    assert "No open cases yet" not in page
    assert "No cases of your own" in page
    assert "The practice has 2 open cases" in page


def test_an_owner_of_an_empty_practice_is_told_to_start(client, auth, owner):
    auth.login(owner)
    assert "No open cases yet" in client.get("/dashboard").data.decode()
