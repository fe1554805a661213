package org.schedmsg.scheduler.backlog;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ListOffsetsResult.ListOffsetsResultInfo;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.schedmsg.contracts.Platform;
import org.schedmsg.scheduler.processor.SenderBacklog;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Measures, every {@code interval} on a thread of its own, each platform's sender backlog: the sum
 * over the delivery topic's partitions of its end offset minus the senders' group's committed
 * offset (or the partition's start, where the group has committed nothing). A partition's last
 * transaction marker counts as one record; that error is at most the partition count. When the
 * broker cannot be asked, the platform's measurement becomes unknown (releases are then not held
 * back) and the failure is logged once until a measurement succeeds again.
 *
 * <p>Each measurement also carries the senders' drain rate ({@link DrainRate}: the growth of the
 * group's committed offsets, summed over the partitions, per second, smoothed), which sizes the
 * time-based bound of releases outstanding ({@code SCHEDULER_MAX_UNSENT_TIME}). Transaction markers
 * count as done records too: at most one per partition per scheduler commit. While the group has
 * committed nothing on the topic (no sender has consumed yet), the rate is unknown (NaN), so the
 * count bound alone applies, as before the senders first report progress.
 *
 * <p>Gauge {@code schedmsg.scheduler.sender.unsent{platform}}: the latest measurement (-1 while
 * unknown).
 */
public final class SenderLagMonitor implements SenderBacklog, AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(SenderLagMonitor.class);
  private static final Duration CALL_TIMEOUT = Duration.ofSeconds(5);

  /** What to measure for one platform. */
  public record Target(String deliveryTopic, String senderGroup) {}

  /**
   * Records not yet done, done in total (from each partition's start), and whether the group has
   * committed on any partition, of one platform.
   */
  private record Lag(long unsent, long done, boolean committedAny) {}

  private final Admin admin;
  private final Map<Platform, Target> targets;
  private final Map<Platform, Measurement> latest = new EnumMap<>(Platform.class);
  private final Map<Platform, AtomicLong> gauges = new EnumMap<>(Platform.class);
  private final Map<Platform, Boolean> failing = new EnumMap<>(Platform.class);
  private final Map<Platform, DrainRate> rates = new EnumMap<>(Platform.class);
  private final ScheduledExecutorService thread;
  private long sequence;

  private SenderLagMonitor(Admin admin, Map<Platform, Target> targets, MeterRegistry registry) {
    this.admin = admin;
    this.targets = Map.copyOf(targets);
    for (Platform platform : targets.keySet()) {
      AtomicLong value = new AtomicLong(-1);
      gauges.put(platform, value);
      rates.put(platform, new DrainRate());
      Gauge.builder("schedmsg.scheduler.sender.unsent", value, AtomicLong::get)
          .tag("platform", platform.id())
          .description("released messages the platform's senders have not done yet (-1 unknown)")
          .register(registry);
    }
    this.thread =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "scheduler-sender-lag");
              t.setDaemon(true);
              return t;
            });
  }

  /** Starts measuring with {@code admin} (closed by {@link #close()}). */
  public static SenderLagMonitor start(
      Admin admin, Map<Platform, Target> targets, Duration interval, MeterRegistry registry) {
    SenderLagMonitor monitor = new SenderLagMonitor(admin, targets, registry);
    monitor.thread.scheduleWithFixedDelay(
        monitor::measureAll, 0, interval.toMillis(), TimeUnit.MILLISECONDS);
    return monitor;
  }

  @Override
  public synchronized Measurement latest(Platform platform) {
    return latest.get(platform);
  }

  /** Measures every platform once (the monitor's thread calls it; public for tests). */
  public void measureAll() {
    for (Map.Entry<Platform, Target> entry : targets.entrySet()) {
      Platform platform = entry.getKey();
      try {
        Lag lag = lag(entry.getValue());
        double rate = rates.get(platform).update(lag.done(), System.nanoTime());
        if (!lag.committedAny()) {
          rate = Double.NaN;
        }
        record(platform, lag.unsent(), rate);
        if (Boolean.TRUE.equals(failing.put(platform, false))) {
          log.info("sender backlog of {} measurable again: {}", platform.id(), lag.unsent());
        }
      } catch (ExecutionException | TimeoutException | RuntimeException e) {
        record(platform, -1, Double.NaN);
        if (!Boolean.TRUE.equals(failing.put(platform, true))) {
          log.warn(
              "cannot measure the sender backlog of {}; releases are not held back until it can"
                  + " be measured again",
              platform.id(),
              e);
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
  }

  private synchronized void record(Platform platform, long unsent, double donePerSecond) {
    latest.put(platform, unsent < 0 ? null : new Measurement(unsent, ++sequence, donePerSecond));
    gauges.get(platform).set(unsent);
  }

  private Lag lag(Target target) throws ExecutionException, InterruptedException, TimeoutException {
    TopicDescription topic =
        admin
            .describeTopics(List.of(target.deliveryTopic()))
            .allTopicNames()
            .get(CALL_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)
            .get(target.deliveryTopic());
    Set<TopicPartition> partitions =
        topic.partitions().stream()
            .map(p -> new TopicPartition(target.deliveryTopic(), p.partition()))
            .collect(Collectors.toSet());
    Map<TopicPartition, OffsetAndMetadata> committed =
        admin
            .listConsumerGroupOffsets(target.senderGroup())
            .partitionsToOffsetAndMetadata()
            .get(CALL_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
    Map<TopicPartition, ListOffsetsResultInfo> ends = offsets(partitions, OffsetSpec.latest());
    Map<TopicPartition, ListOffsetsResultInfo> starts = offsets(partitions, OffsetSpec.earliest());
    long unsent = 0;
    long done = 0;
    for (TopicPartition partition : partitions) {
      long start = starts.get(partition).offset();
      OffsetAndMetadata commit = committed.get(partition);
      long from = commit != null ? Math.max(start, commit.offset()) : start;
      unsent += Math.max(0, ends.get(partition).offset() - from);
      done += from;
    }
    return new Lag(unsent, done, partitions.stream().anyMatch(committed::containsKey));
  }

  private Map<TopicPartition, ListOffsetsResultInfo> offsets(
      Set<TopicPartition> partitions, OffsetSpec spec)
      throws ExecutionException, InterruptedException, TimeoutException {
    Map<TopicPartition, OffsetSpec> request = new HashMap<>();
    for (TopicPartition partition : partitions) {
      request.put(partition, spec);
    }
    return admin.listOffsets(request).all().get(CALL_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
  }

  @Override
  public void close() {
    thread.shutdownNow();
    try {
      thread.awaitTermination(CALL_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    admin.close(CALL_TIMEOUT);
  }
}
