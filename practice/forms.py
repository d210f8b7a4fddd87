"""Pieces shared by the forms of every blueprint."""

from collections.abc import Mapping

from wtforms.fields.choices import SelectChoice


def choices(options: Mapping) -> list[SelectChoice]:
    """Select options from a ``{value: label}`` mapping, in its order."""
    return [SelectChoice(str(value), label) for value, label in options.items()]
