package org.schedmsg.sender.core.consume;

import java.time.Duration;
import org.schedmsg.contracts.DeliveryRequest;
import org.schedmsg.contracts.Platform;
import org.schedmsg.sender.core.client.SendResult;
import org.schedmsg.sender.core.retry.Decision;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * How a platform call's result becomes an {@link Outcome} and a log line: identifiers, attempt,
 * outcome, error class, reason and latency; never text, parameters or recipient.
 */
final class DeliveryLog {
  private static final Logger LOG = LoggerFactory.getLogger(DeliveryProcessor.class);

  private DeliveryLog() {}

  static void result(
      Platform platform,
      DeliveryRequest request,
      int attempt,
      Outcome outcome,
      Decision decision,
      SendResult result,
      Duration latency) {
    if (outcome == Outcome.CONFLICT) {
      LOG.warn(
          "delivery messageId={} platform={} attempt={} outcome={} errorClass={} latencyMs={}:"
              + " the attempt or the row moved on (its claim lease ran out and was settled"
              + " elsewhere); the result was not recorded",
          request.messageId(),
          platform.id(),
          attempt,
          outcome,
          result.errorClass(),
          latency.toMillis());
      return;
    }
    LOG.info(
        "delivery messageId={} platform={} attempt={} outcome={} errorClass={} reason={}"
            + " latencyMs={}",
        request.messageId(),
        platform.id(),
        attempt,
        outcome,
        result.errorClass(),
        reasonOf(decision),
        latency.toMillis());
  }

  static Outcome intendedOutcome(Decision decision, SendResult result) {
    return switch (decision.kind()) {
      case SENT -> Outcome.SENT;
      case FAILED -> Outcome.FAILED;
      case GIVE_BACK ->
          result instanceof SendResult.RateLimited limited
                  && limited.scope() == SendResult.Scope.RECIPIENT
              ? Outcome.DEFERRED
              : Outcome.HELD;
      case RETRYABLE -> Outcome.RETRY_LATER;
    };
  }

  static String reasonOf(Decision decision) {
    if (decision.kind() == Decision.Kind.SENT) {
      return "-";
    }
    return decision.retryAfter() == null
        ? decision.text()
        : decision.text() + " (retry after " + decision.retryAfter() + ")";
  }
}
