package org.schedmsg.sender.core.retry;

import java.time.Duration;
import java.util.Objects;

/** What to write to the row after a send: the output of {@link RetryPolicy}. */
public sealed interface Decision {

  /** Status {@code sent}, with the platform's message id in {@code metadata}. */
  record MarkSent(String platformMessageId) implements Decision {
    public MarkSent {
      Objects.requireNonNull(platformMessageId, "platformMessageId");
    }
  }

  /** Status {@code failed} with {@code reason} as {@code error_message}. */
  record MarkFailed(String reason) implements Decision {
    public MarkFailed {
      Objects.requireNonNull(reason, "reason");
    }
  }

  /**
   * Stays {@code pending} with {@code reason} as {@code error_message}; the scheduler releases it
   * again after its backoff.
   *
   * @param retryAfter the wait the platform asked for, or null
   */
  record KeepPending(String reason, Duration retryAfter) implements Decision {
    public KeepPending {
      Objects.requireNonNull(reason, "reason");
    }
  }

  /**
   * Gives the claim back: the attempt is closed {@code given_back} with {@code reason}, the row is
   * not written (no attempt counted, nothing rewound). For rate limits, fatal platform errors and
   * sends that never started.
   */
  record ReleaseClaim(String reason) implements Decision {
    public ReleaseClaim {
      Objects.requireNonNull(reason, "reason");
    }
  }
}
