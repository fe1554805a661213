-- Change events must carry every column of the row. With the default replica identity an UPDATE
-- that leaves a TOASTed value (text or JSONB over ~2 kB, stored out of line) unchanged reaches
-- logical decoding without it, and the CDC ingestor would have to publish a placeholder instead
-- of the message content. FULL logs the whole old row: more WAL per update and delete, in return
-- for complete change records. Catalog-only change (no rewrite); the lock is brief.
SET LOCAL lock_timeout = '5s';
ALTER TABLE public.scheduled_messages REPLICA IDENTITY FULL;
