"""gunicorn settings for serving Mend: ``gunicorn -c gunicorn.conf.py wsgi:app``.

gunicorn also reads this file by itself when started from this folder.
"""

import gc

from practice.reports.pdf import warm_up


def post_worker_init(worker):
    """Warm the PDF renderer, then spare each request the garbage collector's walk
    over the app itself.

    The first PDF a worker renders loads every font face (about 0.3 s more than
    the next); doing that here keeps it off a counsellor's first download.

    A worker's templates, mappers and compiled queries live as long as it does;
    frozen, the collector no longer visits them. A request that loads a caseload
    makes tens of thousands of short-lived objects, so the youngest generation is
    collected every 20,000 allocations rather than every 700. On the large
    practice (bench/run) this takes the dashboard's median from about 40 ms to
    about 28 ms; docs/performance.md has the figures.
    """
    try:
        warm_up(worker.wsgi)
    except Exception:  # the pages must still be served; the PDFs will say what is wrong
        worker.log.exception("Could not warm up the PDF reports")
    gc.freeze()
    gc.set_threshold(20_000, 50, 100)
