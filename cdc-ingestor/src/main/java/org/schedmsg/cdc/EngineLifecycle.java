package org.schedmsg.cdc;

import io.debezium.engine.DebeziumEngine;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import org.schedmsg.cdc.metrics.CdcMetrics;
import org.schedmsg.cdc.metrics.EngineState;
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
  private final CdcMetrics metrics;
  private final String slotName;

  EngineLifecycle(CdcMetrics metrics, String slotName) {
    this.metrics = metrics;
    this.slotName = slotName;
  }

  @Override
  public void pollingStarted() {
    log.info("CDC engine is streaming (replication slot ready)");
    metrics.engineState(EngineState.STREAMING);
    polling.complete(null);
  }

  /** The task stopped polling: the engine is stopping, or restarting after a lost connection. */
  @Override
  public void pollingStopped() {
    if (!stopped.isDone()) {
      log.info("CDC engine stopped polling; it reconnects unless it is stopping");
      metrics.engineState(EngineState.STARTING);
    }
  }

  @Override
  public void handle(boolean success, String message, Throwable error) {
    if (success) {
      log.info("CDC engine stopped: {}", message);
      metrics.engineState(EngineState.STOPPED);
      stopped.complete(Optional.empty());
    } else {
      Throwable failure = explain(message, error);
      log.error("CDC engine stopped with an error: {}", failure.getMessage(), failure);
      metrics.engineState(EngineState.FAILED);
      stopped.complete(Optional.of(failure));
    }
  }

  private Throwable explain(String message, Throwable error) {
    if (error == null) {
      return new IllegalStateException("CDC engine failed: " + message);
    }
    return LostSlotException.isLostSlot(error) ? new LostSlotException(slotName, error) : error;
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
