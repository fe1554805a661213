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
   * @param donePerSecond how fast the senders' group has been committing records lately (NaN until
   *     two measurements exist)
   */
  record Measurement(long unsent, long sequence, double donePerSecond) {
    /** A measurement without a drain rate. */
    public Measurement(long unsent, long sequence) {
      this(unsent, sequence, Double.NaN);
    }
  }

  /** The latest measurement for {@code platform}, or null when none is known (yet). */
  Measurement latest(Platform platform);
}
