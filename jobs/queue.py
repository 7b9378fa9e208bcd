"""Names shared by whoever defers and whoever runs the build task."""

BUILD_QUEUE = "geometry"
BUILD_TASK = "jobs.build_job"
