package org.schedmsg.sender.core.testing;

import java.time.Instant;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.schedmsg.contracts.DeliveryRequest;
import org.schedmsg.contracts.MessageStatus;
import org.schedmsg.contracts.RejectedMessage;
import org.schedmsg.sender.core.retry.RetryPolicy;
import org.schedmsg.sender.core.status.MessageStatusRepository;
import org.schedmsg.sender.core.status.StatusStoreException;

/**
 * The compare-and-set rules of the JDBC repository over a map, for tests without PostgreSQL. {@link
 * #failNextCalls(int)} simulates a database outage.
 */
public final class InMemoryStatusRepository implements MessageStatusRepository {
  /** One row's delivery columns. */
  public record Row(
      MessageStatus status,
      int attempts,
      Instant scheduledTime,
      String errorMessage,
      String platformMessageId) {}

  private final Map<UUID, Row> rows = new ConcurrentHashMap<>();
  private final AtomicInteger failures = new AtomicInteger();
  private final AtomicInteger calls = new AtomicInteger();

  /** Adds the pending row {@code request} was released from. */
  public void insertPending(DeliveryRequest request) {
    rows.put(
        request.messageId(),
        new Row(MessageStatus.PENDING, request.attempts(), request.scheduledTime(), null, null));
  }

  public void put(UUID id, Row row) {
    rows.put(id, row);
  }

  public Row row(UUID id) {
    return rows.get(id);
  }

  /** How many calls were made (failed ones included). */
  public int calls() {
    return calls.get();
  }

  /** The next {@code calls} calls throw {@link StatusStoreException}. */
  public void failNextCalls(int calls) {
    failures.set(calls);
  }

  @Override
  public boolean expire(DeliveryRequest request, Instant now) {
    return update(
        request,
        request.attempts(),
        false,
        row ->
            new Row(
                MessageStatus.FAILED,
                row.attempts(),
                row.scheduledTime(),
                RetryPolicy.DELIVERY_WINDOW_EXPIRED,
                row.platformMessageId()));
  }

  @Override
  public boolean claim(DeliveryRequest request, Instant now) {
    return update(
        request,
        request.attempts(),
        true,
        row ->
            new Row(
                row.status(),
                row.attempts() + 1,
                row.scheduledTime(),
                row.errorMessage(),
                row.platformMessageId()));
  }

  @Override
  public boolean markSent(DeliveryRequest request, int claimed, String messageId, Instant now) {
    return update(
        request,
        claimed,
        false,
        row -> new Row(MessageStatus.SENT, row.attempts(), row.scheduledTime(), null, messageId));
  }

  @Override
  public boolean markFailed(DeliveryRequest request, int claimed, String reason, Instant now) {
    return update(
        request,
        claimed,
        false,
        row ->
            new Row(
                MessageStatus.FAILED,
                row.attempts(),
                row.scheduledTime(),
                reason,
                row.platformMessageId()));
  }

  @Override
  public boolean markRetryable(DeliveryRequest request, int claimed, String reason, Instant now) {
    return update(
        request,
        claimed,
        false,
        row ->
            new Row(
                row.status(),
                row.attempts(),
                row.scheduledTime(),
                reason,
                row.platformMessageId()));
  }

  @Override
  public boolean releaseClaim(DeliveryRequest request, int claimed, String reason, Instant now) {
    return update(
        request,
        claimed,
        false,
        row ->
            new Row(
                row.status(),
                row.attempts() - 1,
                row.scheduledTime(),
                reason,
                row.platformMessageId()));
  }

  @Override
  public boolean reject(RejectedMessage rejection, Instant now) {
    calls.incrementAndGet();
    if (failures.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
      throw new StatusStoreException("simulated outage", new java.sql.SQLException("down"));
    }
    boolean[] changed = {false};
    rows.computeIfPresent(
        rejection.messageId(),
        (id, row) -> {
          boolean matches =
              row.status() == MessageStatus.PENDING
                  && row.attempts() == rejection.attempts()
                  && row.scheduledTime().equals(rejection.scheduledTime());
          changed[0] = matches;
          return matches
              ? new Row(
                  MessageStatus.FAILED,
                  row.attempts(),
                  row.scheduledTime(),
                  rejection.reason(),
                  row.platformMessageId())
              : row;
        });
    return changed[0];
  }

  private boolean update(
      DeliveryRequest request,
      int attempts,
      boolean checkSchedule,
      java.util.function.UnaryOperator<Row> change) {
    calls.incrementAndGet();
    if (failures.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
      throw new StatusStoreException("simulated outage", new java.sql.SQLException("down"));
    }
    boolean[] changed = {false};
    rows.computeIfPresent(
        request.messageId(),
        (id, row) -> {
          boolean matches =
              row.status() == MessageStatus.PENDING
                  && row.attempts() == attempts
                  && (!checkSchedule || row.scheduledTime().equals(request.scheduledTime()));
          changed[0] = matches;
          return matches ? change.apply(row) : row;
        });
    return changed[0];
  }
}
