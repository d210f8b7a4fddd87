"""Reading and checking the catalogue's data files, without a database.

The catalogue lives in ``practice/catalogue/data``: ``guides.toml`` lists the five
guides and their sections; every other ``*.toml`` file holds the strategies of one
theme. :func:`read_catalogue` parses them all and returns plain dataclasses, or
raises :class:`CatalogueError` listing every problem with its file, entry and
field, so a reviewer can fix a file without guessing.

Check the files by hand with ``flask --app wsgi catalogue check``.
"""

from __future__ import annotations

import sys
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from practice.vocabulary import BUILDING_BLOCKS, CADENCES, CONCERNS, EXERCISE_WHO, THEMES

DATA_DIR = Path(__file__).parent / "data"
GUIDES_FILE = "guides.toml"

STRATEGY_FIELDS = {
    "slug": str,
    "title": str,
    "summary": str,
    "why": str,
    "steps": list,
    "pitfalls": list,
    "sources": dict,
    "eft_stage": int,
    "concerns": list,
    "exercises": list,
}
OPTIONAL_STRATEGY_FIELDS = {"blocks": list}
EXERCISE_FIELDS = {
    "slug": str,
    "title": str,
    "instructions": str,
    "who": str,
    "cadence": str,
    "minutes": int,
    "prompts": list,
}
OPTIONAL_EXERCISE_FIELDS = {"per_week": int, "with_partner": bool}
MIN_EXERCISES = 2
PROMPTS_RANGE = (2, 5)


@dataclass(frozen=True)
class Guide:
    key: str
    title: str
    subject: str
    sections: tuple[str, ...]
    not_carried: dict[str, str]


@dataclass(frozen=True)
class ExerciseData:
    slug: str
    title: str
    instructions: str
    who: str
    cadence: str
    per_week: int | None
    minutes: int
    prompts: tuple[str, ...]
    with_partner: bool = False


@dataclass(frozen=True)
class StrategyData:
    slug: str
    theme: str
    title: str
    summary: str
    why: str
    steps: tuple[str, ...]
    pitfalls: tuple[str, ...]
    sources: dict[str, tuple[str, ...]]
    eft_stage: int
    concerns: tuple[str, ...]
    blocks: tuple[str, ...]
    exercises: tuple[ExerciseData, ...]
    file: str


@dataclass
class Catalogue:
    guides: dict[str, Guide]
    strategies: list[StrategyData] = field(default_factory=list)

    @property
    def exercises(self) -> list[ExerciseData]:
        return [ex for s in self.strategies for ex in s.exercises]


class CatalogueError(Exception):
    """One or more data files are malformed; ``problems`` names each."""

    def __init__(self, problems: list[str]):
        self.problems = problems
        super().__init__("\n".join(problems))


class _Problems(list):
    def add(self, where: str, message: str) -> None:
        self.append(f"{where}: {message}")


def _check_fields(problems, where, entry, required, optional) -> bool:
    ok = True
    for name, kind in required.items():
        if name not in entry:
            problems.add(where, f"field '{name}' is missing")
            ok = False
        elif not isinstance(entry[name], kind) or isinstance(entry[name], bool):
            problems.add(where, f"field '{name}' should be a {kind.__name__}")
            ok = False
        elif kind in (str, list, dict) and not entry[name]:
            problems.add(where, f"field '{name}' is empty")
            ok = False
    for name, kind in optional.items():
        if name in entry and not isinstance(entry[name], kind):
            problems.add(where, f"field '{name}' should be a {kind.__name__}")
            ok = False
    for name in entry.keys() - required.keys() - optional.keys():
        problems.add(where, f"field '{name}' is not a known field")
    return ok


def _texts(problems, where, name, values) -> tuple[str, ...]:
    if not all(isinstance(v, str) and v.strip() for v in values):
        problems.add(where, f"field '{name}' should hold non-empty strings")
    return tuple(str(v).strip() for v in values)


def read_guides(data_dir: Path = DATA_DIR) -> dict[str, Guide]:
    """Read ``guides.toml``: the guides' titles and sections, keyed by guide."""
    path = data_dir / GUIDES_FILE
    problems = _Problems()
    raw = _load_toml(path, problems)
    guides = {}
    for i, g in enumerate(raw.get("guides", []), 1):
        where = f"{GUIDES_FILE}: guide '{g.get('key', i)}'"
        sections = [s for s in g.get("sections", []) if isinstance(s, dict)]
        if not g.get("key") or not g.get("title") or not sections:
            problems.add(where, "a guide needs 'key', 'title' and 'sections'")
            continue
        if not all(s.get("heading") for s in sections):
            problems.add(where, "every section needs a 'heading'")
            continue
        guides[g["key"]] = Guide(
            key=g["key"],
            title=g["title"],
            subject=g.get("subject", ""),
            sections=tuple(s["heading"] for s in sections),
            not_carried={s["heading"]: s["not_carried"] for s in sections if "not_carried" in s},
        )
    if problems:
        raise CatalogueError(problems)
    return guides


def _load_toml(path: Path, problems: _Problems) -> dict:
    try:
        with path.open("rb") as fh:
            return tomllib.load(fh)
    except (OSError, tomllib.TOMLDecodeError) as exc:
        problems.add(path.name, f"cannot be read: {exc}")
        return {}


def _read_exercise(problems, where, raw) -> ExerciseData | None:
    if not isinstance(raw, dict):
        problems.add(where, "should be a table")
        return None
    if not _check_fields(problems, where, raw, EXERCISE_FIELDS, OPTIONAL_EXERCISE_FIELDS):
        return None
    if raw["who"] not in EXERCISE_WHO:
        problems.add(where, f"field 'who' is '{raw['who']}', not one of {sorted(EXERCISE_WHO)}")
    if raw["cadence"] not in CADENCES:
        problems.add(where, f"field 'cadence' is '{raw['cadence']}', not one of {sorted(CADENCES)}")
    per_week = raw.get("per_week")
    if raw["cadence"] == "n-per-week" and not (per_week and 2 <= per_week <= 6):
        problems.add(where, "field 'per_week' must be 2–6 when cadence is 'n-per-week'")
    if raw["cadence"] != "n-per-week" and per_week is not None:
        problems.add(where, "field 'per_week' only belongs with cadence 'n-per-week'")
    if raw.get("with_partner") is not None and raw["who"] == "together":
        problems.add(where, "field 'with_partner' is implied by who = 'together'; leave it out")
    if not 1 <= raw["minutes"] <= 240:
        problems.add(where, "field 'minutes' should be between 1 and 240")
    prompts = _texts(problems, where, "prompts", raw["prompts"])
    low, high = PROMPTS_RANGE
    if not low <= len(prompts) <= high:
        problems.add(where, f"field 'prompts' has {len(prompts)} prompts; {low}–{high} expected")
    return ExerciseData(
        slug=raw["slug"],
        title=raw["title"].strip(),
        instructions=raw["instructions"].strip(),
        who=raw["who"],
        cadence=raw["cadence"],
        per_week=per_week,
        minutes=raw["minutes"],
        prompts=prompts,
        with_partner=raw.get("with_partner", False),
    )


def _read_strategy(problems, guides, fname, theme, index, raw) -> StrategyData | None:
    where = f"{fname}: strategy '{raw.get('slug', f'#{index}')}'"
    if not _check_fields(problems, where, raw, STRATEGY_FIELDS, OPTIONAL_STRATEGY_FIELDS):
        return None
    if raw["eft_stage"] not in (1, 2, 3):
        problems.add(where, f"field 'eft_stage' is {raw['eft_stage']}; EFT has stages 1–3")
    for concern in raw["concerns"]:
        if concern not in CONCERNS:
            problems.add(where, f"field 'concerns' names unknown concern '{concern}'")
    for block in raw.get("blocks", []):
        if block not in BUILDING_BLOCKS:
            problems.add(where, f"field 'blocks' names unknown building block '{block}'")
    sources = {}
    for key, sections in raw["sources"].items():
        guide = guides.get(key)
        if guide is None:
            problems.add(where, f"field 'sources' names unknown guide '{key}'")
            continue
        if not isinstance(sections, list) or not sections:
            problems.add(where, f"field 'sources.{key}' should list the sections carried")
            continue
        for section in sections:
            if section not in guide.sections:
                problems.add(where, f"field 'sources.{key}' names unknown section '{section}'")
        sources[key] = tuple(sections)
    exercises = []
    if len(raw["exercises"]) < MIN_EXERCISES:
        problems.add(where, f"field 'exercises' has {len(raw['exercises'])}; at least 2 expected")
    for j, ex in enumerate(raw["exercises"], 1):
        slug = ex.get("slug", f"#{j}") if isinstance(ex, dict) else f"#{j}"
        exercise = _read_exercise(problems, f"{where}: exercise '{slug}'", ex)
        if exercise:
            exercises.append(exercise)
    return StrategyData(
        slug=raw["slug"],
        theme=theme,
        title=raw["title"].strip(),
        summary=raw["summary"].strip(),
        why=raw["why"].strip(),
        steps=_texts(problems, where, "steps", raw["steps"]),
        pitfalls=_texts(problems, where, "pitfalls", raw["pitfalls"]),
        sources=sources,
        eft_stage=raw["eft_stage"],
        concerns=tuple(raw["concerns"]),
        blocks=tuple(raw.get("blocks", ())),
        exercises=tuple(exercises),
        file=fname,
    )


def read_catalogue(data_dir: Path = DATA_DIR) -> Catalogue:
    """Read and check every data file; raise :class:`CatalogueError` on any problem."""
    guides = read_guides(data_dir)
    catalogue = Catalogue(guides=guides)
    problems = _Problems()
    for path in sorted(data_dir.glob("*.toml")):
        if path.name == GUIDES_FILE:
            continue
        raw = _load_toml(path, problems)
        theme = raw.get("theme")
        if theme not in THEMES:
            problems.add(path.name, f"field 'theme' is '{theme}', not one of {sorted(THEMES)}")
            continue
        for name in raw.keys() - {"theme", "strategies"}:
            problems.add(path.name, f"field '{name}' is not a known field")
        for i, entry in enumerate(raw.get("strategies", []), 1):
            strategy = _read_strategy(problems, guides, path.name, theme, i, entry)
            if strategy:
                catalogue.strategies.append(strategy)
    _check_unique(problems, catalogue)
    if problems:
        raise CatalogueError(problems)
    return catalogue


def _check_unique(problems: _Problems, catalogue: Catalogue) -> None:
    seen: dict[str, str] = {}
    for s in catalogue.strategies:
        if s.slug in seen:
            problems.add(f"{s.file}: strategy '{s.slug}'", f"slug also used in {seen[s.slug]}")
        seen[s.slug] = s.file
    seen = {}
    for s in catalogue.strategies:
        for ex in s.exercises:
            where = f"{s.file}: strategy '{s.slug}': exercise '{ex.slug}'"
            if ex.slug in seen:
                problems.add(where, f"slug also used in {seen[ex.slug]}")
            seen[ex.slug] = f"{s.file} ({s.slug})"


def uncarried_sections(catalogue: Catalogue) -> list[str]:
    """Guide sections that no strategy carries and that are not excused."""
    carried = {
        (key, sec) for s in catalogue.strategies for key, secs in s.sources.items() for sec in secs
    }
    return [
        f"{g.key}: {sec}"
        for g in catalogue.guides.values()
        for sec in g.sections
        if (g.key, sec) not in carried and sec not in g.not_carried
    ]


def main(argv: list[str]) -> int:
    """Check the data files and report what is missing; exit 1 on any problem."""
    data_dir = Path(argv[0]) if argv else DATA_DIR
    try:
        catalogue = read_catalogue(data_dir)
    except CatalogueError as exc:
        print("\n".join(exc.problems), file=sys.stderr)
        return 1
    print(f"{len(catalogue.strategies)} strategies, {len(catalogue.exercises)} exercises")
    missing = uncarried_sections(catalogue)
    if missing:
        print("sections no strategy carries yet:\n  " + "\n  ".join(missing))
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
