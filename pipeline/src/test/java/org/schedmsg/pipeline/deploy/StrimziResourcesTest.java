package org.schedmsg.pipeline.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import org.apache.kafka.common.acl.AccessControlEntry;
import org.apache.kafka.common.acl.AclBinding;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.acl.AclPermissionType;
import org.apache.kafka.common.resource.PatternType;
import org.apache.kafka.common.resource.ResourcePattern;
import org.apache.kafka.common.resource.ResourceType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.schedmsg.cdc.config.CdcIngestorConfig;
import org.schedmsg.contracts.Platform;
import org.schedmsg.contracts.TopicDescriptor;
import org.schedmsg.contracts.Topics;
import org.schedmsg.infra.kafka.ServiceAcls;
import org.schedmsg.pipeline.deploy.DeployManifests.Container;
import org.schedmsg.pipeline.deploy.DeployManifests.Document;
import org.schedmsg.scheduler.config.SchedulerConfig;
import org.schedmsg.sender.core.config.SenderConfig;
import org.schedmsg.sender.telegram.config.TelegramSenderConfig;
import org.schedmsg.sender.whatsapp.config.WhatsAppSenderConfig;

/**
 * The Strimzi resources of {@code deploy/k8s/strimzi} against the code: the committed files are
 * what {@link StrimziResources} renders (regenerate with {@code -Dschedmsg.regenerate=true}), every
 * {@code KafkaTopic} anywhere under {@code deploy/} is a catalog topic with its partitions, cleanup
 * policy and retention, and every workload's {@code KafkaUser} grants exactly what {@link
 * ServiceAcls} says that service needs with the settings the workload runs with.
 */
class StrimziResourcesTest {
  @TempDir Path temp;

  @Test
  void shouldMatchGeneratorOutputWhenFilesAreCommitted() throws IOException {
    if (Boolean.getBoolean(StrimziResources.REGENERATE)) {
      StrimziResources.write();
    }
    Map<String, String> expected = StrimziResources.files(Topics.defaults());
    for (Map.Entry<String, String> file : expected.entrySet()) {
      Path path = StrimziResources.directory().resolve(file.getKey());
      assertThat(path)
          .as("%s is missing: render it with%n  %s", path, StrimziResources.REGENERATE_COMMAND)
          .exists();
      assertThat(Files.readString(path))
          .as(
              "%s differs from what StrimziResources renders from the code (Topics,"
                  + " ServiceAcls); do not edit it, regenerate it from the repository root:%n  %s",
              path, StrimziResources.REGENERATE_COMMAND)
          .isEqualTo(file.getValue());
    }
  }

  @Test
  void shouldDeclareEveryCatalogTopicWithItsPartitionsCleanupAndRetention() {
    Topics topics = Topics.defaults();
    Map<String, TopicDescriptor> catalog = new TreeMap<>();
    topics.descriptors().forEach(d -> catalog.put(d.name(), d));
    Map<String, Document> declared = new TreeMap<>();
    List<String> problems = new ArrayList<>();
    for (Document doc : DeployManifests.load().ofKind("KafkaTopic")) {
      JsonNode spec = doc.node().path("spec");
      String name = spec.path("topicName").asText(doc.name());
      if (declared.put(name, doc) != null) {
        problems.add(doc.where() + ": topic " + name + " declared twice");
      }
      TopicDescriptor topic = catalog.get(name);
      if (topic == null) {
        problems.add(doc.where() + ": " + name + " is not a topic of the catalog");
        continue;
      }
      if (spec.path("partitions").asInt(-1) != topic.partitions()) {
        problems.add(
            doc.where()
                + ": partitions "
                + spec.path("partitions")
                + ", the catalog says "
                + topic.partitions());
      }
      JsonNode config = spec.path("config");
      if (!config.path("cleanup.policy").asText("").equals(topic.cleanupPolicy())) {
        problems.add(
            doc.where()
                + ": cleanup.policy "
                + config.path("cleanup.policy")
                + ", the catalog says "
                + topic.cleanupPolicy());
      }
      String retention = config.has("retention.ms") ? config.path("retention.ms").asText() : null;
      String expected =
          topic.retention() == null ? null : Long.toString(topic.retention().toMillis());
      if (!Objects.equals(retention, expected)) {
        problems.add(
            doc.where() + ": retention.ms " + retention + ", the catalog says " + expected);
      }
      if (!doc.node().path("apiVersion").asText().equals("kafka.strimzi.io/v1beta2")) {
        problems.add(doc.where() + ": apiVersion must be kafka.strimzi.io/v1beta2");
      }
      if (!StrimziResources.CLUSTER.equals(
          doc.node().path("metadata").path("labels").path("strimzi.io/cluster").asText())) {
        problems.add(doc.where() + ": label strimzi.io/cluster is not " + StrimziResources.CLUSTER);
      }
    }
    assertThat(problems).as("KafkaTopics that do not match the catalog").isEmpty();
    assertThat(declared.keySet())
        .as("every topic of the catalog (namespace %s) has a KafkaTopic", topics.namespace())
        .containsExactlyInAnyOrderElementsOf(catalog.keySet());
  }

  @Test
  void shouldGrantEachWorkloadsPrincipalExactlyItsServiceAcls() {
    DeployManifests manifests = DeployManifests.load();
    Map<String, Set<AclBinding>> granted = kafkaUsers(manifests);
    ManifestEnv envs = new ManifestEnv(temp);
    Map<String, Set<AclBinding>> expected = new LinkedHashMap<>();
    for (Container container : manifests.containers()) {
      Services.Service service = Services.ofImage(container.image()).orElse(null);
      if (service == null) {
        continue;
      }
      Map<String, String> env = envs.resolved(manifests, container);
      String user = kafkaUserOf(manifests, container);
      if (user == null) {
        continue; // no Kafka principal (the migrate job)
      }
      expected.merge(
          user,
          required(container, service, env, user),
          (a, b) -> {
            Set<AclBinding> both = new HashSet<>(a);
            both.addAll(b);
            return both;
          });
    }
    assertThat(expected.keySet())
        .as("Kafka principals the workloads log in as")
        .contains(
            StrimziResources.userName(Topics.defaults(), Services.CDC_INGESTOR),
            StrimziResources.userName(Topics.defaults(), Services.SCHEDULER),
            StrimziResources.userName(Topics.defaults(), Services.sender(Platform.TELEGRAM)),
            StrimziResources.userName(Topics.defaults(), Services.sender(Platform.WHATSAPP)));
    for (Map.Entry<String, Set<AclBinding>> user : expected.entrySet()) {
      assertThat(granted)
          .as("a KafkaUser %s for the workloads that log in as it", user.getKey())
          .containsKey(user.getKey());
      assertThat(granted.get(user.getKey()))
          .as(
              "ACLs of KafkaUser %s: exactly what ServiceAcls gives its service with the"
                  + " workload's settings (application id, groups)",
              user.getKey())
          .containsExactlyInAnyOrderElementsOf(user.getValue());
    }
    // the CLI's own commands (lag, replay) have a principal but no workload here
    Topics topics = Topics.defaults();
    String operator = StrimziResources.userName(topics, Services.OPERATOR);
    assertThat(granted.get(operator))
        .as("ACLs of KafkaUser %s", operator)
        .containsExactlyInAnyOrderElementsOf(
            ServiceAcls.operator(
                operator,
                topics,
                List.of(
                    topics.senderGroupId(Platform.TELEGRAM),
                    topics.senderGroupId(Platform.WHATSAPP))));
  }

  @Test
  void shouldCreateAndCheckTopicsWithTheReplicasOfTheKafkaTopics() {
    DeployManifests manifests = DeployManifests.load();
    int checked = 0;
    for (Container container : manifests.containers()) {
      boolean topicsJob =
          Services.ofImage(container.image())
                  .map(Services.Service::name)
                  .orElse("")
                  .equals(Services.OPERATOR_CLI)
              && container.node().path("args").toString().contains("\"topics\"");
      if (!topicsJob) {
        continue;
      }
      // `schedmsg topics` reports an existing topic with another replication factor as differing
      assertThat(manifests.environment(container).get("TOPIC_REPLICATION_FACTOR"))
          .as("%s: TOPIC_REPLICATION_FACTOR = the KafkaTopics' replicas", container.where())
          .isEqualTo(Integer.toString(StrimziResources.REPLICAS));
      checked++;
    }
    assertThat(checked).as("topics jobs in deploy/k8s").isPositive();
  }

  @Test
  void shouldPointClientsAtTheClusterTheResourcesBelongTo() {
    DeployManifests manifests = DeployManifests.load();
    for (Container container : manifests.containers()) {
      String bootstrap = manifests.environment(container).get("KAFKA_BOOTSTRAP_SERVERS");
      if (bootstrap != null) {
        assertThat(bootstrap)
            .as(
                "%s: KAFKA_BOOTSTRAP_SERVERS is the bootstrap Service of the Strimzi cluster %s",
                container.where(), StrimziResources.CLUSTER)
            .startsWith(StrimziResources.CLUSTER + "-kafka-bootstrap");
      }
    }
  }

  /**
   * The KafkaUser a container logs in as: the Secret mounted where {@code
   * KAFKA_CLIENT_SASL_JAAS_CONFIG_FILE} points (Strimzi names it after the user); null for a
   * container without Kafka.
   */
  private static String kafkaUserOf(DeployManifests manifests, Container container) {
    Map<String, String> env = manifests.environment(container);
    if (!env.containsKey("KAFKA_BOOTSTRAP_SERVERS")) {
      return null;
    }
    String jaas = env.get("KAFKA_CLIENT_SASL_JAAS_CONFIG_FILE");
    assertThat(jaas)
        .as("%s connects to Kafka without KAFKA_CLIENT_SASL_JAAS_CONFIG_FILE", container.where())
        .isNotNull();
    ManifestEnv.MountedFile file =
        ManifestEnv.mountedFile(container, jaas)
            .orElseThrow(() -> new AssertionError(container.where() + ": no volume holds " + jaas));
    String secret = file.definition().path("secret").path("secretName").asText(null);
    assertThat(secret)
        .as("%s: the JAAS file comes from a KafkaUser's Secret", container.where())
        .isNotNull();
    return secret;
  }

  /** What ServiceAcls says the principal of {@code container} needs, with its settings. */
  private static Set<AclBinding> required(
      Container container, Services.Service service, Map<String, String> env, String user) {
    var parsed = ManifestEnv.env(env);
    List<AclBinding> acls =
        switch (service.name()) {
          case Services.CDC_INGESTOR ->
              ServiceAcls.cdcIngestor(user, CdcIngestorConfig.fromEnv(parsed).topics());
          case Services.SCHEDULER -> {
            SchedulerConfig config = SchedulerConfig.fromEnv(parsed);
            yield ServiceAcls.scheduler(
                user,
                config.topics(),
                config.applicationId(),
                List.of(
                    config.senderGroup(Platform.TELEGRAM), config.senderGroup(Platform.WHATSAPP)));
          }
          case "sender-telegram" -> sender(user, TelegramSenderConfig.fromEnv(parsed).core());
          case "sender-whatsapp" -> sender(user, WhatsAppSenderConfig.fromEnv(parsed).core());
          case Services.OPERATOR_CLI -> {
            // the CLI's jobs: `topics` creates the catalog's topics
            List<String> args = new ArrayList<>();
            container.node().path("args").forEach(a -> args.add(a.asText()));
            container.node().path("command").forEach(a -> args.add(a.asText()));
            assertThat(args)
                .as("%s: a CLI job with Kafka credentials runs `topics`", container.where())
                .contains("topics");
            String namespace = env.getOrDefault("TOPIC_NAMESPACE", Topics.DEFAULT_NAMESPACE);
            yield ServiceAcls.topicProvisioner(user, Topics.of(namespace));
          }
          default -> throw new AssertionError("unknown service " + service.name());
        };
    return Set.copyOf(acls);
  }

  private static List<AclBinding> sender(String user, SenderConfig config) {
    return ServiceAcls.sender(
        user,
        Topics.of(config.topicNamespace()),
        config.platform(),
        config.groupId(),
        config.rejectionsGroupId());
  }

  /** The ACLs of every KafkaUser under deploy/, read back into Kafka's own types. */
  static Map<String, Set<AclBinding>> kafkaUsers(DeployManifests manifests) {
    Map<String, Set<AclBinding>> users = new TreeMap<>();
    for (Document doc : manifests.ofKind("KafkaUser")) {
      JsonNode spec = doc.node().path("spec");
      assertThat(spec.path("authentication").path("type").asText())
          .as("%s authenticates with SCRAM-SHA-512", doc.where())
          .isEqualTo("scram-sha-512");
      assertThat(spec.path("authorization").path("type").asText())
          .as("%s uses simple authorization", doc.where())
          .isEqualTo("simple");
      String principal = "User:" + doc.name();
      Set<AclBinding> bindings = new HashSet<>();
      for (JsonNode rule : spec.path("authorization").path("acls")) {
        JsonNode resource = rule.path("resource");
        ResourceType type = resourceType(resource.path("type").asText());
        ResourcePattern pattern =
            type == ResourceType.CLUSTER
                ? new ResourcePattern(type, "kafka-cluster", PatternType.LITERAL)
                : new ResourcePattern(
                    type,
                    resource.path("name").asText(),
                    resource.path("patternType").asText("literal").equals("prefix")
                        ? PatternType.PREFIXED
                        : PatternType.LITERAL);
        AclPermissionType permission =
            rule.path("type").asText("allow").equals("deny")
                ? AclPermissionType.DENY
                : AclPermissionType.ALLOW;
        List<String> operations = new ArrayList<>();
        rule.path("operations").forEach(o -> operations.add(o.asText()));
        if (rule.has("operation")) {
          operations.add(rule.path("operation").asText());
        }
        for (String operation : operations) {
          bindings.add(
              new AclBinding(
                  pattern,
                  new AccessControlEntry(
                      principal,
                      rule.path("host").asText("*"),
                      AclOperation.fromString(
                          operation.replaceAll("([a-z])([A-Z])", "$1_$2").toUpperCase(Locale.ROOT)),
                      permission)));
        }
      }
      users.put(doc.name(), bindings);
    }
    return users;
  }

  private static ResourceType resourceType(String strimzi) {
    return switch (strimzi) {
      case "topic" -> ResourceType.TOPIC;
      case "group" -> ResourceType.GROUP;
      case "cluster" -> ResourceType.CLUSTER;
      case "transactionalId" -> ResourceType.TRANSACTIONAL_ID;
      default -> throw new AssertionError("unknown Strimzi ACL resource type " + strimzi);
    };
  }
}
