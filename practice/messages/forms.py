"""The one form of secure messages: writing one."""

from wtforms import TextAreaField

from practice.forms import Form
from practice.idempotency import form_token_field


class MessageForm(Form):
    # The same message sent twice (a double tap, a retry) is kept once.
    form_token = form_token_field()
    # Checked by practice.messages.rules.clean_body, whose message the view places beside
    # the field, so the rule has one home. No maxlength: a browser would cut a long paste
    # short without a word, where the rule says what is too long and keeps all of it.
    body = TextAreaField("Your message", render_kw={"rows": 5, "autocomplete": "off"})

    def refuse(self, reason: str) -> None:
        """Show the form as sent, with ``reason`` beside the message: why nothing may be
        written now (the case is closed)."""
        self.validate()
        self.body.errors.append(reason)
