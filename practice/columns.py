"""The columns most tables share, declared once as SQLAlchemy's annotated types.

``id: Mapped[intpk]`` is the whole declaration of a primary key; a
``mapped_column()`` beside one adds to it (``case_id: Mapped[case_fk] =
mapped_column(index=True)``), and ``| None`` makes it nullable.
"""

from datetime import datetime
from typing import Annotated

import sqlalchemy as sa
from sqlalchemy.orm import mapped_column

from practice.database import now_utc

intpk = Annotated[int, mapped_column(primary_key=True)]
case_fk = Annotated[int, mapped_column(sa.ForeignKey("cases.id"))]
partner_fk = Annotated[int, mapped_column(sa.ForeignKey("partners.id"))]
user_fk = Annotated[int, mapped_column(sa.ForeignKey("users.id"))]
#: A moment that is now unless given: when a row was made, signed, sent...
timestamp = Annotated[datetime, mapped_column(default=now_utc)]
#: The token a form carries so that sending it twice makes one row (``idempotency.py``).
unique_token = Annotated[str, mapped_column(sa.String(64), unique=True)]
