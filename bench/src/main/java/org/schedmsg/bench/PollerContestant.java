package org.schedmsg.bench;

import java.time.Duration;

/**
 * The polling peer ({@link SkipLockedPoller}) tuned for low lateness: {@value #WORKERS} workers,
 * batches of {@value #BATCH_SIZE}, a 100 ms poll interval when idle.
 */
final class PollerContestant implements Contestant {
  static final String NAME = "poller";
  static final int WORKERS = 4;
  static final int BATCH_SIZE = 100;
  static final Duration POLL_INTERVAL = Duration.ofMillis(100);

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public AutoCloseable start(Arena arena) {
    SkipLockedPoller poller =
        new SkipLockedPoller(
            arena.owner(),
            new TelegramSend(arena.telegramBaseUrl(), arena.telegramToken()),
            new PlatformPacer(arena.messagesPerSecond()),
            arena.releases(),
            WORKERS,
            BATCH_SIZE,
            POLL_INTERVAL);
    poller.start();
    return poller;
  }
}
