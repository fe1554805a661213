package org.schedmsg.pipeline.config;

import java.nio.file.Path;
import java.util.List;
import org.schedmsg.contracts.config.Env;

/**
 * Settings of the all-in-one local run: fixed, documented ports (overridable) and the directory
 * that keeps PostgreSQL's and Kafka's data across restarts.
 */
public record LocalRunConfig(
    int postgresPort,
    int kafkaPort,
    int sandboxTelegramPort,
    int sandboxWhatsAppPort,
    Path dataDir,
    String database,
    int opsPort) {

  public static final String LOCAL_POSTGRES_PORT = "LOCAL_POSTGRES_PORT";
  public static final String LOCAL_KAFKA_PORT = "LOCAL_KAFKA_PORT";
  public static final String LOCAL_SANDBOX_TELEGRAM_PORT = "LOCAL_SANDBOX_TELEGRAM_PORT";
  public static final String LOCAL_SANDBOX_WHATSAPP_PORT = "LOCAL_SANDBOX_WHATSAPP_PORT";
  public static final String LOCAL_DATA_DIR = "LOCAL_DATA_DIR";
  public static final String LOCAL_DATABASE = "LOCAL_DATABASE";
  public static final String LOCAL_OPS_PORT = "LOCAL_OPS_PORT";
  public static final List<String> KEYS =
      List.of(
          LOCAL_POSTGRES_PORT,
          LOCAL_KAFKA_PORT,
          LOCAL_SANDBOX_TELEGRAM_PORT,
          LOCAL_SANDBOX_WHATSAPP_PORT,
          LOCAL_DATA_DIR,
          LOCAL_DATABASE,
          LOCAL_OPS_PORT);

  public static final int DEFAULT_POSTGRES_PORT = 15432;
  public static final int DEFAULT_KAFKA_PORT = 19092;
  public static final int DEFAULT_SANDBOX_TELEGRAM_PORT = 18081;
  public static final int DEFAULT_SANDBOX_WHATSAPP_PORT = 18082;
  public static final String DEFAULT_DATA_DIR = ".local";
  public static final String DEFAULT_DATABASE = "schedmsg";
  public static final int DEFAULT_OPS_PORT = 9400;

  public LocalRunConfig {
    requirePort(LOCAL_POSTGRES_PORT, postgresPort);
    requirePort(LOCAL_KAFKA_PORT, kafkaPort);
    requirePort(LOCAL_SANDBOX_TELEGRAM_PORT, sandboxTelegramPort);
    requirePort(LOCAL_SANDBOX_WHATSAPP_PORT, sandboxWhatsAppPort);
    requirePort(LOCAL_OPS_PORT, opsPort);
    if (!database.matches("[a-z_][a-z0-9_]*")) {
      throw new IllegalArgumentException(LOCAL_DATABASE + " must be a plain lower-case name");
    }
  }

  private static void requirePort(String key, int port) {
    if (port < 0 || port > 65534) {
      throw new IllegalArgumentException(key + " must be a port number (0 = any free port)");
    }
  }

  public static LocalRunConfig fromEnv(Env env) {
    return new LocalRunConfig(
        env.integer(LOCAL_POSTGRES_PORT, DEFAULT_POSTGRES_PORT),
        env.integer(LOCAL_KAFKA_PORT, DEFAULT_KAFKA_PORT),
        env.integer(LOCAL_SANDBOX_TELEGRAM_PORT, DEFAULT_SANDBOX_TELEGRAM_PORT),
        env.integer(LOCAL_SANDBOX_WHATSAPP_PORT, DEFAULT_SANDBOX_WHATSAPP_PORT),
        Path.of(env.string(LOCAL_DATA_DIR, DEFAULT_DATA_DIR)).toAbsolutePath(),
        env.string(LOCAL_DATABASE, DEFAULT_DATABASE),
        env.integer(LOCAL_OPS_PORT, DEFAULT_OPS_PORT));
  }
}
