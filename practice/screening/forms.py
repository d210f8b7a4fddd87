"""The screen as a form: one question a row, the same answers for each, and a note."""

from functools import cache

from practice.forms import Form, optional_text, past_date, required_choice
from practice.idempotency import form_token_field
from practice.screening.items import ANSWERS, ITEMS


class ScreenFormBase(Form):
    form_token = form_token_field()

    def item_fields(self):
        return [self[field_name(item.key)] for item in ITEMS]

    def answers(self) -> dict[str, str]:
        return {item.key: self[field_name(item.key)].data for item in ITEMS}


def field_name(key: str) -> str:
    return "q_" + key.replace("-", "_")


@cache
def screen_form_class(in_portal: bool) -> type[ScreenFormBase]:
    """The counsellor's form (asked in an individual session) or the partner's own."""
    fields = {}
    for item in ITEMS:
        fields[field_name(item.key)] = required_choice(
            item.portal if in_portal else item.asked,
            "Choose an answer (or “Rather not say”).",
            ANSWERS,
        )
    fields["note"] = optional_text(
        "Anything else you want your counsellor to know" if in_portal else "Note",
        "Only your counsellor reads this."
        if in_portal
        else "What was said, and any plan. Seen only by you.",
        rows=4,
        limit=10_000,
        too_long="Keep it under 10,000 characters.",
    )
    if not in_portal:
        fields["taken_on"] = past_date(
            "Asked on", "Enter the date it was asked.", "A screen cannot be dated in the future."
        )
    name = "PortalScreenForm" if in_portal else "CounsellorScreenForm"
    return type(name, (ScreenFormBase,), fields)
