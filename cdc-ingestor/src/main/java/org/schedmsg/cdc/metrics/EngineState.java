package org.schedmsg.cdc.metrics;

/** Where the Debezium engine is; exported as the gauge {@value CdcMetrics#ENGINE_STATE}. */
public enum EngineState {
  /** Connecting, creating the slot, or snapshotting. */
  STARTING,
  /** Reading the replication slot. */
  STREAMING,
  /** Stopped by {@code close()}. */
  STOPPED,
  /** Stopped by itself with an error; the process should exit and be restarted. */
  FAILED;

  /** The tag value of this state. */
  public String tag() {
    return name().toLowerCase(java.util.Locale.ROOT);
  }
}
