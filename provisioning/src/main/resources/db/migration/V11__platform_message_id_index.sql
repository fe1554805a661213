-- Delivery receipts (WhatsApp webhook statuses) find their row by the platform's message id, which
-- the sender writes to metadata.platform_message_id when the platform accepts a message (the
-- wamid). An expression index keeps that lookup an index scan. Built without blocking writes:
-- CONCURRENTLY cannot run inside a transaction (see the .conf file). A failed build leaves an
-- INVALID index: drop it (DROP INDEX CONCURRENTLY) and rerun the migration.
CREATE INDEX CONCURRENTLY IF NOT EXISTS idx_scheduled_messages_platform_message_id
    ON public.scheduled_messages ((metadata->>'platform_message_id'));
