"""The per-client cap of unfinished jobs, checked inside the statement that creates the job.

`naturalcad_unfinished_after_lock` takes the client's advisory lock, then counts the client's
unfinished jobs (up to `bound`) and refuses past `cap` by raising SQLSTATE NCCAP, which aborts
the whole statement: nothing of the job is written. It is VOLATILE, so its count runs on a
fresh snapshot taken after the lock: every other creation of this client has committed (or
waits on the lock), and the count is exact. Written in the statement, the lock is held for
the count and the commit only, with no round trip to the client between them; and a creating
request is one statement, its own transaction. The statuses are `jobs.models.ACTIVE_STATUSES`,
written out as the partial indexes that serve the count write them (the planner uses a
partial index only for a predicate it can see)."""

from django.db import migrations

_FUNCTION = """
CREATE FUNCTION naturalcad_unfinished_after_lock(
    lock_key text, by_key boolean, owner text, cap integer
) RETURNS integer
    LANGUAGE plpgsql VOLATILE
AS $$
DECLARE
    unfinished integer;
BEGIN
    PERFORM pg_advisory_xact_lock(hashtextextended(lock_key, 1));
    IF by_key THEN
        SELECT count(*) INTO unfinished FROM (
            SELECT FROM jobs_job WHERE api_key_id = owner::bigint
            AND status IN ('queued', 'running') LIMIT cap + 1
        ) AS mine;
    ELSE
        SELECT count(*) INTO unfinished FROM (
            SELECT FROM jobs_job WHERE ip_hash = owner
            AND status IN ('queued', 'running') LIMIT cap + 1
        ) AS mine;
    END IF;
    IF unfinished > cap THEN
        RAISE EXCEPTION 'over the cap of unfinished jobs'
            USING ERRCODE = 'NCCAP', DETAIL = (unfinished - 1)::text;
    END IF;
    RETURN unfinished;
END;
$$;
"""


class Migration(migrations.Migration):
    dependencies = [("jobs", "0011_queue_entry_announced_after_commit")]

    operations = [
        migrations.RunSQL(
            _FUNCTION,
            "DROP FUNCTION naturalcad_unfinished_after_lock(text, boolean, text, integer);",
        ),
    ]
