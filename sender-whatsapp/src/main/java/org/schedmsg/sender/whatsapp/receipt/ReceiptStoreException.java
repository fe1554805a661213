package org.schedmsg.sender.whatsapp.receipt;

/** The database could not take a receipt; the webhook answers 500 so that Meta retries it. */
public final class ReceiptStoreException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public ReceiptStoreException(String message, Throwable cause) {
    super(message, cause);
  }
}
