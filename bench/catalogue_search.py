"""Time catalogue search on the real catalogue and on one twenty times its size.

    .venv/bin/python bench/catalogue_search.py [--scale 20] [--database-url URL]

Builds a throwaway database (SQLite in a temporary folder unless a URL is given),
loads the catalogue ``scale`` times over under new slugs, and prints the median
and 95th-percentile time of a set of searches through the catalogue page, as a
counsellor would run them.
"""

import argparse
import statistics
import tempfile
import time
import tomllib
from pathlib import Path

from config import TestingConfig
from practice import create_app
from practice.auth.models import Role, User
from practice.catalogue.loader import load_catalogue
from practice.catalogue.schema import DATA_DIR
from practice.extensions import db

QUERIES = [
    "I-statements",
    "date night",
    "apology",
    "trust after an affair",
    "listening",
    "forgive",
    "in-laws boundaries",
    "zzz-nothing",
]


def write_scaled_data(scale: int, target: Path) -> None:
    """Copy the data files with every slug repeated ``scale`` times over."""
    (target / "guides.toml").write_bytes((DATA_DIR / "guides.toml").read_bytes())
    for path in DATA_DIR.glob("*.toml"):
        if path.name == "guides.toml":
            continue
        text = path.read_text()
        data = tomllib.loads(text)
        for n in range(scale):
            copy = text
            for s in data["strategies"]:
                copy = copy.replace(f'slug = "{s["slug"]}"', f'slug = "{s["slug"]}-{n}"')
                for ex in s["exercises"]:
                    copy = copy.replace(f'slug = "{ex["slug"]}"', f'slug = "{ex["slug"]}-{n}"')
            (target / f"{path.stem}-{n}.toml").write_text(copy)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=int, default=20)
    parser.add_argument("--database-url")
    parser.add_argument("--runs", type=int, default=30)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        url = args.database_url or f"sqlite:///{tmp}/bench.sqlite3"
        config = type(
            "BenchConfig",
            (TestingConfig,),
            {"SQLALCHEMY_DATABASE_URI": url, "WTF_CSRF_ENABLED": False},
        )
        app = create_app(config)
        data = Path(tmp) / "data"
        data.mkdir()
        write_scaled_data(args.scale, data)
        with app.app_context():
            db.drop_all()
            db.create_all()
            started = time.perf_counter()
            load_catalogue(data)
            user = User(email="bench@example.org", name="Bench", role=Role.COUNSELLOR)
            user.set_password("bench password")
            db.session.add(user)
            db.session.commit()
            print(
                f"database: {db.engine.dialect.name}; loaded {args.scale}x catalogue "
                f"in {time.perf_counter() - started:.1f} s"
            )
        client = app.test_client()
        client.post("/login", data={"email": "bench@example.org", "password": "bench password"})
        print(f"{'query':<24} {'results':>7} {'median ms':>10} {'p95 ms':>8}")
        for query in QUERIES:
            times = []
            for _ in range(args.runs):
                started = time.perf_counter()
                response = client.get("/catalogue/", query_string={"q": query})
                times.append((time.perf_counter() - started) * 1000)
            results = response.data.decode().count('class="card mb-3"')
            p95 = sorted(times)[int(len(times) * 0.95) - 1]
            print(f"{query:<24} {results:>7} {statistics.median(times):>10.1f} {p95:>8.1f}")
        with app.app_context():
            db.drop_all()
            db.engine.dispose()


if __name__ == "__main__":
    main()
