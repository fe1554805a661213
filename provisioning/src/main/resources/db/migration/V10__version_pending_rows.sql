-- Rows still pending when V9 ran reached the scheduler without row_version, and a release without
-- one is never claimed. Touching each pending row raises its row_version (trigger of V9) and sends
-- it through CDC again, so the scheduler holds its version. Outside a transaction (see the .conf
-- file), a batch per commit, like V3. A no-op on a new database.
DO $$
DECLARE
    last_id UUID := '00000000-0000-0000-0000-000000000000';
    batch_last UUID;
BEGIN
    LOOP
        -- the batch's last id first (there is no max(uuid)), then every pending row up to it:
        -- a row cancelled meanwhile cannot shift the range and leave a pending row untouched
        SELECT b.id INTO batch_last FROM (
            SELECT id FROM public.scheduled_messages
             WHERE status = 'pending' AND id > last_id ORDER BY id LIMIT 5000) b
         ORDER BY b.id DESC LIMIT 1;
        EXIT WHEN batch_last IS NULL;
        UPDATE public.scheduled_messages m SET updated_at = m.updated_at
         WHERE m.status = 'pending' AND m.id > last_id AND m.id <= batch_last;
        COMMIT;
        last_id := batch_last;
    END LOOP;
END
$$;
