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
 * window of one second plus {@link #ARRIVAL_JITTER}, and at least {@code recipientInterval} between
 * two sends to one recipient. With several instances, each keeps to its {@link RateShare}. {@link
 * #acquire(String)} waits (through the {@link Sleeper}) until both allow a send, then counts it.
 * Thread-safe; a sender uses two: one where records are dispatched, one right before the calls.
 */
public final class SendPacer {
  /**
   * How much the arrivals at the platform may spread beyond the starts counted here (the HTTP
   * client, the network, the platform's front end): sends are counted over one second plus this, so
   * that the platform, which counts arrivals, never sees more than the configured rate in any one
   * second. The sustained rate is then {@code messagesPerSecond / 1.2}.
   */
  static final Duration ARRIVAL_JITTER = Duration.ofMillis(200);

  private static final Duration WINDOW = Duration.ofSeconds(1).plus(ARRIVAL_JITTER);
  private static final int MAX_TRACKED_RECIPIENTS = 10_000;

  private final ThrottleSettings settings;
  private final RateShare share;
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
    this(settings, RateShare.whole(), clock, sleeper);
  }

  /**
   * @param share this instance's share of {@code settings}' rate ({@link RateShare})
   */
  public SendPacer(ThrottleSettings settings, RateShare share, Clock clock, Sleeper sleeper) {
    this.settings = Objects.requireNonNull(settings, "settings");
    this.share = Objects.requireNonNull(share, "share");
    this.messagesPerSecond = settings.messagesPerSecond();
    this.recipientInterval = settings.recipientInterval();
    this.clock = Objects.requireNonNull(clock, "clock");
    this.sleeper = Objects.requireNonNull(sleeper, "sleeper");
  }

  /** A pacer with the same rates, share, clock and sleeper, and nothing counted yet. */
  public SendPacer twin() {
    return new SendPacer(settings, share, clock, sleeper);
  }

  /** This instance's share of the rate; the consumer updates it when partitions move. */
  public RateShare share() {
    return share;
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
    Duration window = share.window(WINDOW, messagesPerSecond);
    while (!recent.isEmpty() && !recent.peekFirst().plus(window).isAfter(now)) {
      recent.removeFirst();
    }
    Duration wait = Duration.ZERO;
    if (recent.size() >= share.sendsPerWindow(messagesPerSecond)) {
      wait = Duration.between(now, recent.peekFirst().plus(window));
    }
    Instant last = lastByRecipient.get(recipient);
    if (last != null && !recipientInterval.isZero()) {
      Duration recipientWait = Duration.between(now, last.plus(recipientInterval));
      wait = recipientWait.compareTo(wait) > 0 ? recipientWait : wait;
    }
    return wait.isNegative() ? Duration.ZERO : wait;
  }
}
