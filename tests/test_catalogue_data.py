"""The catalogue's data files: complete, cited, well formed, and in our own words."""

import re
import shutil
from pathlib import Path

import pytest

from practice.catalogue.export import catalogue_markdown
from practice.catalogue.schema import (
    DATA_DIR,
    CatalogueError,
    read_catalogue,
    uncarried_sections,
)
from practice.vocabulary import CONCERNS, THEMES

DOC = Path(__file__).resolve().parents[1] / "docs" / "catalogue.md"


@pytest.fixture(scope="module")
def catalogue():
    return read_catalogue()


def test_size_of_the_catalogue(catalogue):
    assert 25 <= len(catalogue.strategies) <= 40
    assert len(catalogue.exercises) >= 60
    assert all(len(s.exercises) >= 2 for s in catalogue.strategies)


def test_every_strategy_cites_a_guide_and_addresses_a_concern(catalogue):
    for s in catalogue.strategies:
        assert s.sources, s.slug
        assert s.concerns, s.slug


def test_every_theme_and_concern_is_covered(catalogue):
    assert {s.theme for s in catalogue.strategies} == set(THEMES)
    assert {c for s in catalogue.strategies for c in s.concerns} == set(CONCERNS)


def test_every_section_of_every_guide_is_carried(catalogue):
    assert uncarried_sections(catalogue) == []


def test_each_partner_can_work_alone_on_every_strategy(catalogue):
    """Conjoint work is barred where safety is a concern; solo work must remain."""
    lone = [s.slug for s in catalogue.strategies if all(e.who == "together" for e in s.exercises)]
    assert lone == []


#: Exercises written for one partner: the one who caused the hurt, the hurt partner,
#: the partner who feels the pull to check, a private look at one's own safety or standing.
ONE_PARTNER = {
    "betrayal-accountability-account",
    "betrayal-voice-the-fear",
    "transparency-checking-urges",
    "stay-honest-appraisal",
    "stay-pattern-log",
    "stay-options-map",
}


#: "each" and "one" exercises that ask the partner doing them to involve the other: to
#: tell, ask, agree or arrange something with them, do something with or for them, or
#: show them something. Read by hand from the instructions; see docs/catalogue-editing.md.
WITH_PARTNER = {
    "commit-daily-choice",
    "roadmap-shared-journal",
    "traps-own-the-part",
    "i-statement-real-moment",
    "listening-validation-notes",
    "talks-prepare",
    "curious-convert-criticism",
    "curious-follow-up",
    "root-meet-a-need",
    "understand-grain-of-truth",
    "own-accountability-statement",
    "connection-listen-not-fix",
    "love-languages-daily-gesture",
    "appreciation-noticing-log",
    "appreciation-written-notes",
    "safety-go-back-and-repair",
    "empathy-their-account",
    "vulnerability-risk-ladder",
    "self-care-protected-hour",
    "individuality-space-with-return",
    "outside-pressures-map",
    "promises-renegotiate-early",
    "transparency-checking-urges",
    "apology-follow-through",
    "betrayal-voice-the-fear",
}


def test_work_that_involves_the_partner_is_marked(catalogue):
    assert {ex.slug for ex in catalogue.exercises if ex.with_partner} == WITH_PARTNER
    assert not any(ex.with_partner for ex in catalogue.exercises if ex.who == "together")


def test_work_written_for_one_partner_is_marked_for_one(catalogue):
    assert {ex.slug for ex in catalogue.exercises if ex.who == "one"} == ONE_PARTNER
    # Instructions addressed to one of the two partners belong with them.
    for ex in catalogue.exercises:
        text = ex.instructions.lower()
        if "for the partner who" in text or "for whichever of you" in text:
            assert ex.who == "one", ex.slug


# A run of seven or more digits with the separators phone numbers are written with.
PHONE_NUMBER = re.compile(r"\+?\(?\d[\d ().-]{5,}\d")


def catalogue_texts(catalogue):
    """(where, text) for every sentence of every strategy and exercise a reader can see."""
    for s in catalogue.strategies:
        for name in ("title", "summary", "why"):
            yield f"{s.slug}.{name}", getattr(s, name)
        for name in ("steps", "pitfalls"):
            for text in getattr(s, name):
                yield f"{s.slug}.{name}", text
        for ex in s.exercises:
            for name in ("title", "instructions"):
                yield f"{ex.slug}.{name}", getattr(ex, name)
            for text in ex.prompts:
                yield f"{ex.slug}.prompts", text


@pytest.mark.parametrize(
    ("text", "found"),
    [
        ("call the Hotline on 1-800-799-7233 now", True),
        ("ring (0808) 2000 247", True),
        ("+44 808 2000 247", True),
        ("1.800.799.7233", True),
        ("between 3 and 6 months, or a year or more", False),
        ("a score from 0 to 10", False),
        ("Funk & Rogge 2007", False),
    ],
)
def test_the_phone_number_pattern(text, found):
    assert bool(PHONE_NUMBER.search(text)) is found


def test_no_text_hard_codes_a_phone_number_or_hotline(catalogue):
    """Where to turn is the practice's own setting, shown in every portal; a number
    written into an exercise would be wrong outside one country and could not be changed."""
    found = [
        where
        for where, text in catalogue_texts(catalogue)
        if PHONE_NUMBER.search(text) or "hotline" in text.lower()
    ]
    assert found == []


def test_a_daily_exercises_prompts_ask_about_the_day(catalogue):
    """An entry of daily homework is written each day: a prompt asking about "this week"
    would be answered seven times over."""
    weekly = re.compile(r"\b(this|the|next|last) week\b|\bacross the week\b", re.I)
    found = [
        (e.slug, prompt)
        for e in catalogue.exercises
        if e.cadence == "daily"
        for prompt in e.prompts
        if weekly.search(prompt)
    ]
    assert found == []


#: Words that assume one country's institutions or habits (a GP, bin night).
ONE_COUNTRY = re.compile(r"\bGP\b|\bbin night\b|\bthe bins\b|\bNHS\b|\bbabysitter\b")


def test_examples_assume_no_one_country(catalogue):
    found = [where for where, text in catalogue_texts(catalogue) if ONE_COUNTRY.search(text)]
    assert found == []


def test_date_ideas_are_mostly_free(catalogue):
    """A weekly date is suggested to every couple, whatever they can spend."""
    [date_night] = [e for e in catalogue.exercises if e.slug == "rituals-date-night"]
    assert "cost nothing" in date_night.instructions
    assert "if it suits your budget" in date_night.instructions


def test_docs_catalogue_is_current(catalogue):
    assert DOC.read_text() == catalogue_markdown(catalogue) + "\n"


@pytest.fixture
def data_copy(tmp_path):
    target = tmp_path / "data"
    shutil.copytree(DATA_DIR, target)
    return target


def _edit(path: Path, old: str, new: str, count: int = 1) -> None:
    text = path.read_text()
    assert old in text
    path.write_text(text.replace(old, new, count))


@pytest.mark.parametrize(
    ("file", "old", "new", "message"),
    [
        ("trust.toml", 'slug = "keep-promises"\n', "", "strategy '#1': field 'slug' is missing"),
        (
            "trust.toml",
            'theme = "trust"',
            'theme = "spirituality"',
            "field 'theme' is 'spirituality'",
        ),
        ("trust.toml", "eft_stage = 3", "eft_stage = 4", "EFT has stages 1–3"),
        ("conflict.toml", '"unresolved-conflicts"', '"boredom"', "unknown concern 'boredom'"),
        (
            "support.toml",
            'slug = "outside-pressures"',
            'slug = "keep-promises"',
            "slug also used in",
        ),
        (
            "growth.toml",
            "prompts = [",
            "prompts = [] \nold_prompts = [",
            "field 'prompts' is empty",
        ),
        ("connection.toml", 'who = "together"', 'who = "everyone"', "field 'who' is 'everyone'"),
        ("commitment.toml", 'cadence = "once"', 'cadence = "hourly"', "field 'cadence'"),
        (
            "emotional-safety.toml",
            "sources = {",
            "sources = { nowhere = ['x'], ",
            "unknown guide 'nowhere'",
        ),
    ],
)
def test_malformed_entries_are_named(data_copy, file, old, new, message):
    _edit(data_copy / file, old, new)
    with pytest.raises(CatalogueError) as caught:
        read_catalogue(data_copy)
    assert any(message in p for p in caught.value.problems), caught.value.problems
    assert any(file in p for p in caught.value.problems), caught.value.problems


def test_unreadable_toml_is_named(data_copy):
    (data_copy / "trust.toml").write_text("theme = \n")
    with pytest.raises(CatalogueError) as caught:
        read_catalogue(data_copy)
    assert "trust.toml: cannot be read" in str(caught.value)
