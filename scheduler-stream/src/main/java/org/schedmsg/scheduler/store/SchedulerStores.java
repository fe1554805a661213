package org.schedmsg.scheduler.store;

import java.util.Map;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.StoreBuilder;
import org.apache.kafka.streams.state.Stores;
import org.schedmsg.contracts.serde.JsonSerde;

/** The two persistent RocksDB stores of the scheduler, both backed by a changelog topic. */
public final class SchedulerStores {
  /** Message id -> {@link PendingMessage}. */
  public static final String MESSAGES = "messages";

  /** {@link DueIndexKey} bytes -> message id. */
  public static final String DUE_INDEX = "due-index";

  public static final Serde<PendingMessage> PENDING_MESSAGE_SERDE =
      new JsonSerde<>(PendingMessage.class);

  private SchedulerStores() {}

  public static StoreBuilder<KeyValueStore<String, PendingMessage>> messages() {
    return Stores.keyValueStoreBuilder(
            Stores.persistentKeyValueStore(MESSAGES), Serdes.String(), PENDING_MESSAGE_SERDE)
        .withLoggingEnabled(Map.of())
        .withCachingDisabled();
  }

  public static StoreBuilder<KeyValueStore<Bytes, String>> dueIndex() {
    return Stores.keyValueStoreBuilder(
            Stores.persistentKeyValueStore(DUE_INDEX), Serdes.Bytes(), Serdes.String())
        .withLoggingEnabled(Map.of())
        .withCachingDisabled();
  }
}
