package org.schedmsg.sender.core.throttle;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import org.schedmsg.sender.core.client.SendResult;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one place that decides whether a platform (or one recipient) may be called now. It closes on
 * a platform-wide rate limit (for the platform's {@code retry_after}, or the configured backoff),
 * on a fatal answer (for the fatal retry interval, and marks the platform unhealthy until a later
 * call gets any non-fatal answer) and, for one recipient only, on a per-recipient rate limit.
 *
 * <p>The wait a platform asks for ({@link SendResult.RateLimited#retryAfter()}, whatever its
 * source: Telegram's {@code retry_after}, a {@code Retry-After} header) is trusted only within
 * bounds, here and nowhere else: at most {@link #MAX_RETRY_AFTER}, so a broken or hostile answer
 * cannot stop a platform for years; a wait that is not positive is replaced by the configured
 * backoff.
 */
public final class PlatformGate {
  private static final Logger LOG = LoggerFactory.getLogger(PlatformGate.class);

  /** The longest pause a platform's own wait can begin. */
  public static final Duration MAX_RETRY_AFTER = Duration.ofHours(1);

  /** What keeps a send from going now. */
  public enum Hold {
    NONE,
    PLATFORM,
    RECIPIENT
  }

  private final String platform;
  private final ThrottleSettings settings;
  private final Map<String, Instant> recipientPausedUntil = new ConcurrentHashMap<>();
  private volatile Instant platformPausedUntil = Instant.MIN;
  private volatile String fatalReason;

  public PlatformGate(String platform, ThrottleSettings settings) {
    this.platform = Objects.requireNonNull(platform, "platform");
    this.settings = Objects.requireNonNull(settings, "settings");
  }

  /** Whether a send to {@code recipient} must wait at {@code now}. */
  public Hold holdFor(String recipient, Instant now) {
    if (isPlatformPaused(now)) {
      return Hold.PLATFORM;
    }
    Instant until = recipient == null ? null : recipientPausedUntil.get(recipient);
    if (until == null) {
      return Hold.NONE;
    }
    if (now.isBefore(until)) {
      return Hold.RECIPIENT;
    }
    recipientPausedUntil.remove(recipient, until);
    return Hold.NONE;
  }

  public boolean isPlatformPaused(Instant now) {
    return now.isBefore(platformPausedUntil);
  }

  /** The end of the current platform-wide pause (in the past when there is none). */
  public Instant platformPausedUntil() {
    return platformPausedUntil;
  }

  /** False from a fatal answer until a later call gets a non-fatal one. */
  public boolean isHealthy() {
    return fatalReason == null;
  }

  /**
   * Applies what {@code result} says about the platform's state; returns the pause begun, if any.
   */
  public Duration onResult(SendResult result, String recipient, Instant now) {
    if (result instanceof SendResult.Fatal fatal) {
      if (fatalReason == null) {
        LOG.error(
            "platform={} reason={}: the platform refuses every message; sending stopped, messages"
                + " stay pending, next try in {}",
            platform,
            fatal.reason(),
            settings.fatalRetryInterval());
      }
      fatalReason = fatal.reason();
      return pausePlatform(now, settings.fatalRetryInterval());
    }
    recoverIfFatal();
    if (result instanceof SendResult.RateLimited limited) {
      Duration wait = waitFor(limited);
      if (limited.scope() == SendResult.Scope.RECIPIENT && recipient != null) {
        recipientPausedUntil.merge(recipient, now.plus(wait), PlatformGate::later);
        return wait;
      }
      LOG.warn(
          "platform={} reason={}: rate limited; sending paused for {}",
          platform,
          limited.reason(),
          wait);
      return pausePlatform(now, wait);
    }
    return Duration.ZERO;
  }

  /** The platform's wait within (0, {@link #MAX_RETRY_AFTER}], else the configured backoff. */
  private Duration waitFor(SendResult.RateLimited limited) {
    Duration asked = limited.retryAfter();
    if (asked == null || asked.isNegative() || asked.isZero()) {
      return defaultWait(limited.scope());
    }
    if (asked.compareTo(MAX_RETRY_AFTER) > 0) {
      LOG.warn(
          "platform={} reason={}: the platform asked for a wait of {}s; pausing for the cap, {}",
          platform,
          limited.reason(),
          asked.getSeconds(),
          MAX_RETRY_AFTER);
      return MAX_RETRY_AFTER;
    }
    return asked;
  }

  private Duration defaultWait(SendResult.Scope scope) {
    return scope == SendResult.Scope.RECIPIENT
        ? settings.recipientBackoff()
        : settings.rateLimitBackoff();
  }

  private Duration pausePlatform(Instant now, Duration wait) {
    platformPausedUntil = later(platformPausedUntil, now.plus(wait));
    return wait;
  }

  private void recoverIfFatal() {
    if (fatalReason != null) {
      LOG.info("platform={}: answering again after {}; sending resumed", platform, fatalReason);
      fatalReason = null;
    }
  }

  private static Instant later(Instant a, Instant b) {
    return a.isAfter(b) ? a : b;
  }
}
