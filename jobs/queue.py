"""Names and timings shared by whoever defers and whoever runs the tasks."""

BUILD_QUEUE = "geometry"
BUILD_TASK = "jobs.build_job"
MAINTENANCE_QUEUE = "maintenance"
# A worker that has not sent a heartbeat for this long is presumed dead (procrastinate
# sends one every 10 s by default).
STALLED_AFTER_SECONDS = 60
# A build that has lost its worker this many times is failed instead of retried again.
MAX_STALLED_RETRIES = 2
