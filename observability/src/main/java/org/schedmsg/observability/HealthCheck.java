package org.schedmsg.observability;

/** One named check behind {@code /health/ready}. */
@FunctionalInterface
public interface HealthCheck {
  /** Null or empty when healthy; otherwise a short machine-readable reason (no patient data). */
  String problem();
}
