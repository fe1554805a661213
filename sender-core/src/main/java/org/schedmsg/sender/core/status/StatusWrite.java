package org.schedmsg.sender.core.status;

import java.time.Instant;
import java.util.Objects;
import java.util.UUID;
import org.schedmsg.sender.core.retry.Decision;

/**
 * One outcome a sender writes for an attempt it claimed: it closes the attempt and, except for
 * {@link Decision.Kind#GIVE_BACK}, writes the row, in one transaction, by compare-and-set on the
 * row version of the claim.
 *
 * @param attemptId the attempt's {@code delivery_attempts} row
 * @param rowVersion the row's {@code row_version} at the claim (the compare-and-set value)
 * @param attempt the attempt's number (the row's {@code attempts} afterwards, unless given back)
 * @param claimedAt when it was claimed: {@code last_attempt_time}
 * @param text the platform message id ({@link Decision.Kind#SENT}) or the reason (every other kind)
 * @param at when the outcome happened (the platform's answer): {@code sent_at} / {@code failed_at}
 *     and {@code updated_at}
 * @param lost the attempt's lease ran out without an outcome; closed as {@code abandoned}
 */
public record StatusWrite(
    Decision.Kind kind,
    UUID messageId,
    long attemptId,
    long rowVersion,
    int attempt,
    Instant claimedAt,
    String text,
    Instant at,
    boolean lost) {

  public StatusWrite {
    Objects.requireNonNull(kind, "kind");
    Objects.requireNonNull(messageId, "messageId");
    Objects.requireNonNull(claimedAt, "claimedAt");
    Objects.requireNonNull(at, "at");
  }

  /** The state the attempt is closed with. */
  public String attemptState() {
    return lost ? "abandoned" : kind.attemptState();
  }

  @Override
  public String toString() {
    return "StatusWrite{kind="
        + kind
        + ", messageId="
        + messageId
        + ", attemptId="
        + attemptId
        + ", rowVersion="
        + rowVersion
        + ", attempt="
        + attempt
        + '}';
  }
}
