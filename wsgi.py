"""The application object for gunicorn and ``flask --app wsgi``.

``MEND_ENV`` picks the configuration: ``development`` (the default),
``production`` or ``testing``.
"""

import os

from config import CONFIGS
from practice import create_app

app = create_app(CONFIGS[os.environ.get("MEND_ENV", "development")])
