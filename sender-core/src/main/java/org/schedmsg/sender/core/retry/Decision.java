package org.schedmsg.sender.core.retry;

import java.time.Duration;
import java.util.Objects;

/**
 * What to write after a send: the output of {@link RetryPolicy}, and what the status layer writes
 * ({@link org.schedmsg.sender.core.status.StatusWrite}). One {@link Kind} per outcome, with its
 * text: the platform's message id when sent, else the reason.
 *
 * @param retryAfter the wait the platform asked for ({@link Kind#RETRYABLE} only), or null
 */
public record Decision(Kind kind, String text, Duration retryAfter) {

  /** What the write does to the row and how it closes the attempt. */
  public enum Kind {
    /** {@code sent}, {@code sent_at}, {@code metadata.platform_message_id}, attempt counted. */
    SENT("sent"),
    /** {@code failed}, {@code failed_at}, {@code error_message}, attempt counted. */
    FAILED("failed"),
    /**
     * Stays {@code pending}, {@code error_message}, attempt counted: the scheduler releases it
     * again after its backoff.
     */
    RETRYABLE("retry"),
    /**
     * Gives the claim back: the attempt is closed {@code given_back} with the reason, the row is
     * not written (no attempt counted, no change event). For rate limits, fatal platform errors and
     * sends that never started.
     */
    GIVE_BACK("given_back");

    private final String attemptState;

    Kind(String attemptState) {
      this.attemptState = attemptState;
    }

    /** The {@code delivery_attempts.state} this outcome closes the attempt with. */
    public String attemptState() {
      return attemptState;
    }
  }

  public Decision {
    Objects.requireNonNull(kind, "kind");
    Objects.requireNonNull(text, kind == Kind.SENT ? "platformMessageId" : "reason");
    if (retryAfter != null && kind != Kind.RETRYABLE) {
      throw new IllegalArgumentException("only a retryable outcome carries a retry-after");
    }
  }

  /** Status {@code sent}, with the platform's message id in {@code metadata}. */
  public static Decision markSent(String platformMessageId) {
    return new Decision(Kind.SENT, platformMessageId, null);
  }

  /** Status {@code failed} with {@code reason} as {@code error_message}. */
  public static Decision markFailed(String reason) {
    return new Decision(Kind.FAILED, reason, null);
  }

  /**
   * Stays {@code pending} with {@code reason}; {@code retryAfter} as the platform asked, or null.
   */
  public static Decision keepPending(String reason, Duration retryAfter) {
    return new Decision(Kind.RETRYABLE, reason, retryAfter);
  }

  /** Gives the claim back with {@code reason}; the row is not written. */
  public static Decision releaseClaim(String reason) {
    return new Decision(Kind.GIVE_BACK, reason, null);
  }
}
