"""Referrals to other services, and their letters: the counsellor's, until given to the client."""

from datetime import timedelta

import pytest
import sqlalchemy as sa

from practice import audience
from practice.audit.models import AuditEvent
from practice.dates import practice_today
from practice.extensions import db
from practice.safety.models import Referral
from tests.factories import pdf_text, quiet, sign_in

REASON = "Maria would like support of her own while we pause joint sessions."
SERVICE = "Riverside Family Safety Service"


def referral_data(**change):
    data = {
        "form_token": "r-" + "0" * 30,
        "for_whom": "a",
        "kind": "domestic-abuse",
        "service": SERVICE,
        "service_address": "4 Bridge Street\nSpringfield",
        "reason": REASON,
        "referred_on": practice_today().isoformat(),
        "status": "made",
    }
    data.update(change)
    return {k: v for k, v in data.items() if v is not None}


@pytest.fixture
def couple(counsellor, make_case):
    return make_case(counsellor, ("Maria Santos", "Tom Becker"), screening="concerns")


@pytest.fixture
def as_counsellor(app, counsellor):
    return sign_in(app, counsellor)


def refer(browser, case, **change) -> Referral:
    response = browser.post(f"/cases/{case.id}/referrals/new", data=referral_data(**change))
    assert response.status_code == 302, response.get_data(as_text=True)[:2000]
    return db.session.scalar(sa.select(Referral).order_by(Referral.id.desc()).limit(1))


def test_the_letter_is_addressed_to_the_service_about_the_client(
    app, as_counsellor, counsellor, couple
):
    referral = refer(as_counsellor, couple)
    response = as_counsellor.get(f"/cases/{couple.id}/referrals/{referral.id}/letter.pdf")
    assert response.status_code == 200
    text = pdf_text(response.data)
    for words in (SERVICE, "4 Bridge Street", "Referral: Maria Santos", REASON, counsellor.name):
        assert words in text
    assert "Tom Becker" not in text
    page = as_counsellor.get(f"/cases/{couple.id}").get_data(as_text=True)
    assert SERVICE in page
    assert "Domestic-abuse service" in page


def test_counsellor_only_until_given_then_that_client_only(app, as_counsellor, couple):
    maria, tom = couple.partners
    as_maria, as_tom = sign_in(app, maria.user), sign_in(app, tom.user)
    tom_before = quiet(as_tom.get("/portal/documents").get_data(as_text=True))
    maria_before = quiet(as_maria.get("/portal/documents").get_data(as_text=True))
    referral = refer(as_counsellor, couple)
    letter = f"/portal/letters/{referral.id}.pdf"
    assert as_maria.get(letter).status_code == 404
    assert quiet(as_maria.get("/portal/documents").get_data(as_text=True)) == maria_before
    # Given to Maria: hers to download, the same letter the counsellor prints.
    response = as_counsellor.post(
        f"/cases/{couple.id}/referrals/{referral.id}", data=referral_data(given="y")
    )
    assert response.status_code == 302
    assert SERVICE in as_maria.get("/portal/documents").get_data(as_text=True)
    mine = as_maria.get(letter)
    assert mine.status_code == 200
    assert mine.headers["Content-Disposition"].startswith("attachment; filename=letter-")
    counsellors = as_counsellor.get(f"/cases/{couple.id}/referrals/{referral.id}/letter.pdf")
    assert pdf_text(mine.data) == pdf_text(counsellors.data)
    # Tom: nothing, before or after.
    assert as_tom.get(letter).status_code == 404
    assert quiet(as_tom.get("/portal/documents").get_data(as_text=True)) == tom_before
    # Taken back: Maria's again as it was.
    as_counsellor.post(f"/cases/{couple.id}/referrals/{referral.id}", data=referral_data())
    assert as_maria.get(letter).status_code == 404


def test_a_referral_of_the_couple_given_to_them_is_both_partners(app, as_counsellor, couple):
    referral = refer(
        as_counsellor, couple, for_whom="couple", kind="addiction", given="y", service="Clinic"
    )
    assert audience.of_referral(referral) == audience.BOTH
    for partner in couple.partners:
        browser = sign_in(app, partner.user)
        text = pdf_text(browser.get(f"/portal/letters/{referral.id}.pdf").data)
        assert "Maria Santos and Tom Becker" in text


def test_the_audience_rule_and_its_sql_agree(app, as_counsellor, couple):
    maria, tom = couple.partners
    refer(as_counsellor, couple, form_token="t1")
    refer(as_counsellor, couple, form_token="t2", given="y")
    refer(as_counsellor, couple, form_token="t3", for_whom="b", kind="other", given="y")
    refer(as_counsellor, couple, form_token="t4", for_whom="couple", kind="other", given="y")
    everything = db.session.scalars(sa.select(Referral).order_by(Referral.id)).all()
    for reader in (maria, tom):
        by_rule = [r.id for r in audience.readable(reader, everything, audience.of_referral)]
        by_sql = sorted(
            db.session.scalars(
                sa.select(Referral.id).where(
                    Referral.id.in_(audience.referrals_for(reader).with_only_columns(Referral.id))
                )
            )
        )
        assert by_rule == by_sql
    assert len(audience.readable(maria, everything, audience.of_referral)) == 2


def test_encrypted_at_rest(app, as_counsellor, couple):
    refer(as_counsellor, couple)
    raw = db.session.execute(sa.text("SELECT service, reason FROM referrals")).one()
    assert SERVICE not in raw[0]
    assert REASON not in raw[1]


def test_a_double_submission_records_one_referral(app, as_counsellor, couple):
    refer(as_counsellor, couple)
    refer(as_counsellor, couple)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Referral)) == 1


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"for_whom": "couple"}, "Refer one partner to a domestic-abuse service"),
        ({"service": ""}, "Name the service or practitioner."),
        ({"reason": "  "}, "Say why you are referring them"),
        ({"service": "x" * 201}, "Keep the name under 200 characters."),
        ({"referred_on": "2199-01-01"}, "cannot be dated in the future"),
        ({"referred_on": "2999-01-01"}, "between 1900 and 2200"),
        ({"referred_on": "31/02/2026"}, "Not a valid date value."),
        ({"kind": "prison"}, "Not a valid choice"),
        ({"for_whom": "c"}, "Not a valid choice"),
        ({"status": "lost"}, "Not a valid choice"),
    ],
)
def test_bad_referral_input_is_400_beside_the_field(app, as_counsellor, couple, change, message):
    response = as_counsellor.post(f"/cases/{couple.id}/referrals/new", data=referral_data(**change))
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert message in page
    assert "invalid-feedback" in page
    if "reason" not in change:
        assert REASON in page
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Referral)) == 0


def test_bad_change_keeps_the_referral_as_it_was(app, as_counsellor, couple):
    referral = refer(as_counsellor, couple)
    response = as_counsellor.post(
        f"/cases/{couple.id}/referrals/{referral.id}",
        data=referral_data(
            reason="", referred_on=(practice_today() + timedelta(days=3)).isoformat()
        ),
    )
    assert response.status_code == 400
    assert db.session.get(Referral, referral.id).reason == REASON


def test_a_single_persons_case_offers_no_couple(app, counsellor, make_case):
    alone = make_case(counsellor, ("Lee Park",))
    browser = sign_in(app, counsellor)
    page = browser.get(f"/cases/{alone.id}/referrals/new").get_data(as_text=True)
    assert "The couple" not in page
    response = browser.post(
        f"/cases/{alone.id}/referrals/new", data=referral_data(for_whom="b", kind="other")
    )
    assert response.status_code == 400


def test_create_change_and_download_are_audited_without_the_text(app, as_counsellor, couple):
    referral = refer(as_counsellor, couple)
    as_counsellor.post(
        f"/cases/{couple.id}/referrals/{referral.id}",
        data=referral_data(status="accepted", given="y"),
    )
    as_counsellor.get(f"/cases/{couple.id}/referrals/{referral.id}/letter.pdf")
    sign_in(app, couple.partners[0].user).get(f"/portal/letters/{referral.id}.pdf")
    events = db.session.scalars(
        sa.select(AuditEvent).where(AuditEvent.object_type == "Referral").order_by(AuditEvent.id)
    ).all()
    assert [(e.action, e.detail.get("by")) for e in events] == [
        ("referral.create", None),
        ("referral.change", None),
        ("report.download", "counsellor"),
        ("report.download", "client"),
    ]
    assert events[1].detail["changed"] == ["status", "given"]
    assert all(SERVICE not in repr(e.detail) and "domestic" not in repr(e.detail) for e in events)


def test_saving_it_unchanged_changes_nothing(app, as_counsellor, couple):
    referral = refer(as_counsellor, couple)
    was = referral.updated_at
    response = as_counsellor.post(
        f"/cases/{couple.id}/referrals/{referral.id}", data=referral_data()
    )
    assert response.status_code == 302
    assert db.session.get(Referral, referral.id).updated_at == was
    changes = sa.select(AuditEvent).where(AuditEvent.action == "referral.change")
    assert db.session.scalars(changes).all() == []
