package org.schedmsg.contracts.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.common.config.SaslConfigs;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class KafkaClientSettingsTest {
  private static final String JAAS =
      "org.apache.kafka.common.security.scram.ScramLoginModule required"
          + " username=\"sender\" password=\"s3cret-pw\";";

  @TempDir Path dir;

  @Test
  void shouldLetVariablesOverrideFileWhenBothSetAProperty() throws IOException {
    Path file =
        write(
            "client.properties",
            "security.protocol=SASL_PLAINTEXT\nsasl.mechanism=PLAIN\n"
                + "ssl.truststore.location=/etc/kafka/truststore.p12\n");
    Map<String, String> env =
        Map.of(
            "KAFKA_CLIENT_CONFIG_FILE", file.toString(),
            "KAFKA_CLIENT_SECURITY_PROTOCOL", "SASL_SSL",
            "KAFKA_CLIENT_SASL_MECHANISM", "SCRAM-SHA-512",
            "KAFKA_BOOTSTRAP_SERVERS", "kafka:9093");

    KafkaClientSettings settings = KafkaClientSettings.fromEnv(new Env(env));

    assertThat(settings.asMap())
        .containsExactlyInAnyOrderEntriesOf(
            Map.of(
                "security.protocol", "SASL_SSL",
                "sasl.mechanism", "SCRAM-SHA-512",
                "ssl.truststore.location", "/etc/kafka/truststore.p12"));
  }

  @Test
  void shouldReadSecretFromFileWhenVariableHasFileSuffix() throws IOException {
    Path jaas = write("jaas", JAAS + "\n");
    Map<String, String> env = Map.of("KAFKA_CLIENT_SASL_JAAS_CONFIG_FILE", jaas.toString());

    KafkaClientSettings settings = KafkaClientSettings.fromEnv(new Env(env));

    assertThat(settings.asMap()).containsExactlyEntriesOf(Map.of("sasl.jaas.config", JAAS));
  }

  @Test
  void shouldKeepPropertyEndingInFileWhenKafkaDefinesIt() {
    Map<String, String> env =
        Map.of("KAFKA_CLIENT_SASL_OAUTHBEARER_ASSERTION_FILE", "/var/run/assertion.jwt");

    KafkaClientSettings settings = KafkaClientSettings.fromEnv(new Env(env));

    assertThat(settings.asMap())
        .containsExactlyEntriesOf(
            Map.of(SaslConfigs.SASL_OAUTHBEARER_ASSERTION_FILE, "/var/run/assertion.jwt"));
  }

  @Test
  void shouldRefuseWhenSecretGivenAsVariableAndAsFile() throws IOException {
    Path jaas = write("jaas", JAAS);
    Map<String, String> env =
        Map.of(
            "KAFKA_CLIENT_SASL_JAAS_CONFIG",
            JAAS,
            "KAFKA_CLIENT_SASL_JAAS_CONFIG_FILE",
            jaas.toString());

    assertThatThrownBy(() -> KafkaClientSettings.fromEnv(new Env(env)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("KAFKA_CLIENT_SASL_JAAS_CONFIG_FILE")
        .hasMessageNotContaining("s3cret-pw");
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "enable.idempotence",
        "acks",
        "producer.acks",
        "isolation.level",
        "main.consumer.isolation.level",
        "enable.auto.commit",
        "auto.offset.reset",
        "group.id",
        "transactional.id",
        "processing.guarantee",
        "key.serializer",
        "value.deserializer",
        "bootstrap.servers"
      })
  void shouldRefuseKeyWhenItCarriesAGuaranteeOfTheServices(String key) throws IOException {
    Path file = write("client.properties", key + "=secret-looking-value\n");
    Map<String, String> fromFile = Map.of("KAFKA_CLIENT_CONFIG_FILE", file.toString());
    String variable = "KAFKA_CLIENT_" + key.toUpperCase().replace('.', '_');

    assertThatThrownBy(() -> KafkaClientSettings.fromEnv(new Env(fromFile)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining(key)
        .hasMessageContaining("KAFKA_CLIENT_CONFIG_FILE")
        .hasMessageNotContaining("secret-looking-value");
    assertThatThrownBy(
            () -> KafkaClientSettings.fromEnv(new Env(Map.of(variable, "secret-looking-value"))))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining(variable)
        .hasMessageNotContaining("secret-looking-value");
  }

  @Test
  void shouldNameFileButNoContentWhenConfigFileIsMissing() {
    Path missing = dir.resolve("absent.properties");
    Map<String, String> env = Map.of("KAFKA_CLIENT_CONFIG_FILE", missing.toString());

    assertThatThrownBy(() -> KafkaClientSettings.fromEnv(new Env(env)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("KAFKA_CLIENT_CONFIG_FILE")
        .hasMessageContaining(missing.toString());
  }

  @Test
  void shouldPrintKeysButNoSecretValuesWhenPrinted() {
    KafkaClientSettings settings =
        KafkaClientSettings.of(
            Map.of(
                "security.protocol", "SASL_SSL",
                "sasl.mechanism", "SCRAM-SHA-512",
                "sasl.jaas.config", JAAS,
                "ssl.truststore.password", "trust-pw"));

    assertThat(settings.toString())
        .contains("security.protocol=SASL_SSL", "sasl.mechanism=SCRAM-SHA-512")
        .contains("sasl.jaas.config=<hidden>", "ssl.truststore.password=<hidden>")
        .doesNotContain("s3cret-pw")
        .doesNotContain("trust-pw");
  }

  @Test
  void shouldKeepServiceValueWhenClientPropertiesOverlapSharedSettings() {
    KafkaClientSettings settings =
        KafkaClientSettings.of(Map.of("security.protocol", "SASL_SSL", "linger.ms", "50"));
    Map<String, Object> own = new HashMap<>();
    own.put("bootstrap.servers", "kafka:9093");
    own.put("linger.ms", 5);

    Properties props = settings.clientProperties("test producer", own);

    assertThat(props)
        .containsEntry("security.protocol", "SASL_SSL")
        .containsEntry("bootstrap.servers", "kafka:9093")
        .containsEntry("linger.ms", 5);
  }

  @Test
  void shouldLeaveConfigProviderReferencesForKafkaToResolveWhenFileUsesThem() throws IOException {
    Path secrets = write("secrets.properties", "jaas=" + JAAS.replace("\"", "\\\"") + "\n");
    Path file =
        write(
            "client.properties",
            "config.providers=file\n"
                + "config.providers.file.class="
                + "org.apache.kafka.common.config.provider.FileConfigProvider\n"
                + "security.protocol=SASL_SSL\n"
                + "sasl.jaas.config=${file:"
                + secrets
                + ":jaas}\n");

    KafkaClientSettings settings =
        KafkaClientSettings.fromEnv(new Env(Map.of("KAFKA_CLIENT_CONFIG_FILE", file.toString())));
    Properties props =
        settings.clientProperties("test admin", Map.of("bootstrap.servers", "kafka:9093"));
    AdminClientConfig resolved = new AdminClientConfig(props);

    assertThat(settings.asMap()).containsEntry("sasl.jaas.config", "${file:" + secrets + ":jaas}");
    assertThat(resolved.getPassword(SaslConfigs.SASL_JAAS_CONFIG).value()).isEqualTo(JAAS);
  }

  @Test
  void shouldReadBackSameSettingsWhenGivenAsEnvironment() {
    KafkaClientSettings settings =
        KafkaClientSettings.of(
            Map.of(
                "security.protocol", "SASL_SSL",
                "sasl.jaas.config", JAAS,
                "ssl.truststore.location", "/etc/kafka/ca.pem"));

    assertThat(settings.asEnvironment())
        .containsEntry("KAFKA_CLIENT_SECURITY_PROTOCOL", "SASL_SSL")
        .containsEntry("KAFKA_CLIENT_SSL_TRUSTSTORE_LOCATION", "/etc/kafka/ca.pem");
    assertThat(KafkaClientSettings.fromEnv(new Env(settings.asEnvironment()))).isEqualTo(settings);
  }

  @Test
  void shouldMapVariableToPropertyWhenUpperCaseWithUnderscores() {
    assertThat(KafkaClientSettings.property("KAFKA_CLIENT_SSL_TRUSTSTORE_LOCATION"))
        .isEqualTo("ssl.truststore.location");
    assertThat(KafkaClientSettings.fromEnv(new Env(Map.of())).isEmpty()).isTrue();
  }

  private Path write(String name, String content) throws IOException {
    return Files.writeString(dir.resolve(name), content);
  }
}
