"""gunicorn's settings for the web tier, read from the directory it is started in (README, production).

Command-line options (workers, bind address) still apply on top of these."""

import gc


def post_worker_init(worker) -> None:
    """Move what loading the application made (Django, the URL and template machinery, ≈ 170,000
    objects) out of the collector's sight: a full collection walked them all and stopped a page for
    ≈ 100 ms now and then; after the freeze it takes a few milliseconds (docs/scale.md)."""
    gc.freeze()
