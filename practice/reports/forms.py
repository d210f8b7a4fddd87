"""Forms of the reports: sharing the progress report with the partners, and their consent."""

from wtforms import BooleanField
from wtforms.validators import InputRequired

from practice.forms import Form


class ShareProgressForm(Form):
    """Sharing is a deliberate act: the counsellor says they looked at each copy first."""

    confirmed = BooleanField(
        "I have looked at each partner's copy",
        validators=[
            InputRequired(
                message="Open each partner’s copy above and read it through, then tick this box."
            )
        ],
    )


class ScoreSharingForm(Form):
    """A partner's consent to show their check-in scores in the other partner's copy."""

    share = BooleanField("Let my partner see my check-in scores in shared reports")
