package org.schedmsg.sender.whatsapp.webhook;

import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import org.schedmsg.contracts.DeliveryReceipt;
import org.schedmsg.contracts.Platform;
import org.schedmsg.sender.whatsapp.receipt.ReceiptPublisher;
import org.schedmsg.sender.whatsapp.receipt.ReceiptRepository;
import org.schedmsg.sender.whatsapp.receipt.ReceiptRepository.Outcome;
import org.schedmsg.sender.whatsapp.receipt.ReceiptRepository.Result;
import org.schedmsg.sender.whatsapp.receipt.ReceiptStoreException;
import org.schedmsg.sender.whatsapp.receipt.StatusNotificationParser;
import org.schedmsg.sender.whatsapp.receipt.StatusUpdate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A verified notification, one straight line: parse the statuses, write each to its row ({@link
 * ReceiptRepository}), publish the receipts of known rows ({@link ReceiptPublisher}), answer. 200
 * only when all of that is durable; 500 (Meta retries the notification, and the compare-and-set
 * makes the repeat harmless) when the database or Kafka failed; 400 for a body that is no
 * notification. Logs message ids, statuses and results, never the body or the recipient.
 */
final class StatusNotificationHandler {
  private static final Logger LOG = LoggerFactory.getLogger(StatusNotificationHandler.class);

  private final StatusNotificationParser parser = new StatusNotificationParser();
  private final ReceiptRepository repository;
  private final ReceiptPublisher publisher;
  private final WebhookMetrics metrics;
  private final Clock clock;

  StatusNotificationHandler(
      ReceiptRepository repository,
      ReceiptPublisher publisher,
      WebhookMetrics metrics,
      Clock clock) {
    this.repository = repository;
    this.publisher = publisher;
    this.metrics = metrics;
    this.clock = clock;
  }

  /** The HTTP status to answer the verified notification {@code body} with. */
  int handle(byte[] body) {
    List<StatusUpdate> updates;
    try {
      updates = parser.parse(body);
    } catch (IllegalArgumentException e) {
      LOG.warn("webhook notification refused: {}", e.getMessage());
      return 400;
    }
    try {
      List<DeliveryReceipt> receipts = new ArrayList<>();
      for (StatusUpdate update : updates) {
        apply(update, receipts);
      }
      publisher.publish(receipts);
      return 200;
    } catch (ReceiptStoreException | IllegalStateException e) {
      LOG.warn("webhook notification not processed, answering 500 so that Meta retries it", e);
      return 500;
    }
  }

  private void apply(StatusUpdate update, List<DeliveryReceipt> receipts) {
    Outcome outcome = repository.apply(update, clock.instant());
    metrics.receipt(update.status(), outcome.result());
    if (outcome.result() == Result.UNKNOWN) {
      LOG.info("receipt {} for unknown wamid ignored", update.status().id());
      return;
    }
    LOG.info(
        "receipt {} for message {}: {}",
        update.status().id(),
        outcome.messageId().orElseThrow(),
        outcome.result());
    receipts.add(
        new DeliveryReceipt(
            DeliveryReceipt.SCHEMA_VERSION,
            outcome.messageId().orElseThrow(),
            Platform.WHATSAPP,
            update.wamid(),
            update.status().id(),
            update.time(),
            update.errorCode(),
            outcome.result() == Result.APPLIED,
            clock.instant()));
  }
}
