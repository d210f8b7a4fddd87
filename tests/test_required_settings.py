"""A practice's server refuses to start without the secrets it is told it needs."""

import pytest

from config import ProductionConfig
from practice import create_app


@pytest.mark.parametrize(
    ("unset", "named"),
    [
        (("SECRET_KEY",), "SECRET_KEY"),
        (("NOTES_KEYS",), "MEND_NOTES_KEYS"),
        (("SECRET_KEY", "NOTES_KEYS"), "SECRET_KEY and NOTES_KEYS"),
    ],
)
def test_production_will_not_start_without_its_required_settings(unset, named):
    config = type(
        "ProductionWithout",
        (ProductionConfig,),
        {"SECRET_KEY": "set", "NOTES_KEYS": "set"} | dict.fromkeys(unset),
    )
    with pytest.raises(RuntimeError, match=named):
        create_app(config)


def test_the_required_settings_are_the_ones_read():
    config = type(
        "ProductionNeedingMore",
        (ProductionConfig,),
        {
            "SECRET_KEY": "set",
            "NOTES_KEYS": "set",
            "SMTP_HOST": None,
            "REQUIRED_SETTINGS": ("SMTP_HOST",),
        },
    )
    with pytest.raises(RuntimeError, match="SMTP_HOST"):
        create_app(config)
