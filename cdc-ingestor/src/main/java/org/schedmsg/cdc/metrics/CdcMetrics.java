package org.schedmsg.cdc.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReference;
import org.schedmsg.contracts.ScheduledMessageChange;

/**
 * The ingestor's meters on a {@link MeterRegistry} it is given: changes forwarded (a counter per
 * operation, so a backend derives events/s), the lag from the source commit to Kafka's
 * acknowledgement, the engine state, and the replication slot's WAL figures ({@link SlotMonitor}).
 */
public final class CdcMetrics {
  public static final String CHANGES = "schedmsg.cdc.changes";
  public static final String LAG = "schedmsg.cdc.commit.to.ack";
  public static final String ENGINE_STATE = "schedmsg.cdc.engine.state";
  public static final String SLOT_RETAINED_WAL = "schedmsg.cdc.slot.retained.wal";
  public static final String SLOT_CONFIRMED_LAG = "schedmsg.cdc.slot.confirmed.lag";

  private final MeterRegistry registry;
  private final Clock clock;
  private final Timer lag;
  private final Map<String, Counter> changes = new ConcurrentHashMap<>();
  private final AtomicReference<EngineState> state = new AtomicReference<>(EngineState.STARTING);

  public CdcMetrics(MeterRegistry registry, Clock clock) {
    this.registry = registry;
    this.clock = clock;
    this.lag =
        Timer.builder(LAG)
            .description("source commit to Kafka acknowledgement of inserts and updates")
            .publishPercentiles(0.5, 0.99)
            .register(registry);
    for (EngineState s : EngineState.values()) {
      Gauge.builder(ENGINE_STATE, state, current -> current.get() == s ? 1 : 0)
          .description("1 for the engine's current state, 0 for the others")
          .tag("state", s.tag())
          .register(registry);
    }
  }

  public MeterRegistry registry() {
    return registry;
  }

  /** Kafka acknowledged a record: {@code change} is null for a tombstone. */
  public void acknowledged(ScheduledMessageChange change) {
    String op = change == null ? "d" : change.op();
    changes
        .computeIfAbsent(
            op,
            key ->
                Counter.builder(CHANGES)
                    .description("changes acknowledged by Kafka")
                    .tag("op", key)
                    .register(registry))
        .increment();
    if (change != null && !"r".equals(change.op()) && change.committedAt() != null) {
      Duration sinceCommit = Duration.between(change.committedAt(), Instant.now(clock));
      lag.record(sinceCommit.isNegative() ? Duration.ZERO : sinceCommit);
    }
  }

  public void engineState(EngineState newState) {
    state.set(newState);
  }

  public EngineState engineState() {
    return state.get();
  }
}
