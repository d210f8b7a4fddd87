"""The audit trail records who did what to which record, never clinical values (issue 17).

The owner reads the trail of every case, including the cases they cannot open:
a CSI-4 total or a screening outcome there would tell them what the case's own
pages keep from them. And whatever was typed in the email box of a failed login
(a password, by mistake) is stored only as the name of a known account.
"""

import json

import pytest
import sqlalchemy as sa

from practice import audit
from practice.audit.models import AuditEvent
from practice.dates import practice_today
from practice.extensions import db
from tests.conftest import PASSWORD

CHECK_IN = {
    "form_token": "c-" + "1" * 30,
    "csi_happiness": "5",
    "csi_warm": "4",
    "csi_rewarding": "4",
    "csi_satisfied": "4",
    "block_trust": "6",
}
TYPED_IN_THE_EMAIL_BOX = "Tr0ub4dor&3-my-password"


def events(action: str) -> list[AuditEvent]:
    return list(db.session.scalars(sa.select(AuditEvent).where(AuditEvent.action == action)))


def test_check_ins_and_screenings_leave_their_values_out(client, auth, counsellor, case, alex):
    auth.login(alex.user)
    assert client.post("/portal/checkin", data=CHECK_IN).status_code == 302
    auth.logout()
    auth.login(counsellor)
    screening = {
        "screened_on": practice_today().isoformat(),
        "outcome": "concerns-paused",
        "note": "Seen apart.",
    }
    assert client.post(f"/cases/{case.id}/safety", data=screening).status_code == 302
    [check_in] = events("checkin.create")
    assert check_in.detail == {"by": "client"}
    [screened] = events("safety.screen")
    assert screened.detail == {}
    assert (screened.object_type, screened.case_id) == ("SafetyScreening", case.id)


def test_a_failed_login_keeps_what_was_typed_only_when_it_names_an_account(
    client, auth, counsellor
):
    auth.login(TYPED_IN_THE_EMAIL_BOX, PASSWORD)
    auth.login(TYPED_IN_THE_EMAIL_BOX.upper(), PASSWORD)
    auth.login(counsellor.email.upper(), "wrong")
    unknown, unknown_again, known = events("login.failure")
    assert TYPED_IN_THE_EMAIL_BOX.lower() not in json.dumps(unknown.detail).lower()
    assert unknown.detail.keys() == {"unknown_login"}
    # The same words give the same key, so repeated tries can still be seen.
    assert unknown.detail == unknown_again.detail
    assert known.detail == {"email": counsellor.email}
    assert known.actor_id == counsellor.id


def test_the_audit_page_shows_no_clinical_value_recorded_before(client, auth, owner, counsellor):
    db.session.add_all(
        [
            AuditEvent(action="checkin.create", case_id=7, detail={"total": 19, "by": "client"}),
            AuditEvent(action="safety.screen", case_id=7, detail={"outcome": "concerns"}),
            AuditEvent(action="login.failure", detail={"email": TYPED_IN_THE_EMAIL_BOX}),
            AuditEvent(
                action="login.failure", actor_id=counsellor.id, detail={"email": counsellor.email}
            ),
        ]
    )
    db.session.commit()
    auth.login(owner)
    page = client.get("/admin/audit").data.decode()
    assert "by: client" in page
    assert "total:" not in page
    assert "outcome:" not in page
    assert TYPED_IN_THE_EMAIL_BOX not in page
    assert f"email: {counsellor.email}" in page


@pytest.mark.parametrize("key", ["total", "outcome", "answers", "ratings", "helpful"])
def test_recording_a_clinical_value_is_refused(app, key):
    with pytest.raises(ValueError, match="clinical"):
        audit.record("checkin.create", **{key: 3})
