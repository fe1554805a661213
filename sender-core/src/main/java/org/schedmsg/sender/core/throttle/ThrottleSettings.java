package org.schedmsg.sender.core.throttle;

import java.time.Duration;
import java.util.Objects;

/**
 * How fast one sender may call its platform and how long it stops after the platform objects.
 *
 * @param messagesPerSecond most sends started in any one-second window (Telegram about 30 per bot,
 *     WhatsApp 80 per phone number by default)
 * @param recipientInterval least time between two sends to one recipient (Telegram about 1 s per
 *     chat; zero for none)
 * @param rateLimitBackoff how long the whole sender stops after a rate-limit answer that names no
 *     wait of its own
 * @param recipientBackoff how long one recipient is left alone after a per-recipient rate limit
 *     (WhatsApp 131056)
 * @param fatalRetryInterval how long the sender stops after a fatal answer (bad token) before it
 *     tries the next message again
 */
public record ThrottleSettings(
    int messagesPerSecond,
    Duration recipientInterval,
    Duration rateLimitBackoff,
    Duration recipientBackoff,
    Duration fatalRetryInterval) {

  public ThrottleSettings {
    if (messagesPerSecond < 1) {
      throw new IllegalArgumentException("messagesPerSecond must be at least 1");
    }
    Objects.requireNonNull(recipientInterval, "recipientInterval");
    Objects.requireNonNull(rateLimitBackoff, "rateLimitBackoff");
    Objects.requireNonNull(recipientBackoff, "recipientBackoff");
    Objects.requireNonNull(fatalRetryInterval, "fatalRetryInterval");
  }
}
