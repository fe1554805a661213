package org.schedmsg.sender.core.client;

import java.time.Duration;
import java.util.Objects;

/**
 * The platform's answer to one send, classified into the error classes of the sender-core README.
 * Reasons are short machine-readable strings such as {@code telegram:400:chat_not_found}, {@code
 * whatsapp:131047}, {@code connection_failed} or {@code timeout}; they never hold patient data.
 */
public sealed interface SendResult {

  /** The error class, as a metric tag and a log field. */
  String errorClass();

  /** The platform accepted the message under {@code platformMessageId}. */
  record Delivered(String platformMessageId) implements SendResult {
    public Delivered {
      Objects.requireNonNull(platformMessageId, "platformMessageId");
    }

    @Override
    public String errorClass() {
      return "none";
    }
  }

  /**
   * The message did not reach the platform, or the platform says it may succeed later (connection
   * refused, transient error codes). Counts an attempt.
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

    @Override
    public String errorClass() {
      return "retryable";
    }
  }

  /** The message will never succeed as it is (unknown chat, blocked bot, invalid parameter). */
  record Permanent(String reason) implements SendResult {
    public Permanent {
      Objects.requireNonNull(reason, "reason");
    }

    @Override
    public String errorClass() {
      return "permanent";
    }
  }

  /**
   * The request reached the platform but its outcome is unknown (a timeout after the request was
   * sent, a 5xx): the message may have been delivered. Handled by the ambiguity policy.
   */
  record Ambiguous(String reason) implements SendResult {
    public Ambiguous {
      Objects.requireNonNull(reason, "reason");
    }

    @Override
    public String errorClass() {
      return "ambiguous";
    }
  }

  /**
   * The platform refused for throughput. Never counts an attempt and never fails a message.
   *
   * @param scope whether the whole sender (bot, phone number) or only this recipient must wait
   * @param retryAfter the wait the platform asked for, or null to use the configured backoff
   */
  record RateLimited(String reason, Scope scope, Duration retryAfter) implements SendResult {
    public RateLimited {
      Objects.requireNonNull(reason, "reason");
      Objects.requireNonNull(scope, "scope");
    }

    @Override
    public String errorClass() {
      return "rate_limited";
    }
  }

  /**
   * The platform refuses every message (bad or expired token, missing permission, locked account):
   * stop sending on the platform until it works again. The message stays pending.
   */
  record Fatal(String reason) implements SendResult {
    public Fatal {
      Objects.requireNonNull(reason, "reason");
    }

    @Override
    public String errorClass() {
      return "fatal";
    }
  }

  /** Who a rate limit applies to. */
  enum Scope {
    /** Every send of this sender (Telegram bot, WhatsApp phone number). */
    PLATFORM,
    /** Sends to this one recipient. */
    RECIPIENT
  }
}
