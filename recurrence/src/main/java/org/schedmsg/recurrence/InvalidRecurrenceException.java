package org.schedmsg.recurrence;

/**
 * A {@code recurrence_pattern} that cannot be used. {@link #reason()} is short and machine-readable
 * (for {@code error_message = invalid_recurrence:<reason>}) and never holds the pattern's text.
 */
public final class InvalidRecurrenceException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /** The {@code error_message} prefix of a row failed for its pattern. */
  public static final String ERROR_PREFIX = "invalid_recurrence";

  private final String reason;

  public InvalidRecurrenceException(String reason, Throwable cause) {
    super("invalid recurrence_pattern: " + reason, cause);
    this.reason = reason;
  }

  public InvalidRecurrenceException(String reason) {
    this(reason, null);
  }

  public String reason() {
    return reason;
  }

  /** {@code invalid_recurrence:<reason>}. */
  public String errorMessage() {
    return ERROR_PREFIX + ":" + reason;
  }
}
