-- The seed's five new columns. Safe on a large live table:
-- * PostgreSQL 11+ stores a constant DEFAULT in the catalog: ADD COLUMN ... NOT NULL DEFAULT 0
--   does not rewrite the table, so the ACCESS EXCLUSIVE lock is held for milliseconds.
-- * lock_timeout makes the ALTER give up (and the migration fail, to be retried) instead of
--   queueing behind a long transaction while every new query queues behind the ALTER.
SET LOCAL lock_timeout = '5s';

ALTER TABLE public.scheduled_messages
    ADD COLUMN IF NOT EXISTS attempts INTEGER NOT NULL DEFAULT 0,
    ADD COLUMN IF NOT EXISTS last_attempt_time TIMESTAMP WITH TIME ZONE,
    ADD COLUMN IF NOT EXISTS priority INTEGER NOT NULL DEFAULT 5,
    ADD COLUMN IF NOT EXISTS metadata JSONB,
    ADD COLUMN IF NOT EXISTS delivery_window_seconds INTEGER DEFAULT 60;

-- Priorities are 1 (most urgent) .. 9 (bulk). NOT VALID: checked for new and updated rows at
-- once, without scanning the existing ones under a lock; V3 validates it without blocking.
ALTER TABLE public.scheduled_messages
    ADD CONSTRAINT scheduled_messages_priority_range CHECK (priority BETWEEN 1 AND 9) NOT VALID;
ALTER TABLE public.scheduled_messages
    ADD CONSTRAINT scheduled_messages_attempts_non_negative CHECK (attempts >= 0) NOT VALID;
ALTER TABLE public.scheduled_messages
    ADD CONSTRAINT scheduled_messages_window_positive
    CHECK (delivery_window_seconds IS NULL OR delivery_window_seconds > 0) NOT VALID;
