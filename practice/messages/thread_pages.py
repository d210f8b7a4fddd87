"""What a thread's page does for whoever reads it, the counsellor or a partner: send the
message its form holds, and show a page of the thread, marked read.

The views load the case and the thread through their own loaders first
(``get_case_or_404`` or ``current_partner()``); what the page is called on the audit
trail (``detail``) is theirs to say.
"""

from flask_login import current_user

from practice import audit
from practice.cases.models import Case, Partner
from practice.database import now_utc
from practice.forms import place_problem
from practice.messages.access import messages_page
from practice.messages.forms import MessageForm
from practice.messages.models import MessageThread
from practice.messages.rules import Problem
from practice.messages.services import mark_read, send_message


def send_from(
    form: MessageForm, case: Case, thread: MessageThread, /, *, partner: Partner | None, **detail
) -> bool:
    """Send the form's message in ``thread`` as the current user (as ``partner`` when a
    client writes). True once it is sent; False with the reason beside the form's field."""
    try:
        message, created = send_message(
            case,
            thread.slot,
            form.body.data,
            author=current_user,
            partner=partner,
            now=now_utc(),
            form_token=form.form_token.data,
        )
    except Problem as problem:
        place_problem(form, problem)
        return False
    if created:
        audit.record("message.send", message, **detail)
    return True


def page_read(thread: MessageThread, /, *, mark: bool, **detail):
    """The page of ``thread`` that ``?page=`` asks for. When ``mark``, the reading is on the
    audit trail and page 1 marks the thread read for the current user up to its newest."""
    page = messages_page(thread)
    if mark and thread.id is not None:
        audit.record("messages.read", thread, **detail, page=page.page)
        if page.page == 1 and page.items:
            mark_read(thread, current_user, now_utc(), up_to=page.items[0].id)
    return page
