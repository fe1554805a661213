package org.schedmsg.sender.whatsapp.receipt;

import java.time.Instant;
import java.util.Optional;
import java.util.UUID;

/** Writes WhatsApp status updates to the rows they belong to. */
public interface ReceiptRepository {

  /** What a status update came to. */
  enum Result {
    /** the row advanced to this status */
    APPLIED,
    /** the row is known but already at this or a later status (a duplicate or a late receipt) */
    STALE,
    /** no WhatsApp row holds this wamid */
    UNKNOWN
  }

  /** The outcome of {@link #apply}: the row's id unless {@link Result#UNKNOWN}. */
  record Outcome(Result result, Optional<UUID> messageId) {}

  /**
   * Applies {@code update} to the row whose {@code metadata.platform_message_id} is its wamid, by
   * compare-and-set on the row's receipt rank, at {@code now}.
   *
   * @throws ReceiptStoreException when the database cannot be written
   */
  Outcome apply(StatusUpdate update, Instant now);
}
