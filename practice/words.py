"""Small rules of wording, as plain functions: counts with their noun, what to call someone."""

#: Titles people put before their name; a greeting goes past them to the given name.
TITLES = frozenset(
    {"dr", "doctor", "prof", "professor", "mr", "mrs", "ms", "miss", "mx", "rev", "sir", "dame"}
)


def plural(count: int, singular: str, plural_form: str | None = None) -> str:
    """``1 safety flag``, ``2 safety flags``; an irregular plural can be given."""
    noun = singular if count == 1 else (plural_form or singular + "s")
    return f"{count} {noun}"


def greeting_name(name: str) -> str:
    """What a greeting calls someone: their given name, past any title.

    "Dr Olive Owner" is greeted as "Olive"; someone known only by title and
    surname ("Dr Owner") keeps both, as they would be addressed in person.
    """
    words = name.split()
    rest = list(words)
    while rest and rest[0].rstrip(".").lower() in TITLES:
        rest.pop(0)
    if len(rest) >= 2:
        return rest[0]
    if rest and len(rest) < len(words):
        return " ".join(words)
    return rest[0] if rest else name.strip()
