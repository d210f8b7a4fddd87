"""Searching the catalogue, the same way on SQLite and PostgreSQL.

The catalogue keeps its own small word index (``catalogue_search_terms``):
each strategy's words, and its exercises' words, with a weight for where they
stand (a title counts more than a prompt). A word is indexed as its stem: its
American spelling (``practice.catalogue.spelling``) put through the Snowball
English stemmer, in Python, so SQLite and PostgreSQL hold and find the same.
The index is rebuilt for an entry whenever the entry changes (a catalogue load
rebuilds all of it, a counsellor's practice exercise its strategy's part). A
query is cut into words; each word is reduced to its stem the same way and
looked up as a prefix in the index's B-tree (so "apology" and "apologize" find
"apologise", and "behav" finds "behaviour"), every word must match, and
strategies are ranked by the summed weights. Anything typed is just words:
quotes, ``%``, ``_`` and operators mean nothing here.
"""

import functools
import re
import threading
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

import snowballstemmer
import sqlalchemy as sa

from practice.catalogue.models import SearchTerm
from practice.catalogue.spelling import american
from practice.extensions import db
from practice.vocabulary import THEMES

MAX_QUERY_WORDS = 8
MAX_TERM = 40
_WORD = re.compile(r"[a-z0-9]+")
# Common words that would match nearly everything.
_STOP = """
a an and are as at be but by for from has have how i if in into is it its of on or our
so than that the their them then there these they this to was we what when where which
who will with you your
"""
STOP_WORDS = frozenset(_STOP.split())
#: How much a word counts for, by where it stands.
WEIGHTS = {
    "title": 12,
    "slug": 12,
    "summary": 5,
    "labels": 4,
    "exercise_title": 6,
    "body": 2,
    "exercise_body": 1,
}


def words(text: str) -> list[str]:
    """The words of ``text``, lowercased, with hyphens and apostrophes as breaks."""
    text = text.lower().replace("\u2019", "'").replace("'", "")
    return [w[:MAX_TERM] for w in _WORD.findall(text)]


_stemmers = threading.local()  # a Snowball stemmer keeps state while it works


@functools.lru_cache(maxsize=4096)
def stem(word: str) -> str:
    """The index form of a word: its American spelling, then its Snowball English stem.

    "apologise", "apologize" and "apologies" all become "apolog"; "behaviour" and
    "behaviors" become "behavior". The same on every database: the index holds
    these stems, and a query's stems are looked up in it.
    """
    stemmer = getattr(_stemmers, "english", None)
    if stemmer is None:
        stemmer = _stemmers.english = snowballstemmer.stemmer("english")
    return stemmer.stemWord(american(word))[:MAX_TERM]


def query_stems(query: str) -> list[str]:
    """The distinct stems a query asks for, at most MAX_QUERY_WORDS of them."""
    found: list[str] = []
    for word in words(query[:2000]):
        if word in STOP_WORDS and len(words(query)) > 1:
            continue
        s = stem(word)
        if s not in found:
            found.append(s)
    return found[:MAX_QUERY_WORDS]


@dataclass
class Document:
    """The text of one strategy and its exercises, by field."""

    strategy_id: int
    fields: dict[str, str] = field(default_factory=dict)
    exercises: dict[int, dict[str, str]] = field(default_factory=dict)


def strategy_document(strategy) -> Document:
    doc = Document(strategy.id)
    doc.fields = {
        "title": strategy.title,
        "slug": strategy.slug.replace("-", " "),
        "summary": strategy.summary,
        "labels": " ".join([THEMES.get(strategy.theme, ""), *strategy.concern_labels]),
        "body": " ".join([strategy.why, *strategy.steps, *strategy.pitfalls]),
    }
    for exercise in strategy.exercises:
        if exercise.retired_at is None:
            doc.exercises[exercise.id] = {
                "exercise_title": exercise.title,
                "exercise_body": " ".join([exercise.instructions, *exercise.prompts]),
            }
    return doc


def _term_rows(doc: Document) -> list[dict]:
    weights: dict[tuple[str, int | None], int] = defaultdict(int)
    for name, text in doc.fields.items():
        for word in words(text):
            if word not in STOP_WORDS:
                weights[(stem(word), None)] += WEIGHTS[name]
    for exercise_id, texts in doc.exercises.items():
        for name, text in texts.items():
            for word in words(text):
                if word not in STOP_WORDS:
                    weights[(stem(word), exercise_id)] += WEIGHTS[name]
    return [
        {"term": term, "strategy_id": doc.strategy_id, "exercise_id": ex, "weight": w}
        for (term, ex), w in weights.items()
    ]


def reindex(strategies: Iterable) -> None:
    """Bring the index rows of ``strategies`` up to date (retired ones simply drop out).

    Only strategies whose rows differ are rewritten, so a catalogue load that
    changed nothing writes nothing, while an index built by an earlier analyser
    is brought up to date by the next load.
    """
    strategies = list(strategies)
    if not strategies:
        return
    wanted: dict[int, set[tuple]] = {s.id: set() for s in strategies}
    for s in strategies:
        if s.retired_at is None:
            for row in _term_rows(strategy_document(s)):
                wanted[s.id].add((row["term"], row["exercise_id"], row["weight"]))
    held: dict[int, set[tuple]] = defaultdict(set)
    for strategy_id, term, exercise_id, weight in db.session.execute(
        sa.select(
            SearchTerm.strategy_id, SearchTerm.term, SearchTerm.exercise_id, SearchTerm.weight
        ).where(SearchTerm.strategy_id.in_(wanted))
    ):
        held[strategy_id].add((term, exercise_id, weight))
    stale = [sid for sid, rows in wanted.items() if rows != held[sid]]
    if not stale:
        return
    db.session.execute(sa.delete(SearchTerm).where(SearchTerm.strategy_id.in_(stale)))
    rows = [
        {"term": term, "strategy_id": sid, "exercise_id": ex, "weight": weight}
        for sid in stale
        for term, ex, weight in wanted[sid]
    ]
    if rows:
        db.session.execute(sa.insert(SearchTerm), rows)


@dataclass
class Hit:
    strategy_id: int
    score: int
    exercise_ids: set[int]


def _prefix_range(column, prefix: str):
    """``column`` starts with ``prefix``, as a range a B-tree index can serve."""
    upper = prefix[:-1] + chr(ord(prefix[-1]) + 1)
    return sa.and_(column >= prefix, column < upper)


def search(query: str) -> list[Hit]:
    """Strategies matching every word of ``query``, best first."""
    stems = query_stems(query)
    if not stems:
        return []
    which = sa.case(
        *[(_prefix_range(SearchTerm.term, s), i) for i, s in enumerate(stems)], else_=-1
    )
    rows = db.session.execute(
        sa.select(SearchTerm.strategy_id, SearchTerm.exercise_id, SearchTerm.weight, which).where(
            sa.or_(*[_prefix_range(SearchTerm.term, s) for s in stems])
        )
    )
    matched: dict[int, set[int]] = defaultdict(set)
    scores: dict[int, int] = defaultdict(int)
    exercises: dict[int, set[int]] = defaultdict(set)
    for strategy_id, exercise_id, weight, word_no in rows:
        matched[strategy_id].add(word_no)
        scores[strategy_id] += weight
        if exercise_id is not None:
            exercises[strategy_id].add(exercise_id)
    hits = [
        Hit(sid, scores[sid], exercises[sid])
        for sid, seen in matched.items()
        if len(seen) == len(stems)
    ]
    return sorted(hits, key=lambda h: (-h.score, h.strategy_id))
