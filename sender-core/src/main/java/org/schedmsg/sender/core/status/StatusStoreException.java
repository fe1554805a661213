package org.schedmsg.sender.core.status;

/**
 * The status store (PostgreSQL) could not be read or written. Retryable: the consumer pauses and
 * tries again, without committing the Kafka offset.
 */
public class StatusStoreException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public StatusStoreException(String message, Throwable cause) {
    super(message, cause);
  }
}
