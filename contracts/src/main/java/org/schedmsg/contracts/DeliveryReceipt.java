package org.schedmsg.contracts;

import java.time.Instant;
import java.util.UUID;

/**
 * Value of the receipts topic (schema version {@value #SCHEMA_VERSION}), keyed by message id: a
 * platform's report of what became of a message after it accepted it (WhatsApp's webhook statuses
 * {@code sent}, {@code delivered}, {@code read}, {@code failed}). Carries identifiers and the
 * status only, never the recipient or the content.
 *
 * @param platformMessageId the platform's id of the message (WhatsApp's {@code wamid})
 * @param status {@code sent}, {@code delivered}, {@code read} or {@code failed}
 * @param statusTime when the platform says the status happened
 * @param errorCode the platform's error code of a {@code failed} status, else null
 * @param applied whether this receipt advanced the row; false for a duplicate or a receipt that
 *     arrived after a later status (the row keeps the later one)
 * @param receivedAt when the webhook received it
 */
public record DeliveryReceipt(
    int schemaVersion,
    UUID messageId,
    Platform platform,
    String platformMessageId,
    String status,
    Instant statusTime,
    Integer errorCode,
    boolean applied,
    Instant receivedAt) {

  public static final int SCHEMA_VERSION = 1;
}
