package org.schedmsg.cdc.mapping;

/**
 * A change event that cannot become a {@link CdcRecord}. The message names the message id (when
 * known), the LSN and the column or field at fault, never a value.
 */
public final class UnmappableChangeException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final String messageId;
  private final Long lsn;

  UnmappableChangeException(String messageId, Long lsn, String reason) {
    super(
        "cannot map the change of message "
            + (messageId == null ? "(unknown id)" : messageId)
            + " at lsn "
            + (lsn == null ? "(none)" : lsn)
            + ": "
            + reason);
    this.messageId = messageId;
    this.lsn = lsn;
  }

  /** The id of the row, or null when the event did not carry a readable one. */
  public String messageId() {
    return messageId;
  }

  /** The LSN of the change, or null for snapshot reads and events without one. */
  public Long lsn() {
    return lsn;
  }
}
