"""procrastinate's insert trigger stays silent for a transaction that announces its queue
entry itself after committing (`jobs.tasks.announce`): a NOTIFY inside the transaction holds
Postgres's one notify lock through the commit's flush, so every job creation waited behind
every other's. Every other insert (procrastinate's own, a retry, an operator's requeue) is
announced by the trigger as before. Should a later procrastinate migration recreate its
trigger, creations are announced twice, which costs time, never a job."""

from django.db import migrations

_TRIGGER = """
DROP TRIGGER procrastinate_jobs_notify_queue_job_inserted_v1 ON procrastinate_jobs;
CREATE TRIGGER procrastinate_jobs_notify_queue_job_inserted_v1
    AFTER INSERT ON procrastinate_jobs
    FOR EACH ROW WHEN ({when})
    EXECUTE PROCEDURE procrastinate_notify_queue_job_inserted_v1();
"""
_ALWAYS = "new.status = 'todo'::procrastinate_job_status"
_UNLESS_ANNOUNCED = (
    f"{_ALWAYS} AND current_setting('naturalcad.announce_after_commit', true) IS DISTINCT FROM 'on'"
)


class Migration(migrations.Migration):
    dependencies = [
        ("jobs", "0010_readable_admin_names"),
        ("procrastinate", "0041_post_retry_failed_job"),
    ]

    operations = [
        migrations.RunSQL(_TRIGGER.format(when=_UNLESS_ANNOUNCED), _TRIGGER.format(when=_ALWAYS)),
    ]
