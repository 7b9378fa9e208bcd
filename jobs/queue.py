"""Names shared by whoever defers and whoever runs the tasks."""

import logging

BUILD_QUEUE = "geometry"
BUILD_TASK = "jobs.build_job"
# Periodic upkeep (the sweep, retention) has its own queue and its own worker slot, so it
# never waits behind builds however deep their queue is.
MAINTENANCE_QUEUE = "maintenance"


class QuietUpkeep(logging.Filter):
    """Leaves out the routine lines of upkeep (a task started, a task succeeded), which the
    periodic tasks would write every few seconds; their warnings and errors still show."""

    def filter(self, record: logging.LogRecord) -> bool:
        job = getattr(record, "job", None)
        upkeep = isinstance(job, dict) and job.get("queue") == MAINTENANCE_QUEUE
        return record.levelno > logging.INFO or not upkeep
