-- Two more NOLOGIN roles, given a login (or granted to login roles) by the deployment, like V5's:
--
-- schedmsg_operator: the operator CLI (./schedmsg status, cancel, stuck, lag; replay works on
--   Kafka and reads only ids and versions here). It reads the delivery columns of
--   scheduled_messages, never the recipient, text, template, parameters, patient or pattern; reads
--   delivery_attempts and series_continuations; may UPDATE only status and updated_at, and the
--   trigger of V14 lets it only cancel a pending message. Not a superuser, no INSERT, no DELETE.
-- schedmsg_upstream: what an upstream service needs to use the table as its API (README,
--   "Changing or cancelling a message"): read, insert, delete, and update every column but those
--   of the senders (row_version, attempts, last_attempt_time, sent_at, failed_at, error_message).
--   ./schedmsg schedule connects as it. Grant it to the upstream services' login roles.
--
-- The ingestor (V5) only reads the table and writes its heartbeat row; whatever else someone may
-- have granted it by hand on the tables of the send path is taken back here.
DO $$
BEGIN
    IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'schedmsg_operator') THEN
        CREATE ROLE schedmsg_operator NOLOGIN;
    END IF;
    IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'schedmsg_upstream') THEN
        CREATE ROLE schedmsg_upstream NOLOGIN;
    END IF;
END
$$;

GRANT USAGE ON SCHEMA public TO schedmsg_operator, schedmsg_upstream;

GRANT SELECT (id, platform, status, priority, scheduled_time, delivery_window_seconds, attempts,
              last_attempt_time, sent_at, failed_at, error_message, row_version, metadata,
              created_at, updated_at)
    ON public.scheduled_messages TO schedmsg_operator;
GRANT UPDATE (status, updated_at) ON public.scheduled_messages TO schedmsg_operator;
GRANT SELECT ON public.delivery_attempts, public.series_continuations TO schedmsg_operator;

GRANT SELECT, INSERT, DELETE ON public.scheduled_messages TO schedmsg_upstream;
GRANT UPDATE (patient_id, recipient_id, platform, message_content, scheduled_time, template_key,
              parameters, recurrence_pattern, status, priority, delivery_window_seconds, metadata,
              updated_at)
    ON public.scheduled_messages TO schedmsg_upstream;

REVOKE INSERT, UPDATE, DELETE, TRUNCATE, REFERENCES, TRIGGER
    ON public.scheduled_messages FROM schedmsg_ingestor;
REVOKE ALL ON public.delivery_attempts, public.series_continuations FROM schedmsg_ingestor;
