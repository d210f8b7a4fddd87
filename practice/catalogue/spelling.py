"""British and American spellings of one word, brought to one form before stemming.

The catalogue is written in British English and counsellors search in either:
"apologize" must find "apologise", "behavior" must find "behaviour". A few
general rules cover the regular differences (-ise/-ize, -our/-or, -yse/-yze,
-ence/-ense, -ogue/-og, -re/-er); each word is brought to the American form,
the shorter one, on both sides of the search (the index and the query), so the
stemmer then sees one word. Words the rules would wrongly touch (an "-ise" verb
with no "-ize" form, "four", "string") are left alone by a short list of
exceptions and by minimum lengths. The list is of *exceptions to rules*, never
a list of pairs: a new word following a rule needs no entry.
"""

import re

# Words ending in -ise that are spelt so in American English too.
_ISE_ALWAYS = frozenset(
    {
        "advertise",
        "advise",
        "appraise",
        "apprise",
        "arise",
        "bruise",
        "chastise",
        "comprise",
        "compromise",
        "cruise",
        "demise",
        "despise",
        "devise",
        "disguise",
        "enfranchise",
        "enterprise",
        "excise",
        "exercise",
        "expertise",
        "franchise",
        "guise",
        "improvise",
        "merchandise",
        "mortise",
        "otherwise",
        "paradise",
        "poise",
        "praise",
        "premise",
        "promise",
        "raise",
        "reprise",
        "revise",
        "rise",
        "supervise",
        "surmise",
        "surprise",
        "televise",
        "treatise",
        "valise",
        "wise",
    }
)
_ISE = re.compile(r"^([a-z]{3,})is(e|es|ed|ing|er|ers|ation|ations)$")
_YSE = re.compile(r"^([a-z]{2,})ys(e|es|ed|ing|er|ers)$")
# colour, behaviour(s/al/ally), favourite, honourable, neighbourhood ...
_OUR = re.compile(
    r"^([a-z]{2,})our(s|ed|ing|ite|ites|able|ably|al|ally|ful|less|hood|hoods|er|ers|ism|ist)?$"
)
_OUR_ALWAYS = frozenset(
    {"amour", "contour", "detour", "devour", "flour", "glamour", "paramour", "scour", "velour"}
)
_OGUE = re.compile(r"^([a-z]{4,})ogue(s)?$")  # dialogue, catalogue; not rogue, vogue
_FENCE = re.compile(r"^([a-z]{2,})fence(s)?$")  # defence, offence; not fence
_ENCE_WORDS = {"licence": "license", "licences": "licenses", "pretence": "pretense"}
# centre, theatre, metre, fibre, sombre: -tre/-bre after at least two letters.
_RE = re.compile(r"^([a-z]{2,}[tb])re(s)?$")
_TRED = re.compile(r"^([a-z]{3,})tred$")  # centred, lustred
_RE_ALWAYS = frozenset({"hatred", "timbre", "macabre", "genre", "louvre", "oeuvre"})


def american(word: str) -> str:
    """``word`` (lowercase) in its American spelling where a rule says how; else as it is."""
    if m := _ISE.match(word):
        base = m[1] + "ise"
        exercise_like = base.endswith("cise") and not base.endswith("icise")
        if base not in _ISE_ALWAYS and not base.endswith("wise") and not exercise_like:
            return f"{m[1]}iz{m[2]}"
        return word
    if m := _YSE.match(word):
        return f"{m[1]}yz{m[2]}"
    if (m := _OUR.match(word)) and m[1] + "our" not in _OUR_ALWAYS:
        return f"{m[1]}or{m[2] or ''}"
    if m := _OGUE.match(word):
        return f"{m[1]}og{m[2] or ''}"
    if m := _FENCE.match(word):
        return f"{m[1]}fense{m[2] or ''}"
    if word in _ENCE_WORDS:
        return _ENCE_WORDS[word]
    if word in _RE_ALWAYS:
        return word
    if m := _RE.match(word):
        return f"{m[1]}er{m[2] or ''}"
    if m := _TRED.match(word):
        return f"{m[1]}tered"
    return word
