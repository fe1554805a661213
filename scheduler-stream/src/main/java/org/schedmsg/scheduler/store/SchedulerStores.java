package org.schedmsg.scheduler.store;

import java.util.Map;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.StoreBuilder;
import org.apache.kafka.streams.state.Stores;

/**
 * The scheduler's stores: {@code messages}, persistent RocksDB backed by a changelog topic, and
 * {@code due-index}, in memory without a changelog, rebuilt from {@code messages} when a task
 * starts.
 */
public final class SchedulerStores {
  /** Message id -> {@link PendingMessage} in the bytes of {@link PendingMessageSerde}. */
  public static final String MESSAGES = "messages";

  /** {@link DueIndexKey}s of the messages, in key order ({@link DueIndex}). */
  public static final String DUE_INDEX = "due-index";

  /** The format of the {@code messages} values; the store itself holds the bytes. */
  public static final Serde<PendingMessage> PENDING_MESSAGE_SERDE = new PendingMessageSerde();

  private SchedulerStores() {}

  /**
   * The {@code messages} store. Its values are raw bytes so that the processor decodes only what it
   * needs: the entry alone ({@link PendingMessageSerde#decodeEntry}) when it replaces or removes a
   * message, the whole row only when it releases or rejects one.
   */
  public static StoreBuilder<KeyValueStore<String, byte[]>> messages() {
    return Stores.keyValueStoreBuilder(
            Stores.persistentKeyValueStore(MESSAGES), Serdes.String(), Serdes.ByteArray())
        .withLoggingEnabled(Map.of())
        .withCachingDisabled();
  }

  public static StoreBuilder<DueIndex> dueIndex() {
    return DueIndex.builder(DUE_INDEX);
  }
}
