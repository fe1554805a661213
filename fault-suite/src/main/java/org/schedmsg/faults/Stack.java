package org.schedmsg.faults;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.schedmsg.contracts.Topics;
import org.schedmsg.infra.postgres.DevCredentials;
import org.schedmsg.infra.postgres.LocalPostgres;
import org.schedmsg.infra.sandbox.FakeTelegramServer;
import org.schedmsg.infra.sandbox.FakeWhatsAppServer;
import org.schedmsg.provisioning.TopicProvisioner;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Everything one suite run starts, on free ports and in its own data directory: PostgreSQL (in this
 * JVM; its postgres runs as its own OS process), the broker (its own JVM), the fake platforms (in
 * this JVM, journaled) and the four services (one JVM each). Stops what it started, in reverse.
 */
final class Stack implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(Stack.class);
  static final String DATABASE = "schedmsg";
  static final String TELEGRAM_TOKEN = "sandbox-telegram-token";
  static final String WHATSAPP_TOKEN = "sandbox-whatsapp-token";
  static final String WHATSAPP_PHONE_NUMBER_ID = "100000000000001";
  static final String WHATSAPP_APP_SECRET = "sandbox-whatsapp-app-secret";
  static final String WHATSAPP_VERIFY_TOKEN = "sandbox-whatsapp-verify-token";

  /** Secrets that must never appear in a log file (I6). */
  static final List<String> SECRETS =
      List.of(
          TELEGRAM_TOKEN,
          WHATSAPP_TOKEN,
          WHATSAPP_APP_SECRET,
          WHATSAPP_VERIFY_TOKEN,
          DevCredentials.SENDER_PASSWORD,
          DevCredentials.INGESTOR_PASSWORD);

  /** The send concurrency each sender runs with: the bound of the crash window per instance. */
  static final int SEND_CONCURRENCY = 8;

  /** SENDER_HTTP_TIMEOUT; the claim lease is 2 x this + 30 s. */
  static final Duration HTTP_TIMEOUT = Duration.ofSeconds(5);

  static final Duration CLAIM_LEASE = HTTP_TIMEOUT.multipliedBy(2).plusSeconds(30);

  static final String INGESTOR = "cdc-ingestor";
  static final String SCHEDULER = "scheduler-stream";
  static final String SECOND_SCHEDULER = "scheduler-stream-2";

  /**
   * SCHEDULER_SESSION_TIMEOUT of both scheduler instances (default 45 s): how long the tasks of a
   * killed instance wait before the other instance takes them.
   */
  static final Duration SCHEDULER_SESSION_TIMEOUT = Duration.ofSeconds(10);

  static final String SENDER_TELEGRAM = "sender-telegram";
  static final String SENDER_WHATSAPP = "sender-whatsapp";

  private final Path runDir;
  private final ProcessLauncher launcher;
  private final int postgresPort;
  private LocalPostgres postgres;
  private ManagedProcess broker;
  private FakeTelegramServer telegram;
  private FakeWhatsAppServer whatsapp;
  private final Journal journal = new Journal();
  private final Map<String, ManagedProcess> services = new LinkedHashMap<>();
  private String bootstrapServers;

  Stack(Path runDir, ProcessLauncher launcher) {
    this.runDir = runDir;
    this.launcher = launcher;
    this.postgresPort = freePort();
  }

  void start() throws IOException {
    Files.createDirectories(runDir.resolve("logs"));
    startPostgres();
    int kafkaPort = freeKafkaPort();
    broker =
        new ManagedProcess(
            "kafka-broker",
            launcher,
            launcher.command(
                "fault-suite",
                BrokerMain.class.getName(),
                List.of("-Dfaults.log.file=" + runDir.resolve("logs/kafka-broker.log")),
                List.of(Integer.toString(kafkaPort), runDir.resolve("kafka").toString())),
            Map.of(),
            runDir.resolve("logs/kafka-broker.stdout.log"),
            0);
    broker.start();
    String bootstrap = "localhost:" + kafkaPort;
    bootstrapServers = bootstrap;
    awaitBroker(kafkaPort);
    new TopicProvisioner(bootstrap, (short) 1).provision(Topics.of(Topics.DEFAULT_NAMESPACE));
    telegram = FakeTelegramServer.start(0, TELEGRAM_TOKEN);
    whatsapp = FakeWhatsAppServer.start(0, WHATSAPP_TOKEN, WHATSAPP_PHONE_NUMBER_ID);
    journal.attach(telegram, whatsapp);

    Map<String, String> common = new HashMap<>();
    common.put("DATABASE_URL", postgres.jdbcUrl(DATABASE));
    common.put("KAFKA_BOOTSTRAP_SERVERS", bootstrap);
    common.put("TOPIC_NAMESPACE", Topics.DEFAULT_NAMESPACE);

    Map<String, String> ingestor = new HashMap<>(common);
    ingestor.put("DATABASE_USER", DevCredentials.INGESTOR_USER);
    ingestor.put("DATABASE_PASSWORD", DevCredentials.INGESTOR_PASSWORD);
    addService(INGESTOR, "cdc-ingestor", "org.schedmsg.cdc.App", ingestor);

    Map<String, String> scheduler = new HashMap<>(common);
    scheduler.put("SCHEDULER_SESSION_TIMEOUT", SCHEDULER_SESSION_TIMEOUT.toSeconds() + "s");
    scheduler.put("SCHEDULER_STANDBY_REPLICAS", "1");
    scheduler.put("SCHEDULER_STATE_DIR", runDir.resolve("scheduler-state").toString());
    addService(SCHEDULER, "scheduler-stream", "org.schedmsg.scheduler.App", scheduler);

    Map<String, String> sender = new HashMap<>(common);
    sender.put("DATABASE_USER", DevCredentials.SENDER_USER);
    sender.put("DATABASE_PASSWORD", DevCredentials.SENDER_PASSWORD);
    sender.put("SENDER_HTTP_TIMEOUT", HTTP_TIMEOUT.toSeconds() + "s");
    sender.put("SENDER_SEND_CONCURRENCY", Integer.toString(SEND_CONCURRENCY));

    Map<String, String> telegramEnv = new HashMap<>(sender);
    telegramEnv.put("SENDER_INSTANCE_ID", SENDER_TELEGRAM + "-1");
    telegramEnv.put("TELEGRAM_BOT_TOKEN", TELEGRAM_TOKEN);
    telegramEnv.put("TELEGRAM_API_BASE_URL", telegram.baseUrl());
    addService(SENDER_TELEGRAM, "sender-telegram", "org.schedmsg.sender.telegram.App", telegramEnv);

    Map<String, String> whatsappEnv = new HashMap<>(sender);
    whatsappEnv.put("SENDER_INSTANCE_ID", SENDER_WHATSAPP + "-1");
    whatsappEnv.put("WHATSAPP_ACCESS_TOKEN", WHATSAPP_TOKEN);
    whatsappEnv.put("WHATSAPP_PHONE_NUMBER_ID", WHATSAPP_PHONE_NUMBER_ID);
    whatsappEnv.put("WHATSAPP_API_BASE_URL", whatsapp.baseUrl());
    whatsappEnv.put("WHATSAPP_WEBHOOK_PORT", Integer.toString(freePort()));
    whatsappEnv.put("WHATSAPP_APP_SECRET", WHATSAPP_APP_SECRET);
    whatsappEnv.put("WHATSAPP_WEBHOOK_VERIFY_TOKEN", WHATSAPP_VERIFY_TOKEN);
    addService(SENDER_WHATSAPP, "sender-whatsapp", "org.schedmsg.sender.whatsapp.App", whatsappEnv);

    services.values().forEach(ManagedProcess::start);
    awaitAllReady(Duration.ofMinutes(3));
  }

  /**
   * A second scheduler instance (same application id, its own state directory and ops port),
   * started and ready; from then on it is one of the stack's services (restored after each scenario
   * like the others). Returns it when it exists already.
   */
  ManagedProcess secondScheduler(Duration timeout) {
    if (!services.containsKey(SECOND_SCHEDULER)) {
      // the first instance's settings as they are now (its application id included)
      Map<String, String> env = new HashMap<>(services.get(SCHEDULER).environment());
      env.put("SCHEDULER_STATE_DIR", runDir.resolve("scheduler-state-2").toString());
      addService(SECOND_SCHEDULER, "scheduler-stream", "org.schedmsg.scheduler.App", env);
    }
    ManagedProcess second = services.get(SECOND_SCHEDULER);
    if (!second.alive()) {
      second.start();
    }
    awaitAllReady(timeout);
    return second;
  }

  /**
   * The first scheduler instance as another process whose wall clock runs {@code offset} ahead
   * (same environment, state directory and ops port): start it only while that instance is stopped,
   * and stop it before the stack restores the instance.
   */
  ManagedProcess schedulerWithClockAhead(Duration offset) {
    Map<String, String> env = services.get(SCHEDULER).environment();
    return new ManagedProcess(
        SCHEDULER + "-clock-ahead",
        launcher,
        launcher.command(
            "fault-suite",
            ClockAheadSchedulerMain.class.getName(),
            List.of(
                "-Dfaults.log.file=" + runDir.resolve("logs/" + SCHEDULER + "-clock-ahead.log")),
            List.of(offset.toString())),
        env,
        runDir.resolve("logs/" + SCHEDULER + "-clock-ahead.stdout.log"),
        Integer.parseInt(env.get("OPS_PORT")));
  }

  private void addService(String name, String module, String mainClass, Map<String, String> env) {
    int opsPort = freePort();
    Map<String, String> environment = new HashMap<>(env);
    environment.put("OPS_PORT", Integer.toString(opsPort));
    environment.put("OPS_BIND_ADDRESS", "127.0.0.1");
    services.put(
        name,
        new ManagedProcess(
            name,
            launcher,
            launcher.command(module, mainClass, List.of(), List.of()),
            environment,
            runDir.resolve("logs/" + name + ".log"),
            opsPort));
  }

  void startPostgres() {
    postgres = LocalPostgres.start(postgresPort, runDir.resolve("postgres"));
    postgres.prepareDatabase(DATABASE);
  }

  /** PostgreSQL's fast shutdown ({@code pg_ctl stop -m fast}): sessions are ended, then exit. */
  void stopPostgres() {
    postgres.close();
    postgres = null;
  }

  String bootstrapServers() {
    return bootstrapServers;
  }

  String jdbcUrl() {
    return "jdbc:postgresql://localhost:" + postgresPort + "/" + DATABASE;
  }

  /** Runs the operator CLI ({@code ./schedmsg}) against this stack; returns its exit status. */
  int operatorCli(List<String> args, Duration timeout) throws IOException, InterruptedException {
    Process cli =
        launcher.start(
            launcher.command("operator-cli", "org.schedmsg.cli.SchedmsgCli", List.of(), args),
            Map.of("DATABASE_URL", jdbcUrl(), "KAFKA_BOOTSTRAP_SERVERS", bootstrapServers),
            runDir.resolve("logs/operator-cli.log"));
    if (!cli.waitFor(timeout.toSeconds(), java.util.concurrent.TimeUnit.SECONDS)) {
      cli.destroyForcibly();
      return -1;
    }
    return cli.exitValue();
  }

  ManagedProcess broker() {
    return broker;
  }

  ManagedProcess service(String name) {
    return services.get(name);
  }

  List<ManagedProcess> services() {
    return new ArrayList<>(services.values());
  }

  Journal journal() {
    return journal;
  }

  FakeTelegramServer telegram() {
    return telegram;
  }

  FakeWhatsAppServer whatsapp() {
    return whatsapp;
  }

  /** Every log file of the run: the services', the broker's and the orchestrator's. */
  List<Path> logFiles() throws IOException {
    try (var files = Files.list(runDir.resolve("logs"))) {
      return files.sorted().toList();
    }
  }

  /** A connection as an upstream service (the role {@code schedmsg_upstream}). */
  Connection upstream() throws SQLException {
    return DriverManager.getConnection(
        "jdbc:postgresql://localhost:" + postgresPort + "/" + DATABASE,
        DevCredentials.UPSTREAM_USER,
        DevCredentials.UPSTREAM_PASSWORD);
  }

  /** A connection as the table owner, for the judge's reads and the walsender fault. */
  Connection owner() throws SQLException {
    return DriverManager.getConnection(
        "jdbc:postgresql://localhost:" + postgresPort + "/" + DATABASE,
        DevCredentials.OWNER_USER,
        DevCredentials.OWNER_PASSWORD);
  }

  /**
   * Replaces the stopped service {@code name} by the same service with {@code overrides} in its
   * environment, for the rest of the run (not started).
   */
  ManagedProcess replaceService(String name, Map<String, String> overrides) {
    ManagedProcess current = services.get(name);
    if (current.alive()) {
      throw new IllegalStateException(name + " is still running");
    }
    ManagedProcess replacement = current.withEnvironment(overrides);
    services.put(name, replacement);
    return replacement;
  }

  /** A fresh directory for a service's data in this run's directory. */
  Path dataDir(String name) {
    return runDir.resolve(name);
  }

  /** Starts any service that is not running, then waits until all of them are ready. */
  boolean restoreAll(Duration timeout) {
    if (!broker.alive()) {
      broker.start();
    }
    for (ManagedProcess service : services.values()) {
      if (!service.alive()) {
        service.start();
      }
    }
    return awaitAllReady(timeout);
  }

  boolean awaitAllReady(Duration timeout) {
    boolean ready =
        ManagedProcess.await(
            () -> services.values().stream().allMatch(ManagedProcess::ready), timeout);
    if (!ready) {
      services.values().stream()
          .filter(s -> !s.ready())
          .forEach(s -> log.warn("{} not ready after {}", s.name(), timeout));
    }
    return ready;
  }

  void awaitBroker(int port) {
    ManagedProcess.await(
        () -> {
          try (java.net.Socket socket = new java.net.Socket("localhost", port)) {
            return true;
          } catch (IOException e) {
            return false;
          }
        },
        Duration.ofMinutes(2));
  }

  @Override
  public void close() {
    List<ManagedProcess> reverse = new ArrayList<>(services.values());
    java.util.Collections.reverse(reverse);
    for (ManagedProcess service : reverse) {
      try {
        if (service.alive()) {
          service.thaw();
        }
      } catch (RuntimeException ignored) {
        // not frozen or already gone
      }
      service.stop(Duration.ofSeconds(20));
    }
    if (broker != null) {
      broker.stop(Duration.ofSeconds(30));
    }
    if (telegram != null) {
      telegram.close();
    }
    if (whatsapp != null) {
      whatsapp.close();
    }
    if (postgres != null) {
      postgres.close();
    }
  }

  static int freePort() {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    } catch (IOException e) {
      throw new IllegalStateException("no free port", e);
    }
  }

  /** A free port whose successor (the KRaft controller's) is free too. */
  static int freeKafkaPort() {
    for (int i = 0; i < 50; i++) {
      int port = freePort();
      try (ServerSocket next = new ServerSocket(port + 1)) {
        return port;
      } catch (IOException e) {
        // the controller's port is taken: try another
      }
    }
    throw new IllegalStateException("no free pair of ports for the broker");
  }
}
