import logging

import pytest

from jobs.queue import BUILD_QUEUE, MAINTENANCE_QUEUE, QuietUpkeep


def record(level: int, queue: str) -> logging.LogRecord:
    line = logging.LogRecord("procrastinate.worker", level, __file__, 1, "Starting job", None, None)
    line.job = {"queue": queue, "task_name": "jobs.sweep"}
    return line


@pytest.mark.parametrize(
    ("level", "queue", "shown"),
    [
        (logging.INFO, MAINTENANCE_QUEUE, False),  # every few seconds: left out
        (logging.WARNING, MAINTENANCE_QUEUE, True),  # upkeep in trouble: heard
        (logging.INFO, BUILD_QUEUE, True),  # a part being built: kept
    ],
)
def test_upkeep_is_quiet_at_info_and_heard_above(level, queue, shown):
    assert QuietUpkeep().filter(record(level, queue)) is shown
