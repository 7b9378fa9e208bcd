"""gunicorn's settings: what each web process does once it has loaded the app."""

import gc

from naturalcad import gunicorn_conf


def test_a_web_process_puts_what_it_loaded_out_of_the_collectors_reach():
    gc.unfreeze()
    try:
        gunicorn_conf.post_worker_init(worker=None)
        # Everything alive now (Django, DRF, the views): a full collection no longer scans it.
        assert gc.get_freeze_count() > 10_000
    finally:
        gc.unfreeze()
