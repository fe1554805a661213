package org.schedmsg.observability;

/**
 * One named check behind {@code /health/ready} ({@link OpsServer#withCheck}) or {@code
 * /health/live} ({@link OpsServer#withLivenessCheck}).
 *
 * <p>A check answers quickly from state the service already keeps (a flag, a thread's {@code
 * isAlive()}, the time of the last poll); it is evaluated with a time bound, and a check still
 * running when the bound passes is reported as {@code check_timeout}.
 */
@FunctionalInterface
public interface HealthCheck {
  /**
   * Null or empty when healthy; otherwise a short machine-readable reason such as {@code
   * worker_thread_dead}. Never data: no ids, texts, recipients, URLs or exception messages.
   */
  String problem();
}
