package org.schedmsg.sender.whatsapp.receipt;

import java.time.Instant;
import java.util.Objects;

/**
 * One entry of a webhook's {@code statuses[]}: the message's {@code wamid}, its new status, when it
 * happened and, for {@code failed}, the first error code. The recipient is deliberately not kept.
 *
 * @param errorCode null unless {@code failed} with an error code
 */
public record StatusUpdate(String wamid, ReceiptStatus status, Instant time, Integer errorCode) {
  public StatusUpdate {
    Objects.requireNonNull(wamid, "wamid");
    Objects.requireNonNull(status, "status");
    Objects.requireNonNull(time, "time");
  }

  /** The row's {@code error_message} of a failed receipt: {@code whatsapp:<code>}. */
  public String failureReason() {
    return "whatsapp:" + (errorCode == null ? "receipt_failed" : errorCode.toString());
  }
}
