"""Loading the catalogue: idempotent, versioned, retiring rather than deleting."""

import json
import shutil

import pytest
import sqlalchemy as sa

from practice.catalogue.loader import load_catalogue
from practice.catalogue.models import Exercise, ExerciseVersion, Strategy
from practice.catalogue.schema import DATA_DIR, CatalogueError
from practice.extensions import db


@pytest.fixture
def data_copy(tmp_path):
    target = tmp_path / "data"
    shutil.copytree(DATA_DIR, target)
    return target


def count(model):
    return db.session.scalar(sa.select(sa.func.count()).select_from(model))


def test_load_is_idempotent(empty_catalogue, data_copy):
    first = load_catalogue(data_copy)
    db.session.commit()
    assert first.added == count(Strategy) >= 25
    second = load_catalogue(data_copy)
    db.session.commit()
    assert not second.touched
    assert second.unchanged == first.added
    assert count(ExerciseVersion) == count(Exercise)


def test_a_changed_exercise_gets_a_new_version_and_old_versions_stay(empty_catalogue, data_copy):
    load_catalogue(data_copy)
    db.session.commit()
    exercise = db.session.scalar(sa.select(Exercise).where(Exercise.slug == "rituals-date-night"))
    first_version = exercise.current_version
    text = (data_copy / "connection.toml").read_text()
    (data_copy / "connection.toml").write_text(text.replace("minutes = 120", "minutes = 90", 1))
    report = load_catalogue(data_copy)
    db.session.commit()
    assert report.exercises_changed == 1
    db.session.refresh(exercise)
    assert exercise.version == 2
    assert exercise.minutes == 90
    assert db.session.get(ExerciseVersion, first_version.id).minutes == 120


def test_removed_entries_are_retired_not_deleted(empty_catalogue, data_copy):
    load_catalogue(data_copy)
    db.session.commit()
    (data_copy / "growth.toml").unlink()
    report = load_catalogue(data_copy)
    db.session.commit()
    assert report.retired == 4
    strategy = db.session.scalar(sa.select(Strategy).where(Strategy.slug == "self-care"))
    assert strategy.retired_at is not None
    assert all(e.retired_at is not None for e in strategy.exercises)
    # Restoring the file brings it back as it was, without a new version.
    shutil.copy(DATA_DIR / "growth.toml", data_copy / "growth.toml")
    report = load_catalogue(data_copy)
    db.session.commit()
    db.session.refresh(strategy)
    assert strategy.retired_at is None
    assert strategy.version == 1


def test_a_malformed_file_leaves_the_database_as_it_was(runner, empty_catalogue, data_copy):
    (data_copy / "trust.toml").write_text(
        (data_copy / "trust.toml").read_text().replace("eft_stage = 3", "eft_stage = 9", 1)
    )
    result = runner.invoke(args=["catalogue", "load", "--data", str(data_copy)])
    assert result.exit_code != 0
    assert "trust.toml: strategy 'keep-promises'" in result.output
    assert "nothing changed" in result.output
    assert count(Strategy) == 0
    with pytest.raises(CatalogueError):
        load_catalogue(data_copy)


def test_export_prints_the_catalogue_as_json(runner):
    result = runner.invoke(args=["catalogue", "export"])
    assert result.exit_code == 0
    data = json.loads(result.output)
    strategies = data["strategies"]
    assert len(strategies) >= 25
    assert sum(len(s["exercises"]) for s in strategies) >= 60
    assert all(s["sources"] and s["sources"][0]["guide"] for s in strategies)
    titles = {src["guide"] for s in strategies for src in s["sources"]}
    assert "How to Save a Relationship" in titles


def test_doc_check(runner):
    result = runner.invoke(args=["catalogue", "doc", "--check"])
    assert result.exit_code == 0, result.output
