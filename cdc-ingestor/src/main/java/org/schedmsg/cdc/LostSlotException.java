package org.schedmsg.cdc;

/**
 * The replication slot no longer holds the position the stored offsets point to: it was dropped,
 * recreated, or invalidated by the server ({@code max_slot_wal_keep_size}). Changes committed since
 * may be missing from the topic. The ingestor stops instead of re-snapshotting silently; the module
 * README's runbook ("Lost replication slot") says how to recover.
 */
public final class LostSlotException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /** Fragments of the errors Debezium and PostgreSQL raise for a lost slot. */
  private static final String[] SIGNS = {
    "no longer available on the server", "can no longer get changes from replication slot"
  };

  LostSlotException(String slotName, Throwable cause) {
    super(
        "replication slot "
            + slotName
            + " no longer holds the position of the stored offsets (dropped, recreated or"
            + " invalidated); changes may be missing from the topic. Not re-snapshotting:"
            + " follow the runbook 'Lost replication slot' in the cdc-ingestor README",
        cause);
  }

  /** True if {@code error} or one of its causes says the slot lost the stored position. */
  static boolean isLostSlot(Throwable error) {
    for (Throwable t = error; t != null; t = t.getCause()) {
      String message = t.getMessage();
      if (message == null) {
        continue;
      }
      for (String sign : SIGNS) {
        if (message.contains(sign)) {
          return true;
        }
      }
    }
    return false;
  }
}
