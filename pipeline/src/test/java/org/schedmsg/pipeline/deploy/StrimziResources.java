package org.schedmsg.pipeline.deploy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Pattern;
import org.apache.kafka.common.acl.AclBinding;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.acl.AclPermissionType;
import org.apache.kafka.common.resource.PatternType;
import org.apache.kafka.common.resource.ResourcePattern;
import org.apache.kafka.common.resource.ResourceType;
import org.schedmsg.contracts.Platform;
import org.schedmsg.contracts.TopicDescriptor;
import org.schedmsg.contracts.Topics;
import org.schedmsg.contracts.testing.RepositoryFiles;
import org.schedmsg.infra.kafka.ServiceAcls;
import org.schedmsg.scheduler.config.SchedulerConfig;
import org.schedmsg.sender.core.config.SenderConfig;

/**
 * Renders the Strimzi resources of {@code deploy/k8s/strimzi} from the code: a {@code KafkaTopic}
 * per {@link Topics#descriptors() catalog topic} (partitions, cleanup policy, retention) and a
 * {@code KafkaUser} (SCRAM-SHA-512, {@code simple} authorization) per service principal with the
 * ACLs of infra's {@link ServiceAcls}, for the default names each service derives from the topic
 * namespace (scheduler application id, sender groups).
 *
 * <p>It lives in the test sources, like contracts' {@code TopicDocs}: nothing at run time needs it,
 * and {@link StrimziResourcesTest} fails when the committed files differ from what it renders. To
 * regenerate after changing the catalog or the ACLs, run that test with {@value #REGENERATE}{@code
 * =true} (see {@link #REGENERATE_COMMAND}).
 */
public final class StrimziResources {
  /** The system property that makes {@link StrimziResourcesTest} write the files. */
  public static final String REGENERATE = "schedmsg.regenerate";

  /** How to regenerate, printed by the test and written into each file's header. */
  public static final String REGENERATE_COMMAND =
      "mvn -B -o test -pl pipeline -am -Dtest=StrimziResourcesTest"
          + " -Dsurefire.failIfNoSpecifiedTests=false -D"
          + REGENERATE
          + "=true";

  /** The Strimzi {@code Kafka} resource the topics and users belong to. */
  public static final String CLUSTER = "schedmsg-kafka";

  /** Replicas of every topic (three brokers, {@code min.insync.replicas=2} on the cluster). */
  public static final int REPLICAS = 3;

  public static final String TOPICS_FILE = "kafka-topics.yaml";
  public static final String USERS_FILE = "kafka-users.yaml";

  /** What the generator is, for the headers. */
  private static final String GENERATOR = StrimziResources.class.getName();

  /** A DNS-1123 subdomain: what Kubernetes accepts as a resource name. */
  private static final Pattern RESOURCE_NAME =
      Pattern.compile("[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*");

  /** A YAML scalar that needs no quotes (and is not read as a number, boolean or null). */
  private static final Pattern PLAIN = Pattern.compile("[A-Za-z][A-Za-z0-9._/-]*");

  private static final List<String> RESERVED =
      List.of("true", "false", "yes", "no", "on", "off", "null", "y", "n");

  private StrimziResources() {}

  /**
   * One service principal: the {@code KafkaUser} name (its SCRAM user name, and the Secret Strimzi
   * writes its {@code sasl.jaas.config} into), the component it belongs to, and its ACLs.
   */
  public record ServiceUser(String name, String service, List<AclBinding> acls) {
    public ServiceUser {
      Objects.requireNonNull(name, "name");
      Objects.requireNonNull(service, "service");
      acls = List.copyOf(acls);
    }
  }

  /** The {@code KafkaUser} name of {@code service}: {@code <namespace>-<service>}. */
  public static String userName(Topics topics, String service) {
    return topics.namespace() + "-" + service;
  }

  /**
   * Every service principal of the namespace of {@code topics}, with the ACLs of {@link
   * ServiceAcls} for the names the services use by default.
   */
  public static List<ServiceUser> users(Topics topics) {
    String namespace = topics.namespace();
    List<String> senderGroups =
        List.of(topics.senderGroupId(Platform.TELEGRAM), topics.senderGroupId(Platform.WHATSAPP));
    List<ServiceUser> users = new ArrayList<>();
    String ingestor = userName(topics, Services.CDC_INGESTOR);
    users.add(
        new ServiceUser(
            ingestor, Services.CDC_INGESTOR, ServiceAcls.cdcIngestor(ingestor, topics)));
    String scheduler = userName(topics, Services.SCHEDULER);
    users.add(
        new ServiceUser(
            scheduler,
            Services.SCHEDULER,
            ServiceAcls.scheduler(
                scheduler, topics, SchedulerConfig.defaultApplicationId(namespace), senderGroups)));
    for (Platform platform : Platform.values()) {
      String service = Services.sender(platform);
      String user = userName(topics, service);
      users.add(
          new ServiceUser(
              user,
              service,
              ServiceAcls.sender(
                  user,
                  topics,
                  platform,
                  SenderConfig.defaultGroupId(namespace, platform),
                  SenderConfig.defaultRejectionsGroupId(namespace, platform))));
    }
    String operator = userName(topics, Services.OPERATOR);
    users.add(
        new ServiceUser(
            operator, Services.OPERATOR, ServiceAcls.operator(operator, topics, senderGroups)));
    String provisioner = userName(topics, Services.TOPIC_PROVISIONER);
    users.add(
        new ServiceUser(
            provisioner,
            Services.TOPIC_PROVISIONER,
            ServiceAcls.topicProvisioner(provisioner, topics)));
    return List.copyOf(users);
  }

  /** File name to content, for {@code deploy/k8s/strimzi}. */
  public static Map<String, String> files(Topics topics) {
    Map<String, String> files = new LinkedHashMap<>();
    files.put(TOPICS_FILE, kafkaTopics(topics));
    files.put(USERS_FILE, kafkaUsers(topics));
    return files;
  }

  /** The directory the files are committed in. */
  public static Path directory() {
    return RepositoryFiles.root().resolve("deploy").resolve("k8s").resolve("strimzi");
  }

  /** Writes {@link #files} of the default namespace into {@link #directory()}. */
  public static void write() throws IOException {
    Path dir = directory();
    Files.createDirectories(dir);
    for (Map.Entry<String, String> file : files(Topics.defaults()).entrySet()) {
      Files.writeString(dir.resolve(file.getKey()), file.getValue());
    }
  }

  /** The {@code KafkaTopic} resources of every topic of the catalog, one YAML document each. */
  public static String kafkaTopics(Topics topics) {
    StringBuilder yaml = new StringBuilder();
    header(
        yaml,
        "KafkaTopic resources of the topic catalog (contracts' Topics#descriptors())",
        topics,
        List.of(
            "Partitions, cleanup.policy and retention.ms are the catalog's; replicas: "
                + REPLICAS
                + " (the catalog leaves",
            "the replication factor to the cluster). Not here: the scheduler's internal topics",
            "(<SCHEDULER_APPLICATION_ID>-messages-changelog, any -repartition topic): Kafka",
            "Streams creates them itself (SCHEDULER_REPLICATION_FACTOR) under its prefixed ACLs,",
            "and the Topic Operator leaves topics without a KafkaTopic alone."));
    for (TopicDescriptor topic : topics.descriptors()) {
      yaml.append("---\n");
      comment(yaml, topic.summary());
      comment(
          yaml, "written by " + topic.writer() + "; read by " + String.join(", ", topic.readers()));
      yaml.append("apiVersion: kafka.strimzi.io/v1beta2\n");
      yaml.append("kind: KafkaTopic\n");
      yaml.append("metadata:\n");
      yaml.append("  name: ").append(scalar(resourceName(topic.name()))).append('\n');
      labels(yaml);
      yaml.append("spec:\n");
      yaml.append("  topicName: ").append(scalar(topic.name())).append('\n');
      yaml.append("  partitions: ").append(topic.partitions()).append('\n');
      yaml.append("  replicas: ").append(REPLICAS).append('\n');
      yaml.append("  config:\n");
      yaml.append("    cleanup.policy: ").append(topic.cleanupPolicy()).append('\n');
      if (topic.retention() != null) {
        yaml.append("    retention.ms: ").append(topic.retention().toMillis()).append('\n');
      }
    }
    return yaml.toString();
  }

  /** The {@code KafkaUser} resources of every service principal, one YAML document each. */
  public static String kafkaUsers(Topics topics) {
    StringBuilder yaml = new StringBuilder();
    header(
        yaml,
        "KafkaUser resources of the service principals, with the ACLs of infra's ServiceAcls",
        topics,
        List.of(
            "SCRAM-SHA-512: the User Operator writes each user's password and sasl.jaas.config",
            "into a Secret named like the user, in the namespace of the KafkaUser; the workloads",
            "mount its sasl.jaas.config (KAFKA_CLIENT_SASL_JAAS_CONFIG_FILE). The names the ACLs",
            "grant are each service's defaults for this namespace (SCHEDULER_APPLICATION_ID,",
            "SENDER_GROUP_ID, SENDER_REJECTIONS_GROUP_ID, SCHEDULER_*_SENDER_GROUP): set one of",
            "those and these ACLs no longer fit."));
    for (ServiceUser user : users(topics)) {
      yaml.append("---\n");
      yaml.append("# ").append(user.service()).append('\n');
      yaml.append("apiVersion: kafka.strimzi.io/v1beta2\n");
      yaml.append("kind: KafkaUser\n");
      yaml.append("metadata:\n");
      yaml.append("  name: ").append(scalar(resourceName(user.name()))).append('\n');
      labels(yaml);
      yaml.append("spec:\n");
      yaml.append("  authentication:\n");
      yaml.append("    type: scram-sha-512\n");
      yaml.append("  authorization:\n");
      yaml.append("    type: simple\n");
      yaml.append("    acls:\n");
      for (Rule rule : rules(user.acls())) {
        ResourcePattern pattern = rule.pattern();
        yaml.append("      - resource:\n");
        yaml.append("          type: ").append(resourceType(pattern.resourceType())).append('\n');
        if (pattern.resourceType() != ResourceType.CLUSTER) {
          yaml.append("          name: ").append(scalar(pattern.name())).append('\n');
          yaml.append("          patternType: ")
              .append(patternType(pattern.patternType()))
              .append('\n');
        }
        yaml.append("        type: ").append(permission(rule.permission())).append('\n');
        yaml.append("        operations:\n");
        for (AclOperation operation : rule.operations()) {
          yaml.append("          - ").append(operation(operation)).append('\n');
        }
        yaml.append("        host: ").append(scalar(rule.host())).append('\n');
      }
    }
    return yaml.toString();
  }

  /** Consecutive bindings on one resource, permission and host: one Strimzi ACL rule. */
  private record Rule(
      ResourcePattern pattern,
      AclPermissionType permission,
      String host,
      List<AclOperation> operations) {}

  private static List<Rule> rules(List<AclBinding> bindings) {
    Map<List<Object>, Rule> rules = new LinkedHashMap<>();
    for (AclBinding binding : bindings) {
      List<Object> key =
          List.of(
              binding.pattern(),
              binding.entry().permissionType(),
              binding.entry().host(),
              binding.entry().principal());
      rules
          .computeIfAbsent(
              key,
              k ->
                  new Rule(
                      binding.pattern(),
                      binding.entry().permissionType(),
                      binding.entry().host(),
                      new ArrayList<>()))
          .operations()
          .add(binding.entry().operation());
    }
    return List.copyOf(rules.values());
  }

  private static void header(StringBuilder yaml, String what, Topics topics, List<String> notes) {
    yaml.append("# ").append(what).append(",\n");
    yaml.append("# topic namespace \"")
        .append(topics.namespace())
        .append("\", Strimzi cluster \"")
        .append(CLUSTER)
        .append("\".\n");
    yaml.append("# GENERATED by ").append(GENERATOR).append(": do not edit. After changing the\n");
    yaml.append("# catalog or the ACLs, regenerate from the repository root with\n");
    yaml.append("#   ").append(REGENERATE_COMMAND).append('\n');
    yaml.append("#\n");
    for (String note : notes) {
      yaml.append("# ").append(note).append('\n');
    }
  }

  /** {@code text} as {@code #} comment lines of at most 100 characters. */
  private static void comment(StringBuilder yaml, String text) {
    StringBuilder line = new StringBuilder("#");
    for (String word : text.split("\\s+")) {
      if (line.length() > 1 && line.length() + 1 + word.length() > 100) {
        yaml.append(line).append('\n');
        line = new StringBuilder("#");
      }
      line.append(' ').append(word);
    }
    yaml.append(line).append('\n');
  }

  private static void labels(StringBuilder yaml) {
    yaml.append("  labels:\n");
    yaml.append("    strimzi.io/cluster: ").append(scalar(CLUSTER)).append('\n');
    yaml.append("    app.kubernetes.io/part-of: schedmsg\n");
  }

  /**
   * The Kubernetes resource name of a topic or user: the name itself when Kubernetes accepts it,
   * else lower-cased with {@code _} as {@code -} ({@code spec.topicName} keeps the real name).
   */
  static String resourceName(String name) {
    if (RESOURCE_NAME.matcher(name).matches() && name.length() <= 253) {
      return name;
    }
    String derived = name.toLowerCase(Locale.ROOT).replace('_', '-');
    if (!RESOURCE_NAME.matcher(derived).matches() || derived.length() > 253) {
      throw new IllegalArgumentException("no Kubernetes resource name for " + name);
    }
    return derived;
  }

  /**
   * Strimzi's resource type: {@code topic}, {@code group}, {@code cluster}, {@code
   * transactionalId}.
   */
  static String resourceType(ResourceType type) {
    return switch (type) {
      case TOPIC -> "topic";
      case GROUP -> "group";
      case CLUSTER -> "cluster";
      case TRANSACTIONAL_ID -> "transactionalId";
      default -> throw new IllegalArgumentException("Strimzi has no ACL resource type " + type);
    };
  }

  /** Strimzi's pattern type: {@code literal} or {@code prefix}. */
  static String patternType(PatternType type) {
    return switch (type) {
      case LITERAL -> "literal";
      case PREFIXED -> "prefix";
      default -> throw new IllegalArgumentException("Strimzi has no ACL pattern type " + type);
    };
  }

  static String permission(AclPermissionType type) {
    return switch (type) {
      case ALLOW -> "allow";
      case DENY -> "deny";
      default -> throw new IllegalArgumentException("Strimzi has no ACL permission " + type);
    };
  }

  /** Strimzi's operation name: {@code DESCRIBE_CONFIGS} as {@code DescribeConfigs}. */
  static String operation(AclOperation operation) {
    if (operation == AclOperation.ANY || operation == AclOperation.UNKNOWN) {
      throw new IllegalArgumentException("Strimzi has no ACL operation " + operation);
    }
    StringBuilder name = new StringBuilder();
    for (String word : operation.name().split("_")) {
      name.append(word.charAt(0)).append(word.substring(1).toLowerCase(Locale.ROOT));
    }
    return name.toString();
  }

  private static String scalar(String value) {
    if (PLAIN.matcher(value).matches() && !RESERVED.contains(value.toLowerCase(Locale.ROOT))) {
      return value;
    }
    return '"' + value.replace("\\", "\\\\").replace("\"", "\\\"") + '"';
  }
}
