package org.schedmsg.pipeline.deploy;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.reflect.Field;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.schedmsg.cdc.CdcIngestorService;
import org.schedmsg.cdc.config.CdcIngestorConfig;
import org.schedmsg.contracts.Platform;
import org.schedmsg.contracts.config.DatabaseTls;
import org.schedmsg.contracts.config.Env;
import org.schedmsg.contracts.config.KafkaClientSettings;
import org.schedmsg.contracts.config.SettingKeys;
import org.schedmsg.contracts.testing.RepositoryFiles;
import org.schedmsg.observability.OpsConfig;
import org.schedmsg.scheduler.SchedulerService;
import org.schedmsg.scheduler.config.SchedulerConfig;
import org.schedmsg.sender.core.consume.DeliveryConsumer;
import org.schedmsg.sender.telegram.config.TelegramSenderConfig;
import org.schedmsg.sender.whatsapp.config.WhatsAppSenderConfig;
import org.schedmsg.sender.whatsapp.config.WhatsAppWebhookConfig;

/**
 * The deployable components as the manifests see them: the image each ships as, the environment
 * keys it reads (collected from the config classes' key lists, never written out here), its ops
 * port, how it parses its environment (as its {@code App} does), and the longest a clean stop can
 * take by its close timeouts.
 */
final class Services {
  static final String CDC_INGESTOR = "cdc-ingestor";
  static final String SCHEDULER = "scheduler-stream";
  static final String OPERATOR_CLI = "operator-cli";

  /** Kafka principals without a workload of their own (the CLI's commands). */
  static final String OPERATOR = "operator";

  static final String TOPIC_PROVISIONER = "topic-provisioner";

  /** The Docker repository prefix of every image: {@code schedmsg/<service>:<version>}. */
  static final String IMAGE_PREFIX = "schedmsg/";

  /** Read by every image's start script (the JVM's options), not by the Java code. */
  static final String JAVA_OPTS = "JAVA_OPTS";

  private static final Pattern DEFAULT_VALUE =
      Pattern.compile(
          "defaultValue\\s*=\\s*((?:\"(?:[^\"\\\\]|\\\\.)*\"|[A-Za-z_][\\w.]*|\\s|\\+)+)");
  private static final Pattern TERM =
      Pattern.compile("\"((?:[^\"\\\\]|\\\\.)*)\"|([A-Z][A-Za-z]*)\\.([A-Z][A-Z0-9_]*)");
  private static final Pattern ENV_REFERENCE = Pattern.compile("\\$\\{env:([A-Za-z0-9_]+)");

  private Services() {}

  static String sender(Platform platform) {
    return "sender-" + platform.id();
  }

  /**
   * One deployable component.
   *
   * @param keys the environment keys its code reads ({@code KAFKA_CLIENT_*} aside)
   * @param opsPort its default {@code OPS_PORT}, empty for the CLI
   * @param parse reads an environment as its {@code App} does, throwing {@link
   *     IllegalArgumentException} on an invalid one; empty for the CLI (not on this classpath)
   * @param cleanStopSeconds the longest its shutdown waits by its close timeouts
   */
  record Service(
      String name,
      Set<String> keys,
      Optional<Integer> opsPort,
      Optional<Consumer<Env>> parse,
      long cleanStopSeconds) {

    String image() {
      return IMAGE_PREFIX + name;
    }

    /**
     * Whether it reads the shared Kafka client settings, {@code KAFKA_CLIENT_<PROPERTY>} included:
     * a config lists {@link KafkaClientSettings#KEYS} for them (the per-property ones are a
     * pattern).
     */
    boolean readsKafkaClientSettings() {
      return keys.containsAll(KafkaClientSettings.KEYS);
    }
  }

  private static final Map<String, Service> ALL = build();

  private static Map<String, Service> build() {
    Map<String, Service> all = new LinkedHashMap<>();
    add(
        all,
        new Service(
            CDC_INGESTOR,
            keys(CdcIngestorConfig.KEYS, OpsConfig.KEYS),
            Optional.of(OpsConfig.CDC_INGESTOR_PORT),
            Optional.of(
                env -> {
                  CdcIngestorConfig.fromEnv(env);
                  OpsConfig.fromEnv(env, OpsConfig.CDC_INGESTOR_PORT);
                }),
            // close(): a starting task, the batch in flight, the engine thread, the producer,
            // each up to CLOSE_TIMEOUT, one after the other
            4 * CdcIngestorService.CLOSE_TIMEOUT.toSeconds()));
    add(
        all,
        new Service(
            SCHEDULER,
            keys(SchedulerConfig.KEYS, OpsConfig.KEYS),
            Optional.of(OpsConfig.SCHEDULER_PORT),
            Optional.of(
                env -> {
                  SchedulerConfig.fromEnv(env);
                  OpsConfig.fromEnv(env, OpsConfig.SCHEDULER_PORT);
                }),
            SchedulerService.CLOSE_TIMEOUT.toSeconds()));
    // the delivery consumer waits SHUTDOWN_GRACE for the sends in flight, then again after an
    // interrupt; the rejection consumer waits it once more
    long senderStop = 3 * DeliveryConsumer.SHUTDOWN_GRACE.toSeconds();
    add(
        all,
        new Service(
            sender(Platform.TELEGRAM),
            keys(TelegramSenderConfig.KEYS, OpsConfig.KEYS),
            Optional.of(OpsConfig.SENDER_TELEGRAM_PORT),
            Optional.of(
                env -> {
                  TelegramSenderConfig.fromEnv(env);
                  OpsConfig.fromEnv(env, OpsConfig.SENDER_TELEGRAM_PORT);
                }),
            senderStop));
    add(
        all,
        new Service(
            sender(Platform.WHATSAPP),
            keys(WhatsAppSenderConfig.KEYS, WhatsAppWebhookConfig.KEYS, OpsConfig.KEYS),
            Optional.of(OpsConfig.SENDER_WHATSAPP_PORT),
            Optional.of(
                env -> {
                  WhatsAppSenderConfig.fromEnv(env);
                  WhatsAppWebhookConfig.fromEnv(env);
                  OpsConfig.fromEnv(env, OpsConfig.SENDER_WHATSAPP_PORT);
                }),
            senderStop));
    add(all, new Service(OPERATOR_CLI, cliKeys(), Optional.empty(), Optional.empty(), 0));
    return Map.copyOf(all);
  }

  private static void add(Map<String, Service> all, Service service) {
    all.put(service.name(), service);
  }

  @SafeVarargs
  private static Set<String> keys(Collection<String>... lists) {
    Set<String> keys = new TreeSet<>();
    for (Collection<String> list : lists) {
      keys.addAll(list);
    }
    return Set.copyOf(keys);
  }

  /** Every component, by name. */
  static Map<String, Service> all() {
    return ALL;
  }

  /** The four long-running services (the CLI aside). */
  static List<Service> longRunning() {
    return ALL.values().stream().filter(s -> s.opsPort().isPresent()).toList();
  }

  /** The component of an image {@code schedmsg/<name>[:tag]}, if it is one of ours. */
  static Optional<Service> ofImage(String image) {
    if (image == null || !image.startsWith(IMAGE_PREFIX)) {
      return Optional.empty();
    }
    String repository = image.substring(IMAGE_PREFIX.length());
    int tag = repository.indexOf(':');
    String name = tag < 0 ? repository : repository.substring(0, tag);
    return Optional.ofNullable(ALL.get(name));
  }

  /** The sources of the operator CLI: read as text (the module is not a dependency of this one). */
  static Path cliSources() {
    return RepositoryFiles.root().resolve("operator-cli/src/main/java");
  }

  /**
   * The keys the CLI reads: every {@code ${env:KEY}} in a picocli {@code defaultValue} of its
   * sources, with the constants they concatenate ({@code "${env:" + DatabaseTls.SSL_MODE + "}"})
   * resolved against contracts' config classes.
   */
  static Set<String> cliKeys() {
    Set<String> keys = new TreeSet<>();
    for (String source : cliSourceTexts()) {
      Matcher option = DEFAULT_VALUE.matcher(source);
      while (option.find()) {
        Matcher env = ENV_REFERENCE.matcher(evaluate(option.group(1)));
        while (env.find()) {
          keys.add(env.group(1));
        }
      }
    }
    if (keys.isEmpty()) {
      throw new IllegalStateException("found no ${env:...} option defaults in " + cliSources());
    }
    return Set.copyOf(keys);
  }

  private static List<String> cliSourceTexts() {
    try (Stream<Path> files = Files.walk(cliSources())) {
      List<String> texts = new ArrayList<>();
      for (Path file : files.filter(f -> f.toString().endsWith(".java")).sorted().toList()) {
        texts.add(Files.readString(file));
      }
      return texts;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** A concatenation of string literals and {@code Class.CONSTANT}s of contracts' config. */
  private static String evaluate(String expression) {
    StringBuilder value = new StringBuilder();
    Matcher term = TERM.matcher(expression);
    while (term.find()) {
      if (term.group(1) != null) {
        value.append(term.group(1));
      } else {
        value.append(constant(term.group(2), term.group(3)));
      }
    }
    return value.toString();
  }

  private static String constant(String className, String field) {
    for (Class<?> type :
        List.of(DatabaseTls.class, SettingKeys.class, KafkaClientSettings.class, Env.class)) {
      if (type.getSimpleName().equals(className)) {
        try {
          Field constant = type.getField(field);
          return String.valueOf(constant.get(null));
        } catch (ReflectiveOperationException e) {
          throw new IllegalStateException("no constant " + className + "." + field, e);
        }
      }
    }
    throw new IllegalStateException(
        "the CLI's option default uses " + className + "." + field + ", unknown to this test");
  }
}
