"""Names shared by whoever defers and whoever runs the tasks."""

BUILD_QUEUE = "geometry"
BUILD_TASK = "jobs.build_job"
# Periodic upkeep (the sweep, retention) has its own queue and its own worker slot, so it
# never waits behind builds however deep their queue is.
MAINTENANCE_QUEUE = "maintenance"
