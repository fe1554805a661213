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
 *   <li>{@code Retryable} on the attempt numbered {@code maxAttempts} or later -> {@code failed}
 *       with {@code max_attempts_exceeded:<reason>};
 *   <li>past the delivery window -> {@code failed} with {@code delivery_window_expired}, without
 *       calling the platform (and without counting an attempt).
 * </ol>
 */
public final class RetryPolicy {
  public static final String DELIVERY_WINDOW_EXPIRED = "delivery_window_expired";
  public static final String MAX_ATTEMPTS_EXCEEDED = "max_attempts_exceeded";

  private final int maxAttempts;

  public RetryPolicy(int maxAttempts) {
    if (maxAttempts < 1) {
      throw new IllegalArgumentException("maxAttempts must be at least 1");
    }
    this.maxAttempts = maxAttempts;
  }

  public int maxAttempts() {
    return maxAttempts;
  }

  /** Rule 5: true when {@code request} must be failed without calling the platform. */
  public boolean isExpired(DeliveryRequest request, Instant now) {
    return request.isExpiredAt(now);
  }

  /**
   * Rules 1-4 for the result of attempt number {@code attempt} (the row's {@code attempts} after
   * the claim, counting from 1).
   */
  public Decision decide(SendResult result, int attempt) {
    Objects.requireNonNull(result, "result");
    if (result instanceof SendResult.Delivered delivered) {
      return new Decision.MarkSent(delivered.platformMessageId());
    }
    if (result instanceof SendResult.Permanent permanent) {
      return new Decision.MarkFailed(permanent.reason());
    }
    SendResult.Retryable retryable = (SendResult.Retryable) result;
    if (attempt >= maxAttempts) {
      return new Decision.MarkFailed(MAX_ATTEMPTS_EXCEEDED + ":" + retryable.reason());
    }
    return new Decision.KeepPending(retryable.reason(), retryable.retryAfter());
  }
}
