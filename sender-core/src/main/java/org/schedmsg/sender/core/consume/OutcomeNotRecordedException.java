package org.schedmsg.sender.core.consume;

import java.util.UUID;

/**
 * A platform call was made but its outcome could not be written before the sender was stopped. The
 * row stays {@code pending} with the attempt counted; the scheduler releases it again, so the
 * message may be sent twice. The offset is not committed.
 */
public final class OutcomeNotRecordedException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public OutcomeNotRecordedException(UUID messageId, Outcome outcome, Throwable cause) {
    super(
        "outcome "
            + outcome
            + " of message "
            + messageId
            + " was not recorded before shutdown; the scheduler will release it again",
        cause);
  }
}
