package org.schedmsg.infra.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.SaslAuthenticationException;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.errors.TopicAuthorizationException;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.schedmsg.contracts.Platform;
import org.schedmsg.contracts.Topics;
import org.schedmsg.contracts.config.KafkaClientSettings;
import org.schedmsg.infra.testing.TestInfrastructure;

/**
 * The SASL_SSL broker with ACLs: the service principals of {@link ServiceAcls} do their work and
 * nothing else, and a client without valid credentials gets nothing.
 */
class SecureLocalKafkaIT {
  private static final Duration TIMEOUT = Duration.ofSeconds(30);

  private final LocalKafka kafka = TestInfrastructure.secureKafka();
  private Topics topics;

  @BeforeEach
  void setUp() {
    topics = TestInfrastructure.newTopics(kafka);
  }

  @Test
  void shouldProduceAndConsumeWhenEachPrincipalHasItsServiceAcls() throws Exception {
    String ingestor = TestInfrastructure.uniqueName("ingestor");
    String scheduler = TestInfrastructure.uniqueName("scheduler");
    String applicationId = TestInfrastructure.uniqueName("app");
    KafkaClientSettings ingestorClient = kafka.createUser(ingestor);
    KafkaClientSettings schedulerClient = kafka.createUser(scheduler);
    kafka.grant(ServiceAcls.cdcIngestor(ingestor, topics));
    kafka.grant(ServiceAcls.scheduler(scheduler, topics, applicationId, List.of()));

    try (KafkaProducer<String, String> producer = producer(ingestorClient)) {
      producer
          .send(new ProducerRecord<>(topics.cdc().name(), "id-1", "change"))
          .get(30, TimeUnit.SECONDS);
    }
    List<ConsumerRecord<String, String>> read = new ArrayList<>();
    try (KafkaConsumer<String, String> consumer = consumer(schedulerClient, applicationId)) {
      consumer.subscribe(List.of(topics.cdc().name()));
      await()
          .atMost(TIMEOUT)
          .pollInSameThread()
          .until(
              () -> {
                consumer.poll(Duration.ofMillis(200)).forEach(read::add);
                return !read.isEmpty();
              });
      consumer.commitSync();
    }

    assertThat(read).singleElement().satisfies(r -> assertThat(r.key()).isEqualTo("id-1"));
  }

  /**
   * A wrong password fails authentication; a client that speaks TLS without SASL, or PLAINTEXT, is
   * disconnected during the handshake and never gets an answer (its call times out).
   */
  @Test
  void shouldRefuseClientWhenItHasWrongOrNoCredentials() {
    KafkaClientSettings wrongPassword = kafka.clientSettings(BrokerSecurity.ADMIN_USER, "not-it");

    assertThatThrownBy(() -> listTopics(wrongPassword))
        .isInstanceOf(ExecutionException.class)
        .hasCauseInstanceOf(SaslAuthenticationException.class);
    assertThatThrownBy(() -> listTopics(kafka.settingsWithoutCredentials()))
        .isInstanceOf(ExecutionException.class)
        .hasCauseInstanceOf(TimeoutException.class);
    assertThatThrownBy(() -> listTopics(KafkaClientSettings.none()))
        .isInstanceOf(ExecutionException.class)
        .hasCauseInstanceOf(TimeoutException.class);
  }

  @Test
  void shouldRefuseWriteToCdcTopicWhenSenderPrincipalTriesIt() throws Exception {
    String sender = TestInfrastructure.uniqueName("sender");
    KafkaClientSettings senderClient = kafka.createUser(sender);
    kafka.grant(
        ServiceAcls.sender(
            sender,
            topics,
            Platform.WHATSAPP,
            topics.senderGroupId(Platform.WHATSAPP),
            TestInfrastructure.uniqueName("rejections")));

    try (KafkaProducer<String, String> producer = producer(senderClient)) {
      producer
          .send(new ProducerRecord<>(topics.receipts().name(), "id-1", "delivered"))
          .get(30, TimeUnit.SECONDS);

      assertThatThrownBy(
              () ->
                  producer
                      .send(new ProducerRecord<>(topics.cdc().name(), "id-2", "forged change"))
                      .get(30, TimeUnit.SECONDS))
          .isInstanceOf(ExecutionException.class)
          .hasCauseInstanceOf(TopicAuthorizationException.class);
    }
  }

  private void listTopics(KafkaClientSettings client) throws Exception {
    Map<String, Object> own =
        Map.of(
            AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers(),
            AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 3_000,
            AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 1_000);
    try (Admin admin = Admin.create(client.clientProperties("test admin", own))) {
      admin.listTopics().names().get(10, TimeUnit.SECONDS);
    }
  }

  private KafkaProducer<String, String> producer(KafkaClientSettings client) {
    Map<String, Object> own =
        Map.of(
            ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
            kafka.bootstrapServers(),
            ProducerConfig.ACKS_CONFIG,
            "all",
            ProducerConfig.MAX_BLOCK_MS_CONFIG,
            10_000);
    return new KafkaProducer<>(
        client.clientProperties("test producer", own),
        new StringSerializer(),
        new StringSerializer());
  }

  private KafkaConsumer<String, String> consumer(KafkaClientSettings client, String group) {
    Map<String, Object> own =
        Map.of(
            ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
            kafka.bootstrapServers(),
            ConsumerConfig.GROUP_ID_CONFIG,
            group,
            ConsumerConfig.AUTO_OFFSET_RESET_CONFIG,
            "earliest",
            ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG,
            false);
    return new KafkaConsumer<>(
        client.clientProperties("test consumer", own),
        new StringDeserializer(),
        new StringDeserializer());
  }
}
