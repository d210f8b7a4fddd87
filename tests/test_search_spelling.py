"""Catalogue search understands British and American spelling, on either database."""

import pytest
import sqlalchemy as sa

from practice.catalogue import search
from practice.catalogue.loader import load_catalogue
from practice.catalogue.models import SearchTerm
from practice.catalogue.spelling import american
from practice.extensions import db


@pytest.mark.parametrize(
    ("british", "us"),
    [
        ("apologise", "apologize"),
        ("apologising", "apologizing"),
        ("criticised", "criticized"),
        ("organisation", "organization"),
        ("behaviour", "behavior"),
        ("behavioural", "behavioral"),
        ("favourite", "favorite"),
        ("neighbourhood", "neighborhood"),
        ("analyse", "analyze"),
        ("paralysed", "paralyzed"),
        ("defence", "defense"),
        ("offences", "offenses"),
        ("licence", "license"),
        ("dialogue", "dialog"),
        ("catalogues", "catalogs"),
        ("centre", "center"),
        ("theatres", "theaters"),
        ("fibre", "fiber"),
        ("centred", "centered"),
    ],
)
def test_the_rules_bring_british_spelling_to_american(british, us):
    assert american(british) == us
    assert american(us) == us
    assert search.stem(british) == search.stem(us)


@pytest.mark.parametrize(
    "word",
    [
        # -ise words with no -ize form, and their inflections
        "exercise",
        "exercises",
        "precise",
        "surprised",
        "promising",
        "advise",
        "compromise",
        "otherwise",
        "praise",
        "rise",
        "noise",
        # -our, -ogue, -ence, -re words that are not spelling variants
        "four",
        "hours",
        "your",
        "devour",
        "contour",
        "rogue",
        "vogue",
        "fence",
        "genre",
        "acre",
        "store",
        "more",
        "timbre",
        "hatred",
        "string",
    ],
)
def test_words_that_are_spelt_one_way_are_left_alone(word):
    assert american(word) == word


def test_inflections_share_a_stem():
    assert len({search.stem(w) for w in ("apology", "apologies", "apologise")}) == 1
    assert search.stem("criticism") == search.stem("criticize")
    assert search.stem("defensive") == search.stem("defence")


def _found(client, query):
    """(strategies, exercises) the catalogue search lists for ``query``."""
    response = client.get("/catalogue/", query_string={"q": query})
    assert response.status_code == 200
    return {(h.strategy_id, frozenset(h.exercise_ids)) for h in search.search(query)}


@pytest.mark.parametrize(
    ("one", "other"),
    [
        ("behavior", "behaviour"),
        ("apologize", "apologise"),
        ("criticize", "criticise"),
        ("defense", "defence"),
        ("recognize", "recognise"),
    ],
)
def test_each_spelling_finds_the_same_strategies_and_exercises(
    client, auth, counsellor, one, other
):
    auth.login(counsellor)
    found = _found(client, one)
    assert found, f"{one!r} should find something"
    assert found == _found(client, other)


@pytest.mark.parametrize(("query", "slug"), [("apologize", "sincere-apology")])
def test_the_american_spelling_finds_the_strategy_on_the_page(
    client, auth, counsellor, query, slug
):
    auth.login(counsellor)
    page = client.get("/catalogue/", query_string={"q": query}).data.decode()
    first = page.index('class="card mb-3"')
    assert f"/catalogue/{slug}" in page[first : first + 600]


def test_either_spelling_offers_the_same_exercises_to_assign(client, auth, counsellor, case):
    auth.login(counsellor)
    us = client.get(f"/cases/{case.id}/homework/new", query_string={"q": "criticize"})
    uk = client.get(f"/cases/{case.id}/homework/new", query_string={"q": "criticise"})
    assert us.status_code == uk.status_code == 200
    links = [
        {line for line in r.data.decode().splitlines() if f"/cases/{case.id}/homework/new/" in line}
        for r in (us, uk)
    ]
    assert links[0]
    assert links[0] == links[1]


def test_an_index_built_by_the_old_analyser_is_rebuilt_by_the_next_load(app):
    """Databases indexed before stemming held bare words; ``catalogue load`` rebuilds."""
    db.session.execute(sa.update(SearchTerm).values(term="zz-old-term"))
    load_catalogue()
    db.session.flush()
    assert not db.session.scalar(sa.select(sa.func.count()).where(SearchTerm.term == "zz-old-term"))
    assert search.search("apologize")
    db.session.rollback()
