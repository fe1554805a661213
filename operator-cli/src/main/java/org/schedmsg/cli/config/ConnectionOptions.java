package org.schedmsg.cli.config;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.HashMap;
import java.util.Map;
import java.util.Properties;
import javax.sql.DataSource;
import org.postgresql.ds.PGSimpleDataSource;
import org.schedmsg.contracts.Topics;
import org.schedmsg.contracts.config.DatabaseTls;
import org.schedmsg.contracts.config.Env;
import org.schedmsg.contracts.config.KafkaClientSettings;
import org.schedmsg.contracts.config.SettingKeys;
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

  /** The role of the operator's commands (migration V13): reads, cancels pending messages. */
  public static final String OPERATOR_ROLE = "schedmsg_operator";

  /** The role of {@code schedule}, which writes a row as an upstream service does (V13). */
  public static final String UPSTREAM_ROLE = "schedmsg_upstream";

  @Option(
      names = "--database-user",
      defaultValue = "${env:DATABASE_USER}",
      description =
          "database user (env DATABASE_USER; default: "
              + OPERATOR_ROLE
              + ", for schedule "
              + UPSTREAM_ROLE
              + ")")
  String databaseUser;

  @Option(
      names = "--database-password",
      defaultValue = "${env:DATABASE_PASSWORD}",
      description =
          "database password (env DATABASE_PASSWORD, or a file: DATABASE_PASSWORD_FILE; no"
              + " default: the local stack trusts the operator's and upstream roles on loopback)")
  String databasePassword;

  @Option(
      names = "--database-password-file",
      defaultValue = "${env:DATABASE_PASSWORD_FILE}",
      description = "file holding the database password (env DATABASE_PASSWORD_FILE)")
  String databasePasswordFile;

  @Option(
      names = "--database-ssl-mode",
      defaultValue = "${env:" + DatabaseTls.SSL_MODE + "}",
      description =
          "TLS to PostgreSQL: disable ... verify-full (env DATABASE_SSL_MODE; verify-full when a"
              + " certificate or key is given)")
  String databaseSslMode;

  @Option(
      names = "--database-ssl-root-cert",
      defaultValue = "${env:" + DatabaseTls.SSL_ROOT_CERT + "}",
      description = "CA certificate(s) of the server (env DATABASE_SSL_ROOT_CERT)")
  String databaseSslRootCert;

  @Option(
      names = "--database-ssl-cert",
      defaultValue = "${env:" + DatabaseTls.SSL_CERT + "}",
      description = "client certificate, PEM (env DATABASE_SSL_CERT)")
  String databaseSslCert;

  @Option(
      names = "--database-ssl-key",
      defaultValue = "${env:" + DatabaseTls.SSL_KEY + "}",
      description =
          "client key: PKCS-8 (.pk8 or PEM) or PKCS#12 (env DATABASE_SSL_KEY; its password, for"
              + " .p12 only, from DATABASE_SSL_KEY_PASSWORD or DATABASE_SSL_KEY_PASSWORD_FILE)")
  String databaseSslKey;

  @Option(
      names = "--database-ssl-key-password-file",
      defaultValue = "${env:" + DatabaseTls.SSL_KEY_PASSWORD + "_FILE}",
      description = "file holding the client key's password (env DATABASE_SSL_KEY_PASSWORD_FILE)")
  String databaseSslKeyPasswordFile;

  @Option(
      names = "--database-ssl-key-password",
      hidden = true,
      defaultValue = "${env:" + DatabaseTls.SSL_KEY_PASSWORD + "}")
  String databaseSslKeyPassword;

  @Option(
      names = "--bootstrap-servers",
      defaultValue = "${env:KAFKA_BOOTSTRAP_SERVERS:-localhost:19092}",
      description = "Kafka brokers (env KAFKA_BOOTSTRAP_SERVERS)")
  String bootstrapServers;

  @Option(
      names = "--command-config",
      defaultValue = "${env:KAFKA_CLIENT_CONFIG_FILE}",
      description =
          "Kafka client properties file, as Kafka's tools take it: security.protocol, SASL,"
              + " trust store... (env KAFKA_CLIENT_CONFIG_FILE; KAFKA_CLIENT_<PROPERTY> variables"
              + " override it)")
  String commandConfig;

  @Option(
      names = "--topic-namespace",
      defaultValue = "${env:TOPIC_NAMESPACE:-schedmsg}",
      description = "topic namespace (env TOPIC_NAMESPACE)")
  String topicNamespace;

  /** A connection as {@code --database-user}, or as {@value #OPERATOR_ROLE} without one. */
  public Connection openDatabase() throws SQLException {
    return openDatabaseAs(OPERATOR_ROLE);
  }

  /**
   * A connection as {@code --database-user} ({@code DATABASE_USER}), or as {@code defaultUser}
   * without one; the password and TLS settings as the services read them ({@code *_FILE} forms
   * included). Without a password pgjdbc sends none (a trusted local login, or a {@code .pgpass}).
   */
  public Connection openDatabaseAs(String defaultUser) throws SQLException {
    return dataSource(databaseUser == null || databaseUser.isBlank() ? defaultUser : databaseUser)
        .getConnection();
  }

  /**
   * A data source as {@code --database-user} (required: there is no default role here), with the
   * password and TLS settings of {@link #openDatabaseAs}; for a job that needs a {@code DataSource}
   * (the migrations).
   *
   * @throws IllegalArgumentException when no user is given
   */
  public DataSource dataSourceAsGivenUser() {
    if (databaseUser == null || databaseUser.isBlank()) {
      throw new IllegalArgumentException("--database-user (env DATABASE_USER) is required");
    }
    PGSimpleDataSource dataSource = dataSource(databaseUser);
    dataSource.setApplicationName("schedmsg-migrate");
    return dataSource;
  }

  /**
   * {@code user}'s data source: the password and TLS settings as the services read them ({@code
   * *_FILE} forms included), server error details off (they can quote row content).
   */
  private PGSimpleDataSource dataSource(String user) {
    Env env = new Env(databaseSettings());
    PGSimpleDataSource dataSource = new PGSimpleDataSource();
    dataSource.setURL(DatabaseTls.fromEnv(env).applyTo(databaseUrl, "--database-url"));
    dataSource.setUser(user);
    env.secret(SettingKeys.DATABASE_PASSWORD).ifPresent(dataSource::setPassword);
    dataSource.setLogServerErrorDetail(false);
    return dataSource;
  }

  /** The database options under the environment keys the services read. */
  private Map<String, String> databaseSettings() {
    Map<String, String> settings = new HashMap<>();
    putIfSet(settings, SettingKeys.DATABASE_PASSWORD, databasePassword);
    putIfSet(settings, SettingKeys.DATABASE_PASSWORD + Env.FILE_SUFFIX, databasePasswordFile);
    putIfSet(settings, DatabaseTls.SSL_MODE, databaseSslMode);
    putIfSet(settings, DatabaseTls.SSL_ROOT_CERT, databaseSslRootCert);
    putIfSet(settings, DatabaseTls.SSL_CERT, databaseSslCert);
    putIfSet(settings, DatabaseTls.SSL_KEY, databaseSslKey);
    putIfSet(settings, DatabaseTls.SSL_KEY_PASSWORD, databaseSslKeyPassword);
    putIfSet(settings, DatabaseTls.SSL_KEY_PASSWORD + Env.FILE_SUFFIX, databaseSslKeyPasswordFile);
    return settings;
  }

  private static void putIfSet(Map<String, String> settings, String key, String value) {
    if (value != null && !value.isBlank()) {
      settings.put(key, value);
    }
  }

  /**
   * Kafka client settings: the shared ones ({@code --command-config}, the {@code KAFKA_CLIENT_*}
   * variables of {@code env}), then the brokers and the CLI's timeouts.
   */
  public Properties kafkaProperties(Env env) {
    Map<String, Object> own = new HashMap<>();
    own.put("bootstrap.servers", bootstrapServers);
    own.put("request.timeout.ms", "15000");
    own.put("default.api.timeout.ms", "30000");
    return kafkaClientSettings(env).clientProperties("operator CLI", own);
  }

  /**
   * The shared Kafka client settings ({@code --command-config}, the {@code KAFKA_CLIENT_*}
   * variables of {@code env}), for a client that adds the brokers itself.
   */
  public KafkaClientSettings kafkaClientSettings(Env env) {
    Env withFile =
        commandConfig == null || commandConfig.isBlank()
            ? env
            : env.with(KafkaClientSettings.CONFIG_FILE, commandConfig);
    return KafkaClientSettings.fromEnv(withFile);
  }

  public String bootstrapServers() {
    return bootstrapServers;
  }

  public Topics topics() {
    return Topics.of(topicNamespace);
  }
}
