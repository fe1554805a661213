-- The send path's safety rules (sender-core README, "The claim / send / record protocol"):
--
-- 1. row_version: a real, monotonic version of each row. A trigger sets it to 1 on INSERT and to
--    the old value + 1 on every UPDATE, whatever the writer put there, so it never goes back and
--    changes with anything that matters for delivery (recipient, content, template, parameters,
--    platform, time, priority, window, status, metadata). Every release carries it; every write of
--    the sender compares it.
-- 2. delivery_attempts: the senders' claims and the audit trail of every attempt. It is NOT in the
--    publication schedmsg_cdc: a claim causes no change event. A claim is a row here in state
--    'in_flight' (at most one per message), taken immediately before the platform call, with a
--    lease; the outcome closes it in the same transaction as the write to scheduled_messages.
-- 3. While a message has a live in-flight attempt, any UPDATE or DELETE of its row fails with
--    SQLSTATE SM001 ("being delivered"): a cancel or an edit never silently loses against a send
--    in flight. Upstream retries after the outcome is recorded (README, "Changing or cancelling a
--    message").
-- 4. Values the sender cannot work with are refused (SQLSTATE 23514) at INSERT and whenever the
--    column is changed: metadata must be a JSON object, parameters an object or an array,
--    recurrence_pattern an object (or NULL). Rows from before are not checked (the sender fails
--    such a row with a reason instead).
SET LOCAL lock_timeout = '5s';

ALTER TABLE public.scheduled_messages
    ADD COLUMN IF NOT EXISTS row_version BIGINT NOT NULL DEFAULT 1;

CREATE OR REPLACE FUNCTION public.schedmsg_set_row_version() RETURNS trigger
    LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        NEW.row_version := 1;
    ELSE
        NEW.row_version := OLD.row_version + 1;
    END IF;
    RETURN NEW;
END
$$;

DROP TRIGGER IF EXISTS scheduled_messages_row_version ON public.scheduled_messages;
CREATE TRIGGER scheduled_messages_row_version
    BEFORE INSERT OR UPDATE ON public.scheduled_messages
    FOR EACH ROW EXECUTE FUNCTION public.schedmsg_set_row_version();

CREATE TABLE IF NOT EXISTS public.delivery_attempts (
    attempt_id    BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    message_id    UUID        NOT NULL,
    row_version   BIGINT      NOT NULL,
    attempt       INTEGER     NOT NULL,
    platform      TEXT        NOT NULL,
    claimed_at    TIMESTAMPTZ NOT NULL,
    lease_until   TIMESTAMPTZ NOT NULL,
    state         TEXT        NOT NULL
        CHECK (state IN ('in_flight', 'sent', 'failed', 'retry', 'given_back', 'abandoned')),
    finished_at   TIMESTAMPTZ,
    error_message TEXT
);

-- At most one claim in flight per message: a second claimer (a duplicate release, a replay, a
-- second sender instance) cannot insert one.
CREATE UNIQUE INDEX IF NOT EXISTS delivery_attempts_one_in_flight
    ON public.delivery_attempts (message_id) WHERE state = 'in_flight';
CREATE INDEX IF NOT EXISTS delivery_attempts_by_message
    ON public.delivery_attempts (message_id, attempt_id);

-- SECURITY DEFINER: upstream roles need no grant on delivery_attempts for the check to run.
CREATE OR REPLACE FUNCTION public.schedmsg_refuse_change_in_flight() RETURNS trigger
    LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, public AS $$
BEGIN
    IF EXISTS (SELECT 1 FROM public.delivery_attempts a
                WHERE a.message_id = OLD.id AND a.state = 'in_flight'
                  AND a.lease_until > clock_timestamp()) THEN
        RAISE EXCEPTION 'scheduled message % is being delivered', OLD.id
            USING ERRCODE = 'SM001',
                  HINT = 'Retry after its outcome is recorded (status sent, failed, or pending with'
                      || ' a new attempts value); the row then shows what the patient received.';
    END IF;
    IF TG_OP = 'DELETE' THEN
        RETURN OLD;
    END IF;
    RETURN NEW;
END
$$;

DROP TRIGGER IF EXISTS scheduled_messages_refuse_change_in_flight ON public.scheduled_messages;
CREATE TRIGGER scheduled_messages_refuse_change_in_flight
    BEFORE UPDATE OR DELETE ON public.scheduled_messages
    FOR EACH ROW EXECUTE FUNCTION public.schedmsg_refuse_change_in_flight();

-- A trigger, not CHECK constraints: PostgreSQL checks even a NOT VALID constraint on every later
-- UPDATE of a row, so a row from before V9 holding bad JSON could then never be failed,
-- cancelled or touched by V10. The trigger checks a column on INSERT and whenever it changes.
CREATE OR REPLACE FUNCTION public.schedmsg_check_json_shapes() RETURNS trigger
    LANGUAGE plpgsql AS $$
BEGIN
    IF (TG_OP = 'INSERT' OR NEW.metadata IS DISTINCT FROM OLD.metadata)
       AND NEW.metadata IS NOT NULL AND jsonb_typeof(NEW.metadata) <> 'object' THEN
        RAISE EXCEPTION 'scheduled_messages.metadata must be a JSON object or NULL'
            USING ERRCODE = 'check_violation';
    END IF;
    IF (TG_OP = 'INSERT' OR NEW.parameters IS DISTINCT FROM OLD.parameters)
       AND NEW.parameters IS NOT NULL
       AND jsonb_typeof(NEW.parameters) NOT IN ('object', 'array') THEN
        RAISE EXCEPTION 'scheduled_messages.parameters must be a JSON object, an array or NULL'
            USING ERRCODE = 'check_violation';
    END IF;
    IF (TG_OP = 'INSERT' OR NEW.recurrence_pattern IS DISTINCT FROM OLD.recurrence_pattern)
       AND NEW.recurrence_pattern IS NOT NULL
       AND jsonb_typeof(NEW.recurrence_pattern) <> 'object' THEN
        RAISE EXCEPTION 'scheduled_messages.recurrence_pattern must be a JSON object or NULL'
            USING ERRCODE = 'check_violation';
    END IF;
    RETURN NEW;
END
$$;

DROP TRIGGER IF EXISTS scheduled_messages_check_json_shapes ON public.scheduled_messages;
CREATE TRIGGER scheduled_messages_check_json_shapes
    BEFORE INSERT OR UPDATE ON public.scheduled_messages
    FOR EACH ROW EXECUTE FUNCTION public.schedmsg_check_json_shapes();

-- The senders claim and record attempts; they never delete them. Operators prune finished
-- attempts (state <> 'in_flight') older than their audit retention.
GRANT SELECT, INSERT, UPDATE ON public.delivery_attempts TO schedmsg_sender;
