package org.schedmsg.sender.whatsapp.receipt;

import java.util.Locale;
import java.util.Optional;

/**
 * WhatsApp's message statuses in the order they can only advance: {@code sent < delivered < read},
 * with {@code failed} terminal. A receipt changes a row only when its rank is higher than the row's
 * (see {@link JdbcReceiptRepository}).
 */
public enum ReceiptStatus {
  SENT(1),
  DELIVERED(2),
  READ(3),
  FAILED(4);

  private final int rank;

  ReceiptStatus(int rank) {
    this.rank = rank;
  }

  public int rank() {
    return rank;
  }

  /** The value in the webhook, the row's metadata and the receipts topic. */
  public String id() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** The status named {@code value} in a webhook notification; empty for one we do not know. */
  public static Optional<ReceiptStatus> of(String value) {
    for (ReceiptStatus status : values()) {
      if (status.id().equals(value)) {
        return Optional.of(status);
      }
    }
    return Optional.empty();
  }
}
