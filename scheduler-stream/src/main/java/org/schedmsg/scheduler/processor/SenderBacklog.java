package org.schedmsg.scheduler.processor;

import org.schedmsg.contracts.Platform;

/**
 * How many released messages a platform's senders still have to do: the lag of their consumer group
 * on the platform's delivery topic, measured from outside the stream thread.
 */
@FunctionalInterface
public interface SenderBacklog {
  /** Nothing is measured: releases are never held back for the senders. */
  SenderBacklog UNMEASURED = platform -> null;

  /**
   * One measurement.
   *
   * @param unsent records on the delivery topic the senders' group has not committed yet
   * @param sequence increases with every new measurement, so a reader can tell a fresh one
   */
  record Measurement(long unsent, long sequence) {}

  /** The latest measurement for {@code platform}, or null when none is known (yet). */
  Measurement latest(Platform platform);
}
