package org.schedmsg.contracts.config;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Kafka client properties every client of a service starts from: security ({@code
 * security.protocol}, SASL, TLS trust and key stores), timeouts, config providers, anything Kafka's
 * clients accept. The service then sets what it owns (bootstrap servers, serdes, group ids,
 * idempotence, isolation level...) on top.
 *
 * <p>Read from the environment by {@link #fromEnv(Env)}:
 *
 * <ol>
 *   <li>{@value #CONFIG_FILE}: a client properties file in the format of Kafka's own {@code
 *       --command-config} files, so {@code config.providers} and {@code ${file:...}} work as there;
 *   <li>then, overriding it, one variable per property: {@value #ENV_PREFIX}{@code <PROPERTY>}, the
 *       property upper-cased with {@code .} as {@code _} ({@code
 *       KAFKA_CLIENT_SECURITY_PROTOCOL=SASL_SSL} sets {@code security.protocol}). Each is a secret
 *       in the sense of {@link Env#secret}: {@code KAFKA_CLIENT_SASL_JAAS_CONFIG_FILE} names a file
 *       holding {@code sasl.jaas.config} (a variable whose property really ends in {@code .file},
 *       such as {@code sasl.oauthbearer.assertion.file}, stays that property).
 * </ol>
 *
 * <p>Keys whose value carries one of the pipeline's guarantees ({@link #REFUSED_KEYS}, also behind
 * a client prefix such as {@code producer.}) are refused when the settings are read, so a service
 * does not start with them. Any other key a service sets itself on one of its clients keeps the
 * service's value; {@link #clientProperties} logs a warning naming it. Values are never logged or
 * printed: {@link #toString()} shows the keys, and the values only of {@link #PRINTED_KEYS}.
 */
public final class KafkaClientSettings {
  /** Names a client properties file, as Kafka's tools take with {@code --command-config}. */
  public static final String CONFIG_FILE = "KAFKA_CLIENT_CONFIG_FILE";

  /** The prefix of the per-property variables. */
  public static final String ENV_PREFIX = "KAFKA_CLIENT_";

  /** The keys a service's config lists for these settings (the per-property ones are a pattern). */
  public static final List<String> KEYS = List.of(CONFIG_FILE);

  private static final String SERDES = "each topic has its own serdes (the Topics catalog)";

  /** Keys the services own because a guarantee rests on their value, with the reason. */
  public static final SortedMap<String, String> REFUSED_KEYS =
      Collections.unmodifiableSortedMap(
          new TreeMap<>(
              Map.ofEntries(
                  Map.entry(
                      "bootstrap.servers",
                      "set " + SettingKeys.KAFKA_BOOTSTRAP_SERVERS + " instead"),
                  Map.entry("group.id", "each service names its own consumer groups"),
                  Map.entry(
                      "group.instance.id", "one static member id on every client would fence them"),
                  Map.entry("transactional.id", "Kafka Streams derives it (exactly-once)"),
                  Map.entry("application.id", "the scheduler takes SCHEDULER_APPLICATION_ID"),
                  Map.entry("processing.guarantee", "the scheduler runs exactly_once_v2"),
                  Map.entry("enable.idempotence", "producers are idempotent: no duplicate writes"),
                  Map.entry("acks", "producers wait for all in-sync replicas: no lost writes"),
                  Map.entry("isolation.level", "consumers read committed records only"),
                  Map.entry(
                      "enable.auto.commit", "offsets are committed after the outcome is durable"),
                  Map.entry(
                      "auto.offset.reset", "a new consumer group starts at the earliest record"),
                  Map.entry("key.serializer", SERDES),
                  Map.entry("value.serializer", SERDES),
                  Map.entry("key.deserializer", SERDES),
                  Map.entry("value.deserializer", SERDES),
                  Map.entry("default.key.serde", SERDES),
                  Map.entry("default.value.serde", SERDES))));

  /** The only keys whose values {@link #toString()} shows; every other value is hidden. */
  public static final Set<String> PRINTED_KEYS = Set.of("security.protocol", "sasl.mechanism");

  private static final Logger log = LoggerFactory.getLogger(KafkaClientSettings.class);
  private static final KafkaClientSettings NONE = new KafkaClientSettings(Map.of(), Map.of());

  private final SortedMap<String, String> properties;

  /** Where each key came from (a file or a variable), for error messages and warnings. */
  private final Map<String, String> sources;

  private KafkaClientSettings(Map<String, String> properties, Map<String, String> sources) {
    this.properties = Collections.unmodifiableSortedMap(new TreeMap<>(properties));
    this.sources = Map.copyOf(sources);
    this.properties.keySet().forEach(key -> refuseOwnedKey(key, this.sources.get(key)));
  }

  /** No shared settings: Kafka's defaults (PLAINTEXT, no authentication), as the local stack. */
  public static KafkaClientSettings none() {
    return NONE;
  }

  /** {@code properties} as the shared settings (tests, the local broker's principals). */
  public static KafkaClientSettings of(Map<String, String> properties) {
    Map<String, String> sources = new TreeMap<>();
    properties.keySet().forEach(key -> sources.put(key, "the given settings"));
    return new KafkaClientSettings(properties, sources);
  }

  /**
   * Reads {@value #CONFIG_FILE} and the {@value #ENV_PREFIX}{@code *} variables.
   *
   * @throws IllegalArgumentException naming the variable, file or key (never a value) when the file
   *     cannot be read or a key is one of {@link #REFUSED_KEYS}
   */
  public static KafkaClientSettings fromEnv(Env env) {
    Map<String, String> properties = new TreeMap<>();
    Map<String, String> sources = new TreeMap<>();
    env.optional(CONFIG_FILE)
        .ifPresent(
            file ->
                load(Path.of(file))
                    .forEach(
                        (key, value) -> {
                          properties.put(key, value);
                          sources.put(key, CONFIG_FILE + " (" + file + ")");
                        }));
    for (String variable : variables(env)) {
      Optional<String> value = env.secret(variable);
      if (value.isPresent()) {
        String key = property(variable);
        properties.put(key, value.get());
        sources.put(key, variable);
      }
    }
    return new KafkaClientSettings(properties, sources);
  }

  /** The per-property variables set, each without its {@value Env#FILE_SUFFIX} when it has one. */
  private static Set<String> variables(Env env) {
    Set<String> variables = new HashSet<>();
    for (String key : env.keysStartingWith(ENV_PREFIX)) {
      if (key.equals(CONFIG_FILE)) {
        continue;
      }
      boolean fileForm = key.endsWith(Env.FILE_SUFFIX) && !isClientProperty(property(key));
      variables.add(fileForm ? key.substring(0, key.length() - Env.FILE_SUFFIX.length()) : key);
    }
    return variables;
  }

  /** {@code KAFKA_CLIENT_SSL_TRUSTSTORE_LOCATION} -> {@code ssl.truststore.location}. */
  static String property(String variable) {
    return variable.substring(ENV_PREFIX.length()).toLowerCase(Locale.ROOT).replace('_', '.');
  }

  /** {@code ssl.truststore.location} -> {@code KAFKA_CLIENT_SSL_TRUSTSTORE_LOCATION}. */
  static String variable(String property) {
    return ENV_PREFIX + property.toUpperCase(Locale.ROOT).replace('.', '_');
  }

  private static boolean isClientProperty(String key) {
    return ProducerConfig.configNames().contains(key)
        || ConsumerConfig.configNames().contains(key)
        || AdminClientConfig.configNames().contains(key);
  }

  private static Map<String, String> load(Path file) {
    Properties loaded = new Properties();
    try (InputStream in = Files.newInputStream(file)) {
      loaded.load(in);
    } catch (IOException | IllegalArgumentException e) {
      throw new IllegalArgumentException(
          CONFIG_FILE
              + " names a file that cannot be read as client properties: "
              + file
              + " ("
              + e.getClass().getSimpleName()
              + ")");
    }
    Map<String, String> properties = new TreeMap<>();
    loaded.stringPropertyNames().forEach(key -> properties.put(key, loaded.getProperty(key)));
    return properties;
  }

  private static void refuseOwnedKey(String key, String source) {
    for (Map.Entry<String, String> owned : REFUSED_KEYS.entrySet()) {
      if (key.equals(owned.getKey()) || key.endsWith("." + owned.getKey())) {
        throw new IllegalArgumentException(
            source
                + " sets "
                + key
                + ", which the services set themselves ("
                + owned.getValue()
                + "); remove it");
      }
    }
  }

  /** The keys set, sorted. */
  public Set<String> keys() {
    return properties.keySet();
  }

  public boolean isEmpty() {
    return properties.isEmpty();
  }

  /** The settings as a map (for a client built from a map; holds secrets, never log it). */
  public Map<String, String> asMap() {
    return properties;
  }

  /**
   * The settings as the {@value #ENV_PREFIX}{@code *} variables {@link #fromEnv} reads back (to
   * configure a service in a test; holds secrets, never log it).
   */
  public Map<String, String> asEnvironment() {
    Map<String, String> variables = new TreeMap<>();
    properties.forEach((key, value) -> variables.put(variable(key), value));
    return variables;
  }

  /**
   * The properties of one client: these settings, then {@code own} on top. A key in both keeps the
   * service's value and is logged (by name) as a warning.
   *
   * @param client names the client in the warning, e.g. {@code "cdc-ingestor producer"}
   */
  public Properties clientProperties(String client, Map<?, ?> own) {
    Objects.requireNonNull(client, "client");
    Properties merged = new Properties();
    merged.putAll(properties);
    for (Map.Entry<?, ?> entry : own.entrySet()) {
      if (properties.containsKey(String.valueOf(entry.getKey()))) {
        log.warn(
            "{}: {} from {} is ignored; the service sets it itself",
            client,
            entry.getKey(),
            sources.get(String.valueOf(entry.getKey())));
      }
      merged.put(entry.getKey(), entry.getValue());
    }
    return merged;
  }

  @Override
  public boolean equals(Object other) {
    return other instanceof KafkaClientSettings that && properties.equals(that.properties);
  }

  @Override
  public int hashCode() {
    return properties.hashCode();
  }

  /** The keys, with the values of {@link #PRINTED_KEYS} only; never a secret. */
  @Override
  public String toString() {
    StringBuilder text = new StringBuilder("KafkaClientSettings{");
    String separator = "";
    for (String key : properties.keySet()) {
      text.append(separator)
          .append(key)
          .append('=')
          .append(PRINTED_KEYS.contains(key) ? properties.get(key) : "<hidden>");
      separator = ", ";
    }
    return text.append('}').toString();
  }
}
