-- Heartbeats of the CDC ingestor. While public.scheduled_messages is quiet and other tables are
-- busy, the ingestor receives nothing from its replication slot, so it cannot confirm any position
-- and the slot pins WAL. Every CDC_HEARTBEAT_INTERVAL the ingestor upserts its row here (one row
-- per replication slot); the table is in the publication, so that write reaches the ingestor
-- through the slot, moves its offset forward, and the slot's confirmed_flush_lsn follows.
-- The ingestor does not forward these changes to Kafka.
CREATE TABLE IF NOT EXISTS public.schedmsg_cdc_heartbeat (
    slot_name TEXT PRIMARY KEY,
    beat_at   TIMESTAMPTZ NOT NULL
);

GRANT SELECT, INSERT, UPDATE ON public.schedmsg_cdc_heartbeat TO schedmsg_ingestor;

DO $$
BEGIN
    IF NOT EXISTS (SELECT 1 FROM pg_publication_tables
                   WHERE pubname = 'schedmsg_cdc' AND schemaname = 'public'
                     AND tablename = 'schedmsg_cdc_heartbeat') THEN
        ALTER PUBLICATION schedmsg_cdc ADD TABLE public.schedmsg_cdc_heartbeat;
    END IF;
END
$$;
