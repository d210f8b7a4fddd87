"""Forms for logging in and changing one's password."""

from wtforms import EmailField, PasswordField, StringField, SubmitField
from wtforms.validators import DataRequired, EqualTo, Length

from practice.forms import Form, email_field

MIN_PASSWORD = 10
MAX_PASSWORD = 256


def new_password_field(label: str = "New password") -> PasswordField:
    return PasswordField(
        label,
        validators=[
            DataRequired(message="Choose a password."),
            Length(
                min=MIN_PASSWORD,
                max=MAX_PASSWORD,
                message=f"Use at least {MIN_PASSWORD} characters; a short sentence works well.",
            ),
        ],
        render_kw={"autocomplete": "new-password"},
    )


def confirm_field(other: str = "password") -> PasswordField:
    return PasswordField(
        "Type it again",
        validators=[
            DataRequired(message="Type the password a second time."),
            EqualTo(other, message="The two passwords are not the same."),
        ],
        render_kw={"autocomplete": "new-password"},
    )


def current_password_field(label: str, required: str) -> PasswordField:
    """The password one logs in with, asked again to confirm a change."""
    return PasswordField(
        label,
        validators=[DataRequired(message=required)],
        render_kw={"autocomplete": "current-password"},
    )


class LoginForm(Form):
    email = EmailField(
        "Email",
        validators=[DataRequired(message="Enter your email."), Length(max=254)],
        render_kw={"autocomplete": "username", "autofocus": True},
    )
    password = PasswordField(
        "Password",
        validators=[DataRequired(message="Enter your password."), Length(max=MAX_PASSWORD)],
        render_kw={"autocomplete": "current-password"},
    )
    submit = SubmitField("Log in")


class ChangePasswordForm(Form):
    current_password = current_password_field("Current password", "Enter your current password.")
    password = new_password_field()
    confirm = confirm_field()
    submit = SubmitField("Change password")


class EmptyForm(Form):
    """A form with nothing but its CSRF token, for buttons that POST."""


class AcceptInvitationForm(Form):
    """A partner setting up their portal login from an invitation link.

    No email field: the login is the email fixed on the invitation."""

    password = new_password_field("Choose a password")
    confirm = confirm_field()
    submit = SubmitField("Set password and continue")


class TwoFactorForm(Form):
    """The code from an authenticator app, or a recovery code."""

    code = StringField(
        "Code",
        validators=[DataRequired(message="Enter the code."), Length(max=32)],
        description="The 6-digit code from your authenticator app, or one of your recovery codes.",
        render_kw={"autocomplete": "one-time-code", "inputmode": "numeric", "autofocus": True},
    )
    submit = SubmitField("Verify")


class TwoFactorChangeForm(Form):
    """Turning two-factor sign-in on or off: the password and a current code."""

    current_password = current_password_field("Your password", "Enter your password.")
    code = StringField(
        "Code from the app",
        validators=[DataRequired(message="Enter the 6-digit code."), Length(max=32)],
        render_kw={"autocomplete": "one-time-code", "inputmode": "numeric"},
    )


class ChangeEmailForm(Form):
    email = email_field("New email", "Enter the new email.", render_kw={"autocomplete": "email"})
    current_password = current_password_field(
        "Your password", "Enter your password to confirm it is you."
    )
