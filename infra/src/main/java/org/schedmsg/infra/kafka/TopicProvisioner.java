package org.schedmsg.infra.kafka;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.errors.TopicExistsException;
import org.schedmsg.contracts.Topics;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Creates the topics of a {@link Topics} catalog if they do not exist. The CDC topic and the
 * ingestor's offsets are compacted changelogs; the delivery, rejection and dead-letter topics keep
 * seven days for replay and inspection.
 */
public final class TopicProvisioner {
  private static final Logger log = LoggerFactory.getLogger(TopicProvisioner.class);

  /** One partition keeps priority order global; see the scheduler README. */
  public static final int DEFAULT_CDC_PARTITIONS = 1;

  public static final int DEFAULT_DELIVERY_PARTITIONS = 3;
  public static final long DELIVERY_RETENTION_MS = TimeUnit.DAYS.toMillis(7);

  private final String bootstrapServers;
  private final short replicationFactor;

  public TopicProvisioner(String bootstrapServers, short replicationFactor) {
    this.bootstrapServers = bootstrapServers;
    this.replicationFactor = replicationFactor;
  }

  /** The topics of {@code topics} with their partitions and configuration. */
  public List<NewTopic> newTopics(Topics topics) {
    Map<String, String> compacted =
        Map.of(TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_COMPACT);
    Map<String, String> delivery =
        Map.of(
            TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_DELETE,
            TopicConfig.RETENTION_MS_CONFIG, Long.toString(DELIVERY_RETENTION_MS));
    List<NewTopic> list = new ArrayList<>();
    list.add(
        new NewTopic(topics.cdc().name(), DEFAULT_CDC_PARTITIONS, replicationFactor)
            .configs(compacted));
    list.add(new NewTopic(topics.cdcOffsets(), 1, replicationFactor).configs(compacted));
    list.add(
        new NewTopic(topics.rejections().name(), DEFAULT_DELIVERY_PARTITIONS, replicationFactor)
            .configs(delivery));
    list.add(
        new NewTopic(topics.cdcDeadLetters().name(), 1, replicationFactor).configs(delivery));
    topics
        .deliveryTopics()
        .forEach(
            t ->
                list.add(
                    new NewTopic(t.name(), DEFAULT_DELIVERY_PARTITIONS, replicationFactor)
                        .configs(delivery)));
    return list;
  }

  /** Creates the missing topics and waits until the broker confirms them. */
  public void provision(Topics topics) {
    Properties props = new Properties();
    props.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
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
