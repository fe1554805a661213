package org.schedmsg.bench;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The seed's processor query ({@code status = 'pending' AND scheduled_time <= now()}) in its best
 * form, as a polling peer: each worker opens a transaction, locks up to {@code batchSize} due rows
 * with {@code FOR UPDATE SKIP LOCKED}, one index range per priority (the seed's {@code (priority,
 * scheduled_time)} index), most urgent first; sends them through the paced platform; marks them
 * {@code sent} with {@code sent_at} and commits. When nothing is due it waits {@code pollInterval}.
 * A failed send leaves the row pending for a later poll (the benchmark's platform never fails).
 * Each row is recorded as released (available to the sending code) when its claim returned it.
 */
final class SkipLockedPoller implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(SkipLockedPoller.class);
  private static final String CLAIM =
      "SELECT id, recipient_id, message_content FROM scheduled_messages"
          + " WHERE status = 'pending' AND priority = ? AND scheduled_time <= now()"
          + " ORDER BY scheduled_time LIMIT ? FOR UPDATE SKIP LOCKED";
  private static final String MARK_SENT =
      "UPDATE scheduled_messages SET status = 'sent', sent_at = now(), attempts = attempts + 1,"
          + " last_attempt_time = now(), updated_at = now() WHERE id = ?";

  private final DataSource dataSource;
  private final TelegramSend platform;
  private final PlatformPacer pacer;
  private final ReleaseLog releases;
  private final int batchSize;
  private final Duration pollInterval;
  private final AtomicBoolean running = new AtomicBoolean(true);
  private final List<Thread> workers = new ArrayList<>();

  private record Claimed(UUID id, String recipient, String text) {}

  SkipLockedPoller(
      DataSource dataSource,
      TelegramSend platform,
      PlatformPacer pacer,
      ReleaseLog releases,
      int workers,
      int batchSize,
      Duration pollInterval) {
    this.dataSource = dataSource;
    this.platform = platform;
    this.pacer = pacer;
    this.releases = releases;
    this.batchSize = batchSize;
    this.pollInterval = pollInterval;
    for (int i = 0; i < workers; i++) {
      Thread worker = new Thread(this::pollLoop, "skip-locked-poller-" + i);
      worker.setDaemon(true);
      this.workers.add(worker);
    }
  }

  void start() {
    workers.forEach(Thread::start);
  }

  /** Each worker keeps one connection (as a pool would), reopened after a failure. */
  private void pollLoop() {
    while (running.get()) {
      try (Connection c = dataSource.getConnection()) {
        c.setAutoCommit(false);
        while (running.get()) {
          if (pollOnce(c) == 0) {
            Thread.sleep(pollInterval.toMillis());
          }
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      } catch (SQLException | RuntimeException e) {
        log.warn("poll failed; reconnecting and polling again after {}", pollInterval, e);
        pauseAfterFailure();
      }
    }
  }

  private void pauseAfterFailure() {
    try {
      Thread.sleep(pollInterval.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      running.set(false);
    }
  }

  /** One transaction on {@code c}: claim, send, mark sent. Returns how many rows it claimed. */
  int pollOnce(Connection c) throws SQLException, InterruptedException {
    List<Claimed> batch = claim(c);
    Instant claimed = Instant.now();
    batch.forEach(m -> releases.released(m.id(), claimed));
    if (batch.isEmpty()) {
      c.commit();
      return 0;
    }
    try (PreparedStatement mark = c.prepareStatement(MARK_SENT)) {
      for (Claimed m : batch) {
        pacer.acquire();
        if (sendQuietly(m)) {
          mark.setObject(1, m.id());
          mark.addBatch();
        }
      }
      mark.executeBatch();
    }
    c.commit();
    return batch.size();
  }

  private List<Claimed> claim(Connection c) throws SQLException {
    List<Claimed> batch = new ArrayList<>(batchSize);
    try (PreparedStatement claim = c.prepareStatement(CLAIM)) {
      for (int priority = 1; priority <= 9 && batch.size() < batchSize; priority++) {
        claim.setInt(1, priority);
        claim.setInt(2, batchSize - batch.size());
        try (ResultSet rs = claim.executeQuery()) {
          while (rs.next()) {
            batch.add(new Claimed(rs.getObject(1, UUID.class), rs.getString(2), rs.getString(3)));
          }
        }
      }
    }
    return batch;
  }

  private boolean sendQuietly(Claimed m) throws InterruptedException {
    try {
      boolean ok = platform.send(m.recipient(), m.text());
      if (!ok) {
        log.warn("message {} was not accepted by the platform; it stays pending", m.id());
      }
      return ok;
    } catch (java.io.IOException e) {
      log.warn("message {} not sent ({}); it stays pending", m.id(), e.getClass().getSimpleName());
      return false;
    }
  }

  @Override
  public void close() throws InterruptedException {
    running.set(false);
    for (Thread worker : workers) {
      worker.interrupt();
      worker.join(Duration.ofSeconds(10).toMillis());
    }
  }
}
