package org.schedmsg.scheduler.processor;

import java.time.Instant;
import java.util.EnumMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.schedmsg.contracts.Platform;
import org.schedmsg.contracts.RejectedMessage;
import org.schedmsg.contracts.ScheduledMessage;
import org.schedmsg.contracts.ScheduledMessageChange;
import org.schedmsg.scheduler.metrics.SchedulerMetrics;
import org.schedmsg.scheduler.store.PendingEntry;
import org.schedmsg.scheduler.store.PendingMessage;
import org.schedmsg.scheduler.store.SchedulerStores;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps every pending message in the {@code messages} store, indexed by platform, priority and due
 * time in the in-memory {@code due-index} (rebuilt from {@code messages} when the task starts), and
 * hands the due ones to {@link DueReleaser} from a wall-clock punctuator: released to the delivery
 * sink of their platform, or rejected to the rejections sink.
 *
 * <p>Output values are {@link org.schedmsg.contracts.DeliveryRequest} (delivery sinks) and {@link
 * RejectedMessage} (rejections sink), both keyed by a String.
 */
public final class ScheduleProcessor
    implements Processor<String, ScheduledMessageChange, String, Object> {
  private static final Logger log = LoggerFactory.getLogger(ScheduleProcessor.class);

  /** Debezium's op of a snapshot read. */
  private static final String SNAPSHOT_READ = "r";

  private final ScheduleSettings settings;
  private final SchedulerMetrics metrics;

  private PendingIndex index;
  private DueReleaser releaser;
  private CatchUpGate catchUp;
  private ProcessorContext<String, Object> context;

  public ScheduleProcessor(ScheduleSettings settings, SchedulerMetrics metrics) {
    this.settings = Objects.requireNonNull(settings, "settings");
    this.metrics = Objects.requireNonNull(metrics, "metrics");
  }

  @Override
  public void init(ProcessorContext<String, Object> context) {
    if (index != null) {
      index.close(); // initialised again without a close: take back the previous counts
    }
    index =
        new PendingIndex(
            context.getStateStore(SchedulerStores.MESSAGES),
            context.getStateStore(SchedulerStores.DUE_INDEX),
            metrics);
    long started = System.nanoTime();
    long pending = index.rebuild();
    log.info(
        "task {}: due index rebuilt from {} pending messages in {} ms",
        context.taskId(),
        pending,
        (System.nanoTime() - started) / 1_000_000);
    releaser =
        new DueReleaser(
            index,
            settings.policy(),
            settings.rules(),
            settings.ratePerSecond(),
            settings.share(),
            settings.maxWorkPerPunctuation(),
            new UnsentLimit(
                settings.maxUnsent(),
                settings.maxUnsentTime(),
                settings.senderBacklog(),
                settings.share().partitions()),
            metrics,
            new SinkOutput(context, settings));
    catchUp = new CatchUpGate(settings.catchUpLag(), context.taskId().toString());
    this.context = context;
    context.schedule(
        settings.punctuateInterval(), PunctuationType.WALL_CLOCK_TIME, this::punctuate);
  }

  /** One punctuation: nothing while the CDC input is catching up, else what is due. */
  private void punctuate(long timestamp) {
    if (!catchUp.holds(timestamp)) {
      releaser.releaseDue(timestamp);
    }
  }

  @Override
  public void close() {
    if (index != null) {
      index.close();
    }
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
    catchUp.arrived(
        change.committedAt(), SNAPSHOT_READ.equals(change.op()), context.currentSystemTimeMs());
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
    PendingEntry previous = index.entry(id);
    Optional<PendingMessage> next = settings.policy().scheduleReplacing(row, previous);
    if (next.isEmpty()) {
      log.debug("ignored older version {} of message {}", row.rowVersion(), id);
      return;
    }
    index.put(id, previous == null ? null : previous.indexKey(), next.get());
    if (log.isDebugEnabled()) {
      log.debug(
          "scheduled message {} platform={} priority={} attempts={} version={} due={}",
          id,
          row.platform().id(),
          row.priority(),
          row.attempts(),
          row.rowVersion(),
          next.get().dueAt());
    }
  }

  private void remove(String id, String reason) {
    if (index.remove(id) != null) {
      log.debug("unscheduled message {} ({})", id, reason);
    }
  }

  /** Forwards releases and rejections to the child sinks named in the settings. */
  private static final class SinkOutput implements DueReleaser.Output {
    private final ProcessorContext<String, Object> context;
    private final Map<Platform, String> deliverySinks;
    private final String rejectionSink;

    SinkOutput(ProcessorContext<String, Object> context, ScheduleSettings settings) {
      this.context = context;
      this.deliverySinks = new EnumMap<>(settings.deliverySinks());
      this.rejectionSink = settings.rejectionSink();
    }

    @Override
    public void release(ScheduledMessage row, Instant releasedAt) {
      Record<String, ?> record = DeliveryRecords.of(row, releasedAt);
      context.forward(cast(record), deliverySinks.get(row.platform()));
    }

    @Override
    public void reject(RejectedMessage rejection) {
      Record<String, Object> record =
          new Record<>(
              rejection.messageId().toString(), rejection, rejection.rejectedAt().toEpochMilli());
      context.forward(record, rejectionSink);
    }

    @SuppressWarnings("unchecked")
    private static Record<String, Object> cast(Record<String, ?> record) {
      return (Record<String, Object>) record;
    }
  }
}
