package org.schedmsg.sender.core.throttle;

import java.time.Duration;

/** Waits; tests substitute one that moves a settable clock instead. */
@FunctionalInterface
public interface Sleeper {
  Sleeper SYSTEM = duration -> Thread.sleep(Math.max(1, duration.toMillis()));

  void sleep(Duration duration) throws InterruptedException;
}
