package org.schedmsg.scheduler.processor;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;
import java.util.Optional;
import org.schedmsg.contracts.Platform;
import org.schedmsg.contracts.ScheduledMessage;

/**
 * The one place for the rules that reject a due message instead of releasing it (see the module
 * README, which names a test for each). Checked in this order when the message is due; the first
 * rule that matches gives the reason (constants in {@link RejectionReasons}):
 *
 * <ol>
 *   <li>{@code invalid_priority}: priority outside 1..9;
 *   <li>{@code invalid_recipient}: not a recipient the platform takes ({@link
 *       Platform#isValidRecipient}: Telegram a chat id or {@code @channelname}, WhatsApp an E.164
 *       number), the rule its client applies;
 *   <li>{@code content_too_long}: longer than the platform takes ({@link Platform#isTooLong}: 4096
 *       UTF-16 code units on both);
 *   <li>{@code invalid_parameters}: parameters present but neither a JSON object nor an array;
 *   <li>{@code max_attempts_exceeded:<last error>}: attempts at or above the maximum;
 *   <li>{@code delivery_window_expired}: {@code scheduled_time + delivery_window_seconds} before
 *       the release instant (no window = no limit).
 * </ol>
 */
public final class DeliverabilityRules {
  private final int maxAttempts;

  public DeliverabilityRules(int maxAttempts) {
    this.maxAttempts = maxAttempts;
  }

  /** Why {@code row}, due at {@code now}, must not be released; empty when it may be. */
  public Optional<String> rejection(ScheduledMessage row, Instant now) {
    if (row.priority() < ScheduledMessage.HIGHEST_PRIORITY
        || row.priority() > ScheduledMessage.LOWEST_PRIORITY) {
      return Optional.of(RejectionReasons.INVALID_PRIORITY);
    }
    if (!isValidRecipient(row.platform(), row.recipientId())) {
      return Optional.of(RejectionReasons.INVALID_RECIPIENT);
    }
    if (row.platform().isTooLong(row.messageContent())) {
      return Optional.of(RejectionReasons.CONTENT_TOO_LONG);
    }
    if (!isValidParameters(row.parameters())) {
      return Optional.of(RejectionReasons.INVALID_PARAMETERS);
    }
    if (row.attempts() >= maxAttempts) {
      return Optional.of(RejectionReasons.maxAttemptsExceeded(row.errorMessage()));
    }
    if (isExpired(row, now)) {
      return Optional.of(RejectionReasons.DELIVERY_WINDOW_EXPIRED);
    }
    return Optional.empty();
  }

  static boolean isValidRecipient(Platform platform, String recipientId) {
    return platform.isValidRecipient(recipientId);
  }

  private static boolean isValidParameters(JsonNode parameters) {
    return parameters == null
        || parameters.isNull()
        || parameters.isMissingNode()
        || parameters.isObject()
        || parameters.isArray();
  }

  private static boolean isExpired(ScheduledMessage row, Instant now) {
    Instant deadline = row.deliveryDeadline();
    return deadline != null && now.isAfter(deadline);
  }
}
