package org.schedmsg.sender.core.throttle;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * Keeps a sender under its configured rates: at most {@code messagesPerSecond} sends started in any
 * one-second window, and at least {@code recipientInterval} between two sends to one recipient.
 * {@link #acquire(String)} waits (through the {@link Sleeper}) until both allow a send, then counts
 * it. Used from the single consumer thread.
 */
public final class SendPacer {
  private static final Duration WINDOW = Duration.ofSeconds(1);
  private static final int MAX_TRACKED_RECIPIENTS = 10_000;

  private final int messagesPerSecond;
  private final Duration recipientInterval;
  private final Clock clock;
  private final Sleeper sleeper;
  private final Deque<Instant> recent = new ArrayDeque<>();
  private final Map<String, Instant> lastByRecipient =
      new LinkedHashMap<>(16, 0.75f, true) {
        private static final long serialVersionUID = 1L;

        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Instant> eldest) {
          return size() > MAX_TRACKED_RECIPIENTS;
        }
      };

  public SendPacer(ThrottleSettings settings, Clock clock, Sleeper sleeper) {
    this.messagesPerSecond = settings.messagesPerSecond();
    this.recipientInterval = settings.recipientInterval();
    this.clock = Objects.requireNonNull(clock, "clock");
    this.sleeper = Objects.requireNonNull(sleeper, "sleeper");
  }

  /** Waits until a send to {@code recipient} keeps within the rates, and counts it as started. */
  public synchronized void acquire(String recipient) throws InterruptedException {
    for (Duration wait = delay(recipient, clock.instant());
        !wait.isZero();
        wait = delay(recipient, clock.instant())) {
      sleeper.sleep(wait);
    }
    Instant now = clock.instant();
    recent.addLast(now);
    lastByRecipient.put(recipient, now);
  }

  /** How long a send to {@code recipient} must wait at {@code now}; zero when it may go. */
  synchronized Duration delay(String recipient, Instant now) {
    while (!recent.isEmpty() && !recent.peekFirst().plus(WINDOW).isAfter(now)) {
      recent.removeFirst();
    }
    Duration wait = Duration.ZERO;
    if (recent.size() >= messagesPerSecond) {
      wait = Duration.between(now, recent.peekFirst().plus(WINDOW));
    }
    Instant last = lastByRecipient.get(recipient);
    if (last != null && !recipientInterval.isZero()) {
      Duration recipientWait = Duration.between(now, last.plus(recipientInterval));
      wait = recipientWait.compareTo(wait) > 0 ? recipientWait : wait;
    }
    return wait.isNegative() ? Duration.ZERO : wait;
  }
}
