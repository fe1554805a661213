package org.schedmsg.observability;

import java.time.Duration;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.DescribeClusterOptions;
import org.apache.kafka.common.errors.AuthenticationException;
import org.apache.kafka.common.errors.AuthorizationException;

/**
 * Probes the Kafka cluster with the service's own client settings (security included): asks a
 * broker for the cluster id, bounded by a timeout. For {@link OpsServer#withDependencyCheck}; it
 * does I/O, so never register it with {@link OpsServer#withCheck}.
 *
 * <p>Needs no ACL: describing the cluster without its authorized operations is allowed to every
 * authenticated principal.
 */
public final class KafkaClusterProbe implements HealthCheck, AutoCloseable {
  /** No broker answered within the timeout (down, unreachable, or TLS failed). */
  public static final String UNREACHABLE = "kafka_unreachable";

  /** A broker answered but refused the credentials. */
  public static final String AUTHENTICATION_FAILED = "kafka_authentication_failed";

  private final Admin admin;
  private final Duration timeout;

  /**
   * @param adminProperties the service's admin client properties: {@code bootstrap.servers}, its
   *     client settings, a {@code client.id}
   */
  public KafkaClusterProbe(Properties adminProperties, Duration timeout) {
    this.admin = Admin.create(adminProperties);
    this.timeout = timeout;
  }

  @Override
  public String problem() {
    int millis = (int) Math.min(Integer.MAX_VALUE, timeout.toMillis());
    try {
      admin
          .describeCluster(new DescribeClusterOptions().timeoutMs(millis))
          .clusterId()
          .get(millis + 1000L, TimeUnit.MILLISECONDS);
      return null;
    } catch (ExecutionException e) {
      Throwable cause = e.getCause();
      if (cause instanceof AuthenticationException || cause instanceof AuthorizationException) {
        return AUTHENTICATION_FAILED;
      }
      return UNREACHABLE;
    } catch (TimeoutException e) {
      return UNREACHABLE;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return UNREACHABLE;
    }
  }

  @Override
  public void close() {
    admin.close(Duration.ofSeconds(1));
  }
}
