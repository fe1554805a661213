-- The sender inserts the next occurrence of a recurring series only through
-- public.schedmsg_insert_next_occurrence, never by INSERT (V8 granted INSERT on the whole table: a
-- compromised sender could have scheduled any text to anyone). The function (SECURITY DEFINER,
-- owned by the NOLOGIN role schedmsg_series_writer, fixed search_path) builds the new row from the
-- row of the series the caller has just finished, so the caller cannot choose the recipient, text,
-- platform, template, parameters, patient, priority, window or pattern. Of what the recurrence
-- rule computes, the caller gives the occurrence's time and number (and, when the finished row is
-- the first of its series, the series start: its wall-clock time in the pattern's zone, which the
-- function does not recompute, time zones being Java's); the function checks them:
--   * the finished row recurs, is 'sent' or 'failed', and got that status in the caller's own
--     transaction (its xmin is the current transaction): a series moves on only when one of its
--     messages ends, as the sender's outcome write does it;
--   * the time is after the finished row's, not after the pattern's "until"; the number is above
--     the finished row's, not above the pattern's "count";
--   * the id is the occurrence id of the series and the time (recurrence's
--     NextOccurrence.occurrenceId: name-based UUID of "schedmsg-occurrence:<series>:<instant>");
--   * at most one next occurrence per finished row: public.series_continuations records each
--     (finished row, next row, time, number, session user, when) and is the audit trail.
-- It refuses with SQLSTATE SM003 and a reason; it returns true when it inserted the row, false
-- when the finished row already has its next occurrence (a repeat inserts nothing).
-- Deploy with the senders that call the function: an older sender's INSERT is refused from now on,
-- and it records the outcome without the next occurrence (its plain second try).
SET LOCAL lock_timeout = '5s';

DO $$
BEGIN
    IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'schedmsg_series_writer') THEN
        CREATE ROLE schedmsg_series_writer NOLOGIN;
    END IF;
END
$$;

CREATE TABLE IF NOT EXISTS public.series_continuations (
    parent_id       UUID PRIMARY KEY,
    next_id         UUID        NOT NULL,
    next_time       TIMESTAMPTZ NOT NULL,
    next_occurrence INTEGER     NOT NULL,
    inserted_by     NAME        NOT NULL DEFAULT session_user,
    inserted_at     TIMESTAMPTZ NOT NULL DEFAULT now()
);

-- Instant.toString() of Java (ISO-8601 in UTC, fraction only when not zero, in groups of 3 digits).
CREATE OR REPLACE FUNCTION public.schedmsg_instant_text(at TIMESTAMPTZ) RETURNS TEXT
    LANGUAGE sql STABLE STRICT SET search_path = pg_catalog, pg_temp AS $$
    SELECT to_char(at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS')
        || CASE WHEN m.micros = 0 THEN ''
                WHEN m.micros % 1000 = 0 THEN '.' || lpad((m.micros / 1000)::text, 3, '0')
                ELSE '.' || lpad(m.micros::text, 6, '0') END
        || 'Z'
    FROM (SELECT extract(microseconds FROM at AT TIME ZONE 'UTC')::bigint % 1000000 AS micros) m
$$;

-- UUID.nameUUIDFromBytes("schedmsg-occurrence:" + series + ":" + instant): MD5, version 3.
CREATE OR REPLACE FUNCTION public.schedmsg_occurrence_id(series_id UUID, at TIMESTAMPTZ)
    RETURNS UUID
    LANGUAGE sql STABLE STRICT SET search_path = pg_catalog, pg_temp AS $$
    SELECT (substr(d.h, 1, 12) || '3' || substr(d.h, 14, 3)
            || to_hex((('x' || substr(d.h, 17, 1))::bit(4)::integer & 3) | 8)
            || substr(d.h, 18))::uuid
    FROM (SELECT md5('schedmsg-occurrence:' || series_id::text || ':'
                     || public.schedmsg_instant_text(at)) AS h) d
$$;

CREATE OR REPLACE FUNCTION public.schedmsg_insert_next_occurrence(
    p_parent_id UUID, p_next_id UUID, p_next_time TIMESTAMPTZ, p_next_occurrence INTEGER,
    p_series_start TEXT)
    RETURNS BOOLEAN
    LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    v_status     TEXT;
    v_time       TIMESTAMPTZ;
    v_pattern    JSONB;
    v_meta       JSONB;
    v_xmin       XID;
    v_series     UUID;
    v_occurrence INTEGER;
    v_start      TEXT;
    v_rows       INTEGER;
BEGIN
    IF p_parent_id IS NULL OR p_next_id IS NULL OR p_next_time IS NULL
       OR p_next_occurrence IS NULL THEN
        RAISE EXCEPTION 'next occurrence refused: an argument is null' USING ERRCODE = 'SM003';
    END IF;
    SELECT m.status, m.scheduled_time, m.recurrence_pattern,
           CASE WHEN jsonb_typeof(m.metadata) = 'object' THEN m.metadata ELSE '{}'::jsonb END,
           m.xmin
      INTO v_status, v_time, v_pattern, v_meta, v_xmin
      FROM public.scheduled_messages m WHERE m.id = p_parent_id;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'next occurrence refused: message % does not exist', p_parent_id
            USING ERRCODE = 'SM003';
    END IF;
    IF v_pattern IS NULL THEN
        RAISE EXCEPTION 'next occurrence refused: message % does not recur', p_parent_id
            USING ERRCODE = 'SM003';
    END IF;
    IF v_status NOT IN ('sent', 'failed') OR v_xmin <> pg_current_xact_id()::xid THEN
        RAISE EXCEPTION 'next occurrence refused: message % did not end in this transaction',
            p_parent_id USING ERRCODE = 'SM003';
    END IF;

    -- the finished row's link to its series (recurrence's SeriesLink.of); a later row keeps the
    -- first row's series start, the first row's comes from the caller (a wall-clock time)
    IF jsonb_typeof(v_meta -> 'series_id') IS DISTINCT FROM 'null'
       AND jsonb_typeof(v_meta -> 'occurrence') IS DISTINCT FROM 'null'
       AND jsonb_typeof(v_meta -> 'series_start') IS DISTINCT FROM 'null'
       AND v_meta ?& ARRAY['series_id', 'occurrence', 'series_start'] THEN
        v_series := (v_meta ->> 'series_id')::uuid;
        v_occurrence := (v_meta ->> 'occurrence')::integer;
        v_start := v_meta ->> 'series_start';
    ELSE
        v_series := p_parent_id;
        v_occurrence := 1;
        IF p_series_start IS NULL OR p_series_start !~ '^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2})?$'
        THEN
            RAISE EXCEPTION 'next occurrence refused: the series start is not a wall-clock time'
                USING ERRCODE = 'SM003';
        END IF;
        v_start := p_series_start;
    END IF;

    IF p_next_time <= v_time THEN
        RAISE EXCEPTION 'next occurrence refused: its time is not after message %', p_parent_id
            USING ERRCODE = 'SM003';
    END IF;
    IF p_next_occurrence <= v_occurrence THEN
        RAISE EXCEPTION 'next occurrence refused: its number is not above message %''s',
            p_parent_id USING ERRCODE = 'SM003';
    END IF;
    IF jsonb_typeof(v_pattern -> 'count') = 'number'
       AND p_next_occurrence > (v_pattern ->> 'count')::numeric THEN
        RAISE EXCEPTION 'next occurrence refused: the series of message % has ended (count)',
            p_parent_id USING ERRCODE = 'SM003';
    END IF;
    IF jsonb_typeof(v_pattern -> 'until') = 'string'
       AND p_next_time > (v_pattern ->> 'until')::timestamptz THEN
        RAISE EXCEPTION 'next occurrence refused: the series of message % has ended (until)',
            p_parent_id USING ERRCODE = 'SM003';
    END IF;
    IF p_next_id <> public.schedmsg_occurrence_id(v_series, p_next_time) THEN
        RAISE EXCEPTION 'next occurrence refused: % is not the occurrence id of its series and time',
            p_next_id USING ERRCODE = 'SM003';
    END IF;

    INSERT INTO public.series_continuations (parent_id, next_id, next_time, next_occurrence)
    VALUES (p_parent_id, p_next_id, p_next_time, p_next_occurrence)
    ON CONFLICT (parent_id) DO NOTHING;
    GET DIAGNOSTICS v_rows = ROW_COUNT;
    IF v_rows = 0 THEN
        RETURN false;
    END IF;

    INSERT INTO public.scheduled_messages (id, patient_id, recipient_id, platform, message_content,
        scheduled_time, template_key, parameters, recurrence_pattern, status, attempts, priority,
        delivery_window_seconds, metadata)
    SELECT p_next_id, m.patient_id, m.recipient_id, m.platform, m.message_content, p_next_time,
           m.template_key, m.parameters, m.recurrence_pattern, 'pending', 0, m.priority,
           m.delivery_window_seconds,
           (v_meta - 'platform_message_id')
               || jsonb_build_object('series_id', v_series::text, 'occurrence', p_next_occurrence,
                                     'series_start', v_start)
      FROM public.scheduled_messages m WHERE m.id = p_parent_id
    ON CONFLICT (id) DO NOTHING;
    GET DIAGNOSTICS v_rows = ROW_COUNT;
    RETURN v_rows = 1;
END
$$;

-- The owner may only read and insert rows; it cannot log in.
GRANT USAGE ON SCHEMA public TO schedmsg_series_writer;
GRANT SELECT, INSERT ON public.scheduled_messages TO schedmsg_series_writer;
GRANT SELECT, INSERT ON public.series_continuations TO schedmsg_series_writer;

-- ALTER ... OWNER needs the migrating role to be able to SET ROLE to the new owner, and the new
-- owner to have CREATE on the schema at that moment (taken back right after).
DO $$
BEGIN
    IF NOT (SELECT rolsuper FROM pg_roles WHERE rolname = current_user) THEN
        EXECUTE format('GRANT schedmsg_series_writer TO %I', current_user);
    END IF;
END
$$;
GRANT CREATE ON SCHEMA public TO schedmsg_series_writer;
ALTER FUNCTION public.schedmsg_insert_next_occurrence(UUID, UUID, TIMESTAMPTZ, INTEGER, TEXT)
    OWNER TO schedmsg_series_writer;
REVOKE CREATE ON SCHEMA public FROM schedmsg_series_writer;

REVOKE ALL ON FUNCTION
    public.schedmsg_insert_next_occurrence(UUID, UUID, TIMESTAMPTZ, INTEGER, TEXT) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION
    public.schedmsg_insert_next_occurrence(UUID, UUID, TIMESTAMPTZ, INTEGER, TEXT)
    TO schedmsg_sender;

-- Undo V8: no INSERT for the sender.
REVOKE INSERT ON public.scheduled_messages FROM schedmsg_sender;
