package org.schedmsg.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Clock;
import org.junit.jupiter.api.Test;
import org.schedmsg.cli.command.ExitCodes;
import org.schedmsg.contracts.TopicDescriptor;
import org.schedmsg.contracts.Topics;
import org.schedmsg.contracts.config.Env;
import org.schedmsg.contracts.config.KafkaClientSettings;
import org.schedmsg.infra.kafka.LocalKafka;
import org.schedmsg.infra.kafka.ServiceAcls;
import org.schedmsg.infra.testing.TestInfrastructure;

/**
 * {@code schedmsg topics} as the topic provisioner's principal with only its ACLs ({@link
 * ServiceAcls#topicProvisioner}) on the broker that enforces them: the first run creates the
 * catalog, the second compares the existing topics (which reads their configs) and finds them as
 * the catalog says. The second run failed with exit 4 while the ACLs lacked DESCRIBE_CONFIGS.
 */
class SecureTopicsJobIT {
  private record Run(int exitCode, String out, String err) {}

  private static Run topics(LocalKafka kafka, KafkaClientSettings client, Topics topics) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    var commandLine =
        new SchedmsgCli(Clock.systemUTC(), new Env(client.asEnvironment())).commandLine();
    commandLine.setOut(new PrintWriter(out, true));
    commandLine.setErr(new PrintWriter(err, true));
    int code =
        commandLine.execute(
            "topics",
            "--bootstrap-servers",
            kafka.bootstrapServers(),
            "--topic-namespace",
            topics.namespace(),
            "--replication-factor",
            "1");
    return new Run(code, out.toString(), err.toString());
  }

  @Test
  void shouldCreateThenCompareTheCatalogAsTheProvisionerPrincipalWithOnlyItsAcls() {
    LocalKafka kafka = TestInfrastructure.secureKafka();
    Topics topics = TestInfrastructure.newNamespace();
    String user = TestInfrastructure.uniqueName("provisioner");
    KafkaClientSettings client = kafka.createUser(user);
    kafka.grant(ServiceAcls.topicProvisioner(user, topics));

    Run first = topics(kafka, client, topics);
    assertThat(first.exitCode()).as(first.err()).isEqualTo(ExitCodes.OK);
    Run second = topics(kafka, client, topics);

    assertThat(second.exitCode()).as(second.err()).isEqualTo(ExitCodes.OK);
    for (TopicDescriptor descriptor : topics.descriptors()) {
      assertThat(second.out()).contains("ok       " + descriptor.name());
    }
  }
}
