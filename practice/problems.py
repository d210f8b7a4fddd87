"""The domain error every service raises for input that breaks one of its rules.

Services work over plain values, not forms; when what they were given breaks a
rule, they say so with a :class:`FieldProblem` naming the form field the
message belongs beside ("form" for the form as a whole), and the view puts it
there (``practice.forms.place_problem``, or ``problems_beside_fields`` around the
view's work). Each package names its own kind (``safety.services.Problem``,
``consent.signatures.SignProblem``, ...) so a view catches only its service's.
"""


class FieldProblem(ValueError):
    """Input that breaks a rule, said for the field it belongs to."""

    def __init__(self, field: str, message: str):
        super().__init__(message)
        self.field = field
        self.message = message
