package org.schedmsg.sender.core.testing;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.schedmsg.contracts.DeliveryRequest;
import org.schedmsg.contracts.MessageStatus;
import org.schedmsg.contracts.RejectedMessage;
import org.schedmsg.contracts.ScheduledMessage;
import org.schedmsg.sender.core.retry.Decision;
import org.schedmsg.sender.core.retry.RetryPolicy;
import org.schedmsg.sender.core.status.Claim;
import org.schedmsg.sender.core.status.MessageStatusRepository;
import org.schedmsg.sender.core.status.StatusStoreException;
import org.schedmsg.sender.core.status.StatusWrite;

/**
 * The rules of the JDBC repository (and of the V9 triggers) over maps, for tests without
 * PostgreSQL: a row version raised by every change, at most one attempt in flight per message,
 * changes refused while one is, and the claim deciding by the "database's" clock ({@code dbClock}).
 * {@link #failNextCalls(int)} simulates a database outage; {@link #failNextCallsPermanently(int)}
 * an error that would repeat.
 */
public final class InMemoryStatusRepository implements MessageStatusRepository {
  /** One row: what a sender reads and writes. */
  public record Row(
      MessageStatus status,
      int attempts,
      Instant scheduledTime,
      String errorMessage,
      String platformMessageId,
      long rowVersion,
      DeliveryRequest content,
      boolean metadataIsObject) {

    Row with(MessageStatus s, int a, String error, String platformId) {
      return new Row(
          s, a, scheduledTime, error, platformId, rowVersion + 1, content, metadataIsObject);
    }

    @Override
    public String toString() {
      return "Row{status=" + status + ", attempts=" + attempts + ", rowVersion=" + rowVersion + '}';
    }
  }

  /** One attempt. */
  public record Attempt(
      long attemptId, UUID messageId, int attempt, Instant leaseUntil, String state) {}

  private final Map<UUID, Row> rows = new ConcurrentHashMap<>();
  private final Map<Long, Attempt> attempts = new ConcurrentHashMap<>();
  private final AtomicLong nextAttemptId = new AtomicLong(1);
  private final AtomicInteger failures = new AtomicInteger();
  private final AtomicInteger permanentFailures = new AtomicInteger();
  private final AtomicInteger calls = new AtomicInteger();
  private final Clock dbClock;

  /** A store whose clock is the system's. */
  public InMemoryStatusRepository() {
    this(Clock.systemUTC());
  }

  /**
   * @param dbClock the "database's" clock: claims decide by it
   */
  public InMemoryStatusRepository(Clock dbClock) {
    this.dbClock = dbClock;
  }

  /** Adds the pending row {@code request} was released from (same version and content). */
  public void insertPending(DeliveryRequest request) {
    rows.put(
        request.messageId(),
        new Row(
            MessageStatus.PENDING,
            request.attempts(),
            request.scheduledTime(),
            null,
            null,
            request.rowVersion(),
            request,
            true));
  }

  public void put(UUID id, Row row) {
    rows.put(id, row);
  }

  public Row row(UUID id) {
    return rows.get(id);
  }

  /**
   * An upstream UPDATE of the row to {@code content}'s recipient, text, template, parameters,
   * metadata and time; false (the SM001 error) while an attempt is in flight.
   */
  public synchronized boolean edit(UUID id, DeliveryRequest content) {
    if (inFlight(id) != null) {
      return false;
    }
    Row row = rows.get(id);
    rows.put(
        id,
        new Row(
            row.status(),
            row.attempts(),
            content.scheduledTime(),
            row.errorMessage(),
            row.platformMessageId(),
            row.rowVersion() + 1,
            content,
            row.metadataIsObject()));
    return true;
  }

  /** An upstream cancel; false (the SM001 error) while an attempt is in flight. */
  public synchronized boolean cancel(UUID id) {
    if (inFlight(id) != null) {
      return false;
    }
    Row row = rows.get(id);
    if (row.status() != MessageStatus.PENDING) {
      return false;
    }
    rows.put(id, row.with(MessageStatus.CANCELLED, row.attempts(), null, null));
    return true;
  }

  /** Every attempt of {@code id}, oldest first. */
  public List<Attempt> attempts(UUID id) {
    List<Attempt> result = new ArrayList<>();
    for (Attempt a : attempts.values()) {
      if (a.messageId().equals(id)) {
        result.add(a);
      }
    }
    result.sort((a, b) -> Long.compare(a.attemptId(), b.attemptId()));
    return result;
  }

  /** How many calls were made (failed ones included). */
  public int calls() {
    return calls.get();
  }

  /** The next {@code calls} calls throw a transient {@link StatusStoreException}. */
  public void failNextCalls(int calls) {
    failures.set(calls);
  }

  /** The next {@code calls} calls throw a {@link StatusStoreException} that would repeat. */
  public void failNextCallsPermanently(int calls) {
    permanentFailures.set(calls);
  }

  private void call() {
    calls.incrementAndGet();
    if (failures.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
      throw new StatusStoreException(
          "simulated outage", new java.sql.SQLException("down", "08006"));
    }
    if (permanentFailures.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
      throw new StatusStoreException(
          "simulated error", new java.sql.SQLException("cannot", "22023"));
    }
  }

  @Override
  public synchronized Set<UUID> stillCurrent(Collection<DeliveryRequest> requests) {
    call();
    Set<UUID> current = new HashSet<>();
    for (DeliveryRequest r : requests) {
      Row row = rows.get(r.messageId());
      if (row != null
          && row.status() == MessageStatus.PENDING
          && row.rowVersion() == r.rowVersion()) {
        current.add(r.messageId());
      }
    }
    return current;
  }

  @Override
  public synchronized Claim claim(DeliveryRequest request, Duration lease) {
    call();
    if (request.rowVersion() == ScheduledMessage.UNKNOWN_VERSION) {
      return new Claim.Refused(Claim.Refusal.UNVERSIONED);
    }
    Row row = rows.get(request.messageId());
    if (row == null) {
      return new Claim.Refused(Claim.Refusal.STALE);
    }
    Instant now = dbClock.instant();
    Attempt flying = inFlightIncludingExpired(request.messageId());
    if (flying != null) {
      if (flying.leaseUntil().isAfter(now)) {
        return new Claim.Refused(Claim.Refusal.IN_FLIGHT);
      }
      return new Claim.Abandoned(
          new Claim.Claimed(flying.attemptId(), flying.attempt(), now, current(row)));
    }
    if (row.rowVersion() != request.rowVersion() || row.status() != MessageStatus.PENDING) {
      return new Claim.Refused(Claim.Refusal.STALE);
    }
    if (row.scheduledTime().isAfter(now)) {
      return new Claim.NotDue(Duration.between(now, row.scheduledTime()));
    }
    Instant deadline = row.content().deliveryDeadline();
    if (deadline != null && now.isAfter(deadline)) {
      rows.put(
          request.messageId(),
          row.with(
              MessageStatus.FAILED, row.attempts(), RetryPolicy.DELIVERY_WINDOW_EXPIRED, null));
      return new Claim.Refused(Claim.Refusal.EXPIRED);
    }
    if (!row.metadataIsObject()) {
      rows.put(
          request.messageId(),
          row.with(MessageStatus.FAILED, row.attempts(), INVALID_METADATA, null));
      return new Claim.Refused(Claim.Refusal.UNUSABLE);
    }
    long id = nextAttemptId.getAndIncrement();
    int attempt = row.attempts() + 1;
    attempts.put(id, new Attempt(id, request.messageId(), attempt, now.plus(lease), "in_flight"));
    return new Claim.Claimed(id, attempt, now, current(row));
  }

  private static DeliveryRequest current(Row row) {
    DeliveryRequest c = row.content();
    return new DeliveryRequest(
        c.schemaVersion(),
        c.messageId(),
        c.platform(),
        c.recipientId(),
        c.text(),
        c.templateKey(),
        c.parameters(),
        c.metadata(),
        c.priority(),
        row.attempts(),
        row.scheduledTime(),
        c.releasedAt(),
        c.deliveryDeadline(),
        row.rowVersion());
  }

  @Override
  public synchronized boolean record(StatusWrite write) {
    call();
    Attempt attempt = attempts.get(write.attemptId());
    if (attempt == null || !"in_flight".equals(attempt.state())) {
      return false;
    }
    attempts.put(
        attempt.attemptId(),
        new Attempt(
            attempt.attemptId(),
            attempt.messageId(),
            attempt.attempt(),
            attempt.leaseUntil(),
            write.attemptState()));
    if (write.kind() == Decision.Kind.GIVE_BACK) {
      return true;
    }
    Row row = rows.get(write.messageId());
    if (row == null
        || row.rowVersion() != write.rowVersion()
        || row.status() != MessageStatus.PENDING) {
      return false;
    }
    Row written =
        switch (write.kind()) {
          case SENT -> row.with(MessageStatus.SENT, row.attempts() + 1, null, write.text());
          case FAILED -> row.with(MessageStatus.FAILED, row.attempts() + 1, write.text(), null);
          case RETRYABLE -> row.with(MessageStatus.PENDING, row.attempts() + 1, write.text(), null);
          case GIVE_BACK -> row;
        };
    rows.put(write.messageId(), written);
    return true;
  }

  @Override
  public synchronized boolean failUnusable(DeliveryRequest request, String reason, Instant now) {
    call();
    return failUnattempted(request.messageId(), request.rowVersion(), reason);
  }

  @Override
  public synchronized boolean reject(RejectedMessage rejection, Instant now) {
    call();
    if (inFlight(rejection.messageId()) != null) {
      return false;
    }
    return failUnattempted(rejection.messageId(), rejection.rowVersion(), rejection.reason());
  }

  private boolean failUnattempted(UUID id, long version, String reason) {
    Row row = rows.get(id);
    if (row == null || row.rowVersion() != version || row.status() != MessageStatus.PENDING) {
      return false;
    }
    rows.put(id, row.with(MessageStatus.FAILED, row.attempts(), reason, null));
    return true;
  }

  private Attempt inFlight(UUID id) {
    Attempt a = inFlightIncludingExpired(id);
    return a != null && a.leaseUntil().isAfter(dbClock.instant()) ? a : null;
  }

  private Attempt inFlightIncludingExpired(UUID id) {
    for (Attempt a : attempts.values()) {
      if (a.messageId().equals(id) && "in_flight".equals(a.state())) {
        return a;
      }
    }
    return null;
  }
}
