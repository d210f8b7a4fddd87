"""The app's routes, enumerated from its URL map for parametrized tests."""

from werkzeug.routing import Rule

from config import TestingConfig
from practice import create_app

#: Endpoints anyone may reach without logging in.
PUBLIC = {
    "static",
    "main.index",
    "main.healthz",
    "auth.login",
    "auth.logout",
    "auth.quick_exit",
    "auth.leave",
    "auth.accept_invitation",
    "auth.two_factor",
    "calendar.feed",  # a calendar app's address: the token in it is the key
}


def _url(rule: Rule) -> str:
    values = dict.fromkeys(rule.arguments, 1)
    for arg, converter in rule._converters.items():
        if type(converter).__name__ in ("UnicodeConverter", "PathConverter"):
            values[arg] = "x"
        elif type(converter).__name__ == "AnyConverter":  # e.g. a partner's position
            values[arg] = sorted(converter.items)[0]
    return rule.build(values)[1]


def all_rules() -> list[Rule]:
    app = create_app(TestingConfig)
    return sorted(app.url_map.iter_rules(), key=lambda r: r.rule)


def protected(method: str) -> list[tuple[str, str]]:
    """(endpoint, url) of every route behind a login that answers ``method``."""
    return [
        (rule.endpoint, _url(rule))
        for rule in all_rules()
        if rule.endpoint not in PUBLIC and method in (rule.methods or ())
    ]


def posting() -> list[tuple[str, str]]:
    """(endpoint, url) of every route that takes a POST, public or not."""
    return [(rule.endpoint, _url(rule)) for rule in all_rules() if "POST" in (rule.methods or ())]
