"""procrastinate tasks, discovered by procrastinate.contrib.django."""

from procrastinate.contrib.django import app

from jobs import pipeline
from jobs.queue import BUILD_QUEUE, BUILD_TASK


@app.task(name=BUILD_TASK, queue=BUILD_QUEUE)
def build_job(job_id: str) -> None:
    pipeline.run_job(job_id)
