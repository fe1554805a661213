package org.schedmsg.sender.core.status;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.schedmsg.contracts.DeliveryRequest;
import org.schedmsg.contracts.RejectedMessage;

/**
 * The sender's writes to {@code scheduled_messages}. Every call is a compare-and-set on {@code (id,
 * status = 'pending', attempts)}: it changes the row only while the row is still the one the sender
 * was given, and returns whether it did. Implementations throw {@link StatusStoreException} when
 * the store cannot be reached; messages name the message id, never row content.
 *
 * <p>Recurring rows (a {@code recurrence_pattern}): the terminal writes ({@link #markSent}, {@link
 * #markFailed}, {@link #expire}, {@link #reject}) also insert the series' next occurrence in the
 * same transaction, unless the reason ends the series; {@link #claim} fails a row whose pattern
 * cannot be read ({@code invalid_recurrence:<reason>}) and returns false. See the module README,
 * "Recurring messages".
 *
 * <p>The batch forms ({@link #claimAll}, {@link #applyAll}) do the same writes for many messages;
 * the JDBC implementation does them in one transaction (one commit for the batch), and either all
 * of them happen or, on an exception, none.
 */
public interface MessageStatusRepository {
  /** Longest {@code error_message} written; longer reasons are cut. */
  int MAX_ERROR_MESSAGE_LENGTH = 200;

  /**
   * Fails a message whose delivery window has passed ({@code error_message =
   * delivery_window_expired}) without counting an attempt. False when the row is no longer pending
   * at the released {@code attempts}.
   */
  boolean expire(DeliveryRequest request, Instant now);

  /**
   * Counts an attempt ({@code attempts + 1}, {@code last_attempt_time}) and so takes the message
   * for this sender. False (do not send) when the row was claimed before (a replayed or duplicate
   * record), is no longer pending (sent, failed, cancelled) or was rescheduled to another {@code
   * scheduled_time}.
   */
  boolean claim(DeliveryRequest request, Instant now);

  /** Status {@code sent}, {@code sent_at}, {@code metadata.platform_message_id}. */
  boolean markSent(
      DeliveryRequest request, int claimedAttempts, String platformMessageId, Instant now);

  /** Status {@code failed}, {@code failed_at}, {@code error_message = reason} (cut to 200). */
  boolean markFailed(DeliveryRequest request, int claimedAttempts, String reason, Instant now);

  /** Stays {@code pending} with {@code error_message = reason}; the scheduler releases it again. */
  boolean markRetryable(DeliveryRequest request, int claimedAttempts, String reason, Instant now);

  /**
   * Gives a claim back without counting the attempt: {@code attempts = claimedAttempts - 1}, still
   * {@code pending}, {@code error_message = reason}. For rate limits and fatal platform errors.
   */
  boolean releaseClaim(DeliveryRequest request, int claimedAttempts, String reason, Instant now);

  /**
   * Fails a message the scheduler rejected ({@code failed}, {@code failed_at}, {@code error_message
   * = reason}), only while the row is pending at the rejection's {@code attempts} and {@code
   * scheduled_time}; a stale rejection changes nothing (false).
   */
  boolean reject(RejectedMessage rejection, Instant now);

  /**
   * {@link #claim} for each request, in order; element {@code i} says whether request {@code i} was
   * claimed. A request whose message appears earlier in the list is not claimed twice.
   */
  default List<Boolean> claimAll(List<DeliveryRequest> requests, Instant now) {
    List<Boolean> claimed = new ArrayList<>(requests.size());
    for (DeliveryRequest request : requests) {
      claimed.add(claim(request, now));
    }
    return claimed;
  }

  /** Each write, in order; element {@code i} says whether write {@code i} changed its row. */
  default List<Boolean> applyAll(List<StatusWrite> writes) {
    List<Boolean> changed = new ArrayList<>(writes.size());
    for (StatusWrite write : writes) {
      changed.add(apply(write));
    }
    return changed;
  }

  /** The single write {@code write} stands for, at {@code write.at()}. */
  default boolean apply(StatusWrite write) {
    Instant at = write.at();
    return switch (write.kind()) {
      case SENT -> markSent(write.request(), write.claimedAttempts(), write.text(), at);
      case FAILED -> markFailed(write.request(), write.claimedAttempts(), write.text(), at);
      case RETRYABLE -> markRetryable(write.request(), write.claimedAttempts(), write.text(), at);
      case RELEASE_CLAIM ->
          releaseClaim(write.request(), write.claimedAttempts(), write.text(), at);
    };
  }
}
