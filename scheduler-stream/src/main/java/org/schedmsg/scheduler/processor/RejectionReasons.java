package org.schedmsg.scheduler.processor;

import java.util.List;

/**
 * Every machine-readable reason the scheduler gives for rejecting a message (the sender writes it
 * as the row's {@code error_message}). {@link #reasonClass(String)} strips the detail after {@code
 * :}, for metrics.
 */
public final class RejectionReasons {
  public static final String DELIVERY_WINDOW_EXPIRED = "delivery_window_expired";

  /** Followed by {@code :} and the row's last {@code error_message}, when it has one. */
  public static final String MAX_ATTEMPTS_EXCEEDED = "max_attempts_exceeded";

  public static final String INVALID_PRIORITY = "invalid_priority";
  public static final String INVALID_RECIPIENT = "invalid_recipient";
  public static final String CONTENT_TOO_LONG = "content_too_long";
  public static final String INVALID_PARAMETERS = "invalid_parameters";

  /** Every reason class, in the order the rules are checked. */
  public static final List<String> ALL =
      List.of(
          INVALID_PRIORITY,
          INVALID_RECIPIENT,
          CONTENT_TOO_LONG,
          INVALID_PARAMETERS,
          MAX_ATTEMPTS_EXCEEDED,
          DELIVERY_WINDOW_EXPIRED);

  private RejectionReasons() {}

  /** {@code max_attempts_exceeded:<last error>}, or the bare class when there is no last error. */
  public static String maxAttemptsExceeded(String lastError) {
    return lastError == null || lastError.isBlank()
        ? MAX_ATTEMPTS_EXCEEDED
        : MAX_ATTEMPTS_EXCEEDED + ":" + lastError;
  }

  /** The reason without its detail: the part before the first {@code :}. */
  public static String reasonClass(String reason) {
    int colon = reason.indexOf(':');
    return colon < 0 ? reason : reason.substring(0, colon);
  }
}
