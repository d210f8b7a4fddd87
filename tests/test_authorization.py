"""The authorization matrix: every route of the app, for every kind of user.

Each endpoint in the URL map has a row in ``MATRIX`` saying who it is for; a new
route without a row fails ``test_every_route_has_a_row``. For each endpoint, each
method it answers and each of seven users (signed out, the owner, the case's
counsellor, another counsellor, partner A, partner B and a partner of another
couple), a fresh browser signs in and makes the request against a world with
two cases. What each user must get:

- *refused* users get 404 where the thing is a case or a client's record (nobody
  learns it exists), 403 where a staff member lacks the role, and a redirect to
  sign in when signed out;
- *allowed* users get through: 200, a redirect that is not to the sign-in page,
  400 for the empty form the matrix posts, or 409 where the record is locked.

The test posts empty forms; the allowed users' requests run last, so a refused
request that wrongly got through would show before anything is changed.
"""

import pytest

from tests.authorization_matrix import (
    EVERYONE,
    MATRIX,
    OTHER_COUNSELLOR,
    RULES,
    SIGN_IN,
    methods,
    outcome,
    url_for_row,
)
from tests.factories import sign_in


def test_every_route_has_a_row():
    assert set(RULES) - set(MATRIX) == set(), "add these endpoints to MATRIX"
    assert set(MATRIX) - set(RULES) == set(), "these endpoints no longer exist"


@pytest.mark.parametrize("endpoint", sorted(MATRIX))
def test_who_reaches_each_route(app, world, endpoint):
    row = MATRIX[endpoint]
    url = url_for_row(endpoint, world)
    # Refused users first: a request wrongly let through must not change the world first.
    order = sorted(EVERYONE, key=lambda who: who in row.allowed)
    wrong = []
    for who in order:
        for method in methods(endpoint):
            browser = sign_in(app, world.users[who])
            response = browser.open(url, method=method, data={} if method == "POST" else None)
            response.close()
            assert response.status_code < 500, (who, method, url)
            got, expected = outcome(response), row.expect(who)
            if got != expected and not (row.kind == "public" and got in (404, SIGN_IN)):
                wrong.append(f"{who} {method} {url}: got {got}, expected {expected}")
    assert not wrong, "\n".join(wrong)


CASE_ROUTES_WITH_INNER_IDS = sorted(
    endpoint
    for endpoint, row in MATRIX.items()
    # A partner's position ("a", "b") names no record: every couple has both; nor does a
    # thread's slot ("a", "b", "joint"), which every couple has too.
    if row.kind == "case"
    and set(RULES[endpoint].arguments) - {"case_id", "slug", "position", "slot"}
)


@pytest.mark.parametrize("endpoint", CASE_ROUTES_WITH_INNER_IDS)
def test_another_cases_ids_under_ones_own_case_find_nothing(app, world, endpoint):
    """The other counsellor puts this case's homework, sessions or entries under their own case."""
    url = url_for_row(endpoint, world, case_id="theirs")
    browser = sign_in(app, world.users[OTHER_COUNSELLOR])
    for method in methods(endpoint):
        assert browser.open(url, method=method, data={}).status_code == 404, (method, url)
