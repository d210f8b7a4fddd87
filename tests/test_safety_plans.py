"""A safety plan is written for one partner: theirs to read and print, nobody else's."""

import pytest
import sqlalchemy as sa

from practice import audience
from practice.admin.models import PracticeSettings
from practice.audit.models import AuditEvent
from practice.extensions import db
from practice.safety.models import SafetyPlan
from tests.factories import pdf_text, quiet, sign_in

SIGNS = "When he goes quiet and starts checking my messages."
SAFE = "Keep my phone charged; leave by the back door and go to my sister's."

B_PAGES = ("/portal/", "/portal/resources", "/portal/documents")


def plan_data(**change):
    data = {
        "based_on": "0",
        "warning_signs": SIGNS,
        "staying_safe": SAFE,
        "people_and_places": "",
        "other": "",
        "in_portal": "y",
    }
    data.update(change)
    return {k: v for k, v in data.items() if v is not None}


@pytest.fixture
def couple(counsellor, make_case):
    return make_case(counsellor, screening="concerns")


@pytest.fixture
def as_counsellor(app, counsellor):
    return sign_in(app, counsellor)


def write(as_counsellor, case, position="a", **change):
    return as_counsellor.post(f"/cases/{case.id}/safety-plans/{position}", data=plan_data(**change))


def test_the_plan_is_for_its_partner_alone(app, as_counsellor, couple):
    a, b = couple.partners
    as_b = sign_in(app, b.user)
    b_before = {url: quiet(as_b.get(url).get_data(as_text=True)) for url in B_PAGES}
    response = write(as_counsellor, couple)
    assert response.status_code == 302
    as_a = sign_in(app, a.user)
    # A reaches it from the Support page, reads it, and prints it.
    assert "/portal/safety-plan" in as_a.get("/portal/resources").get_data(as_text=True)
    page = as_a.get("/portal/safety-plan").get_data(as_text=True)
    assert SIGNS in page
    assert "sister&#39;s" in page
    assert "1-800-799-7233" in page  # the practice's support resources, shown beside it
    mine = as_a.get("/portal/safety-plan.pdf")
    assert mine.headers["Content-Disposition"].startswith("attachment; filename=my-plan-")
    text = pdf_text(mine.data)
    assert SIGNS in text
    assert "Alex Morgan" in text
    assert "1-800-799-7233" in text
    # The counsellor's preview is A's own copy.
    preview = as_counsellor.get(f"/cases/{couple.id}/safety-plan-a.pdf")
    assert pdf_text(preview.data) == text
    # B: nothing of it, and a portal exactly as it was.
    assert as_b.get("/portal/safety-plan").status_code == 404
    assert as_b.get("/portal/safety-plan.pdf").status_code == 404
    for url, before in b_before.items():
        assert quiet(as_b.get(url).get_data(as_text=True)) == before, url


def test_the_plan_is_encrypted_at_rest(app, as_counsellor, couple):
    write(as_counsellor, couple)
    raw = db.session.execute(sa.text("SELECT warning_signs FROM safety_plans")).scalar_one()
    assert SIGNS not in raw
    assert db.session.scalar(sa.select(SafetyPlan.warning_signs)) == SIGNS


def test_each_save_is_a_version_and_a_stale_form_keeps_what_was_typed(app, as_counsellor, couple):
    assert write(as_counsellor, couple).status_code == 302
    # The same again changes nothing.
    assert write(as_counsellor, couple, based_on="1").status_code == 302
    assert write(as_counsellor, couple, based_on="1", other="Spare key at work.").status_code == 302
    versions = db.session.scalars(sa.select(SafetyPlan.version).order_by(SafetyPlan.id)).all()
    assert versions == [1, 2]
    # A form opened on version 1 does not overwrite version 2.
    response = write(as_counsellor, couple, based_on="1", other="Typed in another tab.")
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "A newer version of this plan was saved" in page
    assert "Typed in another tab." in page
    assert "Spare key at work." in page  # the plan as it is now, beside the form
    assert len(db.session.scalars(sa.select(SafetyPlan)).all()) == 2
    # Every version can be printed again.
    first = as_counsellor.get(f"/cases/{couple.id}/safety-plan-a.pdf?version=1")
    assert "Spare key at work." not in pdf_text(first.data)
    assert as_counsellor.get(f"/cases/{couple.id}/safety-plan-a.pdf?version=9").status_code == 404
    as_a = sign_in(app, couple.partners[0].user)
    assert "Spare key at work." in as_a.get("/portal/safety-plan").get_data(as_text=True)


def test_a_plan_kept_off_the_portal_is_printed_only(app, as_counsellor, couple):
    a, _ = couple.partners
    as_a = sign_in(app, a.user)
    support = quiet(as_a.get("/portal/resources").get_data(as_text=True))
    write(as_counsellor, couple, in_portal=None)
    assert as_a.get("/portal/safety-plan").status_code == 404
    assert as_a.get("/portal/safety-plan.pdf").status_code == 404
    assert quiet(as_a.get("/portal/resources").get_data(as_text=True)) == support
    assert SIGNS in pdf_text(as_counsellor.get(f"/cases/{couple.id}/safety-plan-a.pdf").data)
    plan = db.session.scalar(sa.select(SafetyPlan))
    assert audience.of_safety_plan(plan) == audience.COUNSELLOR_ONLY
    assert db.session.scalar(audience.safety_plan_for(a)) is None


def test_resources_are_shown_not_copied(app, as_counsellor, couple):
    write(as_counsellor, couple)
    settings = PracticeSettings.get()
    settings.support_resources = "Call the Riverside support line, any hour."
    db.session.add(settings)
    db.session.commit()
    as_a = sign_in(app, couple.partners[0].user)
    assert "Riverside support line" in pdf_text(as_a.get("/portal/safety-plan.pdf").data)


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"warning_signs": "", "staying_safe": ""}, "Write at least one part of the plan."),
        ({"other": "x" * 5001}, "Keep this part under 5,000 characters."),
        ({"based_on": "<script>"}, "A newer version of this plan was saved"),
    ],
)
def test_bad_plan_input_is_400_beside_the_field(app, as_counsellor, couple, change, message):
    response = write(as_counsellor, couple, **change)
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert message in page
    if change.get("warning_signs") is None:
        assert "back door" in page  # what was typed is kept
    assert db.session.scalar(sa.select(sa.func.count()).select_from(SafetyPlan)) == 0


def test_no_plan_for_a_partner_who_is_not_there(app, counsellor, make_case):
    alone = make_case(counsellor, ("Lee Park",))
    browser = sign_in(app, counsellor)
    assert browser.get(f"/cases/{alone.id}/safety-plans/b").status_code == 404
    assert browser.post(f"/cases/{alone.id}/safety-plans/b", data=plan_data()).status_code == 404
    assert browser.get(f"/cases/{alone.id}/safety-plans/c").status_code == 404


def test_writing_viewing_and_printing_are_audited_without_the_text(app, as_counsellor, couple):
    as_counsellor.get(f"/cases/{couple.id}/safety-plans/a")
    write(as_counsellor, couple)
    as_counsellor.get(f"/cases/{couple.id}/safety-plan-a.pdf")
    as_a = sign_in(app, couple.partners[0].user)
    as_a.get("/portal/safety-plan")
    as_a.get("/portal/safety-plan.pdf")
    events = db.session.scalars(sa.select(AuditEvent).order_by(AuditEvent.id)).all()
    actions = [(e.action, e.detail.get("by")) for e in events if e.case_id == couple.id]
    assert ("safety_plan.view", None) in actions
    assert ("safety_plan.save", None) in actions
    assert ("report.download", "counsellor") in actions
    assert ("safety_plan.view", "client") in actions
    assert ("report.download", "client") in actions
    assert all(SIGNS not in repr(e.detail) for e in events)


def test_the_case_page_shows_each_partners_plan(app, as_counsellor, couple):
    write(as_counsellor, couple)
    page = as_counsellor.get(f"/cases/{couple.id}").get_data(as_text=True)
    assert "Version 1" in page
    assert "Not written" in page  # Jordan's
    assert SIGNS not in page


def test_a_partner_with_a_plan_is_not_removed_from_the_case(app, counsellor, make_case):
    case = make_case(counsellor, portal=False)
    browser = sign_in(app, counsellor)
    write(browser, case, position="b")
    response = browser.post(
        f"/cases/{case.id}/edit",
        data={
            "partner_a_name": "Alex Morgan",
            "partner_b_name": "",
            "status": "active",
            "start_date": case.start_date.isoformat(),
        },
    )
    assert response.status_code == 400
    assert "cannot be removed" in response.get_data(as_text=True)
    assert len(db.session.scalars(sa.select(SafetyPlan)).all()) == 1
