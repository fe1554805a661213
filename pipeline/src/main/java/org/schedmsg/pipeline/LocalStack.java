package org.schedmsg.pipeline;

import java.net.URI;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.schedmsg.contracts.Topics;
import org.schedmsg.contracts.config.Env;
import org.schedmsg.contracts.config.SettingKeys;
import org.schedmsg.infra.kafka.LocalKafka;
import org.schedmsg.infra.postgres.DevCredentials;
import org.schedmsg.infra.postgres.LocalPostgres;
import org.schedmsg.infra.sandbox.FakeTelegramServer;
import org.schedmsg.infra.sandbox.FakeWhatsAppServer;
import org.schedmsg.pipeline.config.DatabaseLogin;
import org.schedmsg.pipeline.config.LocalRunConfig;
import org.schedmsg.pipeline.config.PipelineConfig;
import org.schedmsg.provisioning.TopicProvisioner;
import org.schedmsg.sender.whatsapp.config.WhatsAppWebhookConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The local infrastructure of the all-in-one run: embedded PostgreSQL (migrated), a KRaft broker
 * with the topics, and the sandbox platforms for each platform that has no real token in the
 * environment. Closes in reverse order of start.
 */
final class LocalStack implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(LocalStack.class);

  /** Credentials the sandbox platforms accept; they guard nothing real. */
  static final String SANDBOX_TELEGRAM_TOKEN = "sandbox-telegram-token";

  static final String SANDBOX_WHATSAPP_TOKEN = "sandbox-whatsapp-token";
  static final String SANDBOX_WHATSAPP_PHONE_NUMBER_ID = "100000000000001";
  static final String SANDBOX_WHATSAPP_APP_SECRET = "sandbox-whatsapp-app-secret";
  static final String SANDBOX_WHATSAPP_VERIFY_TOKEN = "sandbox-whatsapp-verify-token";

  /** How long after a send the sandbox reports delivered (and twice that, read). */
  static final Duration SANDBOX_RECEIPT_INTERVAL = Duration.ofSeconds(2);

  /** The names of {@link #serviceEnvironments}: the four services and the operator CLI. */
  static final List<String> SERVICES =
      List.of("cdc-ingestor", "scheduler-stream", "sender-telegram", "sender-whatsapp", "schedmsg");

  private static final String SCHEDULER_STATE_DIR = "SCHEDULER_STATE_DIR";

  private final Deque<AutoCloseable> started = new ArrayDeque<>();
  private final Map<String, String> environment = new HashMap<>();
  private String summary = "";

  /** Starts everything; on failure stops what had started and rethrows. */
  static LocalStack start(LocalRunConfig run, Env env) {
    LocalStack stack = new LocalStack();
    try {
      stack.startAll(run, env);
      return stack;
    } catch (RuntimeException e) {
      stack.close();
      throw e;
    }
  }

  private void startAll(LocalRunConfig run, Env env) {
    LocalPostgres postgres =
        remember(LocalPostgres.start(run.postgresPort(), run.dataDir().resolve("postgres")));
    postgres.prepareDatabase(run.database());
    LocalKafka kafka = remember(LocalKafka.start(run.kafkaPort(), run.dataDir().resolve("kafka")));
    Topics topics = Topics.of(env.string(SettingKeys.TOPIC_NAMESPACE, Topics.DEFAULT_NAMESPACE));
    new TopicProvisioner(kafka.bootstrapServers(), (short) 1).provision(topics);

    environment.put(SettingKeys.DATABASE_URL, postgres.jdbcUrl(run.database()));
    environment.put(SettingKeys.KAFKA_BOOTSTRAP_SERVERS, kafka.bootstrapServers());
    environment.put(SCHEDULER_STATE_DIR, run.dataDir().resolve("scheduler-state").toString());
    String telegram = startTelegramSandboxUnlessConfigured(run, env);
    String whatsapp = startWhatsAppSandboxUnlessConfigured(run, env);
    summary =
        String.format(
            "PostgreSQL %s (user %s, password %s), Kafka %s, topics %s.*, Telegram %s,"
                + " WhatsApp %s, data in %s",
            postgres.jdbcUrl(run.database()),
            DevCredentials.OWNER_USER,
            DevCredentials.OWNER_PASSWORD,
            kafka.bootstrapServers(),
            topics.namespace(),
            telegram,
            whatsapp,
            run.dataDir());
  }

  private String startTelegramSandboxUnlessConfigured(LocalRunConfig run, Env env) {
    if (env.has("TELEGRAM_BOT_TOKEN")) {
      return "real API (" + env.string("TELEGRAM_API_BASE_URL", "default base URL") + ")";
    }
    FakeTelegramServer sandbox =
        remember(FakeTelegramServer.start(run.sandboxTelegramPort(), SANDBOX_TELEGRAM_TOKEN));
    environment.put("TELEGRAM_BOT_TOKEN", SANDBOX_TELEGRAM_TOKEN);
    environment.put("TELEGRAM_API_BASE_URL", sandbox.baseUrl());
    return "sandbox " + sandbox.baseUrl();
  }

  private String startWhatsAppSandboxUnlessConfigured(LocalRunConfig run, Env env) {
    if (env.has("WHATSAPP_ACCESS_TOKEN")) {
      return "real API (" + env.string("WHATSAPP_API_BASE_URL", "default base URL") + ")";
    }
    FakeWhatsAppServer sandbox =
        remember(
            FakeWhatsAppServer.start(
                run.sandboxWhatsAppPort(),
                SANDBOX_WHATSAPP_TOKEN,
                SANDBOX_WHATSAPP_PHONE_NUMBER_ID));
    environment.put("WHATSAPP_ACCESS_TOKEN", SANDBOX_WHATSAPP_TOKEN);
    environment.put("WHATSAPP_PHONE_NUMBER_ID", SANDBOX_WHATSAPP_PHONE_NUMBER_ID);
    environment.put("WHATSAPP_API_BASE_URL", sandbox.baseUrl());
    int webhookPort =
        env.integer(
            WhatsAppWebhookConfig.WHATSAPP_WEBHOOK_PORT, WhatsAppWebhookConfig.DEFAULT_PORT);
    environment.put(WhatsAppWebhookConfig.WHATSAPP_WEBHOOK_PORT, Integer.toString(webhookPort));
    environment.put(WhatsAppWebhookConfig.WHATSAPP_APP_SECRET, SANDBOX_WHATSAPP_APP_SECRET);
    environment.put(
        WhatsAppWebhookConfig.WHATSAPP_WEBHOOK_VERIFY_TOKEN, SANDBOX_WHATSAPP_VERIFY_TOKEN);
    sandbox.sendStatusCallbacks(
        URI.create("http://127.0.0.1:" + webhookPort + WhatsAppWebhookConfig.PATH),
        SANDBOX_WHATSAPP_APP_SECRET,
        SANDBOX_RECEIPT_INTERVAL);
    return "sandbox " + sandbox.baseUrl() + " (status callbacks to port " + webhookPort + ")";
  }

  private <T extends AutoCloseable> T remember(T resource) {
    started.push(resource);
    return resource;
  }

  /**
   * The pipeline's config: the user's environment, overridden by the local endpoints, with the
   * least-privilege service roles.
   */
  PipelineConfig pipelineConfig(Map<String, String> userEnvironment) {
    Map<String, String> merged = new HashMap<>(userEnvironment);
    merged.putAll(environment);
    return new PipelineConfig(
        merged,
        new DatabaseLogin(DevCredentials.INGESTOR_USER, DevCredentials.INGESTOR_PASSWORD),
        new DatabaseLogin(DevCredentials.SENDER_USER, DevCredentials.SENDER_PASSWORD));
  }

  /**
   * What each service and the operator CLI need to run against this stack as a process of its own,
   * by name ({@link #SERVICES}): the endpoints, the service's own least-privilege database login
   * (the scheduler has none), the scheduler's state directory, and the platform settings of each
   * sandbox (none for a platform with a real token: its sender takes that from its own
   * environment). Dev credentials only.
   */
  Map<String, Map<String, String>> serviceEnvironments(Env env) {
    Map<String, String> kafka = new TreeMap<>();
    kafka.put(
        SettingKeys.KAFKA_BOOTSTRAP_SERVERS, environment.get(SettingKeys.KAFKA_BOOTSTRAP_SERVERS));
    env.optional(SettingKeys.TOPIC_NAMESPACE)
        .ifPresent(ns -> kafka.put(SettingKeys.TOPIC_NAMESPACE, ns));
    Map<String, String> both = new TreeMap<>(kafka);
    both.put(SettingKeys.DATABASE_URL, environment.get(SettingKeys.DATABASE_URL));

    Map<String, Map<String, String>> services = new LinkedHashMap<>();
    services.put(
        "cdc-ingestor",
        withLogin(both, DevCredentials.INGESTOR_USER, DevCredentials.INGESTOR_PASSWORD));
    Map<String, String> scheduler = new TreeMap<>(kafka);
    scheduler.put(SCHEDULER_STATE_DIR, environment.get(SCHEDULER_STATE_DIR));
    services.put("scheduler-stream", scheduler);
    services.put(
        "sender-telegram",
        withPlatform(
            withLogin(both, DevCredentials.SENDER_USER, DevCredentials.SENDER_PASSWORD),
            "TELEGRAM_"));
    services.put(
        "sender-whatsapp",
        withPlatform(
            withLogin(both, DevCredentials.SENDER_USER, DevCredentials.SENDER_PASSWORD),
            "WHATSAPP_"));
    // the CLI logs in as its own roles, trusted on loopback by the local stack (no password)
    services.put("schedmsg", both);
    return services;
  }

  private static Map<String, String> withLogin(
      Map<String, String> base, String user, String password) {
    Map<String, String> env = new TreeMap<>(base);
    env.put(SettingKeys.DATABASE_USER, user);
    env.put(SettingKeys.DATABASE_PASSWORD, password);
    return env;
  }

  private Map<String, String> withPlatform(Map<String, String> base, String prefix) {
    Map<String, String> env = new TreeMap<>(base);
    environment.forEach(
        (key, value) -> {
          if (key.startsWith(prefix)) {
            env.put(key, value);
          }
        });
    return env;
  }

  /** Where PostgreSQL, Kafka and the platforms are (dev credentials only). */
  String summary() {
    return summary;
  }

  @Override
  public void close() {
    while (!started.isEmpty()) {
      AutoCloseable resource = started.pop();
      try {
        resource.close();
      } catch (Exception e) {
        log.warn(
            "stopping {} failed; continuing with the rest", resource.getClass().getSimpleName(), e);
      }
    }
  }
}
