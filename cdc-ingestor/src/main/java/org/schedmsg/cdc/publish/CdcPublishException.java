package org.schedmsg.cdc.publish;

/**
 * A batch of changes could not be handed to Kafka. Thrown out of the engine's change consumer, it
 * stops the engine without committing the batch's offsets, so a restart sends the batch again.
 */
public final class CdcPublishException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  CdcPublishException(String message, Throwable cause) {
    super(message, cause);
  }
}
