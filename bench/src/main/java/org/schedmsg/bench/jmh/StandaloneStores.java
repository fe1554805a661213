package org.schedmsg.bench.jmh;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.Properties;
import java.util.stream.Stream;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.processor.StateStore;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorSupplier;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.StoreBuilder;

/**
 * Opens Kafka Streams state stores outside a running application and without a broker, so that a
 * benchmark reads and writes the very store stack the scheduler uses (for {@code
 * SchedulerStores.messages()}: metered store with the project's serdes, change logging, RocksDB;
 * for {@code SchedulerStores.dueIndex()}: the in-memory index, built by the task).
 *
 * <p>The stores are owned by a {@link TopologyTestDriver} (kafka-streams-test-utils, the supported
 * way to run a topology without a broker): a one-task topology whose only processor, fed by a topic
 * that never gets a record, has the given store builders attached, unmodified. The driver builds
 * and initialises them as a stream task does on assignment; {@link #keyValueStore} hands them out
 * through {@link TopologyTestDriver#getKeyValueStore}, which allows writes from outside processing
 * (documented for pre-populating stores).
 *
 * <p>{@code MockProcessorContext.getStateStoreContext()} is not enough here: the scheduler's store
 * builders enable change logging, and its context gives the change-logging layer no record context,
 * so the first {@code put} fails with a {@link NullPointerException} (Kafka 4.3.1); using it would
 * mean building the stores with logging disabled, i.e. not the scheduler's store stack.
 *
 * <p>Differences from a stream task of the running scheduler: nothing is restored (stores start
 * empty), and the changelog records go to the driver's in-memory mock producer instead of a broker,
 * so writes (set-up only) cost a little less than in production; reads ({@code get}, {@code range},
 * {@code all}) take exactly the production path. {@link #commit} is the driver's task commit.
 *
 * <p>The driver warns once per trial that the state directory is in the OS temp directory: it only
 * lives for the trial, so that is harmless.
 */
final class StandaloneStores implements AutoCloseable {
  private static final String APPLICATION_ID = "schedmsg-bench-jmh";
  private static final String SOURCE_TOPIC = "bench-jmh-unused";

  private final Path stateDir;
  private final TopologyTestDriver driver;

  /** A driver whose single task owns the stores of {@code builders}, built and initialised. */
  StandaloneStores(StoreBuilder<?>... builders) throws IOException {
    Topology topology = new Topology();
    topology.addSource(
        "source",
        Serdes.ByteArray().deserializer(),
        Serdes.ByteArray().deserializer(),
        SOURCE_TOPIC);
    ProcessorSupplier<byte[], byte[], Void, Void> owner = StoreOwner::new;
    topology.addProcessor("store-owner", owner, "source");
    for (StoreBuilder<?> builder : builders) {
      topology.addStateStore(builder, "store-owner");
    }

    this.stateDir = Files.createTempDirectory("schedmsg-jmh-stores");
    Properties props = new Properties();
    props.put(StreamsConfig.APPLICATION_ID_CONFIG, APPLICATION_ID);
    props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
    props.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toString());
    // no global thread here; set only so that StreamsConfig does not warn about its default
    props.put(StreamsConfig.PROCESSING_EXCEPTION_HANDLER_GLOBAL_ENABLED_CONFIG, true);
    TopologyTestDriver created;
    try {
      created = new TopologyTestDriver(topology, props);
    } catch (RuntimeException e) {
      deleteStateDir();
      throw e;
    }
    this.driver = created;
  }

  /** The key-value store {@code name}, as the task holds it (metered, outermost layer). */
  <K, V> KeyValueStore<K, V> keyValueStore(String name) {
    KeyValueStore<K, V> store = driver.getKeyValueStore(name);
    if (store == null) {
      throw new IllegalArgumentException("no key-value store " + name);
    }
    return store;
  }

  /** The state store {@code name} of type {@code type}, as the task holds it. */
  <S extends StateStore> S stateStore(String name, Class<S> type) {
    StateStore store = driver.getStateStore(name);
    if (store == null) {
      throw new IllegalArgumentException("no state store " + name);
    }
    return type.cast(store);
  }

  /**
   * Commits the task as a Kafka Streams commit does (Kafka Streams 4.3 records the changelog
   * offsets and forces no memtable flush), by advancing the driver's wall-clock time by zero; then
   * drops the changelog records the driver captured, so that they do not stay on the heap while the
   * benchmark runs. Returns how many it dropped.
   */
  long commit() {
    driver.advanceWallClockTime(Duration.ZERO);
    long dropped = 0;
    for (String topic : driver.producedTopicNames()) {
      TestOutputTopic<byte[], byte[]> output =
          driver.createOutputTopic(
              topic, Serdes.ByteArray().deserializer(), Serdes.ByteArray().deserializer());
      dropped += output.getQueueSize();
      output.readRecordsToList();
    }
    return dropped;
  }

  /** Closes the driver (and with it the stores) and deletes the state directory. */
  @Override
  public void close() throws IOException {
    try {
      driver.close();
    } finally {
      deleteStateDir();
    }
  }

  private void deleteStateDir() throws IOException {
    if (!Files.exists(stateDir)) {
      return;
    }
    try (Stream<Path> paths = Files.walk(stateDir)) {
      for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(path);
      }
    }
  }

  /** The processor the stores are attached to; its topic never gets a record. */
  private static final class StoreOwner implements Processor<byte[], byte[], Void, Void> {
    @Override
    public void process(Record<byte[], byte[]> record) {}
  }
}
