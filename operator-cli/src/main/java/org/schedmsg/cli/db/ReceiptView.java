package org.schedmsg.cli.db;

/**
 * A WhatsApp row's delivery receipt state from {@code metadata} (written by the sender's webhook):
 * {@code receipt_status} ({@code sent}, {@code delivered}, {@code read}, {@code failed}) and the
 * platform's delivered and read times (ISO-8601); all null when no receipt arrived (always for
 * Telegram, which has none).
 */
public record ReceiptView(String status, String deliveredAt, String readAt) {}
