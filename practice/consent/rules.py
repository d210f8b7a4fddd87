"""Consent as plain values: the text that is signed, its hash, which documents a
session needs, and whether a typed name is the partner's."""

import hashlib
import re
import unicodedata
from collections.abc import Iterable, Mapping

#: The kinds of session a partner's consent is asked for.
IN_PERSON, VIDEO = "in-person", "video"
#: The documents (by kind) each partner signs before a session of each kind.
REQUIRED = {
    IN_PERSON: ("counselling", "confidentiality", "privacy"),
    VIDEO: ("counselling", "confidentiality", "privacy", "video"),
}
TITLE_MAX, BODY_MAX, NAME_MAX = 200, 50_000, 200


def normalised(text: str) -> str:
    """Text as it is kept and signed: one kind of line break, no spaces trailing a line,
    no blank lines at either end. Applied when a draft is saved, so the stored text is
    the exact text shown and hashed."""
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    return "\n".join(line.rstrip() for line in lines).strip("\n")


def text_digest(title: str, body: str) -> str:
    """SHA-256 (hex) of a document's exact text: its title, a blank line, its body."""
    return hashlib.sha256(f"{title}\n\n{body}".encode()).hexdigest()


def missing(
    current: Mapping[str, int], signed: Iterable[int], session_kind: str = IN_PERSON
) -> list[str]:
    """The kinds of document still to sign before a session of ``session_kind``.

    ``current`` maps each published kind to the id of its current version;
    ``signed`` holds the ids of the versions the partner has signed. A kind the
    practice has not published is not asked for; an older version signed does not
    count for the current one.
    """
    signed = set(signed)
    return [
        kind for kind in REQUIRED[session_kind] if kind in current and current[kind] not in signed
    ]


def _folded(name: str) -> str:
    decomposed = unicodedata.normalize("NFKD", name)
    letters = "".join(c for c in decomposed if not unicodedata.combining(c))
    # O'Brien is also typed OBrien; Smith-Jones also Smith Jones.
    letters = re.sub(r"['’]", "", letters.casefold())
    return " ".join(re.sub(r"[^\w\s]", " ", letters).split())


def same_name(typed: str, on_file: str) -> bool:
    """Whether ``typed`` is the partner's full name as the practice has it, allowing for
    capitals, accents, punctuation and spacing."""
    return bool(_folded(typed)) and _folded(typed) == _folded(on_file)


def blocks(body: str) -> list[tuple[str, str]]:
    """A document's body as (heading, text) paragraphs, for the page and the signed copy:
    a paragraph whose first line is short, ends without a full stop and is followed by
    more lines has that line as its heading ("" when it has none)."""
    found = []
    for paragraph in body.split("\n\n"):
        paragraph = paragraph.strip("\n")
        if not paragraph.strip():
            continue
        first, _, rest = paragraph.partition("\n")
        if rest.strip() and len(first) <= 80 and not first.rstrip().endswith(HEADING_ENDS):
            found.append((first.strip(), rest))
        else:
            found.append(("", paragraph))
    return found


HEADING_ENDS = (".", ",", ";", ":", "?", "!")
