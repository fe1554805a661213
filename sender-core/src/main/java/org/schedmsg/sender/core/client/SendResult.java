package org.schedmsg.sender.core.client;

import java.time.Duration;
import java.util.Objects;

/**
 * The platform's answer to one send, classified. Reasons are short machine-readable strings such as
 * {@code telegram:400:chat_not_found}, {@code whatsapp:131047}, {@code connection_failed} or {@code
 * timeout}; they never hold patient data.
 */
public sealed interface SendResult {

  /** The platform accepted the message under {@code platformMessageId}. */
  record Delivered(String platformMessageId) implements SendResult {
    public Delivered {
      Objects.requireNonNull(platformMessageId, "platformMessageId");
    }
  }

  /**
   * The message may succeed later (timeouts, 5xx, rate limits, connection failures).
   *
   * @param retryAfter the wait the platform asked for, or null when it named none
   */
  record Retryable(String reason, Duration retryAfter) implements SendResult {
    public Retryable {
      Objects.requireNonNull(reason, "reason");
    }

    public Retryable(String reason) {
      this(reason, null);
    }
  }

  /** The message will never succeed as it is (unknown chat, blocked bot, invalid parameter). */
  record Permanent(String reason) implements SendResult {
    public Permanent {
      Objects.requireNonNull(reason, "reason");
    }
  }
}
