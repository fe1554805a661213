package org.schedmsg.bench.jmh;

import java.io.IOException;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.stream.Stream;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.metrics.MetricConfig;
import org.apache.kafka.common.metrics.Metrics;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.utils.Time;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.processor.StateStore;
import org.apache.kafka.streams.processor.StateStoreContext;
import org.apache.kafka.streams.processor.TaskId;
import org.apache.kafka.streams.processor.internals.InternalProcessorContext;
import org.apache.kafka.streams.processor.internals.ProcessorRecordContext;
import org.apache.kafka.streams.processor.internals.Task;
import org.apache.kafka.streams.processor.internals.metrics.StreamsMetricsImpl;
import org.apache.kafka.streams.state.StoreBuilder;

/**
 * Opens Kafka Streams state stores outside a running topology and without a broker, so that a
 * benchmark reads and writes the very store stack the scheduler uses (for {@code
 * SchedulerStores.dueIndex()}: metered store with the project's serdes, change logging, RocksDB).
 *
 * <p>A store is initialised with a state-store context, and Kafka Streams 4.3's metered and
 * change-logging layers cast it to the internal {@link InternalProcessorContext} of a stream task.
 * kafka-streams-test-utils (not on the bench class path) is the usual way out; here the context is
 * a {@link Proxy} of that interface that answers what store initialisation and reads and writes ask
 * for (task id, configs, state directory, a {@link StreamsMetricsImpl} at the default INFO
 * recording level, a fixed record context) and throws {@link UnsupportedOperationException} for
 * anything else, so that a Kafka upgrade that needs more fails loudly (the smoke test runs it).
 *
 * <p>Differences from a stream task: {@code register} restores nothing (stores start empty), and
 * {@code logChange} drops the change instead of sending it to the changelog topic, so writes cost
 * less than in production (the changelog send is missing); reads ({@code get}, {@code range},
 * {@code all}) take exactly the production path.
 */
final class StandaloneStores implements AutoCloseable {
  private static final String APPLICATION_ID = "schedmsg-bench-jmh";

  private final Path stateDir;
  private final Metrics kafkaMetrics = new Metrics(new MetricConfig());
  private final StreamsMetricsImpl streamsMetrics;
  private final Map<String, Object> appConfigs;
  private final TaskId taskId = new TaskId(0, 0);
  private final ProcessorRecordContext recordContext =
      new ProcessorRecordContext(0L, 0L, 0, "bench-input", new RecordHeaders());
  private final StateStoreContext context;
  private final List<StateStore> open = new ArrayList<>();

  StandaloneStores() throws IOException {
    this.stateDir = Files.createTempDirectory("schedmsg-jmh-stores");
    Properties props = new Properties();
    props.put(StreamsConfig.APPLICATION_ID_CONFIG, APPLICATION_ID);
    props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
    props.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toString());
    // no global thread here; set only so that StreamsConfig does not warn about its default
    props.put(StreamsConfig.PROCESSING_EXCEPTION_HANDLER_GLOBAL_ENABLED_CONFIG, true);
    // as a stream task's context: the originals overlaid with every parsed value and default
    StreamsConfig config = new StreamsConfig(props);
    Map<String, Object> configs = new HashMap<>(config.originals());
    configs.putAll(config.values());
    this.appConfigs = Collections.unmodifiableMap(configs);
    this.streamsMetrics = new StreamsMetricsImpl(kafkaMetrics, "bench-jmh", Time.SYSTEM);
    this.context =
        (StateStoreContext)
            Proxy.newProxyInstance(
                StandaloneStores.class.getClassLoader(),
                new Class<?>[] {InternalProcessorContext.class},
                new Handler());
  }

  /** Builds the store and initialises it, as a stream task does on assignment. */
  <S extends StateStore> S open(StoreBuilder<S> builder) {
    S store = builder.build();
    store.init(context, store);
    open.add(store);
    return store;
  }

  /**
   * Commits every open store, as a Kafka Streams commit does (with no changelog offsets to record;
   * Kafka Streams 4.3 forces no memtable flush here).
   */
  void commit() {
    for (StateStore store : open) {
      store.commit(Map.of());
    }
  }

  /** Closes the stores and deletes their state directory. */
  @Override
  public void close() throws IOException {
    for (StateStore store : open) {
      store.close();
    }
    open.clear();
    kafkaMetrics.close();
    try (Stream<Path> paths = Files.walk(stateDir)) {
      for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(path);
      }
    }
  }

  private Map<String, Object> withPrefix(String prefix) {
    Map<String, Object> result = new HashMap<>();
    appConfigs.forEach(
        (key, value) -> {
          if (key.startsWith(prefix)) {
            result.put(key.substring(prefix.length()), value);
          }
        });
    return result;
  }

  private final class Handler implements InvocationHandler {
    @Override
    public Object invoke(Object proxy, Method method, Object[] args) {
      return switch (method.getName()) {
        case "applicationId" -> APPLICATION_ID;
        case "taskId" -> taskId;
        case "taskType" -> Task.TaskType.ACTIVE;
        case "appConfigs" -> appConfigs;
        case "appConfigsWithPrefix" -> withPrefix((String) args[0]);
        case "stateDir" -> stateDir.toFile();
        case "metrics" -> streamsMetrics;
        case "keySerde", "valueSerde" -> Serdes.ByteArray();
        case "register", "logChange" -> null;
        case "changelogFor" -> APPLICATION_ID + "-" + args[0] + "-changelog";
        case "recordContext" -> recordContext;
        case "recordMetadata" -> Optional.of(recordContext);
        case "timestamp" -> recordContext.timestamp();
        case "topic" -> recordContext.topic();
        case "partition" -> recordContext.partition();
        case "offset" -> recordContext.offset();
        case "headers" -> recordContext.headers();
        case "currentSystemTimeMs", "currentStreamTimeMs" -> System.currentTimeMillis();
        case "hashCode" -> System.identityHashCode(proxy);
        case "equals" -> proxy == args[0];
        case "toString" -> "StandaloneStores.context(" + stateDir + ")";
        default ->
            throw new UnsupportedOperationException(
                "a standalone store context does not support " + method);
      };
    }
  }
}
