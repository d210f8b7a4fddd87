"""A case's treatment plan: signing and the lock, versions, addenda, reviews, the pages
and the progress reports, the counsellor's whole copy and each partner's own."""

import importlib.util
from datetime import timedelta
from pathlib import Path

import pytest
import sqlalchemy as sa
from cryptography.fernet import Fernet
from sqlalchemy.exc import DatabaseError

from practice.audit.models import AuditEvent
from practice.auth.models import Role
from practice.cases.models import Case
from practice.database import now_utc
from practice.dates import local, practice_today
from practice.extensions import db
from practice.plans import locks
from practice.plans.content import Goal, Objective, PlanContent, Problem
from practice.plans.models import (
    Decision,
    PlanAddendum,
    PlanReview,
    SignedPlanError,
    TreatmentPlan,
)
from practice.plans.services import (
    PlanError,
    ReviewDetails,
    add_addendum,
    current_plan,
    record_review,
    save_draft,
    sign_plan,
    versions,
)
from practice.plans.status import Status
from practice.sessions.models import Session, SessionStatus
from tests.factories import (
    add_check_in,
    add_session,
    count,
    pdf_text,
    plan_content,
    sign_in,
    signed_plan,
)

OWN_A = ("MARKER-ALEX-OWN-GOAL", "MARKER-ALEX-OWN-OBJECTIVE")
OWN_B = ("MARKER-JORDAN-OWN-GOAL", "MARKER-JORDAN-OWN-OBJECTIVE")


@pytest.fixture
def couple(counsellor, make_case):
    return make_case(counsellor)


# --- Signing, the lock, versions ------------------------------------------------------


def test_a_signed_plan_is_the_plan_in_force_with_its_hash(couple, counsellor):
    plan = signed_plan(couple)
    assert (plan.version, plan.signed_by_id) == (1, counsellor.id)
    assert plan.intact
    assert current_plan(couple) == plan
    assert plan.plan == plan_content()


def test_a_signed_plan_is_refused_change_by_the_database_itself(couple):
    plan = signed_plan(couple)
    for sql in (
        "UPDATE treatment_plans SET review_by = NULL WHERE id = :id",
        "UPDATE treatment_plans SET content = 'x' WHERE id = :id",
        "DELETE FROM treatment_plans WHERE id = :id",
    ):
        with pytest.raises(DatabaseError), db.engine.begin() as conn:
            conn.execute(sa.text(sql), {"id": plan.id})
    db.session.rollback()
    assert db.session.get(TreatmentPlan, plan.id).intact


def test_the_orm_refuses_a_change_to_a_signed_plan(couple):
    plan = signed_plan(couple)
    plan.review_by = practice_today()
    with pytest.raises(SignedPlanError):
        db.session.flush()
    db.session.rollback()


def test_a_draft_can_be_changed_until_it_is_signed(couple, counsellor):
    draft = save_draft(couple, plan_content(), None, based_on=0, by=counsellor, now=now_utc())
    db.session.commit()
    again = save_draft(
        couple, plan_content(shared="Argue less"), None, based_on=1, by=counsellor, now=now_utc()
    )
    db.session.commit()
    assert again.id == draft.id
    assert again.plan.goals[0].text == "Argue less"
    with db.engine.begin() as conn:  # an unsigned draft is not locked in the database
        conn.execute(
            sa.text("UPDATE treatment_plans SET review_by = NULL WHERE id = :id"), {"id": draft.id}
        )


def test_a_revision_is_a_new_version_and_the_old_one_is_kept(couple, counsellor):
    first = signed_plan(couple)
    hash_before = first.content_hash
    draft = save_draft(
        couple, plan_content(shared="Argue less"), None, based_on=0, by=counsellor, now=now_utc()
    )
    db.session.commit()
    assert draft.version == 2
    assert current_plan(couple) == first  # until the revision is signed
    sign_plan(draft, couple, counsellor, now_utc())
    db.session.commit()
    assert current_plan(couple) == draft
    assert [v.version for v in versions(couple)] == [2, 1]
    kept = db.session.get(TreatmentPlan, first.id)
    assert kept.content_hash == hash_before
    assert kept.intact
    assert kept.plan.goals[0].text == "Feel like a team again"


def test_a_draft_changed_elsewhere_is_not_overwritten(couple, counsellor):
    save_draft(couple, plan_content(), None, based_on=0, by=counsellor, now=now_utc())
    db.session.commit()
    with pytest.raises(PlanError, match="changed while you were writing"):
        save_draft(couple, plan_content(), None, based_on=0, by=counsellor, now=now_utc())


def test_an_incomplete_plan_is_not_signed(couple, counsellor):
    content = PlanContent(goals=(Goal("A goal", "couple"),))
    draft = save_draft(couple, content, None, based_on=0, by=counsellor, now=now_utc())
    with pytest.raises(PlanError) as refused:
        sign_plan(draft, couple, counsellor, now_utc())
    assert "at least one problem" in str(refused.value)
    assert "Goal 1 needs at least one measurable objective" in str(refused.value)


def test_an_addendum_is_signed_and_leaves_the_plan_as_it_was(couple, counsellor):
    plan = signed_plan(couple)
    addendum = add_addendum(plan, "  Jordan asked to add the holidays.  ", counsellor, now_utc())
    db.session.commit()
    assert addendum.body == "Jordan asked to add the holidays."
    assert addendum.intact
    assert db.session.get(TreatmentPlan, plan.id).intact
    with pytest.raises(DatabaseError), db.engine.begin() as conn:
        conn.execute(
            sa.text("UPDATE treatment_plan_addenda SET body = 'x' WHERE id = :id"),
            {"id": addendum.id},
        )
    db.session.rollback()


def test_a_review_is_kept_as_written_and_revising_starts_the_next_draft(couple, counsellor):
    plan = signed_plan(couple)
    findings = (
        (Status.ON_TRACK, "Both up two points"),
        (Status.MET, ""),
        (Status.NOT_YET, "Still guarded"),
        (Status.NO_DATA, ""),
        (Status.NOT_YET, ""),
    )
    review = record_review(
        plan,
        ReviewDetails(practice_today(), True, findings, Decision.REVISE, "Into stage 2.", None),
        counsellor,
        now_utc(),
    )
    db.session.commit()
    assert review.intact
    assert [f["status"] for f in review.findings] == [s.value for s, _ in findings]
    assert review.findings[0]["objective"] == "Both feel satisfied"
    draft = versions(couple)[0]
    assert (draft.version, draft.signed) == (2, False)
    assert draft.content == plan.content
    with pytest.raises(DatabaseError), db.engine.begin() as conn:
        conn.execute(
            sa.text("DELETE FROM treatment_plan_reviews WHERE id = :id"), {"id": review.id}
        )
    db.session.rollback()


def test_a_review_must_answer_every_objective(couple, counsellor):
    plan = signed_plan(couple)
    with pytest.raises(PlanError, match="changed while you were reviewing"):
        record_review(
            plan,
            ReviewDetails(practice_today(), False, (), Decision.CONTINUE, "", None),
            counsellor,
            now_utc(),
        )


def test_plan_text_is_encrypted_at_rest(couple, counsellor):
    plan = signed_plan(couple)
    add_addendum(plan, "MARKER-ADDENDUM", counsellor, now_utc())
    db.session.commit()
    with db.engine.connect() as conn:
        stored = conn.exec_driver_sql("SELECT content FROM treatment_plans").scalar()
        addendum = conn.exec_driver_sql("SELECT body FROM treatment_plan_addenda").scalar()
    assert "MARKER" not in stored
    assert "team" not in stored
    assert "MARKER" not in addendum


# --- The pages ---------------------------------------------------------------------


def plan_form(**change) -> dict:
    """The plan form as a counsellor fills it in: one problem, one goal, one objective."""
    data = {
        "based_on": "0",
        "problems-0-whose": "couple",
        "problems-0-text": "We stop talking for days after a row",
        "goals-0-whose": "couple",
        "goals-0-text": "Talk again the same day",
        "goals-0-objectives-0-text": "Both more satisfied",
        "goals-0-objectives-0-whose": "couple",
        "goals-0-objectives-0-measure": "csi",
        "goals-0-objectives-0-rater": "partners",
        "goals-0-objectives-0-target": "13.5",
        "goals-0-objectives-0-by": (practice_today() + timedelta(weeks=8)).isoformat(),
        "interventions-0-what": "step:2",
        "interventions-0-note": "Name the cycle together",
        "review_by": "",
        "action": "save",
    }
    data.update(change)
    return data


def test_writing_saving_and_signing_through_the_pages(app, counsellor, couple):
    browser = sign_in(app, counsellor)
    page = browser.get(f"/cases/{couple.id}/plan")
    assert page.status_code == 200
    assert "No signed plan yet" in page.get_data(as_text=True)
    form = browser.get(f"/cases/{couple.id}/plan/draft").get_data(as_text=True)
    assert 'name="goals-1-objectives-1-text"' in form  # blank rows to write in
    response = browser.post(f"/cases/{couple.id}/plan/draft", data=plan_form())
    assert response.status_code == 302
    assert current_plan(couple) is None
    form = browser.get(f"/cases/{couple.id}/plan/draft").get_data(as_text=True)
    assert "We stop talking for days after a row" in form
    assert 'name="based_on" type="hidden" value="1"' in form
    response = browser.post(
        f"/cases/{couple.id}/plan/draft", data=plan_form(based_on="1", action="sign")
    )
    assert response.status_code == 302, response.get_data(as_text=True)[:3000]
    plan = current_plan(couple)
    assert (plan.version, plan.plan.interventions[0].step) == (1, 2)
    shown = browser.get(f"/cases/{couple.id}/plan").get_data(as_text=True)
    assert "Talk again the same day" in shown
    assert "CSI-4 total at or above 13.5" in shown
    assert "EFT stage 1, step 2" in shown
    case_page = browser.get(f"/cases/{couple.id}").get_data(as_text=True)
    assert "Treatment plan" in case_page
    assert "Talk again the same day" in case_page
    actions = db.session.scalars(
        sa.select(AuditEvent.action).where(AuditEvent.case_id == couple.id)
    ).all()
    assert {"plan.save", "plan.sign", "plan.view"} <= set(actions)


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"goals-0-objectives-0-target": "lots"}, "Give the target as a number"),
        ({"goals-0-objectives-0-target": "25"}, "This measure runs from 0 to 21."),
        ({"goals-0-objectives-0-text": ""}, "Say what the objective is."),
        ({"goals-0-text": ""}, "Write the goal these objectives serve."),
        ({"goals-0-whose": "a", "goals-0-objectives-0-whose": "b"}, "one partner&#39;s own"),
        ({"goals-0-objectives-0-by": "2020-01-01"}, "A target date is today or later."),
        ({"goals-0-objectives-0-whose": "z"}, "Not a valid choice"),
        ({"interventions-0-what": "strategy:no-such-thing"}, "Not a valid choice"),
        ({"interventions-0-what": "", "interventions-0-note": "x"}, "Choose what this note"),
        (
            {
                "problems-0-text": "",
                "goals-0-text": "",
                "goals-0-objectives-0-text": "",
                "goals-0-objectives-0-target": "",
                "interventions-0-what": "",
                "interventions-0-note": "",
            },
            "Write at least one problem, goal or intervention",
        ),
    ],
)
def test_bad_plan_input_answers_400_beside_the_field_with_the_text_kept(
    app, counsellor, couple, change, message
):
    browser = sign_in(app, counsellor)
    response = browser.post(f"/cases/{couple.id}/plan/draft", data=plan_form(**change))
    page = response.get_data(as_text=True)
    assert response.status_code == 400, page[:2000]
    assert message in page
    if change.get("problems-0-text") != "":
        assert "We stop talking for days after a row" in page
    assert count(TreatmentPlan) == 0


def test_signing_an_incomplete_plan_answers_400_and_saves_nothing(app, counsellor, couple):
    browser = sign_in(app, counsellor)
    data = plan_form(action="sign", **{"problems-0-text": ""})
    response = browser.post(f"/cases/{couple.id}/plan/draft", data=data)
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "Write at least one problem" in page
    assert "Talk again the same day" in page
    assert count(TreatmentPlan) == 0


def test_addenda_and_reviews_through_the_pages(app, counsellor, couple):
    plan = signed_plan(couple)
    browser = sign_in(app, counsellor)
    url = f"/cases/{couple.id}/plan/versions/1"
    assert browser.get(url).status_code == 200
    empty = browser.post(f"{url}/addenda", data={"form_token": "t" * 32, "body": " "})
    assert empty.status_code == 400
    assert "Write the correction or addition." in empty.get_data(as_text=True)
    done = browser.post(f"{url}/addenda", data={"form_token": "t" * 32, "body": "Added later."})
    assert done.status_code == 302
    assert browser.post(f"{url}/addenda", data={"form_token": "t" * 32, "body": "Added later."})
    assert count(PlanAddendum) == 1  # a double click signs one addendum
    assert "Added later." in browser.get(url).get_data(as_text=True)

    review = browser.get(f"/cases/{couple.id}/plan/review").get_data(as_text=True)
    assert "Both feel satisfied" in review
    assert "MARKER-JORDAN-OWN-OBJECTIVE" in review
    rows = {f"findings-{n}-status": "not yet" for n in range(5)}
    bad = browser.post(
        f"/cases/{couple.id}/plan/review",
        data={"form_token": "r" * 32, "summary": "MARKER-TYPED", **rows},
    )
    assert bad.status_code == 400
    page = bad.get_data(as_text=True)
    assert "Enter the date of the review." in page
    assert "MARKER-TYPED" in page
    assert "Say whether the plan continues or is revised." in page
    response = browser.post(
        f"/cases/{couple.id}/plan/review",
        data={
            "form_token": "r" * 32,
            "reviewed_on": practice_today().isoformat(),
            "five_session": "y",
            "decision": "continue",
            "summary": "Steady.",
            "findings-0-finding": "Up two points each",
            **rows,
        },
    )
    assert response.status_code == 302
    review = db.session.scalar(sa.select(PlanReview))
    assert (review.plan_id, review.decision) == (plan.id, Decision.CONTINUE)
    assert review.findings[0]["finding"] == "Up two points each"
    assert "Up two points each" in browser.get(f"/cases/{couple.id}/plan").get_data(as_text=True)


def test_the_five_session_review_is_due_on_the_case_page(app, counsellor, couple):
    signed_plan(couple, signed_at=now_utc() - timedelta(days=40))
    for days in (-35, -28, -21, -14, -7):
        add_session(couple, days)
    page = sign_in(app, counsellor).get(f"/cases/{couple.id}").get_data(as_text=True)
    assert "at the five-session review" in page
    assert "Due now" in page


def test_another_counsellors_plan_is_not_found(app, counsellor, couple, make_user, make_case):
    other = make_user(Role.COUNSELLOR, name="Olu Other")
    theirs = make_case(other, ("Sam Other", "Robin Other"))
    signed_plan(couple)
    browser = sign_in(app, other)
    for url in (
        f"/cases/{couple.id}/plan",
        f"/cases/{couple.id}/plan/versions/1",
        f"/cases/{theirs.id}/plan/versions/1",
    ):
        assert browser.get(url).status_code == 404, url


# --- The progress reports -----------------------------------------------------------


def test_the_counsellors_progress_report_has_the_whole_plan(app, counsellor, couple):
    signed_plan(couple)
    text = pdf_text(sign_in(app, counsellor).get(f"/cases/{couple.id}/progress.pdf").data)
    assert "Treatment plan" in text
    for marker in (*OWN_A, *OWN_B, "MARKER-ALEX-OWN-PROBLEM", "Map the cycle"):
        assert marker in text


def test_each_partners_copy_has_the_couples_goals_and_their_own_only(app, counsellor, couple):
    signed_plan(couple)
    browser = sign_in(app, counsellor)
    alex = pdf_text(browser.get(f"/cases/{couple.id}/progress/client/a.pdf").data)
    jordan = pdf_text(browser.get(f"/cases/{couple.id}/progress/client/b.pdf").data)
    for text in (alex, jordan):
        assert "Feel like a team again" in text
        assert "Both feel satisfied" in text
        # Problems, interventions and the counsellor's own ratings stay with the counsellor.
        assert "MARKER-ALEX-OWN-PROBLEM" not in text
        assert "Map the cycle" not in text
        assert "EFT" not in text
    for marker in OWN_A:
        assert marker in alex
        assert marker not in jordan
    for marker in OWN_B:
        assert marker in jordan
        assert marker not in alex
    # The partner's own copy, downloaded from the portal, is the same.
    couple.progress_shared = True
    db.session.commit()
    own = pdf_text(sign_in(app, couple.partners[1].user).get("/portal/progress.pdf").data)
    assert own == jordan


def test_the_partners_scores_count_in_a_copy_only_with_their_consent(app, counsellor, couple):
    alex, jordan = couple.partners
    signed_plan(
        couple,
        PlanContent(
            problems=(Problem("p", "couple"),),
            goals=(Goal("Closer", "couple", (Objective("Satisfied", "couple", "csi", 13.5),)),),
        ),
    )
    add_check_in(alex, -3, (4, 4, 4, 3))  # 15: met
    add_check_in(jordan, -3, (1, 1, 1, 1))  # 4: not yet
    browser = sign_in(app, counsellor)
    url = f"/cases/{couple.id}/progress/client/a.pdf"
    text = pdf_text(browser.get(url).data)
    assert "You: Reached (15 on" in text
    assert "Jordan: " not in text.split("What you are working towards")[1].split("How satisfied")[0]
    assert "Together:" not in text
    jordan.shares_scores = True
    db.session.commit()
    text = pdf_text(browser.get(url).data)
    assert "jordan: not yet (4 on" in text.lower()
    assert "Together: not yet." in text


def test_counsellor_pages_of_the_plan_are_audited_as_views(app, counsellor, couple):
    signed_plan(couple)
    browser = sign_in(app, counsellor)
    browser.get(f"/cases/{couple.id}/plan/versions/1")
    browser.get(f"/cases/{couple.id}/plan/draft")  # the form shows the plan in force to revise
    viewed = db.session.scalars(sa.select(AuditEvent).where(AuditEvent.action == "plan.view")).all()
    assert [event.detail for event in viewed] == [{"version": 1}, {"version": 1}]


def test_no_plan_leaves_the_reports_as_they_were(app, counsellor, couple):
    browser = sign_in(app, counsellor)
    text = pdf_text(browser.get(f"/cases/{couple.id}/progress/client/a.pdf").data)
    assert "What you are working towards" not in text
    text = pdf_text(browser.get(f"/cases/{couple.id}/progress.pdf").data)
    assert "No treatment plan has been signed yet." in text


def test_the_migration_and_the_module_hold_the_same_lock_sql():
    migration_file = next(
        Path(__file__).parent.parent.glob("migrations/versions/*_treatment_plans_signed_*.py")
    )
    spec = importlib.util.spec_from_file_location("migration", migration_file)
    migration = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(migration)
    assert locks.LOCKS.sqlite_triggers == migration.SQLITE_TRIGGERS
    for trigger in locks.LOCKS.postgres_triggers:
        name, table = trigger.split(" ON ")
        assert name == f"{table}_lock"
        assert table in migration.TABLES


def test_key_rotation_rewrites_signed_plans_and_keeps_them_intact(
    config_class, make_app, counsellor, couple
):
    plan = signed_plan(couple)
    add_addendum(plan, "Rotating addendum", counsellor, now_utc())
    db.session.commit()
    plan_id, before = plan.id, plan.content_hash
    new_key = Fernet.generate_key().decode()
    keys = f"{new_key},{config_class.NOTES_KEYS}"
    rotated = make_app(type("Rotated", (config_class,), {"NOTES_KEYS": keys}))
    with rotated.app_context():
        result = rotated.test_cli_runner().invoke(args=["rotate-keys"])
    assert result.exit_code == 0, result.output
    assert "treatment_plans.content: 1" in result.output
    db.session.rollback()
    with db.engine.connect() as conn:
        for sql in (
            "SELECT content FROM treatment_plans",
            "SELECT body FROM treatment_plan_addenda",
        ):
            Fernet(new_key).decrypt(conn.execute(sa.text(sql)).scalar().encode())
    with rotated.app_context():
        again = db.session.get(TreatmentPlan, plan_id)
        assert again.content_hash == before
        assert again.intact


def test_the_demo_morgans_have_a_plan_reviewed_at_session_five(runner):
    for _ in range(2):  # and seeding again adds nothing
        result = runner.invoke(args=["seed-demo", "--password", "demo password"])
        assert result.exit_code == 0, result.output
    db.session.rollback()
    morgan = db.session.scalar(sa.select(Case).where(Case.label == "Alex & Jordan Morgan"))
    every = versions(morgan)
    assert [(v.version, v.signed) for v in every] == [(2, True), (1, True)]
    assert all(v.intact for v in every)
    review = db.session.scalar(sa.select(PlanReview).where(PlanReview.case_id == morgan.id))
    fifth = db.session.scalars(
        sa.select(Session.starts_at)
        .where(Session.case_id == morgan.id, Session.status == SessionStatus.ATTENDED)
        .order_by(Session.starts_at)
    ).all()[4]
    assert (review.plan_id, review.five_session) == (every[1].id, True)
    assert review.reviewed_on == local(fifth).date()
    assert review.decision is Decision.REVISE
    assert count(PlanAddendum) == 1
