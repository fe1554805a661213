package org.schedmsg.infra.kafka;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import org.apache.kafka.common.acl.AccessControlEntry;
import org.apache.kafka.common.acl.AclBinding;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.acl.AclPermissionType;
import org.apache.kafka.common.resource.PatternType;
import org.apache.kafka.common.resource.ResourcePattern;
import org.apache.kafka.common.resource.ResourceType;
import org.schedmsg.contracts.Platform;
import org.schedmsg.contracts.Topics;

/**
 * The Kafka ACLs each service principal needs, and no more: the table in the infra README, as code.
 * Topics are named literally from the {@link Topics} catalog; only the scheduler's Kafka Streams
 * internals (changelog and repartition topics, transactional ids) go by the prefix of its
 * application id. Every binding allows, from any host.
 */
public final class ServiceAcls {
  private ServiceAcls() {}

  /**
   * The CDC ingestor: writes the CDC topic (idempotent producer), and reads and writes Debezium's
   * offsets topic through Kafka Connect's offset store. DESCRIBE_CONFIGS on the offsets topic lets
   * Connect check at start that it is compacted (without it Connect skips the check silently).
   */
  public static List<AclBinding> cdcIngestor(String user, Topics topics) {
    Acls acls = new Acls(user);
    acls.topic(topics.cdc().name(), AclOperation.WRITE);
    acls.topic(topics.cdcOffsets(), AclOperation.READ, AclOperation.WRITE);
    acls.topic(topics.cdcOffsets(), AclOperation.DESCRIBE_CONFIGS);
    return acls.list();
  }

  /**
   * The scheduler (Kafka Streams, exactly-once v2, application id {@code applicationId}): reads the
   * CDC topic; writes the delivery, rejection and dead-letter topics; its group, transactional ids
   * and internal topics (by prefix); and reads the lag of {@code senderGroups} for back-pressure.
   */
  public static List<AclBinding> scheduler(
      String user, Topics topics, String applicationId, Collection<String> senderGroups) {
    Acls acls = new Acls(user);
    acls.topic(topics.cdc().name(), AclOperation.READ);
    for (var delivery : topics.deliveryTopics()) {
      acls.topic(delivery.name(), AclOperation.WRITE);
    }
    for (String output : List.of(topics.rejections().name(), topics.cdcDeadLetters().name())) {
      acls.topic(output, AclOperation.WRITE);
    }
    acls.add(ResourceType.GROUP, applicationId, PatternType.LITERAL, AclOperation.READ);
    acls.add(
        ResourceType.TRANSACTIONAL_ID, applicationId, PatternType.PREFIXED, AclOperation.WRITE);
    for (AclOperation operation :
        List.of(AclOperation.READ, AclOperation.WRITE, AclOperation.CREATE, AclOperation.DELETE)) {
      acls.add(ResourceType.TOPIC, applicationId, PatternType.PREFIXED, operation);
    }
    senderGroups.forEach(
        group -> acls.add(ResourceType.GROUP, group, PatternType.LITERAL, AclOperation.DESCRIBE));
    return acls.list();
  }

  /**
   * A sender of {@code platform}: reads its delivery topic in {@code groupId} and the rejections in
   * {@code rejectionsGroupId}; the WhatsApp sender also writes the receipts topic.
   */
  public static List<AclBinding> sender(
      String user, Topics topics, Platform platform, String groupId, String rejectionsGroupId) {
    Acls acls = new Acls(user);
    acls.topic(topics.delivery(platform).name(), AclOperation.READ);
    acls.add(ResourceType.GROUP, groupId, PatternType.LITERAL, AclOperation.READ);
    acls.topic(topics.rejections().name(), AclOperation.READ);
    acls.add(ResourceType.GROUP, rejectionsGroupId, PatternType.LITERAL, AclOperation.READ);
    if (platform == Platform.WHATSAPP) {
      acls.topic(topics.receipts().name(), AclOperation.WRITE);
    }
    return acls.list();
  }

  /**
   * The operator CLI: {@code lag} (end offsets of the delivery topics, the senders' committed
   * offsets) and {@code replay} (reads the delivery topics, moves a stopped sender group's
   * offsets).
   */
  public static List<AclBinding> operator(
      String user, Topics topics, Collection<String> senderGroups) {
    Acls acls = new Acls(user);
    topics.deliveryTopics().forEach(topic -> acls.topic(topic.name(), AclOperation.READ));
    senderGroups.forEach(
        group -> acls.add(ResourceType.GROUP, group, PatternType.LITERAL, AclOperation.READ));
    return acls.list();
  }

  /**
   * Whoever creates the topics ({@code schedmsg topics}): CREATE, DESCRIBE and DESCRIBE_CONFIGS on
   * every topic of the namespace.
   */
  public static List<AclBinding> topicProvisioner(String user, Topics topics) {
    Acls acls = new Acls(user);
    // DESCRIBE_CONFIGS: schedmsg topics compares an existing topic's configs with the catalog
    for (AclOperation operation :
        List.of(AclOperation.CREATE, AclOperation.DESCRIBE, AclOperation.DESCRIBE_CONFIGS)) {
      acls.add(ResourceType.TOPIC, topics.namespace() + ".", PatternType.PREFIXED, operation);
    }
    return acls.list();
  }

  /** The bindings of one principal. */
  private static final class Acls {
    private final String principal;
    private final List<AclBinding> bindings = new ArrayList<>();

    Acls(String user) {
      this.principal = "User:" + user;
    }

    void topic(String name, AclOperation... operations) {
      for (AclOperation operation : operations) {
        add(ResourceType.TOPIC, name, PatternType.LITERAL, operation);
      }
    }

    void add(ResourceType type, String name, PatternType pattern, AclOperation operation) {
      bindings.add(
          new AclBinding(
              new ResourcePattern(type, name, pattern),
              new AccessControlEntry(principal, "*", operation, AclPermissionType.ALLOW)));
    }

    List<AclBinding> list() {
      return List.copyOf(bindings);
    }
  }
}
