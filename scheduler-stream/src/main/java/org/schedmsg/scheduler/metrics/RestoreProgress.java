package org.schedmsg.scheduler.metrics;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.streams.processor.StateRestoreListener;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Restore progress of the stores from their changelogs: gauge {@value #REMAINING} (changelog
 * offsets still to restore, over all store partitions being restored) and counter {@value
 * #RESTORED} (records restored); start and end of each store partition are logged.
 */
public final class RestoreProgress implements StateRestoreListener {
  public static final String REMAINING = "schedmsg.scheduler.restore.remaining";
  public static final String RESTORED = "schedmsg.scheduler.restore.restored";

  private static final Logger log = LoggerFactory.getLogger(RestoreProgress.class);

  private final Map<String, Long> remaining = new ConcurrentHashMap<>();
  private final AtomicLong restored = new AtomicLong();

  public RestoreProgress(MeterRegistry registry) {
    Gauge.builder(REMAINING, remaining, RestoreProgress::sum).register(registry);
    FunctionCounter.builder(RESTORED, restored, AtomicLong::get).register(registry);
  }

  private static double sum(Map<String, Long> values) {
    return values.values().stream().mapToLong(Long::longValue).sum();
  }

  @Override
  public void onRestoreStart(
      TopicPartition partition, String storeName, long startingOffset, long endingOffset) {
    remaining.put(storeName + partition, Math.max(0, endingOffset - startingOffset));
    log.info(
        "restoring store {} from {} offsets {}..{}",
        storeName,
        partition,
        startingOffset,
        endingOffset);
  }

  @Override
  public void onBatchRestored(
      TopicPartition partition, String storeName, long batchEndOffset, long numRestored) {
    remaining.computeIfPresent(storeName + partition, (k, v) -> Math.max(0, v - numRestored));
    restored.addAndGet(numRestored);
  }

  @Override
  public void onRestoreEnd(TopicPartition partition, String storeName, long totalRestored) {
    remaining.remove(storeName + partition);
    log.info("restored store {} from {}: {} records", storeName, partition, totalRestored);
  }

  @Override
  public void onRestoreSuspended(TopicPartition partition, String storeName, long totalRestored) {
    remaining.remove(storeName + partition);
    log.info(
        "restore of store {} from {} suspended after {} records",
        storeName,
        partition,
        totalRestored);
  }
}
