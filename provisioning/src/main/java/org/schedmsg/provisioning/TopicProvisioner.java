package org.schedmsg.provisioning;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.errors.TopicExistsException;
import org.schedmsg.contracts.TopicDescriptor;
import org.schedmsg.contracts.Topics;
import org.schedmsg.contracts.config.KafkaClientSettings;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Creates the topics of a {@link Topics} catalog that do not exist, as their {@link
 * TopicDescriptor}s say (partitions, cleanup policy, retention), and compares the ones that do
 * exist with them. It never changes an existing topic: a difference is reported ({@link Drift}),
 * and deciding what to do with it is left to a person (adding partitions to the CDC topic, for one,
 * breaks the order of a row's changes; see scheduler-stream's "Scaling out").
 */
public final class TopicProvisioner {
  private static final Logger log = LoggerFactory.getLogger(TopicProvisioner.class);
  private static final long TIMEOUT_SECONDS = 30;

  private final String bootstrapServers;
  private final KafkaClientSettings client;
  private final short replicationFactor;

  /** One setting of an existing topic that differs from its descriptor. */
  public record Drift(String topic, String setting, String expected, String actual) {}

  /**
   * What a run found and did, per topic name.
   *
   * @param created topics this run created
   * @param missing topics that do not exist and were not created (a verify-only run)
   * @param matching existing topics equal to their descriptors
   * @param drifts settings of existing topics that differ from their descriptors (left as they are)
   */
  public record Report(
      List<String> created, List<String> missing, List<String> matching, List<Drift> drifts) {
    /** True when every topic exists (or was created) as its descriptor says. */
    public boolean ok() {
      return missing.isEmpty() && drifts.isEmpty();
    }
  }

  /** A provisioner for a PLAINTEXT cluster without authentication (the local stack). */
  public TopicProvisioner(String bootstrapServers, short replicationFactor) {
    this(bootstrapServers, KafkaClientSettings.none(), replicationFactor);
  }

  /**
   * A provisioner whose admin client starts from {@code client} (security, e.g. a principal allowed
   * to create the topics).
   */
  public TopicProvisioner(
      String bootstrapServers, KafkaClientSettings client, short replicationFactor) {
    this.bootstrapServers = bootstrapServers;
    this.client = Objects.requireNonNull(client, "client");
    if (replicationFactor < 1) {
      throw new IllegalArgumentException("the replication factor must be at least 1");
    }
    this.replicationFactor = replicationFactor;
  }

  /** The topics of {@code topics} with the partitions and cleanup of their descriptors. */
  public List<NewTopic> newTopics(Topics topics) {
    return topics.descriptors().stream().map(this::newTopic).toList();
  }

  private NewTopic newTopic(TopicDescriptor descriptor) {
    return new NewTopic(descriptor.name(), descriptor.partitions(), replicationFactor)
        .configs(configs(descriptor));
  }

  private static Map<String, String> configs(TopicDescriptor descriptor) {
    Map<String, String> configs = new HashMap<>();
    configs.put(TopicConfig.CLEANUP_POLICY_CONFIG, descriptor.cleanupPolicy());
    if (descriptor.retention() != null) {
      configs.put(
          TopicConfig.RETENTION_MS_CONFIG, Long.toString(descriptor.retention().toMillis()));
    }
    return configs;
  }

  /**
   * Creates the missing topics of the catalog and waits until the broker confirms them; an existing
   * topic that differs from its descriptor is logged (by name and setting) and left as it is. For
   * the local stack and the tests; the {@code schedmsg topics} job uses {@link #apply}.
   */
  public void provision(Topics topics) {
    Report report = apply(topics.descriptors(), true);
    for (Drift drift : report.drifts()) {
      log.warn(
          "topic {} exists with {}={} (the catalog says {}); left as it is",
          drift.topic(),
          drift.setting(),
          drift.actual(),
          drift.expected());
    }
  }

  /**
   * Compares every topic of {@code descriptors} with the cluster, creating the missing ones when
   * {@code create} is true. Existing topics are only read.
   *
   * @throws IllegalStateException when the cluster cannot be reached or refuses a request
   */
  public Report apply(List<TopicDescriptor> descriptors, boolean create) {
    Properties props =
        client.clientProperties(
            "topic provisioner",
            Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers));
    try (Admin admin = Admin.create(props)) {
      Set<String> existing = admin.listTopics().names().get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
      List<TopicDescriptor> present = new ArrayList<>();
      List<TopicDescriptor> absent = new ArrayList<>();
      for (TopicDescriptor descriptor : descriptors) {
        (existing.contains(descriptor.name()) ? present : absent).add(descriptor);
      }
      List<String> created = new ArrayList<>();
      List<String> missing = new ArrayList<>();
      if (create && !absent.isEmpty()) {
        // a topic created meanwhile (another run, a person) is compared instead
        present.addAll(create(admin, absent, created));
      } else {
        absent.forEach(d -> missing.add(d.name()));
      }
      List<Drift> drifts = new ArrayList<>();
      List<String> matching = new ArrayList<>();
      if (!present.isEmpty()) {
        // one request each for every existing topic's partitions and configs
        List<String> names = present.stream().map(TopicDescriptor::name).toList();
        Map<String, TopicDescription> descriptions =
            admin.describeTopics(names).allTopicNames().get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
        Map<ConfigResource, Config> configs =
            admin
                .describeConfigs(names.stream().map(TopicProvisioner::resource).toList())
                .all()
                .get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
        for (TopicDescriptor descriptor : present) {
          List<Drift> found =
              compare(
                  descriptor,
                  descriptions.get(descriptor.name()),
                  configs.get(resource(descriptor.name())));
          if (found.isEmpty()) {
            matching.add(descriptor.name());
          }
          drifts.addAll(found);
        }
      }
      return new Report(List.copyOf(created), List.copyOf(missing), List.copyOf(matching), drifts);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while provisioning topics", e);
    } catch (ExecutionException | java.util.concurrent.TimeoutException e) {
      throw new IllegalStateException("cannot provision topics on " + bootstrapServers, e);
    }
  }

  /** Creates {@code absent}; returns those that existed by then (another creator won). */
  private List<TopicDescriptor> create(
      Admin admin, List<TopicDescriptor> absent, List<String> created)
      throws InterruptedException, ExecutionException, java.util.concurrent.TimeoutException {
    Map<String, org.apache.kafka.common.KafkaFuture<Void>> results =
        admin.createTopics(absent.stream().map(this::newTopic).toList()).values();
    List<TopicDescriptor> existedMeanwhile = new ArrayList<>();
    for (TopicDescriptor descriptor : absent) {
      try {
        results.get(descriptor.name()).get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
        created.add(descriptor.name());
      } catch (ExecutionException e) {
        if (!(e.getCause() instanceof TopicExistsException)) {
          throw e;
        }
        existedMeanwhile.add(descriptor);
      }
    }
    if (!created.isEmpty()) {
      log.info("created topics {}", created);
    }
    return existedMeanwhile;
  }

  private static ConfigResource resource(String topic) {
    return new ConfigResource(ConfigResource.Type.TOPIC, topic);
  }

  /** The settings of an existing topic that differ from its descriptor. */
  private List<Drift> compare(
      TopicDescriptor descriptor, TopicDescription description, Config config) {
    String name = descriptor.name();
    List<Drift> drifts = new ArrayList<>();
    int partitions = description.partitions().size();
    if (partitions != descriptor.partitions()) {
      drifts.add(
          new Drift(
              name,
              "partitions",
              Integer.toString(descriptor.partitions()),
              Integer.toString(partitions)));
    }
    int replicas = description.partitions().get(0).replicas().size();
    if (replicas != replicationFactor) {
      drifts.add(
          new Drift(
              name,
              "replication.factor",
              Short.toString(replicationFactor),
              Integer.toString(replicas)));
    }
    configs(descriptor)
        .forEach(
            (key, expected) -> {
              ConfigEntry entry = config.get(key);
              String actual = entry == null ? null : entry.value();
              if (!expected.equals(actual)) {
                drifts.add(new Drift(name, key, expected, String.valueOf(actual)));
              }
            });
    return drifts;
  }
}
