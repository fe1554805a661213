package org.schedmsg.cli.config;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.Properties;
import org.schedmsg.contracts.Topics;
import picocli.CommandLine.Option;

/**
 * Where the pipeline is: each option defaults to the same environment key the services read, so an
 * operator's shell that runs a service also runs the CLI.
 */
public final class ConnectionOptions {
  @Option(
      names = "--database-url",
      defaultValue = "${env:DATABASE_URL:-jdbc:postgresql://localhost:15432/schedmsg}",
      description = "JDBC URL (env DATABASE_URL; default: the local stack)")
  String databaseUrl;

  @Option(
      names = "--database-user",
      defaultValue = "${env:DATABASE_USER:-postgres}",
      description = "database user (env DATABASE_USER)")
  String databaseUser;

  @Option(
      names = "--database-password",
      defaultValue = "${env:DATABASE_PASSWORD:-postgres}",
      description = "database password (env DATABASE_PASSWORD)")
  String databasePassword;

  @Option(
      names = "--bootstrap-servers",
      defaultValue = "${env:KAFKA_BOOTSTRAP_SERVERS:-localhost:19092}",
      description = "Kafka brokers (env KAFKA_BOOTSTRAP_SERVERS)")
  String bootstrapServers;

  @Option(
      names = "--topic-namespace",
      defaultValue = "${env:TOPIC_NAMESPACE:-schedmsg}",
      description = "topic namespace (env TOPIC_NAMESPACE)")
  String topicNamespace;

  public Connection openDatabase() throws SQLException {
    Properties props = new Properties();
    props.setProperty("user", databaseUser);
    props.setProperty("password", databasePassword);
    props.setProperty("logServerErrorDetail", "false");
    return DriverManager.getConnection(databaseUrl, props);
  }

  public Properties kafkaProperties() {
    Properties props = new Properties();
    props.put("bootstrap.servers", bootstrapServers);
    props.put("request.timeout.ms", "15000");
    props.put("default.api.timeout.ms", "30000");
    return props;
  }

  public Topics topics() {
    return Topics.of(topicNamespace);
  }
}
