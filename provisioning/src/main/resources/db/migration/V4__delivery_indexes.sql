-- The seed's three indexes, built without blocking writes. CONCURRENTLY cannot run inside a
-- transaction (see the .conf file). If a build fails it leaves an INVALID index behind: drop it
-- (DROP INDEX CONCURRENTLY) and rerun the migration.
CREATE INDEX CONCURRENTLY IF NOT EXISTS idx_scheduled_messages_attempts
    ON public.scheduled_messages (attempts);

CREATE INDEX CONCURRENTLY IF NOT EXISTS idx_scheduled_messages_priority
    ON public.scheduled_messages (priority, scheduled_time);

CREATE INDEX CONCURRENTLY IF NOT EXISTS idx_scheduled_messages_pending
    ON public.scheduled_messages (scheduled_time)
    WHERE status = 'pending';
