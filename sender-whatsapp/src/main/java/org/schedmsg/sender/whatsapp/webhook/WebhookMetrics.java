package org.schedmsg.sender.whatsapp.webhook;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import org.schedmsg.sender.whatsapp.receipt.ReceiptRepository.Result;
import org.schedmsg.sender.whatsapp.receipt.ReceiptStatus;

/**
 * The webhook's meters: {@code schedmsg.whatsapp.webhook.requests} ({@code outcome}) and {@code
 * schedmsg.whatsapp.receipts} ({@code status}, {@code result}: applied, stale, unknown).
 */
final class WebhookMetrics {
  private final MeterRegistry registry;

  WebhookMetrics(MeterRegistry registry) {
    this.registry = registry;
  }

  void request(String outcome) {
    Counter.builder("schedmsg.whatsapp.webhook.requests")
        .tag("outcome", outcome)
        .register(registry)
        .increment();
  }

  void receipt(ReceiptStatus status, Result result) {
    Counter.builder("schedmsg.whatsapp.receipts")
        .tag("status", status.id())
        .tag("result", result.name().toLowerCase(java.util.Locale.ROOT))
        .register(registry)
        .increment();
  }

  double receipts(Result result) {
    return registry
        .find("schedmsg.whatsapp.receipts")
        .tag("result", result.name().toLowerCase(java.util.Locale.ROOT))
        .counters()
        .stream()
        .mapToDouble(Counter::count)
        .sum();
  }
}
