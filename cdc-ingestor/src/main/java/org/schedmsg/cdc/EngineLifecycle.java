package org.schedmsg.cdc;

import io.debezium.engine.DebeziumEngine;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Follows the engine through Debezium's callbacks: when its task polls (the replication slot
 * exists, so every later commit is captured) and when it stopped, with the error if it failed.
 */
final class EngineLifecycle
    implements DebeziumEngine.CompletionCallback, DebeziumEngine.ConnectorCallback {
  private static final Logger log = LoggerFactory.getLogger(EngineLifecycle.class);

  private final CompletableFuture<Void> polling = new CompletableFuture<>();
  private final CompletableFuture<Optional<Throwable>> stopped = new CompletableFuture<>();

  @Override
  public void pollingStarted() {
    log.info("CDC engine is streaming (replication slot ready)");
    polling.complete(null);
  }

  @Override
  public void handle(boolean success, String message, Throwable error) {
    if (success) {
      log.info("CDC engine stopped: {}", message);
      stopped.complete(Optional.empty());
    } else {
      Throwable failure =
          error != null ? error : new IllegalStateException("CDC engine failed: " + message);
      log.error("CDC engine stopped with an error: {}", message, failure);
      stopped.complete(Optional.of(failure));
    }
  }

  CompletableFuture<Void> polling() {
    return polling;
  }

  /** Completes when the engine has stopped: empty after a clean stop, else the failure. */
  CompletableFuture<Optional<Throwable>> stopped() {
    return stopped;
  }

  /** Completes when the engine polls or has stopped, whichever comes first. */
  CompletableFuture<Object> pollingOrStopped() {
    return CompletableFuture.anyOf(polling, stopped);
  }
}
