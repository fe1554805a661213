package org.schedmsg.bench;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.HashMap;
import java.util.Map;
import org.schedmsg.contracts.Platform;
import org.schedmsg.contracts.Topics;
import org.schedmsg.contracts.config.SettingKeys;
import org.schedmsg.infra.postgres.DevCredentials;
import org.schedmsg.infra.sandbox.FakeWhatsAppServer;
import org.schedmsg.pipeline.Pipeline;
import org.schedmsg.pipeline.config.DatabaseLogin;
import org.schedmsg.pipeline.config.PipelineConfig;
import org.schedmsg.provisioning.TopicProvisioner;
import org.schedmsg.scheduler.config.SchedulerConfig;

/**
 * This project's pipeline (CDC ingestor, scheduler-stream, both senders) in this JVM, configured as
 * in the end-to-end test: the scheduler's release rate and the sender's pacing both set to the
 * arena's platform rate, no per-chat interval (every message has its own chat). The topic
 * namespace, replication slot and scheduler state directory are derived from the arena, so a second
 * start on the same arena (a restart) resumes from the same offsets, slot and RocksDB state.
 *
 * <p>The running pipeline records its releases through {@link DeliveryTopicReleases} and reports
 * its ingestion through {@link SchedulerIngest}.
 */
final class PipelineContestant implements Contestant {
  static final String NAME = "pipeline";
  private static final String WHATSAPP_TOKEN = "bench-whatsapp-token";
  private static final String PHONE_NUMBER_ID = "100000000000001";

  private final Map<String, String> overrides;

  /**
   * @param overrides settings put over the bench's own (a comparison of configurations); none for
   *     the pipeline as it ships
   */
  PipelineContestant(Map<String, String> overrides) {
    this.overrides = Map.copyOf(overrides);
  }

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public AutoCloseable start(Arena arena) {
    String run = arena.workDir().getFileName().toString().replaceAll("[^a-z0-9_]", "_");
    Topics topics =
        Topics.of("bench" + ProcessHandle.current().pid() + "-" + run.replace('_', '-'));
    new TopicProvisioner(arena.bootstrapServers(), (short) 1).provision(topics);
    FakeWhatsAppServer whatsapp = FakeWhatsAppServer.start(0, WHATSAPP_TOKEN, PHONE_NUMBER_ID);
    Map<String, String> env = new HashMap<>();
    env.put(SettingKeys.DATABASE_URL, arena.jdbcUrl());
    env.put(SettingKeys.KAFKA_BOOTSTRAP_SERVERS, arena.bootstrapServers());
    env.put(SettingKeys.TOPIC_NAMESPACE, topics.namespace());
    env.put("SCHEDULER_STATE_DIR", arena.workDir().resolve("scheduler-state").toString());
    env.put("CDC_SLOT_NAME", "bench_slot_" + ProcessHandle.current().pid() + "_" + run);
    env.put("TELEGRAM_BOT_TOKEN", arena.telegramToken());
    env.put("TELEGRAM_API_BASE_URL", arena.telegramBaseUrl());
    env.put("WHATSAPP_ACCESS_TOKEN", WHATSAPP_TOKEN);
    env.put("WHATSAPP_PHONE_NUMBER_ID", PHONE_NUMBER_ID);
    env.put("WHATSAPP_API_BASE_URL", whatsapp.baseUrl());
    env.put("SENDER_MESSAGES_PER_SECOND", Integer.toString(arena.messagesPerSecond()));
    env.put("SENDER_RECIPIENT_INTERVAL", "PT0S");
    env.put("SCHEDULER_TELEGRAM_RELEASE_RATE", Integer.toString(arena.messagesPerSecond()));
    env.putAll(overrides);
    DeliveryTopicReleases releases =
        new DeliveryTopicReleases(
            arena.bootstrapServers(), topics.delivery(Platform.TELEGRAM).name(), arena.releases());
    SchedulerIngest ingest =
        new SchedulerIngest(
            arena.bootstrapServers(),
            SchedulerConfig.defaultApplicationId(topics.namespace()),
            topics.cdc().name());
    Pipeline pipeline;
    try {
      pipeline =
          Pipeline.start(
              new PipelineConfig(
                  env,
                  new DatabaseLogin(DevCredentials.INGESTOR_USER, DevCredentials.INGESTOR_PASSWORD),
                  new DatabaseLogin(DevCredentials.SENDER_USER, DevCredentials.SENDER_PASSWORD)),
              new SimpleMeterRegistry());
      pipeline.awaitRunning();
    } catch (RuntimeException e) {
      closeQuietly(releases);
      ingest.close();
      whatsapp.close();
      throw e;
    }
    return new Running(pipeline, whatsapp, releases, ingest);
  }

  private static void closeQuietly(AutoCloseable c) {
    try {
      c.close();
    } catch (Exception e) {
      // already failing
    }
  }

  /** The running pipeline with its bench-side observers. */
  private record Running(
      Pipeline pipeline,
      FakeWhatsAppServer whatsapp,
      DeliveryTopicReleases releases,
      SchedulerIngest ingest)
      implements AutoCloseable, IngestProgress {
    @Override
    public long ingested() {
      return ingest.ingested();
    }

    @Override
    public void close() throws Exception {
      try {
        pipeline.close();
        whatsapp.close();
      } finally {
        ingest.close();
        releases.close();
      }
    }
  }
}
