package org.schedmsg.infra.kafka;

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
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.errors.TopicExistsException;
import org.schedmsg.contracts.TopicDescriptor;
import org.schedmsg.contracts.Topics;
import org.schedmsg.contracts.config.KafkaClientSettings;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Creates the topics of a {@link Topics} catalog if they do not exist, as their {@link
 * TopicDescriptor}s say (partitions, compaction, retention).
 */
public final class TopicProvisioner {
  private static final Logger log = LoggerFactory.getLogger(TopicProvisioner.class);

  private final String bootstrapServers;
  private final KafkaClientSettings client;
  private final short replicationFactor;

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
    this.replicationFactor = replicationFactor;
  }

  /** The topics of {@code topics} with the partitions and cleanup of their descriptors. */
  public List<NewTopic> newTopics(Topics topics) {
    return topics.descriptors().stream().map(this::newTopic).toList();
  }

  private NewTopic newTopic(TopicDescriptor descriptor) {
    Map<String, String> configs = new HashMap<>();
    configs.put(TopicConfig.CLEANUP_POLICY_CONFIG, descriptor.cleanupPolicy());
    if (descriptor.retention() != null) {
      configs.put(
          TopicConfig.RETENTION_MS_CONFIG, Long.toString(descriptor.retention().toMillis()));
    }
    return new NewTopic(descriptor.name(), descriptor.partitions(), replicationFactor)
        .configs(configs);
  }

  /** Creates the missing topics and waits until the broker confirms them. */
  public void provision(Topics topics) {
    Properties props =
        client.clientProperties(
            "topic provisioner",
            Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers));
    try (Admin admin = Admin.create(props)) {
      Set<String> existing = admin.listTopics().names().get(30, TimeUnit.SECONDS);
      List<NewTopic> missing =
          newTopics(topics).stream().filter(t -> !existing.contains(t.name())).toList();
      if (missing.isEmpty()) {
        return;
      }
      try {
        admin.createTopics(missing).all().get(30, TimeUnit.SECONDS);
      } catch (ExecutionException e) {
        if (!(e.getCause() instanceof TopicExistsException)) {
          throw e;
        }
      }
      log.info("created topics {}", missing.stream().map(NewTopic::name).toList());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while creating topics", e);
    } catch (Exception e) {
      throw new IllegalStateException("cannot create topics on " + bootstrapServers, e);
    }
  }
}
