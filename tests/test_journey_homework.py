"""The whole homework loop as people use it, through the pages only.

A counsellor opens a case for a couple, screens for safety, invites both
partners and gives three exercises found by search; each partner accepts the
invitation, records entries and one shares an entry; the counsellor then sees
adherence and both private and shared entries, and each partner sees exactly
what they should.
"""

import re

import sqlalchemy as sa

from practice.cases.models import Case
from practice.dates import practice_today
from practice.extensions import db
from tests.conftest import PASSWORD


def text(page: str) -> str:
    """What a reader sees: tags dropped, white space folded."""
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", page))


def link_in(page: str, pattern: str) -> str:
    match = re.search(pattern, page)
    assert match, pattern
    return match.group(0)


def test_counsellor_and_both_partners(app, counsellor):
    today = practice_today().isoformat()
    desk = app.test_client()
    desk.post("/login", data={"email": counsellor.email, "password": PASSWORD})

    # Open the case, screen for safety.
    response = desk.post(
        "/cases/new",
        data={
            "partner_a_name": "Alex Morgan",
            "partner_a_email": "alex@example.org",
            "partner_b_name": "Jordan Morgan",
            "partner_b_email": "jordan@example.org",
            "concerns": ["poor-communication"],
            "goals": "Fewer rows about plans.",
            "status": "active",
            "start_date": today,
            "form_token": "journey",
        },
    )
    case_url = response.headers["Location"]
    case = db.session.scalar(sa.select(Case))
    desk.post(f"{case_url}/safety", data={"screened_on": today, "outcome": "no-concerns"})

    # Invite both partners; the links are shown because SMTP is not set up.
    links = {}
    for partner in case.partners:
        page = desk.post(
            f"{case_url}/partners/{partner.id}/invite", follow_redirects=True
        ).data.decode()
        links[partner.position] = link_in(page, r"/invite/[\w-]+")

    # Assign three exercises, each found by search from the case page.
    case_page = desk.get(case_url).data.decode()
    choose_url = link_in(case_page, rf"/cases/{case.id}/homework/new")
    for query, slug, who in (
        ("I-statements", "i-statement-rewrites", "each"),
        ("date night", "rituals-date-night", "together"),
        ("appreciation", "appreciation-noticing-log", "each"),
    ):
        results = desk.get(choose_url, query_string={"q": query}).data.decode()
        assign_url = link_in(results, rf"/cases/{case.id}/homework/new/{slug}")
        form = desk.get(assign_url).data.decode()
        token = link_in(form, r'name="form_token" type="hidden" value="\w+"').split('"')[-2]
        response = desk.post(
            assign_url,
            data={
                "form_token": token,
                "for_whom": who,
                "cadence": "daily",
                "starts_on": today,
                "counsellor_note": f"For {query}: start small.",
            },
        )
        assert response.status_code == 302, query
    assert desk.get(case_url).data.decode().count("nothing due yet") >= 3

    # Each partner accepts the invitation on their own device.
    phones = {}
    for position, name in (("a", "alex"), ("b", "jordan")):
        phone = app.test_client()
        response = phone.post(
            links[position],
            data={
                "email": f"{name}@example.org",
                "password": "our own long password",
                "confirm": "our own long password",
            },
        )
        assert response.headers["Location"] == "/portal/"
        phones[position] = phone
    home_a = phones["a"].get("/portal/").data.decode()
    assert "Rewrite three complaints" in home_a
    assert "A different date every week" in home_a
    homework = re.findall(r"/portal/homework/\d+", home_a)
    assert len(set(homework)) == 3

    # Alex records a private entry; Jordan records one and shares it.
    def record(phone, url, answer, share):
        page = phone.get(url).data.decode()
        token = link_in(page, r'name="form_token" type="hidden" value="\w+"').split('"')[-2]
        data = {
            "form_token": token,
            "answers-0": answer,
            "done_on": today,
            "helpful": "4",
            "difficulty": "2",
        }
        if share:
            data["shared"] = "y"
        assert phone.post(url, data=data).status_code == 302

    first = sorted(set(homework))[0]
    record(phones["a"], first, "Alex, only for the counsellor", share=False)
    record(phones["b"], first, "Jordan, shared with Alex", share=True)

    # Alex sees Jordan's shared entry; Jordan never sees Alex's private one.
    assert "Jordan, shared with Alex" in "".join(
        phones["a"].get(u).data.decode()
        for u in re.findall(r"/portal/entries/\d+", phones["a"].get("/portal/shared").data.decode())
    )
    jordan_pages = "".join(
        phones["b"].get(u).data.decode()
        for u in ("/portal/", "/portal/shared", "/portal/entries", first)
    )
    assert "Alex, only for the counsellor" not in jordan_pages

    # The counsellor sees adherence and both entries, private and shared.
    case_page = desk.get(case_url).data.decode()
    assert "Alex: 1 of 1 (100%)" in text(case_page)
    assert "Jordan: 1 of 1 (100%)" in text(case_page)
    rewrite = case.partners[0]  # Alex
    detail = desk.get(f"{case_url}/homework/{first.rsplit('/', 1)[1]}").data.decode()
    assert "Alex, only for the counsellor" in detail
    assert "Jordan, shared with Alex" in detail
    assert rewrite.name in detail
    dashboard = desk.get("/dashboard").data.decode()
    assert "entries this week" in dashboard
    assert "Alex Morgan: Rewrite three complaints" in dashboard
