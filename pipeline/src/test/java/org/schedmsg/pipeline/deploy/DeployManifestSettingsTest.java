package org.schedmsg.pipeline.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.schedmsg.contracts.Platform;
import org.schedmsg.contracts.Topics;
import org.schedmsg.contracts.config.DatabaseTls;
import org.schedmsg.contracts.config.Env;
import org.schedmsg.contracts.config.KafkaClientSettings;
import org.schedmsg.contracts.config.SettingKeys;
import org.schedmsg.pipeline.deploy.DeployManifests.ComposeService;
import org.schedmsg.pipeline.deploy.DeployManifests.Container;
import org.schedmsg.pipeline.deploy.DeployManifests.Document;
import org.schedmsg.pipeline.deploy.Services.Service;
import org.schedmsg.scheduler.config.SchedulerConfig;
import org.schedmsg.sender.telegram.config.TelegramSenderConfig;
import org.schedmsg.sender.whatsapp.config.WhatsAppSenderConfig;

/**
 * Every environment variable the manifests under {@code deploy/} set for one of our images is a
 * setting that image's code reads (from the config classes' key lists; {@code <KEY>_FILE} only for
 * a key the code reads as a secret, {@code KAFKA_CLIENT_<PROPERTY>} only for a real, not refused
 * client property; {@code JAVA_OPTS}), the values are accepted by the services' own config parsers,
 * and every file a setting names is provided by a mounted volume.
 */
class DeployManifestSettingsTest {
  @TempDir Path temp;

  @Test
  void shouldSetOnlyKeysTheContainersOwnServiceReadsInKubernetes() {
    DeployManifests manifests = DeployManifests.load();
    List<String> problems = new ArrayList<>();
    int checked = 0;
    for (Container container : manifests.containers()) {
      Optional<Service> service = ourService(container.image(), container.where(), problems);
      if (service.isEmpty()) {
        continue;
      }
      for (String key : manifests.environment(container).keySet()) {
        unreadKey(service.get(), key).ifPresent(p -> problems.add(container.where() + ": " + p));
        checked++;
      }
    }
    assertThat(checked).as("environment variables found in deploy/k8s").isGreaterThan(20);
    assertThat(problems).as("settings no code of the container's service reads").isEmpty();
  }

  @Test
  void shouldSetOnlyKeysTheServiceReadsInCompose() {
    List<String> problems = new ArrayList<>();
    int checked = 0;
    for (ComposeService compose : DeployManifests.composeServices()) {
      String where = "compose.yaml service " + compose.name();
      Optional<Service> service = ourService(compose.image(), where, problems);
      if (service.isEmpty()) {
        continue;
      }
      for (String key : DeployManifests.environment(compose).keySet()) {
        unreadKey(service.get(), key).ifPresent(p -> problems.add(where + ": " + p));
        checked++;
      }
    }
    assertThat(checked).as("environment variables found in compose.yaml").isGreaterThan(20);
    assertThat(problems).as("settings no code of the compose service's image reads").isEmpty();
  }

  @Test
  void shouldBeAcceptedByEachServicesOwnConfigWhenSecretsAreFilledIn() {
    DeployManifests manifests = DeployManifests.load();
    ManifestEnv envs = new ManifestEnv(temp);
    Map<String, Map<String, String>> environments = new LinkedHashMap<>();
    for (Container container : manifests.containers()) {
      Services.ofImage(container.image())
          .filter(s -> s.parse().isPresent())
          .ifPresent(s -> environments.put(container.where(), envs.resolved(manifests, container)));
    }
    for (ComposeService compose : DeployManifests.composeServices()) {
      Services.ofImage(compose.image())
          .filter(s -> s.parse().isPresent())
          .ifPresent(
              s -> environments.put("compose.yaml service " + compose.name(), resolved(compose)));
    }
    assertThat(environments).as("service containers in deploy/").hasSizeGreaterThanOrEqualTo(8);
    for (Map.Entry<String, Map<String, String>> entry : environments.entrySet()) {
      Service service = serviceOf(entry.getKey(), manifests);
      assertThatCode(() -> service.parse().orElseThrow().accept(ManifestEnv.env(entry.getValue())))
          .as("%s: its settings are valid for %s", entry.getKey(), service.name())
          .doesNotThrowAnyException();
    }
  }

  @Test
  void shouldSetOnlyRealKafkaClientPropertiesThatTheServicesLeaveToTheDeployment() {
    DeployManifests manifests = DeployManifests.load();
    ManifestEnv envs = new ManifestEnv(temp);
    List<Map<String, String>> environments = new ArrayList<>();
    for (Container container : manifests.containers()) {
      if (Services.ofImage(container.image()).isPresent()) {
        environments.add(envs.resolved(manifests, container));
      }
    }
    for (ComposeService compose : DeployManifests.composeServices()) {
      if (Services.ofImage(compose.image()).isPresent()) {
        environments.add(resolved(compose));
      }
    }
    Set<String> known = new TreeSet<>(ProducerConfig.configNames());
    known.addAll(ConsumerConfig.configNames());
    known.addAll(AdminClientConfig.configNames());
    int checked = 0;
    for (Map<String, String> env : environments) {
      Map<String, String> kafka = new LinkedHashMap<>();
      env.forEach(
          (k, v) -> {
            if (k.startsWith(KafkaClientSettings.ENV_PREFIX)) {
              kafka.put(k, v);
            }
          });
      // refuses the keys the services own (acks, group.id, isolation.level...)
      KafkaClientSettings settings = KafkaClientSettings.fromEnv(ManifestEnv.env(kafka));
      Set<String> unknown = new TreeSet<>(settings.keys());
      unknown.removeAll(known);
      assertThat(unknown)
          .as("KAFKA_CLIENT_* variables that name no Kafka producer, consumer or admin property")
          .isEmpty();
      checked += settings.keys().size();
    }
    assertThat(checked).isGreaterThan(0);
  }

  @Test
  void shouldProvideEveryFileASettingNamesFromAMountedVolume() {
    DeployManifests manifests = DeployManifests.load();
    List<String> problems = new ArrayList<>();
    for (Container container : manifests.containers()) {
      if (Services.ofImage(container.image()).isEmpty()) {
        continue;
      }
      manifests
          .environment(container)
          .forEach(
              (key, value) -> {
                if (value == null || !value.startsWith("/")) {
                  return;
                }
                String where = container.where() + ": " + key + "=" + value;
                Optional<ManifestEnv.MountedFile> file = ManifestEnv.mountedFile(container, value);
                if (file.isEmpty() || file.get().definition() == null) {
                  problems.add(where + " is in no mounted volume");
                  return;
                }
                JsonNode volume = file.get().definition();
                if (volume.has("secret") || volume.has("configMap")) {
                  missingKey(manifests, volume, file.get().file())
                      .ifPresent(p -> problems.add(where + ": " + p));
                }
              });
    }
    assertThat(problems).as("settings naming files that no volume provides").isEmpty();
  }

  @Test
  void shouldUseTheTopicNamespaceTheKafkaTopicsAreRenderedFor() {
    DeployManifests manifests = DeployManifests.load();
    Set<String> namespaces = new TreeSet<>();
    for (Container container : manifests.containers()) {
      if (Services.ofImage(container.image()).isPresent()) {
        String ns = manifests.environment(container).get(SettingKeys.TOPIC_NAMESPACE);
        namespaces.add(ns == null ? Topics.DEFAULT_NAMESPACE : ns);
      }
    }
    for (ComposeService compose : DeployManifests.composeServices()) {
      if (Services.ofImage(compose.image()).isPresent()) {
        String ns = resolved(compose).get(SettingKeys.TOPIC_NAMESPACE);
        namespaces.add(ns == null ? Topics.DEFAULT_NAMESPACE : ns);
      }
    }
    assertThat(namespaces)
        .as("TOPIC_NAMESPACE of every workload: the namespace of deploy/k8s/strimzi")
        .containsExactly(Topics.DEFAULT_NAMESPACE);
  }

  @Test
  void shouldReleaseAtTheRateTheSendersSendWhenConfiguredTogether() {
    DeployManifests manifests = DeployManifests.load();
    ManifestEnv envs = new ManifestEnv(temp);
    Map<String, Map<String, String>> k8s = new LinkedHashMap<>();
    for (Container container : manifests.containers()) {
      Services.ofImage(container.image())
          .ifPresent(s -> k8s.put(s.name(), envs.resolved(manifests, container)));
    }
    Map<String, Map<String, String>> compose = new LinkedHashMap<>();
    for (ComposeService service : DeployManifests.composeServices()) {
      Services.ofImage(service.image()).ifPresent(s -> compose.put(s.name(), resolved(service)));
    }
    for (Map<String, Map<String, String>> deployment : List.of(k8s, compose)) {
      SchedulerConfig scheduler =
          SchedulerConfig.fromEnv(ManifestEnv.env(deployment.get(Services.SCHEDULER)));
      int telegram =
          TelegramSenderConfig.fromEnv(
                  ManifestEnv.env(deployment.get(Services.sender(Platform.TELEGRAM))))
              .core()
              .throttle()
              .messagesPerSecond();
      int whatsapp =
          WhatsAppSenderConfig.fromEnv(
                  ManifestEnv.env(deployment.get(Services.sender(Platform.WHATSAPP))))
              .core()
              .throttle()
              .messagesPerSecond();
      assertThat(scheduler.releaseRate(Platform.TELEGRAM))
          .as("SCHEDULER_TELEGRAM_RELEASE_RATE = the Telegram senders' SENDER_MESSAGES_PER_SECOND")
          .isEqualTo(telegram);
      assertThat(scheduler.releaseRate(Platform.WHATSAPP))
          .as("SCHEDULER_WHATSAPP_RELEASE_RATE = the WhatsApp senders' SENDER_MESSAGES_PER_SECOND")
          .isEqualTo(whatsapp);
    }
  }

  @Test
  void shouldFindTheKeysTheCliReadsInItsOptionDefaults() {
    assertThat(Services.cliKeys())
        .as("keys the CLI's options read (their ${env:...} defaults, constants resolved)")
        .contains(
            SettingKeys.DATABASE_URL,
            SettingKeys.DATABASE_USER,
            SettingKeys.DATABASE_PASSWORD + Env.FILE_SUFFIX,
            SettingKeys.KAFKA_BOOTSTRAP_SERVERS,
            SettingKeys.TOPIC_NAMESPACE,
            KafkaClientSettings.CONFIG_FILE,
            DatabaseTls.SSL_MODE,
            DatabaseTls.SSL_KEY_PASSWORD + Env.FILE_SUFFIX,
            "TOPIC_REPLICATION_FACTOR");
  }

  /**
   * Why {@code service} does not read {@code key}, or empty when it does: one of its config keys,
   * the file form of a key its code reads as a secret, a {@code KAFKA_CLIENT_} variable, or {@code
   * JAVA_OPTS}.
   */
  private Optional<String> unreadKey(Service service, String key) {
    if (key.equals(Services.JAVA_OPTS) || service.keys().contains(key)) {
      return Optional.empty();
    }
    if (key.startsWith(KafkaClientSettings.ENV_PREFIX)) {
      return service.readsKafkaClientSettings()
          ? Optional.empty()
          : Optional.of(key + ": " + service.name() + " reads no Kafka client settings");
    }
    if (key.endsWith(Env.FILE_SUFFIX)) {
      String base = key.substring(0, key.length() - Env.FILE_SUFFIX.length());
      if (service.keys().contains(base)) {
        return readsAsSecret(service, base)
            ? Optional.empty()
            : Optional.of(key + ": " + service.name() + " reads " + base + " but not as a secret");
      }
    }
    return Optional.of(key + " is no setting of " + service.name());
  }

  /**
   * Whether {@code service}'s code reads {@code key} through {@link Env#secret} (and so also from
   * {@code <key>_FILE}): given both forms, only a secret read fails with "set either".
   */
  private boolean readsAsSecret(Service service, String key) {
    if (service.parse().isEmpty()) {
      return false; // the CLI: its _FILE keys are in its option defaults, checked literally
    }
    Map<String, String> env = new LinkedHashMap<>();
    env.put(SettingKeys.DATABASE_URL, "jdbc:postgresql://db.invalid:5432/schedmsg");
    env.put(SettingKeys.KAFKA_BOOTSTRAP_SERVERS, "kafka.invalid:9092");
    env.put(TelegramSenderConfig.TELEGRAM_BOT_TOKEN, ManifestEnv.PLACEHOLDER);
    env.put(WhatsAppSenderConfig.WHATSAPP_ACCESS_TOKEN, ManifestEnv.PLACEHOLDER);
    env.put(WhatsAppSenderConfig.WHATSAPP_PHONE_NUMBER_ID, ManifestEnv.PLACEHOLDER);
    env.put(key, ManifestEnv.PLACEHOLDER);
    env.put(key + Env.FILE_SUFFIX, new ManifestEnv(temp).placeholderFile().toString());
    try {
      service.parse().get().accept(new Env(env));
      return false;
    } catch (IllegalArgumentException e) {
      return String.valueOf(e.getMessage())
          .contains("set either " + key + " or " + key + Env.FILE_SUFFIX);
    }
  }

  /** Our image's service; a {@code schedmsg/} image of no known service is a problem. */
  private static Optional<Service> ourService(String image, String where, List<String> problems) {
    Optional<Service> service = Services.ofImage(image);
    if (service.isEmpty() && image != null && image.startsWith(Services.IMAGE_PREFIX)) {
      problems.add(where + ": " + image + " is no image of " + Services.all().keySet());
    }
    return service;
  }

  private static Service serviceOf(String where, DeployManifests manifests) {
    for (Container container : manifests.containers()) {
      if (container.where().equals(where)) {
        return Services.ofImage(container.image()).orElseThrow();
      }
    }
    for (ComposeService compose : DeployManifests.composeServices()) {
      if (("compose.yaml service " + compose.name()).equals(where)) {
        return Services.ofImage(compose.image()).orElseThrow();
      }
    }
    throw new AssertionError(where);
  }

  private static Map<String, String> resolved(ComposeService compose) {
    return ManifestEnv.resolved(compose);
  }

  /**
   * Why the Secret or ConfigMap volume does not provide {@code file}: its {@code items} map no key
   * to it, or (without items) the Secret or ConfigMap under deploy/ has no such key.
   */
  private static Optional<String> missingKey(
      DeployManifests manifests, JsonNode volume, String file) {
    boolean secret = volume.has("secret");
    JsonNode source = secret ? volume.path("secret") : volume.path("configMap");
    String name = secret ? source.path("secretName").asText() : source.path("name").asText();
    String key = file;
    if (source.has("items")) {
      key = null;
      for (JsonNode item : source.path("items")) {
        if (item.path("path").asText().equals(file)) {
          key = item.path("key").asText();
        }
      }
      if (key == null) {
        return Optional.of("the volume of " + name + " maps no key to " + file);
      }
    }
    Optional<Document> doc = manifests.find(secret ? "Secret" : "ConfigMap", name);
    if (doc.isEmpty()) {
      return Optional.of("no " + (secret ? "Secret" : "ConfigMap") + " " + name + " in deploy/");
    }
    JsonNode data =
        doc.get().node().has("stringData")
            ? doc.get().node().path("stringData")
            : doc.get().node().path("data");
    return data.has(key)
        ? Optional.empty()
        : Optional.of(name + " has no key " + key + " (" + doc.get().where() + ")");
  }
}
