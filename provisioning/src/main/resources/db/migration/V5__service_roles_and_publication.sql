-- Least-privilege roles for the services. Roles are created without LOGIN and without a
-- password: secrets never live in migrations. An operator enables them with
--   ALTER ROLE schedmsg_ingestor LOGIN PASSWORD '...';
-- (REPLICATION is not inherited through membership, so the ingestor logs in as this role).
DO $$
BEGIN
    IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'schedmsg_ingestor') THEN
        CREATE ROLE schedmsg_ingestor NOLOGIN REPLICATION;
    END IF;
    IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'schedmsg_sender') THEN
        CREATE ROLE schedmsg_sender NOLOGIN;
    END IF;
END
$$;

GRANT USAGE ON SCHEMA public TO schedmsg_ingestor, schedmsg_sender;

-- The ingestor reads the table for its initial snapshot and streams its changes.
GRANT SELECT ON public.scheduled_messages TO schedmsg_ingestor;

-- The senders read rows and update only the delivery columns.
GRANT SELECT ON public.scheduled_messages TO schedmsg_sender;
GRANT UPDATE (status, attempts, last_attempt_time, sent_at, failed_at, error_message, metadata,
              updated_at)
    ON public.scheduled_messages TO schedmsg_sender;

-- The publication the ingestor streams (created here by the table owner, so the replication
-- role needs no ownership of the table).
DO $$
BEGIN
    IF NOT EXISTS (SELECT 1 FROM pg_publication WHERE pubname = 'schedmsg_cdc') THEN
        CREATE PUBLICATION schedmsg_cdc FOR TABLE public.scheduled_messages;
    END IF;
END
$$;
