-- Recurring messages: a sender inserts the next occurrence of a series in the same transaction as
-- the terminal status of the current one (see sender-core's README, "Recurring messages"). The
-- sender copies the row it just finished, so it needs INSERT on the table (SELECT it has).
GRANT INSERT ON public.scheduled_messages TO schedmsg_sender;
