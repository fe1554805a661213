package org.schedmsg.sender.core.retry;

import java.time.Instant;
import java.util.Objects;
import org.schedmsg.contracts.DeliveryRequest;
import org.schedmsg.sender.core.client.SendResult;

/**
 * The one place for the outcome rules (the module README names a test for each):
 *
 * <ol>
 *   <li>{@code Delivered} -> {@code sent};
 *   <li>{@code Permanent} -> {@code failed} with the client's reason;
 *   <li>{@code Retryable} -> stays {@code pending} with the reason, the scheduler releases it again
 *       after its backoff;
 *   <li>{@code Retryable} (or a retried {@code Ambiguous}) on the attempt numbered {@code
 *       maxAttempts} or later -> {@code failed} with {@code max_attempts_exceeded:<reason>};
 *   <li>past the delivery window -> {@code failed} with {@code delivery_window_expired}, without
 *       calling the platform (and without counting an attempt); decided by the claim, by the
 *       database's clock;
 *   <li>{@code Ambiguous} -> by the message's {@link AmbiguousOutcomePolicy}: like {@code
 *       Retryable}, or {@code failed} with {@code outcome_unknown:<reason>};
 *   <li>{@code RateLimited} and {@code Fatal} -> the claim is given back and the row is not
 *       written: they never count towards the attempts.
 * </ol>
 */
public final class RetryPolicy {
  public static final String DELIVERY_WINDOW_EXPIRED = "delivery_window_expired";
  public static final String MAX_ATTEMPTS_EXCEEDED = "max_attempts_exceeded";
  public static final String OUTCOME_UNKNOWN = "outcome_unknown";

  private final int maxAttempts;
  private final AmbiguousOutcomePolicy onAmbiguous;

  public RetryPolicy(int maxAttempts) {
    this(maxAttempts, AmbiguousOutcomePolicy.RETRY);
  }

  public RetryPolicy(int maxAttempts, AmbiguousOutcomePolicy onAmbiguous) {
    if (maxAttempts < 1) {
      throw new IllegalArgumentException("maxAttempts must be at least 1");
    }
    this.maxAttempts = maxAttempts;
    this.onAmbiguous = Objects.requireNonNull(onAmbiguous, "onAmbiguous");
  }

  public int maxAttempts() {
    return maxAttempts;
  }

  /**
   * Rule 5: true when {@code request} must be failed without calling the platform. The claim
   * applies it to the row as it is, by the database's clock ({@code JdbcMessageStatusRepository}).
   */
  public boolean isExpired(DeliveryRequest request, Instant now) {
    return request.isExpiredAt(now);
  }

  /** The rules for a message without its own ambiguity policy. */
  public Decision decide(SendResult result, int attempt) {
    return decide(result, attempt, onAmbiguous);
  }

  /**
   * The rules for the result of attempt number {@code attempt} (counting from 1) of {@code
   * request}.
   */
  public Decision decide(SendResult result, int attempt, DeliveryRequest request) {
    return decide(
        result, attempt, AmbiguousOutcomePolicy.forMessage(request.metadata(), onAmbiguous));
  }

  private Decision decide(SendResult result, int attempt, AmbiguousOutcomePolicy ambiguity) {
    Objects.requireNonNull(result, "result");
    if (result instanceof SendResult.Delivered delivered) {
      return Decision.markSent(delivered.platformMessageId());
    }
    if (result instanceof SendResult.Permanent permanent) {
      return Decision.markFailed(permanent.reason());
    }
    if (result instanceof SendResult.RateLimited limited) {
      return Decision.releaseClaim(limited.reason());
    }
    if (result instanceof SendResult.Fatal fatal) {
      return Decision.releaseClaim(fatal.reason());
    }
    if (result instanceof SendResult.Ambiguous ambiguous) {
      return ambiguity == AmbiguousOutcomePolicy.FAIL
          ? Decision.markFailed(OUTCOME_UNKNOWN + ":" + ambiguous.reason())
          : retry(ambiguous.reason(), null, attempt);
    }
    SendResult.Retryable retryable = (SendResult.Retryable) result;
    return retry(retryable.reason(), retryable.retryAfter(), attempt);
  }

  private Decision retry(String reason, java.time.Duration retryAfter, int attempt) {
    if (attempt >= maxAttempts) {
      return Decision.markFailed(MAX_ATTEMPTS_EXCEEDED + ":" + reason);
    }
    return Decision.keepPending(reason, retryAfter);
  }
}
