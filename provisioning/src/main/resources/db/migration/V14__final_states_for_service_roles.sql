-- What the service roles may do to a row, beyond which columns they may write (the grants):
--
-- * sent, failed and cancelled are final: no service role changes a row in one of them, with one
--   exception, a WhatsApp delivery receipt (sender-whatsapp, JdbcReceiptRepository) on a 'sent'
--   WhatsApp row: it may add the receipt fields to metadata (receipt_status, delivered_at,
--   read_at, receipt_error_code) and turn the row 'failed' with error_message 'whatsapp:<code>'
--   (Meta reports the message undeliverable), changing nothing else.
-- * a sender (schedmsg_sender) moves a pending row only through the delivery states: it stays
--   pending (a retry), or becomes sent or failed; attempts rise by at most one per write; of
--   metadata it may only set platform_message_id.
-- * an operator (schedmsg_operator) may only cancel a pending row.
-- * the ingestor (schedmsg_ingestor) has no write grant at all; refused here too.
--
-- A role counts as a service role when it has the privileges of one (a login role granted
-- schedmsg_sender counts as a sender); superusers and every other role (the table owner,
-- upstream services) are not restricted by this trigger. Refusals carry SQLSTATE SM002 and name
-- the message id, its status and the rule, never a value of the row.
SET LOCAL lock_timeout = '5s';

CREATE OR REPLACE FUNCTION public.schedmsg_guard_service_update() RETURNS trigger
    LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    receipt_keys CONSTANT TEXT[] :=
        ARRAY['receipt_status', 'delivered_at', 'read_at', 'receipt_error_code'];
    old_meta JSONB :=
        CASE WHEN jsonb_typeof(OLD.metadata) = 'object' THEN OLD.metadata ELSE '{}'::jsonb END;
    new_meta JSONB :=
        CASE WHEN jsonb_typeof(NEW.metadata) = 'object' THEN NEW.metadata ELSE '{}'::jsonb END;
    rule TEXT;
BEGIN
    IF (SELECT r.rolsuper FROM pg_roles r WHERE r.rolname = current_user) THEN
        RETURN NEW;
    END IF;
    IF pg_has_role(current_user, 'schedmsg_sender', 'USAGE') THEN
        IF OLD.status = 'pending' THEN
            IF NEW.status NOT IN ('pending', 'sent', 'failed') THEN
                rule := 'a sender moves a pending message only to sent or failed';
            ELSIF NEW.attempts IS DISTINCT FROM OLD.attempts
                  AND NEW.attempts IS DISTINCT FROM OLD.attempts + 1 THEN
                rule := 'a sender raises attempts by at most one';
            ELSIF (new_meta - 'platform_message_id') <> (old_meta - 'platform_message_id') THEN
                rule := 'a sender sets only platform_message_id of metadata';
            ELSE
                RETURN NEW;
            END IF;
        ELSIF OLD.status = 'sent' AND OLD.platform = 'whatsapp'
              AND NEW.attempts = OLD.attempts
              AND NEW.sent_at IS NOT DISTINCT FROM OLD.sent_at
              AND NEW.last_attempt_time IS NOT DISTINCT FROM OLD.last_attempt_time
              AND (new_meta - receipt_keys) = (old_meta - receipt_keys)
              AND ((NEW.status = 'sent'
                    AND NEW.failed_at IS NOT DISTINCT FROM OLD.failed_at
                    AND NEW.error_message IS NOT DISTINCT FROM OLD.error_message)
                   OR (NEW.status = 'failed' AND NEW.error_message LIKE 'whatsapp:%')) THEN
            RETURN NEW; -- a delivery receipt
        ELSE
            rule := 'final for the sender (only a WhatsApp receipt may follow sent)';
        END IF;
    ELSIF pg_has_role(current_user, 'schedmsg_operator', 'USAGE') THEN
        IF OLD.status = 'pending' AND NEW.status = 'cancelled' THEN
            RETURN NEW;
        END IF;
        rule := 'an operator may only cancel a pending message';
    ELSIF pg_has_role(current_user, 'schedmsg_ingestor', 'USAGE') THEN
        rule := 'the ingestor never writes messages';
    ELSE
        RETURN NEW;
    END IF;
    RAISE EXCEPTION 'scheduled message % (%) not changed by %: %', OLD.id, OLD.status,
        current_user, rule
        USING ERRCODE = 'SM002',
              HINT = 'What each service role may change: migration V14 and the infra README.';
END
$$;

DROP TRIGGER IF EXISTS scheduled_messages_final_states ON public.scheduled_messages;
CREATE TRIGGER scheduled_messages_final_states
    BEFORE UPDATE ON public.scheduled_messages
    FOR EACH ROW EXECUTE FUNCTION public.schedmsg_guard_service_update();
