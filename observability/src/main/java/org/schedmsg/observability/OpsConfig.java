package org.schedmsg.observability;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.schedmsg.contracts.config.Env;

/**
 * Settings of a service's operations endpoint, read by {@link #fromEnv(Env, int)} and validated
 * here so that start-up fails naming the bad key. Each key is defined once, in {@link #SETTINGS};
 * the module README's table is {@link #settingsTable()}.
 *
 * @param port {@code OPS_PORT}; 0 picks a free port. Each app has its own default so that all four
 *     can run on one host.
 * @param bindAddress {@code OPS_BIND_ADDRESS}: the local address the endpoint listens on
 * @param checkTimeout {@code OPS_CHECK_TIMEOUT}: longest wait for one health check's answer
 * @param exchangeTimeout {@code OPS_EXCHANGE_TIMEOUT}: longest time one HTTP exchange (reading the
 *     request, answering, writing the response) may hold a server thread
 * @param dependencyInterval {@code OPS_DEPENDENCY_INTERVAL}: how often each dependency (PostgreSQL,
 *     Kafka) is probed in the background for readiness
 */
public record OpsConfig(
    int port,
    InetAddress bindAddress,
    Duration checkTimeout,
    Duration exchangeTimeout,
    Duration dependencyInterval) {

  public static final String OPS_PORT = "OPS_PORT";
  public static final String OPS_BIND_ADDRESS = "OPS_BIND_ADDRESS";
  public static final String OPS_CHECK_TIMEOUT = "OPS_CHECK_TIMEOUT";
  public static final String OPS_EXCHANGE_TIMEOUT = "OPS_EXCHANGE_TIMEOUT";
  public static final String OPS_DEPENDENCY_INTERVAL = "OPS_DEPENDENCY_INTERVAL";

  public static final int CDC_INGESTOR_PORT = 9401;
  public static final int SCHEDULER_PORT = 9402;
  public static final int SENDER_TELEGRAM_PORT = 9403;
  public static final int SENDER_WHATSAPP_PORT = 9404;

  /** Every interface: Kubernetes probes and Prometheus reach the pod IP, not loopback. */
  public static final String DEFAULT_BIND_ADDRESS = "0.0.0.0";

  public static final Duration DEFAULT_CHECK_TIMEOUT = Duration.ofSeconds(2);
  public static final Duration DEFAULT_EXCHANGE_TIMEOUT = Duration.ofSeconds(10);
  public static final Duration DEFAULT_DEPENDENCY_INTERVAL = Duration.ofSeconds(5);

  /** One environment key: its name, its default as the README writes it, and what it does. */
  public record Setting(String key, String defaultValue, String meaning) {}

  /** Every key this config reads, in README order. */
  public static final List<Setting> SETTINGS =
      List.of(
          new Setting(
              OPS_PORT,
              CDC_INGESTOR_PORT
                  + " cdc-ingestor, "
                  + SCHEDULER_PORT
                  + " scheduler-stream, "
                  + SENDER_TELEGRAM_PORT
                  + " sender-telegram, "
                  + SENDER_WHATSAPP_PORT
                  + " sender-whatsapp",
              "TCP port of the endpoint; `0` = any free port"),
          new Setting(
              OPS_BIND_ADDRESS,
              DEFAULT_BIND_ADDRESS,
              "local address to listen on: an IPv4 or IPv6 literal, or `localhost` (the loopback"
                  + " address, no name lookup). `127.0.0.1` keeps the endpoint local to the host;"
                  + " `::` listens on every IPv4 and IPv6 interface"),
          new Setting(
              OPS_CHECK_TIMEOUT,
              readme(DEFAULT_CHECK_TIMEOUT),
              "longest wait for one health check; a check still running then reports"
                  + " `check_timeout`"),
          new Setting(
              OPS_EXCHANGE_TIMEOUT,
              readme(DEFAULT_EXCHANGE_TIMEOUT),
              "longest time one HTTP exchange may hold a server thread; the connection is then"
                  + " closed. Must be longer than `OPS_CHECK_TIMEOUT`"),
          new Setting(
              OPS_DEPENDENCY_INTERVAL,
              readme(DEFAULT_DEPENDENCY_INTERVAL),
              "how often each dependency (PostgreSQL, Kafka) is probed in the background;"
                  + " readiness reports the latest probe, so an outage or a recovery shows within"
                  + " about this interval plus `OPS_CHECK_TIMEOUT`"));

  /** Every environment key this config reads. */
  public static final List<String> KEYS = SETTINGS.stream().map(Setting::key).toList();

  private static final String OCTET = "(25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])";
  private static final Pattern IPV4 = Pattern.compile("(" + OCTET + "\\.){3}" + OCTET);
  private static final Pattern IPV6 = Pattern.compile("\\[?[0-9A-Fa-f:.]*:[0-9A-Fa-f:.]*]?");

  public OpsConfig {
    if (port < 0 || port > 65535) {
      throw new IllegalArgumentException(OPS_PORT + " must be a port number (0 = any free port)");
    }
    Objects.requireNonNull(bindAddress, OPS_BIND_ADDRESS + " must be set");
    requirePositive(checkTimeout, OPS_CHECK_TIMEOUT);
    requirePositive(exchangeTimeout, OPS_EXCHANGE_TIMEOUT);
    requirePositive(dependencyInterval, OPS_DEPENDENCY_INTERVAL);
    if (exchangeTimeout.compareTo(checkTimeout) <= 0) {
      throw new IllegalArgumentException(
          OPS_EXCHANGE_TIMEOUT
              + " must be longer than "
              + OPS_CHECK_TIMEOUT
              + ", or a hung check would cut the probe off instead of answering check_timeout");
    }
  }

  /** {@code port} with the defaults for every other setting. */
  public OpsConfig(int port) {
    this(
        port,
        bindAddress(DEFAULT_BIND_ADDRESS),
        DEFAULT_CHECK_TIMEOUT,
        DEFAULT_EXCHANGE_TIMEOUT,
        DEFAULT_DEPENDENCY_INTERVAL);
  }

  /** This config with another {@link #dependencyInterval()} (tests probe more often). */
  public OpsConfig withDependencyInterval(Duration interval) {
    return new OpsConfig(port, bindAddress, checkTimeout, exchangeTimeout, interval);
  }

  public static OpsConfig fromEnv(Env env, int defaultPort) {
    return new OpsConfig(
        env.integer(OPS_PORT, defaultPort),
        bindAddress(env.string(OPS_BIND_ADDRESS, DEFAULT_BIND_ADDRESS)),
        env.duration(OPS_CHECK_TIMEOUT, DEFAULT_CHECK_TIMEOUT),
        env.duration(OPS_EXCHANGE_TIMEOUT, DEFAULT_EXCHANGE_TIMEOUT),
        env.duration(OPS_DEPENDENCY_INTERVAL, DEFAULT_DEPENDENCY_INTERVAL));
  }

  /**
   * Parses an IP literal ({@code 0.0.0.0}, {@code 127.0.0.1}, {@code ::}, {@code [::1]}) or {@code
   * localhost} (the loopback address), never looking a name up.
   *
   * @throws IllegalArgumentException naming {@value #OPS_BIND_ADDRESS} for anything else
   */
  public static InetAddress bindAddress(String text) {
    String value = text.trim();
    if (value.equalsIgnoreCase("localhost")) {
      return InetAddress.getLoopbackAddress();
    }
    if (IPV4.matcher(value).matches()) {
      return literal(value);
    }
    if (IPV6.matcher(value).matches()) {
      // In brackets the JDK parses an IPv6 literal or fails; it never asks DNS.
      return literal(value.startsWith("[") ? value : "[" + value + "]");
    }
    throw invalidBindAddress(null);
  }

  private static InetAddress literal(String text) {
    try {
      return InetAddress.getByName(text);
    } catch (UnknownHostException e) {
      throw invalidBindAddress(e);
    }
  }

  private static IllegalArgumentException invalidBindAddress(Exception cause) {
    return new IllegalArgumentException(
        OPS_BIND_ADDRESS + " must be an IP address such as 0.0.0.0, 127.0.0.1 or ::, or localhost",
        cause);
  }

  /** The README's settings table, generated from {@link #SETTINGS}. */
  public static String settingsTable() {
    return "| key | default | meaning |\n|---|---|---|\n"
        + SETTINGS.stream()
            .map(s -> "| `" + s.key() + "` | " + s.defaultValue() + " | " + s.meaning() + " |\n")
            .collect(Collectors.joining());
  }

  private static void requirePositive(Duration duration, String key) {
    if (duration == null || duration.isNegative() || duration.isZero()) {
      throw new IllegalArgumentException(key + " must be a positive duration");
    }
  }

  private static String readme(Duration duration) {
    return duration.toMillis() % 1000 == 0
        ? duration.toSeconds() + "s"
        : duration.toMillis() + "ms";
  }
}
