package org.schedmsg.scheduler.processor;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.schedmsg.contracts.DeliveryRequest;
import org.schedmsg.contracts.Platform;
import org.schedmsg.contracts.ScheduledMessage;
import org.schedmsg.contracts.ScheduledMessageChange;
import org.schedmsg.scheduler.store.DueIndexKey;
import org.schedmsg.scheduler.store.PendingMessage;
import org.schedmsg.scheduler.store.SchedulerStores;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps every pending message in the {@code messages} store, indexed by priority and due time in
 * {@code due-index}, and releases due messages to the delivery sink of their platform from a
 * wall-clock punctuator.
 *
 * <p>Rules: a message is never released before it is due (see {@link DueTimePolicy}); due messages
 * go out priority 1 first, then by due time, at most {@code maxReleasesPerPunctuation} per
 * punctuation. A due message whose delivery window has expired is still released: the sender checks
 * the window again and marks the row failed ({@code delivery_window_expired}) without calling the
 * platform, so the row gets a terminal status in one place.
 */
public final class ScheduleProcessor
    implements Processor<String, ScheduledMessageChange, String, DeliveryRequest> {
  private static final Logger log = LoggerFactory.getLogger(ScheduleProcessor.class);

  private final DueTimePolicy policy;
  private final Duration punctuateInterval;
  private final int maxReleasesPerPunctuation;
  private final Map<Platform, String> sinkByPlatform;

  private ProcessorContext<String, DeliveryRequest> context;
  private KeyValueStore<String, PendingMessage> messages;
  private KeyValueStore<Bytes, String> dueIndex;

  /**
   * @param sinkByPlatform the name of the child sink of each platform's delivery topic
   */
  public ScheduleProcessor(
      DueTimePolicy policy,
      Duration punctuateInterval,
      int maxReleasesPerPunctuation,
      Map<Platform, String> sinkByPlatform) {
    this.policy = Objects.requireNonNull(policy, "policy");
    this.punctuateInterval = Objects.requireNonNull(punctuateInterval, "punctuateInterval");
    this.maxReleasesPerPunctuation = maxReleasesPerPunctuation;
    this.sinkByPlatform = new EnumMap<>(sinkByPlatform);
    for (Platform platform : Platform.values()) {
      Objects.requireNonNull(this.sinkByPlatform.get(platform), "no sink for " + platform);
    }
  }

  @Override
  public void init(ProcessorContext<String, DeliveryRequest> context) {
    this.context = context;
    this.messages = context.getStateStore(SchedulerStores.MESSAGES);
    this.dueIndex = context.getStateStore(SchedulerStores.DUE_INDEX);
    context.schedule(punctuateInterval, PunctuationType.WALL_CLOCK_TIME, this::releaseDue);
  }

  @Override
  public void process(Record<String, ScheduledMessageChange> record) {
    String id = record.key();
    if (id == null) {
      log.warn("skipping change without a key (message id)");
      return;
    }
    ScheduledMessageChange change = record.value();
    if (change == null) {
      remove(id, "deleted");
      return;
    }
    ScheduledMessage row = change.message();
    if (!isSchedulable(id, row)) {
      return;
    }
    if (row.status().isTerminal()) {
      remove(id, row.status().id());
    } else {
      upsert(id, row);
    }
  }

  private boolean isSchedulable(String id, ScheduledMessage row) {
    boolean complete =
        row != null
            && row.id() != null
            && row.status() != null
            && row.platform() != null
            && row.scheduledTime() != null
            && row.recipientId() != null;
    if (!complete) {
      log.warn("skipping change of message {}: required fields missing", id);
      return false;
    }
    if (!id.equals(row.id().toString())) {
      log.warn("skipping change under key {}: it carries message {}", id, row.id());
      return false;
    }
    return true;
  }

  private void upsert(String id, ScheduledMessage row) {
    PendingMessage previous = messages.get(id);
    PendingMessage next = policy.schedule(row, previous);
    if (previous != null && !previous.indexKey().equals(next.indexKey())) {
      dueIndex.delete(previous.indexKey().toBytes());
    }
    messages.put(id, next);
    dueIndex.put(next.indexKey().toBytes(), id);
    log.debug(
        "scheduled message {} platform={} priority={} attempts={} due={}",
        id,
        row.platform().id(),
        row.priority(),
        row.attempts(),
        next.dueAt());
  }

  private void remove(String id, String reason) {
    PendingMessage previous = messages.delete(id);
    if (previous != null) {
      dueIndex.delete(previous.indexKey().toBytes());
      log.debug("unscheduled message {} ({})", id, reason);
    }
  }

  /** The punctuator: releases what is due at {@code timestamp}, the only clock it uses. */
  void releaseDue(long timestamp) {
    Instant now = Instant.ofEpochMilli(timestamp);
    List<KeyValue<Bytes, String>> due = collectDue(now);
    int released = 0;
    for (KeyValue<Bytes, String> entry : due) {
      if (release(entry.key, entry.value, now)) {
        released++;
      }
    }
    if (released > 0) {
      log.info("released {} due messages (cap {})", released, maxReleasesPerPunctuation);
    }
  }

  /** Index entries due at {@code now}: priority 1 first, then by due time; at most the cap. */
  private List<KeyValue<Bytes, String>> collectDue(Instant now) {
    List<KeyValue<Bytes, String>> due = new ArrayList<>();
    for (int priority = ScheduledMessage.HIGHEST_PRIORITY;
        priority <= ScheduledMessage.LOWEST_PRIORITY && due.size() < maxReleasesPerPunctuation;
        priority++) {
      try (KeyValueIterator<Bytes, String> it =
          dueIndex.range(DueIndexKey.scanFrom(priority), DueIndexKey.scanTo(priority, now))) {
        while (it.hasNext() && due.size() < maxReleasesPerPunctuation) {
          due.add(it.next());
        }
      }
    }
    return due;
  }

  private boolean release(Bytes indexKey, String id, Instant now) {
    PendingMessage pending = messages.get(id);
    if (pending == null || !pending.indexKey().toBytes().equals(indexKey)) {
      log.warn("dropping stale due-index entry of message {}", id);
      dueIndex.delete(indexKey);
      return false;
    }
    if (pending.dueAt().isAfter(now)) {
      return false;
    }
    ScheduledMessage row = pending.message();
    context.forward(DeliveryRecords.of(row, now), sinkByPlatform.get(row.platform()));
    PendingMessage released = pending.releasedAt(now, policy.nextDueAfterRelease(now));
    dueIndex.delete(indexKey);
    messages.put(id, released);
    dueIndex.put(released.indexKey().toBytes(), id);
    log.debug(
        "released message {} platform={} priority={} attempts={}",
        id,
        row.platform().id(),
        row.priority(),
        row.attempts());
    return true;
  }
}
