"""Forms for the owner's consent documents and a partner's signature."""

from wtforms import BooleanField, HiddenField, RadioField, StringField, TextAreaField
from wtforms.validators import Length

from practice.consent.models import ConfidentialityPolicy
from practice.consent.rules import BODY_MAX, NAME_MAX, TITLE_MAX
from practice.forms import Form, choices


class DocumentForm(Form):
    """The draft of the next version of one of the practice's documents."""

    title = StringField(
        "Title",
        validators=[Length(max=TITLE_MAX, message=f"Keep the title under {TITLE_MAX} characters.")],
    )
    policy = RadioField(
        "The policy it states",
        choices=choices(ConfidentialityPolicy.labels()),
        validate_choice=False,
        description="What the counsellor does with what one partner shares without the other.",
    )
    body = TextAreaField(
        "Text",
        validators=[Length(max=BODY_MAX, message=f"Keep the text under {BODY_MAX:,} characters.")],
        description="Plain text. A blank line starts a new paragraph; a short line at the start "
        "of a paragraph is shown as its heading.",
        render_kw={"rows": 24},
    )


class SignForm(Form):
    """A partner's signature of the version of a document shown to them."""

    # The version shown, so that a newer one published meanwhile is not signed unread.
    shown = HiddenField()
    agree = BooleanField("I have read this document and I agree to it")
    typed_name = StringField(
        "Type your full name to sign",
        validators=[Length(max=NAME_MAX, message=f"Keep your name under {NAME_MAX} characters.")],
        render_kw={"autocomplete": "off"},
    )
