package org.schedmsg.scheduler.processor;

import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.Map;
import java.util.Optional;
import org.schedmsg.contracts.Platform;
import org.schedmsg.contracts.RejectedMessage;
import org.schedmsg.contracts.ScheduledMessage;
import org.schedmsg.scheduler.metrics.SchedulerMetrics;
import org.schedmsg.scheduler.store.DueIndexKey;
import org.schedmsg.scheduler.store.PendingMessage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One punctuation's work: per platform, priority 1 first, look up the due-index entries due at the
 * punctuation instant one after the other (from the scan cursor on, so handled entries and
 * far-future ones cost nothing) and release or reject each, until the platform's token bucket is
 * empty, its senders have {@link UnsentLimit too much outstanding}, or the work cap (entries
 * visited per platform) is reached. A rejection takes no token.
 */
final class DueReleaser {
  /** Where releases and rejections go (the processor's sinks). */
  interface Output {
    void release(ScheduledMessage row, Instant releasedAt);

    void reject(RejectedMessage rejection);
  }

  private enum Outcome {
    RELEASED,
    REJECTED,
    DROPPED,
    NO_TOKEN,
    SENDERS_BEHIND
  }

  private static final Logger log = LoggerFactory.getLogger(DueReleaser.class);

  private final PendingIndex index;
  private final DueTimePolicy policy;
  private final DeliverabilityRules rules;
  private final Map<Platform, TokenBucket> buckets = new EnumMap<>(Platform.class);
  private final int maxWork;
  private final UnsentLimit unsent;
  private final SchedulerMetrics metrics;
  private final Output output;
  private final int[] tally = new int[Outcome.values().length];
  private boolean outOfTokens;

  DueReleaser(
      PendingIndex index,
      DueTimePolicy policy,
      DeliverabilityRules rules,
      Map<Platform, Integer> ratePerSecond,
      TaskShare share,
      int maxWork,
      UnsentLimit unsent,
      SchedulerMetrics metrics,
      Output output) {
    this.index = index;
    this.unsent = unsent;
    this.policy = policy;
    this.rules = rules;
    this.maxWork = maxWork;
    this.metrics = metrics;
    this.output = output;
    for (Platform platform : Platform.values()) {
      buckets.put(platform, new TokenBucket(ratePerSecond.get(platform), share.partitions()));
    }
  }

  /** Releases and rejects what is due at {@code timestamp}; returns the entries visited. */
  int releaseDue(long timestamp) {
    Instant now = Instant.ofEpochMilli(timestamp);
    Arrays.fill(tally, 0);
    int work = 0;
    for (Platform platform : Platform.values()) {
      buckets.get(platform).refill(timestamp);
      work += scanPlatform(platform, now);
    }
    metrics.punctuated(work);
    logTally();
    return work;
  }

  private int scanPlatform(Platform platform, Instant now) {
    int work = 0;
    outOfTokens = false;
    for (int priority = ScheduledMessage.HIGHEST_PRIORITY;
        priority <= ScheduledMessage.LOWEST_PRIORITY && work < maxWork && !outOfTokens;
        priority++) {
      work += scanPriority(platform, priority, now, maxWork - work);
    }
    return work;
  }

  /**
   * Handles due entries of one priority until none is left, {@code budget} entries were visited, or
   * the platform ran out of tokens (then {@link #outOfTokens} is set: lower priorities wait too,
   * and the entry that found no token is visited again next time). Returns the entries visited.
   *
   * <p>Each handled entry leaves its place in the index (released: moved to its lease, which is
   * after {@code now}; rejected or dropped: removed), so the next lookup from the cursor finds the
   * next entry.
   */
  private int scanPriority(Platform platform, int priority, Instant now, int budget) {
    int visited = 0;
    DueIndexKey key;
    while (visited < budget && (key = index.nextDue(platform, priority, now)) != null) {
      visited++;
      Outcome outcome = handle(key, now);
      tally[outcome.ordinal()]++;
      if (outcome == Outcome.NO_TOKEN || outcome == Outcome.SENDERS_BEHIND) {
        outOfTokens = true;
        break;
      }
      index.handled(key);
    }
    return visited;
  }

  private Outcome handle(DueIndexKey key, Instant now) {
    String id = key.messageId().toString();
    PendingMessage pending = index.get(id);
    if (pending == null || !pending.indexKey().equals(key)) {
      log.warn("dropping stale due-index entry of message {}", id);
      index.dropIndexEntry(key);
      return Outcome.DROPPED;
    }
    ScheduledMessage row = pending.message();
    Optional<String> rejection = rules.rejection(row, now);
    if (rejection.isPresent()) {
      reject(id, key, row, rejection.get(), now);
      return Outcome.REJECTED;
    }
    TokenBucket bucket = buckets.get(row.platform());
    if (!bucket.hasToken()) {
      return Outcome.NO_TOKEN;
    }
    if (!unsent.allows(row.platform())) {
      return Outcome.SENDERS_BEHIND;
    }
    bucket.take();
    unsent.released(row.platform());
    release(id, key, pending, now);
    return Outcome.RELEASED;
  }

  private void release(String id, DueIndexKey key, PendingMessage pending, Instant now) {
    ScheduledMessage row = pending.message();
    output.release(row, now);
    index.put(id, key, pending.releasedAt(now, policy.nextDueAfterRelease(now)));
    metrics.released(row.platform(), Duration.between(pending.dueAt(), now));
    if (log.isDebugEnabled()) {
      log.debug(
          "released message {} platform={} priority={} attempts={} version={}",
          id,
          row.platform().id(),
          row.priority(),
          row.attempts(),
          row.rowVersion());
    }
  }

  private void reject(
      String id, DueIndexKey key, ScheduledMessage row, String reason, Instant now) {
    output.reject(RejectedMessage.of(row, reason, now));
    index.remove(id, key);
    metrics.rejected(row.platform(), reason);
    log.info(
        "rejected message {} platform={} priority={} attempts={} reason={}",
        id,
        row.platform().id(),
        row.priority(),
        row.attempts(),
        RejectionReasons.reasonClass(reason));
  }

  private void logTally() {
    int released = tally[Outcome.RELEASED.ordinal()];
    int rejected = tally[Outcome.REJECTED.ordinal()];
    if (released > 0 || rejected > 0) {
      log.info(
          "punctuation released={} rejected={} dropped={} waiting-for-rate={}"
              + " waiting-for-senders={}",
          released,
          rejected,
          tally[Outcome.DROPPED.ordinal()],
          tally[Outcome.NO_TOKEN.ordinal()],
          tally[Outcome.SENDERS_BEHIND.ordinal()]);
    }
  }
}
