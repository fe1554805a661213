package org.schedmsg.sender.core.throttle;

import java.time.Duration;

/**
 * The rule for several sender instances of one platform: each paces at its share of the configured
 * rate, the share being the delivery topic's partitions it is assigned over all of the topic's
 * partitions. The shares of the instances of one group add up to at most the whole (a partition has
 * one owner), so the platform's rate holds in aggregate whoever owns what, and an instance that
 * takes over a lost instance's partitions takes over its share with them. A share under one send
 * per window widens the window instead (one send per {@code window / share}), so that many
 * partitions and a low rate still never add up to more than the rate. Records are keyed by
 * recipient, so a recipient's interval is kept by the one instance that owns its partition.
 *
 * <p>The cost: with a skewed load (one partition busy, the others idle) the busy instance cannot
 * borrow the idle ones' share. Thread-safe; one per sender, shared by its pacers.
 */
public final class RateShare {
  private volatile int assigned = 1;
  private volatile int total = 1;

  /** The whole rate: one instance owning every partition (or not told otherwise). */
  public static RateShare whole() {
    return new RateShare();
  }

  /** This instance now owns {@code assigned} of the topic's {@code total} partitions. */
  public void set(int assigned, int total) {
    if (total < 1 || assigned < 0 || assigned > total) {
      throw new IllegalArgumentException(
          "assigned " + assigned + " of " + total + " partitions is not a share");
    }
    this.total = total;
    this.assigned = assigned;
  }

  /** Sends allowed per {@link #window}, for a configured rate of {@code perSecond}. */
  int sendsPerWindow(int perSecond) {
    int a = assigned;
    int t = total;
    if (a == 0 || a == t) {
      return perSecond;
    }
    return (int) Math.max(1, (long) perSecond * a / t);
  }

  /** The window the sends of {@link #sendsPerWindow} are counted over. */
  Duration window(Duration window, int perSecond) {
    int a = assigned;
    int t = total;
    long share = (long) perSecond * a;
    if (a == 0 || share >= t) {
      return window;
    }
    // under one send per window: one send per window * t / (perSecond * a)
    return Duration.ofNanos(Math.multiplyExact(window.toNanos(), (long) t) / share);
  }

  @Override
  public String toString() {
    return assigned + "/" + total;
  }
}
