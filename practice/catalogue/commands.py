"""``flask --app wsgi catalogue ...``: load, export and document the catalogue."""

import json
from pathlib import Path

import click
from flask.cli import AppGroup

from practice.catalogue.export import catalogue_dict, catalogue_markdown
from practice.catalogue.loader import load_catalogue
from practice.catalogue.schema import (
    DATA_DIR,
    CatalogueError,
    read_catalogue,
    uncarried_sections,
)
from practice.extensions import db

DOC_PATH = Path(__file__).resolve().parents[2] / "docs" / "catalogue.md"

catalogue_cli = AppGroup("catalogue", help="Load, export and document the strategy catalogue.")


@catalogue_cli.command("load")
@click.option(
    "--data",
    "data_dir",
    type=click.Path(file_okay=False, path_type=Path),
    default=DATA_DIR,
    show_default=True,
    help="Folder of the catalogue's data files.",
)
def load(data_dir: Path) -> None:
    """Load the data files into the database (idempotent, versioned)."""
    try:
        report = load_catalogue(data_dir)
    except CatalogueError as exc:
        db.session.rollback()
        raise click.ClickException(
            "the catalogue was not loaded; nothing changed:\n  " + "\n  ".join(exc.problems)
        ) from exc
    db.session.commit()
    click.echo(f"Catalogue loaded: {report}.")


@catalogue_cli.command("check")
def check() -> None:
    """Check the data files without loading them; name every problem found."""
    try:
        catalogue = read_catalogue()
    except CatalogueError as exc:
        problems = "\n  ".join(["the data files have problems:", *exc.problems])
        raise click.ClickException(problems) from exc
    missing = uncarried_sections(catalogue)
    click.echo(f"{len(catalogue.strategies)} strategies, {len(catalogue.exercises)} exercises.")
    if missing:
        raise click.ClickException("guide sections no strategy carries:\n  " + "\n  ".join(missing))


@catalogue_cli.command("export")
@click.option("--include-retired", is_flag=True, help="Also list retired entries.")
def export(include_retired: bool) -> None:
    """Print the catalogue in the database as JSON: strategies with their exercises."""
    click.echo(json.dumps(catalogue_dict(include_retired), indent=2, ensure_ascii=False))


@catalogue_cli.command("doc")
@click.option("--check", is_flag=True, help="Only say whether docs/catalogue.md is current.")
def doc(check: bool) -> None:
    """Write docs/catalogue.md: each guide section and the strategies carrying it."""
    text = catalogue_markdown(read_catalogue()) + "\n"
    if check:
        if not DOC_PATH.exists() or DOC_PATH.read_text() != text:
            raise click.ClickException("docs/catalogue.md is out of date: run 'catalogue doc'")
        click.echo("docs/catalogue.md is current.")
        return
    DOC_PATH.parent.mkdir(exist_ok=True)
    DOC_PATH.write_text(text)
    click.echo(f"Wrote {DOC_PATH}.")
