package org.schedmsg.cdc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.debezium.embedded.Connect;
import io.debezium.engine.DebeziumEngine;
import io.debezium.engine.RecordChangeEvent;
import io.debezium.engine.format.ChangeEventFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.connect.data.Field;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.source.SourceRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.schedmsg.cdc.config.CdcIngestorConfig;
import org.schedmsg.cdc.mapping.CdcRecord;
import org.schedmsg.cdc.mapping.ChangeEventMapper;
import org.schedmsg.cdc.publish.ChangePublisher;
import org.schedmsg.contracts.Topics;
import org.schedmsg.infra.testing.TestDatabase;
import org.schedmsg.infra.testing.TestInfrastructure;

/**
 * The change events the unit tests feed the mapper ({@link DebeziumSamples}) have the real
 * connector's shape: the engine, built with the ingestor's own properties and the Connect format,
 * runs on the migrated table, and every record's value schema must equal the fixture's.
 */
class ConnectorSchemaIT {
  private static final String ID = "6f1c2a7e-93d4-4b8a-9a51-2f0e4c7d8b13";
  private static final String SNAPSHOT_ID = "2d4e6f80-1a3b-4c5d-8e9f-0a1b2c3d4e5f";

  private IngestorFixture fixture;
  private Topics topics;
  private final List<SourceRecord> records = new CopyOnWriteArrayList<>();
  private DebeziumEngine<RecordChangeEvent<SourceRecord>> engine;
  private final ExecutorService executor = Executors.newSingleThreadExecutor();

  @BeforeEach
  void setUp() {
    TestInfrastructure infra = TestInfrastructure.shared();
    TestDatabase db = infra.newDatabase();
    topics = infra.newTopics();
    fixture =
        new IngestorFixture(
            db.dataSource(),
            db.jdbcUrl(),
            db.ingestorUser(),
            db.ingestorPassword(),
            infra.bootstrapServers(),
            topics,
            TestInfrastructure.uniqueName("slot"));
  }

  @AfterEach
  void tearDown() throws Exception {
    if (engine != null) {
      engine.close();
    }
    executor.shutdown();
    executor.awaitTermination(30, TimeUnit.SECONDS);
    fixture.dropSlot();
    fixture.close();
  }

  @Test
  void shouldEmitTheFixturesSchemaWhenRowsAreReadInsertedUpdatedAndDeleted() throws Exception {
    fixture.execute(
        "INSERT INTO scheduled_messages (id, recipient_id, platform, message_content,"
            + " scheduled_time, status, delivery_window_seconds) VALUES ('"
            + SNAPSHOT_ID
            + "', 'r-1', 'whatsapp', 'text', '2026-12-01T09:30:00Z', 'sent', NULL)");
    CdcIngestorConfig config = fixture.config(Map.of("CDC_HEARTBEAT_INTERVAL", "100ms"));
    start(config);
    // the slot exists once the snapshot is read: every later commit is captured
    await().atMost(IngestorFixture.TIMEOUT).until(() -> changes().size() == 1);
    fixture.execute(
        "INSERT INTO scheduled_messages (id, recipient_id, platform, message_content,"
            + " scheduled_time, template_key, parameters, status, priority, metadata) VALUES ('"
            + ID
            + "', 'r-2', 'telegram', 'text', '2026-12-01T09:30:00.123456Z', 'reminder',"
            + " '{\"slots\": [9, 30]}', 'pending', 2, '{\"source\": \"crm\"}')");
    fixture.execute("UPDATE scheduled_messages SET status = 'cancelled' WHERE id = '" + ID + "'");
    fixture.execute("DELETE FROM scheduled_messages WHERE id = '" + ID + "'");

    await()
        .atMost(IngestorFixture.TIMEOUT)
        .until(() -> changes().size() == 4 && records.size() > changes().size());

    assertThat(records)
        .extracting(SourceRecord::topic)
        .containsOnly(
            config.changeDestination(),
            ChangePublisher.HEARTBEAT_PREFIX + "." + topics.namespace());
    List<SourceRecord> changes = changes();
    assertThat(changes)
        .extracting(r -> ((Struct) r.value()).getString("op"))
        .containsExactly("r", "c", "u", "d");
    Schema expected = DebeziumSchemas.envelopeSchema(topics.namespace());
    for (SourceRecord change : changes) {
      assertThat(describe(change.valueSchema(), "")).isEqualTo(describe(expected, ""));
      assertThat(change.valueSchema()).isEqualTo(expected);
    }
    Struct read = ((Struct) changes.get(0).value()).getStruct("after");
    assertThat(read.get("delivery_window_seconds")).as("the column default").isEqualTo(60);
    assertThat(read.getWithoutDefault("delivery_window_seconds")).as("the NULL").isNull();
    ChangeEventMapper mapper = new ChangeEventMapper();
    List<CdcRecord> mapped = changes.stream().map(r -> mapper.map(r).orElseThrow()).toList();
    assertThat(mapped).extracting(CdcRecord::op).containsExactly("r", "c", "u", "d");
    assertThat(mapped.get(0).value().message().deliveryWindowSeconds()).isNull();
    assertThat(mapped.get(3).key()).isEqualTo(ID);
  }

  private void start(CdcIngestorConfig config) {
    engine =
        DebeziumEngine.create(ChangeEventFormat.of(Connect.class))
            .using(config.toDebeziumProperties())
            .notifying(
                (List<RecordChangeEvent<SourceRecord>> batch,
                    DebeziumEngine.RecordCommitter<RecordChangeEvent<SourceRecord>> committer) -> {
                  for (RecordChangeEvent<SourceRecord> event : batch) {
                    records.add(event.record());
                    committer.markProcessed(event);
                  }
                  committer.markBatchFinished();
                })
            .build();
    executor.execute(engine);
  }

  /** One line per schema and field, so that a difference shows where it is. */
  private static String describe(Schema schema, String indent) {
    StringBuilder text = new StringBuilder();
    text.append(schema.type())
        .append(" name=")
        .append(schema.name())
        .append(" version=")
        .append(schema.version())
        .append(" optional=")
        .append(schema.isOptional())
        .append(" default=")
        .append(schema.defaultValue())
        .append(" parameters=")
        .append(schema.parameters());
    if (schema.type() == Schema.Type.STRUCT) {
      for (Field field : schema.fields()) {
        text.append('\n')
            .append(indent)
            .append(field.name())
            .append(": ")
            .append(describe(field.schema(), indent + "  "));
      }
    }
    return text.toString();
  }

  /** The table's change events; the rest are heartbeats, which the publisher recognises. */
  private List<SourceRecord> changes() {
    return records.stream()
        .filter(r -> !r.topic().startsWith(ChangePublisher.HEARTBEAT_PREFIX))
        .toList();
  }
}
