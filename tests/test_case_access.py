"""Who reaches which case: every URL of cases, homework and the portal, for every role.

The counsellor of a case reaches it; the other counsellor, the owner (who is not
this couple's counsellor) and every client get 404 on its counsellor pages. In
the portal, each partner reaches their own homework and entries and the entries
their partner shared; a private entry of the partner, and everything of another
couple, is 404.
"""

from dataclasses import dataclass

import pytest

from practice.auth.models import Role
from tests.factories import sign_in


@dataclass
class World:
    mine: object  # the case under test
    theirs: object  # another counsellor's case
    assignment: object
    solo_b: object  # homework for partner B alone
    private_b: object  # partner B's private entry
    shared_b: object  # partner B's shared entry
    entry_a: object
    users: dict


@pytest.fixture
def world(make_user, make_case, make_assignment, make_entry, owner):
    counsellor = make_user(Role.COUNSELLOR, name="Casey")
    other = make_user(Role.COUNSELLOR, name="Olu")
    mine = make_case(counsellor)
    theirs = make_case(other, ("Sam Other", "Robin Other"))
    assignment = make_assignment(mine, "i-statement-rewrites", "each")
    solo_b = make_assignment(mine, "self-care-protected-hour", "b")
    a, b = mine.partners
    users = {
        "counsellor": counsellor,
        "other counsellor": other,
        "owner": owner,
        "partner a": a.user,
        "partner b": b.user,
        "other couple": theirs.partners[0].user,
    }
    return World(
        mine,
        theirs,
        assignment,
        solo_b,
        private_b=make_entry(assignment, b, shared=False, answer="B private"),
        shared_b=make_entry(assignment, b, shared=True, answer="B shared"),
        entry_a=make_entry(assignment, a, answer="A own"),
        users=users,
    )


COUNSELLOR_URLS = [
    ("GET", "/cases/{case}"),
    ("GET", "/cases/{case}/edit"),
    ("POST", "/cases/{case}/edit"),
    ("GET", "/cases/{case}/safety"),
    ("POST", "/cases/{case}/safety"),
    ("POST", "/cases/{case}/partners/{partner}/invite"),
    ("GET", "/cases/{case}/partners/{partner}/invitation"),
    ("GET", "/cases/{case}/homework/new?q=trust"),
    ("GET", "/cases/{case}/homework/new/i-statement-rewrites"),
    ("POST", "/cases/{case}/homework/new/i-statement-rewrites"),
    ("GET", "/cases/{case}/homework/{assignment}"),
    ("GET", "/cases/{case}/homework/{assignment}/edit"),
    ("POST", "/cases/{case}/homework/{assignment}/edit"),
    ("POST", "/cases/{case}/homework/{assignment}/withdraw"),
    ("GET", "/cases/{case}/homework/entries/{entry}"),
]

PORTAL_URLS = [
    ("GET", "/portal/homework/{assignment}"),
    ("POST", "/portal/homework/{assignment}"),
    ("GET", "/portal/entries/{entry}"),
    ("POST", "/portal/entries/{entry}/sharing"),
]


def fill(url: str, world: World) -> str:
    return url.format(
        case=world.mine.id,
        partner=world.mine.partners[1].id,
        assignment=world.assignment.id,
        entry=world.private_b.id,
    )


def call(client, method, url):
    return client.get(url) if method == "GET" else client.post(url, data={})


@pytest.mark.parametrize(("method", "url"), COUNSELLOR_URLS)
@pytest.mark.parametrize(
    ("who", "expected"),
    [
        ("counsellor", {200, 302, 303, 400}),
        ("other counsellor", {404}),
        ("owner", {404}),
        ("partner a", {404}),
        ("partner b", {404}),
        ("other couple", {404}),
        (None, {302}),
    ],
)
def test_counsellor_pages_of_a_case(app, world, method, url, who, expected):
    browser = sign_in(app, world.users.get(who))
    response = call(browser, method, fill(url, world))
    assert response.status_code in expected, (who, method, url)
    if who is None:
        assert response.headers["Location"].startswith("/login")


WITH_INNER_IDS = [
    (method, url)
    for method, url in COUNSELLOR_URLS
    if any(key in url for key in ("{assignment}", "{entry}", "{partner}"))
]


@pytest.mark.parametrize(("method", "url"), WITH_INNER_IDS)
def test_another_cases_ids_under_ones_own_case_are_404(
    app, world, make_assignment, make_entry, method, url
):
    """Ids of another case's homework and entries, put under one's own case id, find nothing."""
    foreign = make_assignment(world.theirs, "i-statement-rewrites", "each")
    foreign_entry = make_entry(foreign, world.theirs.partners[0])
    target = url.format(
        case=world.mine.id,
        partner=world.theirs.partners[1].id,
        assignment=foreign.id,
        entry=foreign_entry.id,
    )
    browser = sign_in(app, world.users["counsellor"])
    assert call(browser, method, target).status_code == 404


@pytest.mark.parametrize(("method", "url"), PORTAL_URLS)
@pytest.mark.parametrize(
    ("who", "status"),
    [
        ("partner a", 404),  # B's private entry; the homework is A's too, but see below
        ("partner b", None),  # their own
        ("other couple", 404),
        ("counsellor", 403),
        ("owner", 403),
        (None, 302),
    ],
)
def test_portal_urls(app, world, method, url, who, status):
    browser = sign_in(app, world.users.get(who))
    response = call(browser, method, fill(url, world))
    if status is None:
        assert response.status_code in (200, 302, 400), (who, method, url)
    elif who == "partner a" and "{entry}" not in url:
        # The homework itself is for each partner: partner A reaches it.
        assert response.status_code in (200, 400), (who, method, url)
    else:
        assert response.status_code == status, (who, method, url)


def test_partner_a_reads_b_shared_entry_but_never_b_private(app, world):
    browser = sign_in(app, world.users["partner a"])
    shared = browser.get(f"/portal/entries/{world.shared_b.id}")
    assert shared.status_code == 200
    assert "B shared" in shared.data.decode()
    assert browser.get(f"/portal/entries/{world.private_b.id}").status_code == 404
    pages = [
        browser.get(u).data.decode()
        for u in (
            "/portal/",
            "/portal/shared",
            "/portal/entries",
            f"/portal/homework/{world.assignment.id}",
        )
    ]
    assert f"/portal/entries/{world.shared_b.id}" in pages[1]
    assert not any("B private" in p or f'/portal/entries/{world.private_b.id}"' in p for p in pages)
    # Partner B's own solo homework is not partner A's to see.
    assert browser.get(f"/portal/homework/{world.solo_b.id}").status_code == 404
    assert "Protect one hour" not in pages[0]


def test_sharing_someone_elses_entry_is_404(app, world):
    browser = sign_in(app, world.users["partner a"])
    response = browser.post(f"/portal/entries/{world.shared_b.id}/sharing", data={"share": "0"})
    assert response.status_code == 404


def test_clients_of_another_case_get_404_on_every_portal_id(app, world):
    browser = sign_in(app, world.users["other couple"])
    for url in (
        f"/portal/homework/{world.assignment.id}",
        f"/portal/entries/{world.shared_b.id}",
        f"/portal/entries/{world.entry_a.id}",
    ):
        assert browser.get(url).status_code == 404, url
