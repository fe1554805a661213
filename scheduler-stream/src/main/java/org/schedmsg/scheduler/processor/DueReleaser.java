package org.schedmsg.scheduler.processor;

import java.time.Duration;
import java.time.Instant;
import java.util.EnumMap;
import java.util.Map;
import java.util.Optional;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.schedmsg.contracts.Platform;
import org.schedmsg.contracts.RejectedMessage;
import org.schedmsg.contracts.ScheduledMessage;
import org.schedmsg.scheduler.metrics.SchedulerMetrics;
import org.schedmsg.scheduler.store.PendingMessage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One punctuation's work: per platform, priority 1 first, scan the due-index entries due at the
 * punctuation instant (from the scan cursor on, so handled entries and far-future ones cost
 * nothing) and release or reject each, until the platform's token bucket is empty, its senders have
 * {@link UnsentLimit too much outstanding}, or the work cap (entries visited per platform) is
 * reached. A rejection takes no token.
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
  private final Map<Outcome, Integer> tally = new EnumMap<>(Outcome.class);
  private boolean outOfTokens;

  DueReleaser(
      PendingIndex index,
      DueTimePolicy policy,
      DeliverabilityRules rules,
      Map<Platform, Integer> ratePerSecond,
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
      buckets.put(platform, new TokenBucket(ratePerSecond.get(platform)));
    }
  }

  /** Releases and rejects what is due at {@code timestamp}; returns the entries visited. */
  int releaseDue(long timestamp) {
    Instant now = Instant.ofEpochMilli(timestamp);
    tally.clear();
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
   */
  private int scanPriority(Platform platform, int priority, Instant now, int budget) {
    int visited = 0;
    try (KeyValueIterator<Bytes, String> it = index.due(platform, priority, now)) {
      while (it != null && it.hasNext() && visited < budget) {
        KeyValue<Bytes, String> entry = it.next();
        visited++;
        Outcome outcome = handle(entry.key, entry.value, now);
        tally.merge(outcome, 1, Integer::sum);
        if (outcome == Outcome.NO_TOKEN || outcome == Outcome.SENDERS_BEHIND) {
          outOfTokens = true;
          break;
        }
        index.handled(platform, priority, entry.key);
      }
    }
    return visited;
  }

  private Outcome handle(Bytes key, String id, Instant now) {
    PendingMessage pending = index.get(id);
    if (pending == null || !pending.indexKey().toBytes().equals(key)) {
      log.warn("dropping stale due-index entry of message {}", id);
      index.dropIndexEntry(key);
      return Outcome.DROPPED;
    }
    ScheduledMessage row = pending.message();
    Optional<String> rejection = rules.rejection(row, now);
    if (rejection.isPresent()) {
      reject(id, row, rejection.get(), now);
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
    release(id, pending, now);
    return Outcome.RELEASED;
  }

  private void release(String id, PendingMessage pending, Instant now) {
    ScheduledMessage row = pending.message();
    output.release(row, now);
    index.put(id, pending, pending.releasedAt(now, policy.nextDueAfterRelease(now)));
    metrics.released(row.platform(), Duration.between(pending.dueAt(), now));
    log.debug(
        "released message {} platform={} priority={} attempts={} version={}",
        id,
        row.platform().id(),
        row.priority(),
        row.attempts(),
        row.rowVersion());
  }

  private void reject(String id, ScheduledMessage row, String reason, Instant now) {
    output.reject(RejectedMessage.of(row, reason, now));
    index.remove(id);
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
    int released = tally.getOrDefault(Outcome.RELEASED, 0);
    int rejected = tally.getOrDefault(Outcome.REJECTED, 0);
    if (released > 0 || rejected > 0) {
      log.info(
          "punctuation released={} rejected={} dropped={} waiting-for-rate={}"
              + " waiting-for-senders={}",
          released,
          rejected,
          tally.getOrDefault(Outcome.DROPPED, 0),
          tally.getOrDefault(Outcome.NO_TOKEN, 0),
          tally.getOrDefault(Outcome.SENDERS_BEHIND, 0));
    }
  }
}
