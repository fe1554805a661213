package org.schedmsg.sender.core.status;

import java.time.Instant;
import java.util.Objects;
import org.schedmsg.contracts.DeliveryRequest;

/**
 * One outcome a sender writes for a message it claimed, as a value, so that the outcomes of a whole
 * batch can be written in one transaction ({@link MessageStatusRepository#applyAll}).
 *
 * @param claimedAttempts the row's {@code attempts} after the claim (the compare-and-set value)
 * @param text the platform message id ({@link Kind#SENT}) or the reason (every other kind)
 * @param at when the outcome happened (the platform's answer): {@code sent_at} / {@code failed_at}
 *     and {@code updated_at}
 */
public record StatusWrite(
    Kind kind, DeliveryRequest request, int claimedAttempts, String text, Instant at) {

  /** Which of the repository's single writes this is. */
  public enum Kind {
    /** {@link MessageStatusRepository#markSent}. */
    SENT,
    /** {@link MessageStatusRepository#markFailed}. */
    FAILED,
    /** {@link MessageStatusRepository#markRetryable}. */
    RETRYABLE,
    /** {@link MessageStatusRepository#releaseClaim}. */
    RELEASE_CLAIM
  }

  public StatusWrite {
    Objects.requireNonNull(kind, "kind");
    Objects.requireNonNull(request, "request");
    Objects.requireNonNull(at, "at");
  }

  @Override
  public String toString() {
    return "StatusWrite{kind="
        + kind
        + ", messageId="
        + request.messageId()
        + ", claimedAttempts="
        + claimedAttempts
        + '}';
  }
}
