package org.schedmsg.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Files;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.TopicAuthorizationException;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.schedmsg.cdc.CdcIngestorService;
import org.schedmsg.cdc.config.CdcIngestorConfig;
import org.schedmsg.contracts.Platform;
import org.schedmsg.contracts.Topics;
import org.schedmsg.contracts.config.Env;
import org.schedmsg.contracts.config.KafkaClientSettings;
import org.schedmsg.contracts.config.SettingKeys;
import org.schedmsg.infra.kafka.LocalKafka;
import org.schedmsg.infra.kafka.ServiceAcls;
import org.schedmsg.infra.sandbox.FakeTelegramServer;
import org.schedmsg.infra.sandbox.FakeWhatsAppServer;
import org.schedmsg.infra.testing.TestDatabase;
import org.schedmsg.infra.testing.TestInfrastructure;
import org.schedmsg.infra.testing.TlsPostgres;
import org.schedmsg.scheduler.SchedulerService;
import org.schedmsg.scheduler.config.SchedulerConfig;
import org.schedmsg.sender.core.SenderService;
import org.schedmsg.sender.telegram.client.TelegramClient;
import org.schedmsg.sender.telegram.config.TelegramSenderConfig;
import org.schedmsg.sender.whatsapp.client.WhatsAppClient;
import org.schedmsg.sender.whatsapp.config.WhatsAppSenderConfig;

/**
 * The four services as a hospital's platform team runs them: a broker that requires SASL_SSL (SCRAM
 * over TLS with a certificate made for the test) and enforces ACLs, each service its own principal
 * with only the ACLs of the infra README; a PostgreSQL that accepts only TLS, each service logging
 * in as its role with {@code verify-full} and its client certificate. A message per platform is
 * delivered; a client without credentials is refused; the sender's principal cannot write the CDC
 * topic.
 */
class SecurePipelineIT {
  private static final String TELEGRAM_TOKEN = "123456:tg-secure-" + UUID.randomUUID();
  private static final String WHATSAPP_TOKEN = "EAAG-wa-secure-" + UUID.randomUUID();
  private static final String PHONE_NUMBER_ID = "106540352242922";

  private static LocalKafka kafka;
  private static Topics topics;
  private static FakeTelegramServer telegram;
  private static FakeWhatsAppServer whatsapp;
  private static MessageTable table;
  private static KafkaClientSettings telegramSenderClient;
  private static SchedulerService schedulerService;
  private static final List<AutoCloseable> running = new ArrayList<>();

  @BeforeAll
  static void start() throws Exception {
    kafka = TestInfrastructure.secureKafka();
    topics = TestInfrastructure.newTopics(kafka);
    TlsPostgres postgres = TestInfrastructure.tlsPostgres();
    TestDatabase db = postgres.newDatabase();
    telegram = FakeTelegramServer.start(0, TELEGRAM_TOKEN);
    whatsapp = FakeWhatsAppServer.start(0, WHATSAPP_TOKEN, PHONE_NUMBER_ID);

    Map<String, String> common = new HashMap<>();
    common.put(SettingKeys.KAFKA_BOOTSTRAP_SERVERS, kafka.bootstrapServers());
    common.put(SettingKeys.TOPIC_NAMESPACE, topics.namespace());
    common.put(SettingKeys.DATABASE_URL, db.jdbcUrl());

    String appId = TestInfrastructure.uniqueName("scheduler");
    String telegramGroup = topics.senderGroupId(Platform.TELEGRAM);
    String whatsappGroup = topics.senderGroupId(Platform.WHATSAPP);

    Map<String, String> scheduler = new HashMap<>(common);
    scheduler.putAll(
        principal(
                "scheduler",
                p -> ServiceAcls.scheduler(p, topics, appId, List.of(telegramGroup, whatsappGroup)))
            .asEnvironment());
    scheduler.put("SCHEDULER_APPLICATION_ID", appId);
    scheduler.put("SCHEDULER_STATE_DIR", Files.createTempDirectory("scheduler-state").toString());
    schedulerService =
        SchedulerService.start(
            SchedulerConfig.fromEnv(new Env(scheduler)), new SimpleMeterRegistry());
    running.add(0, schedulerService);

    telegramSenderClient =
        principal(
            "sender_telegram",
            p ->
                ServiceAcls.sender(
                    p,
                    topics,
                    Platform.TELEGRAM,
                    telegramGroup,
                    rejectionsGroup(Platform.TELEGRAM)));
    Map<String, String> tg = senderEnv(common, postgres, db, telegramSenderClient);
    tg.put("TELEGRAM_BOT_TOKEN", TELEGRAM_TOKEN);
    tg.put("TELEGRAM_API_BASE_URL", telegram.baseUrl());
    TelegramSenderConfig telegramConfig = TelegramSenderConfig.fromEnv(new Env(tg));
    running.add(
        0,
        SenderService.start(
            telegramConfig.core(),
            TelegramClient.create(telegramConfig),
            Clock.systemUTC(),
            new SimpleMeterRegistry()));

    KafkaClientSettings whatsappClient =
        principal(
            "sender_whatsapp",
            p ->
                ServiceAcls.sender(
                    p,
                    topics,
                    Platform.WHATSAPP,
                    whatsappGroup,
                    rejectionsGroup(Platform.WHATSAPP)));
    Map<String, String> wa = senderEnv(common, postgres, db, whatsappClient);
    wa.put("WHATSAPP_ACCESS_TOKEN", WHATSAPP_TOKEN);
    wa.put("WHATSAPP_PHONE_NUMBER_ID", PHONE_NUMBER_ID);
    wa.put("WHATSAPP_API_BASE_URL", whatsapp.baseUrl());
    WhatsAppSenderConfig whatsappConfig = WhatsAppSenderConfig.fromEnv(new Env(wa));
    running.add(
        0,
        SenderService.start(
            whatsappConfig.core(),
            WhatsAppClient.create(whatsappConfig),
            Clock.systemUTC(),
            new SimpleMeterRegistry()));

    Map<String, String> ingestor = new HashMap<>(common);
    ingestor.putAll(
        principal("cdc_ingestor", p -> ServiceAcls.cdcIngestor(p, topics)).asEnvironment());
    ingestor.putAll(postgres.settings(db.ingestorUser()));
    ingestor.put(SettingKeys.DATABASE_USER, db.ingestorUser());
    ingestor.put(SettingKeys.DATABASE_PASSWORD, db.ingestorPassword());
    ingestor.put("CDC_SLOT_NAME", TestInfrastructure.uniqueName("slot"));
    CdcIngestorService cdc =
        CdcIngestorService.start(
            CdcIngestorConfig.fromEnv(new Env(ingestor)), new SimpleMeterRegistry());
    running.add(0, cdc);
    cdc.awaitStreaming(Duration.ofMinutes(2));
    await().atMost(Duration.ofMinutes(2)).until(schedulerService::isRunning);
    table = new MessageTable(db.dataSource());
  }

  private static String rejectionsGroup(Platform platform) {
    return topics.namespace() + "-rejections-" + platform.id();
  }

  /** A new principal with the ACLs {@code acls} gives it; returns its client settings. */
  private static KafkaClientSettings principal(
      String role,
      java.util.function.Function<String, List<org.apache.kafka.common.acl.AclBinding>> acls) {
    String name = TestInfrastructure.uniqueName(role);
    KafkaClientSettings settings = kafka.createUser(name);
    kafka.grant(acls.apply(name));
    return settings;
  }

  private static Map<String, String> senderEnv(
      Map<String, String> common, TlsPostgres postgres, TestDatabase db, KafkaClientSettings kc) {
    Map<String, String> env = new HashMap<>(common);
    env.putAll(kc.asEnvironment());
    env.putAll(postgres.settings(db.senderUser()));
    env.put(SettingKeys.DATABASE_USER, db.senderUser());
    env.put(SettingKeys.DATABASE_PASSWORD, db.senderPassword());
    return env;
  }

  @AfterAll
  static void stop() {
    for (AutoCloseable service : running) {
      try {
        service.close();
      } catch (Exception e) {
        // keep closing the rest
      }
    }
    if (telegram != null) {
      telegram.close();
    }
    if (whatsapp != null) {
      whatsapp.close();
    }
  }

  @Test
  void shouldDeliverOnEachPlatformWhenEveryServiceUsesItsOwnPrincipalAndTls() throws Exception {
    String chat = "777" + (System.nanoTime() % 100_000);
    String number = "4915" + (10_000_000 + System.nanoTime() % 9_000_000);
    UUID tg = table.insert("telegram", chat, "Your appointment is at 09:30", Instant.now(), 3);
    UUID wa = table.insert("whatsapp", number, "Take your evening medication", Instant.now(), 3);

    await()
        .atMost(Duration.ofSeconds(60))
        .until(() -> "sent".equals(table.status(tg)) && "sent".equals(table.status(wa)));
    assertThat(telegram.requests().stream().filter(r -> chat.equals(r.field("chat_id"))).count())
        .isOne();
    assertThat(whatsapp.requests().stream().filter(r -> number.equals(r.field("to"))).count())
        .isOne();
  }

  @Test
  void shouldRefuseClientWithoutCredentials() {
    Properties props = new Properties();
    props.putAll(kafka.settingsWithoutCredentials().asMap());
    props.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
    props.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 10_000);
    props.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 5_000);
    try (Admin admin = Admin.create(props)) {
      assertThatThrownBy(() -> admin.listTopics().names().get(20, TimeUnit.SECONDS))
          .isInstanceOf(ExecutionException.class);
    }
  }

  @Test
  void shouldRefuseSenderPrincipalWritingTheCdcTopic() {
    Properties props = new Properties();
    props.putAll(telegramSenderClient.asMap());
    props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
    props.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, 10_000);
    // not idempotent: an idempotent producer without WRITE anywhere fails on the cluster first
    props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, false);
    props.put(ProducerConfig.ACKS_CONFIG, "1");
    try (KafkaProducer<String, String> producer =
        new KafkaProducer<>(props, new StringSerializer(), new StringSerializer())) {
      assertThatThrownBy(
              () ->
                  producer
                      .send(new ProducerRecord<>(topics.cdc().name(), "forged", "{}"))
                      .get(20, TimeUnit.SECONDS))
          .hasRootCauseInstanceOf(TopicAuthorizationException.class);
    }
  }
}
