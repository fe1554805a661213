package org.schedmsg.infra.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.config.ConfigResource;
import org.junit.jupiter.api.Test;
import org.schedmsg.contracts.Platform;
import org.schedmsg.contracts.Topics;
import org.schedmsg.infra.testing.TestInfrastructure;
import org.schedmsg.provisioning.TopicProvisioner;

class TopicProvisionerIT {
  private final TestInfrastructure infra = TestInfrastructure.shared();

  @Test
  void shouldCreateCompactedCdcTopicAndDeliveryTopicsWhenProvisionedTwice() throws Exception {
    Topics topics = infra.newTopics();
    new TopicProvisioner(infra.bootstrapServers(), (short) 1).provision(topics);
    Properties props = new Properties();
    props.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, infra.bootstrapServers());
    try (Admin admin = Admin.create(props)) {
      Map<String, TopicDescription> described =
          admin
              .describeTopics(
                  List.of(
                      topics.cdc().name(),
                      topics.delivery(Platform.TELEGRAM).name(),
                      topics.delivery(Platform.WHATSAPP).name()))
              .allTopicNames()
              .get(30, TimeUnit.SECONDS);
      assertThat(described.get(topics.cdc().name()).partitions()).hasSize(Topics.CDC_PARTITIONS);
      assertThat(described.get(topics.delivery(Platform.TELEGRAM).name()).partitions()).hasSize(3);
      ConfigResource cdc = new ConfigResource(ConfigResource.Type.TOPIC, topics.cdc().name());
      Config config = admin.describeConfigs(List.of(cdc)).all().get(30, TimeUnit.SECONDS).get(cdc);
      assertThat(config.get("cleanup.policy").value()).isEqualTo("compact");
    }
  }
}
