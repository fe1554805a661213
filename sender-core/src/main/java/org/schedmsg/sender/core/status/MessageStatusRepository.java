package org.schedmsg.sender.core.status;

import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.Set;
import java.util.UUID;
import org.schedmsg.contracts.DeliveryRequest;
import org.schedmsg.contracts.RejectedMessage;

/**
 * The sender's reads and writes of {@code scheduled_messages} and {@code delivery_attempts}. Every
 * write is a compare-and-set on the row's {@code row_version}: it changes the row only while the
 * row is the version the sender decided on, and returns whether it did. Implementations throw
 * {@link StatusStoreException} when the store fails; messages name the message id, never row
 * content.
 *
 * <p>Recurring rows: the terminal writes (sent, failed, expired, rejected) also insert the series'
 * next occurrence in the same transaction, unless the reason ends the series. See the module
 * README, "Recurring messages".
 */
public interface MessageStatusRepository {
  /** Longest {@code error_message} written; longer reasons are cut. */
  int MAX_ERROR_MESSAGE_LENGTH = 200;

  /** {@code error_message} of a row whose {@code metadata} is not a JSON object. */
  String INVALID_METADATA = "invalid_metadata";

  /** {@code error_message} of a row whose {@code parameters} is neither object nor array. */
  String INVALID_PARAMETERS = "invalid_parameters";

  /**
   * Of {@code requests}, the ids of those whose row is still {@code pending} at the release's row
   * version: a read only, to pass over stale releases (replays) before they take a rate-limit slot.
   * The claim decides again.
   */
  Set<UUID> stillCurrent(Collection<DeliveryRequest> requests);

  /**
   * Claims the message of {@code request}, immediately before its send, by the database's clock:
   * only a {@code pending} row at the release's row version, whose {@code scheduled_time} has come
   * and whose delivery window has not passed, with no other attempt in flight. A row past its
   * window is written {@code failed} ({@code delivery_window_expired}), a row with values the
   * sender cannot use {@code failed} with a reason ({@code invalid_metadata}, {@code
   * invalid_recurrence:<reason>}, ...), both in the claim's transaction.
   *
   * @param lease how long the claim holds the row against changes without an outcome
   */
  Claim claim(DeliveryRequest request, Duration lease);

  /** Closes the attempt and writes the row; false when the attempt or the row moved on. */
  boolean record(StatusWrite write);

  /**
   * {@link #record} without what depends on row values beyond the compare-and-set (the series' next
   * occurrence): a second try after the full write failed with an error that would repeat.
   */
  default boolean recordPlain(StatusWrite write) {
    return record(write);
  }

  /**
   * Fails a row the sender cannot work with ({@code error_message = reason}) at the release's row
   * version; false when the row moved on. For errors the claim itself raised.
   */
  boolean failUnusable(DeliveryRequest request, String reason, Instant now);

  /**
   * Fails a message the scheduler rejected ({@code failed}, {@code failed_at}, {@code error_message
   * = reason}), only while the row is {@code pending} at the rejection's row version and no attempt
   * is in flight; a stale rejection changes nothing (false).
   */
  boolean reject(RejectedMessage rejection, Instant now);

  /** {@code reason} cut to {@link #MAX_ERROR_MESSAGE_LENGTH}. */
  static String truncate(String reason) {
    return reason == null || reason.length() <= MAX_ERROR_MESSAGE_LENGTH
        ? reason
        : reason.substring(0, MAX_ERROR_MESSAGE_LENGTH);
  }
}
