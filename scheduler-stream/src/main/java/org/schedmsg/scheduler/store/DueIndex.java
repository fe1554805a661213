package org.schedmsg.scheduler.store;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.streams.processor.StateStore;
import org.apache.kafka.streams.processor.StateStoreContext;
import org.apache.kafka.streams.state.StoreBuilder;
import org.schedmsg.contracts.Platform;
import org.schedmsg.contracts.ScheduledMessage;

/**
 * The {@code due-index} store: every pending message's {@link DueIndexKey}, sorted in key order per
 * platform and priority, in memory. It has no changelog and is not persistent: it is derived data,
 * rebuilt from the {@code messages} store when the processor's task initialises (after the
 * restore), and dropped when the task closes. About 24 to 48 bytes per key ({@link SortedDueKeys}).
 *
 * <p>A Kafka Streams {@link StateStore} (rather than a field of the processor) so that the task
 * owns its life cycle and tests can inspect it through the {@code TopologyTestDriver}. Only the
 * stream thread of its task touches it.
 */
public final class DueIndex implements StateStore {
  private final String name;
  private final SortedDueKeys[][] keys;
  private boolean open;

  DueIndex(String name) {
    this.name = name;
    keys = new SortedDueKeys[Platform.values().length][ScheduledMessage.LOWEST_PRIORITY + 1];
    for (Platform platform : Platform.values()) {
      for (int p = ScheduledMessage.HIGHEST_PRIORITY; p <= ScheduledMessage.LOWEST_PRIORITY; p++) {
        keys[platform.ordinal()][p] = new SortedDueKeys(platform, p);
      }
    }
  }

  /** A builder of this store under {@code name}; it can have neither a changelog nor a cache. */
  public static StoreBuilder<DueIndex> builder(String name) {
    return new Builder(name);
  }

  /** Adds {@code key}; false when it is already there. */
  public boolean add(DueIndexKey key) {
    return keysOf(key)
        .add(
            key.dueEpochMillis(),
            key.messageId().getMostSignificantBits(),
            key.messageId().getLeastSignificantBits());
  }

  /** Removes {@code key}; false when it was not there. */
  public boolean remove(DueIndexKey key) {
    return keysOf(key)
        .remove(
            key.dueEpochMillis(),
            key.messageId().getMostSignificantBits(),
            key.messageId().getLeastSignificantBits());
  }

  /**
   * The first key at or after {@code from} with {@code from}'s platform and priority, or null when
   * there is none.
   */
  public DueIndexKey ceiling(DueIndexKey from) {
    return keysOf(from)
        .ceiling(
            from.dueEpochMillis(),
            from.messageId().getMostSignificantBits(),
            from.messageId().getLeastSignificantBits());
  }

  /** How many keys it holds. */
  public long size() {
    long size = 0;
    for (SortedDueKeys[] byPriority : keys) {
      for (int p = ScheduledMessage.HIGHEST_PRIORITY; p <= ScheduledMessage.LOWEST_PRIORITY; p++) {
        size += byPriority[p].size();
      }
    }
    return size;
  }

  /** Every key, in key order (a copy: for tests and diagnostics, not for the release path). */
  public List<DueIndexKey> keys() {
    List<DueIndexKey> all = new ArrayList<>();
    for (Platform platform : Platform.values()) {
      for (int p = ScheduledMessage.HIGHEST_PRIORITY; p <= ScheduledMessage.LOWEST_PRIORITY; p++) {
        keys[platform.ordinal()][p].addAllTo(all);
      }
    }
    return all;
  }

  /** Removes every key. */
  public void clear() {
    for (SortedDueKeys[] byPriority : keys) {
      for (int p = ScheduledMessage.HIGHEST_PRIORITY; p <= ScheduledMessage.LOWEST_PRIORITY; p++) {
        byPriority[p].clear();
      }
    }
  }

  private SortedDueKeys keysOf(DueIndexKey key) {
    return keys[key.platform().ordinal()][key.priority()];
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public void init(StateStoreContext context, StateStore root) {
    context.register(
        root,
        (key, value) -> {
          throw new IllegalStateException("the due index has no changelog to restore from");
        });
    open = true;
  }

  @Override
  public void close() {
    clear();
    open = false;
  }

  @Override
  public boolean persistent() {
    return false;
  }

  @Override
  public boolean isOpen() {
    return open;
  }

  /** Builds a {@link DueIndex}; logging and caching stay off. */
  private static final class Builder implements StoreBuilder<DueIndex> {
    private final String name;

    Builder(String name) {
      this.name = name;
    }

    @Override
    public StoreBuilder<DueIndex> withCachingEnabled() {
      throw new UnsupportedOperationException("the due index has no cache");
    }

    @Override
    public StoreBuilder<DueIndex> withCachingDisabled() {
      return this;
    }

    @Override
    public StoreBuilder<DueIndex> withLoggingEnabled(Map<String, String> config) {
      throw new UnsupportedOperationException(
          "the due index is rebuilt from the messages store; it has no changelog");
    }

    @Override
    public StoreBuilder<DueIndex> withLoggingDisabled() {
      return this;
    }

    @Override
    public DueIndex build() {
      return new DueIndex(name);
    }

    @Override
    public Map<String, String> logConfig() {
      return Map.of();
    }

    @Override
    public boolean loggingEnabled() {
      return false;
    }

    @Override
    public String name() {
      return name;
    }
  }
}
