-- Backfill for rows that finished before attempts existed: a sent or failed row was attempted
-- once, at the time it finished. Runs outside a transaction (see the .conf file) and commits
-- every batch, so no row lock is held for long and replication never sees one huge transaction.
DO $$
DECLARE
    batch_rows INTEGER;
BEGIN
    LOOP
        UPDATE public.scheduled_messages m
           SET attempts = 1,
               last_attempt_time = COALESCE(m.sent_at, m.failed_at)
         WHERE m.id IN (
               SELECT id FROM public.scheduled_messages
                WHERE status IN ('sent', 'failed') AND attempts = 0
                LIMIT 5000);
        GET DIAGNOSTICS batch_rows = ROW_COUNT;
        COMMIT;
        EXIT WHEN batch_rows = 0;
    END LOOP;
END
$$;

-- Validation takes only a SHARE UPDATE EXCLUSIVE lock: reads and writes go on.
ALTER TABLE public.scheduled_messages VALIDATE CONSTRAINT scheduled_messages_priority_range;
ALTER TABLE public.scheduled_messages VALIDATE CONSTRAINT scheduled_messages_attempts_non_negative;
ALTER TABLE public.scheduled_messages VALIDATE CONSTRAINT scheduled_messages_window_positive;
