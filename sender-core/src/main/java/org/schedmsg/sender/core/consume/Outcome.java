package org.schedmsg.sender.core.consume;

/** What processing one delivery record did. */
public enum Outcome {
  /** The platform accepted it; the row is {@code sent}. */
  SENT,
  /** The platform refused it for good, or the attempts ran out; the row is {@code failed}. */
  FAILED,
  /** The send may succeed later; the row stays {@code pending} for the scheduler's retry. */
  RETRY_LATER,
  /** Past its delivery window; the row is {@code failed} and the platform was not called. */
  EXPIRED,
  /**
   * Not sent: the row was already claimed (a replayed or duplicate record), is no longer pending
   * (sent, failed, cancelled) or was rescheduled.
   */
  SKIPPED,
  /**
   * Sent (or tried), but the row changed meanwhile (e.g. cancelled), so the outcome was not
   * written.
   */
  CONFLICT,
  /**
   * The record lacks a field the protocol needs (message id, scheduled time) or is for another
   * platform.
   */
  INVALID,
  /**
   * Not sent because the whole platform is paused (rate limit, fatal error); any claim was given
   * back. The consumer does not commit the record and processes it again after the pause.
   */
  HELD,
  /**
   * Not sent because this recipient is backed off (per-recipient rate limit); any claim was given
   * back. The record is committed; the scheduler releases the message again after its lease.
   */
  DEFERRED
}
