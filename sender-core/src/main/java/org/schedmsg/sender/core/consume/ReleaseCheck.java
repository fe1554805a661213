package org.schedmsg.sender.core.consume;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.UUID;
import org.schedmsg.contracts.DeliveryRequest;
import org.schedmsg.contracts.Platform;
import org.schedmsg.sender.core.metrics.SenderMetrics;
import org.schedmsg.sender.core.status.MessageStatusRepository;
import org.schedmsg.sender.core.status.StatusStoreException;
import org.schedmsg.sender.core.throttle.PlatformGate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Step 1 of a delivery, before any rate-limit slot is taken: is the record usable, is the platform
 * (or its recipient) paused, is the release still the row's current version? The last is one read
 * for the whole batch, so that a replay of thousands of stale records is passed over at once
 * instead of being paced; the claim decides again.
 */
final class ReleaseCheck {
  private static final Logger LOG = LoggerFactory.getLogger(DeliveryProcessor.class);

  private final Platform platform;
  private final MessageStatusRepository repository;
  private final PlatformGate gate;
  private final SenderMetrics metrics;

  ReleaseCheck(
      Platform platform,
      MessageStatusRepository repository,
      PlatformGate gate,
      SenderMetrics metrics) {
    this.platform = Objects.requireNonNull(platform, "platform");
    this.repository = Objects.requireNonNull(repository, "repository");
    this.gate = Objects.requireNonNull(gate, "gate");
    this.metrics = Objects.requireNonNull(metrics, "metrics");
  }

  /**
   * The outcome of each request that goes no further (element {@code i} for request {@code i}),
   * null for those to be claimed. A store outage in the batch read is thrown (nothing was sent).
   */
  Outcome[] checkAll(List<DeliveryRequest> requests, Instant now) {
    Outcome[] outcomes = new Outcome[requests.size()];
    List<DeliveryRequest> candidates = new ArrayList<>(requests.size());
    for (int i = 0; i < requests.size(); i++) {
      outcomes[i] = check(requests.get(i), now);
      if (outcomes[i] == null) {
        candidates.add(requests.get(i));
      }
    }
    Set<UUID> current = stillCurrent(candidates);
    if (current == null) {
      return outcomes;
    }
    for (int i = 0; i < requests.size(); i++) {
      DeliveryRequest request = requests.get(i);
      if (outcomes[i] == null && !current.contains(request.messageId())) {
        metrics.claimConflict();
        LOG.info(
            "delivery messageId={} platform={} rowVersion={} outcome={}: not the row's current"
                + " pending version (changed, cancelled, done, or a replay)",
            request.messageId(),
            platform.id(),
            request.rowVersion(),
            Outcome.SKIPPED);
        outcomes[i] = Outcome.SKIPPED;
      }
    }
    return outcomes;
  }

  /** The ids still current, or null when the read failed with an error that would repeat. */
  private Set<UUID> stillCurrent(List<DeliveryRequest> candidates) {
    if (candidates.isEmpty()) {
      return Set.of();
    }
    try {
      return repository.stillCurrent(candidates);
    } catch (StatusStoreException e) {
      if (e.isTransient()) {
        throw e;
      }
      LOG.warn("batch read of row versions failed (SQLState {}); the claims decide", e.sqlState());
      return null;
    }
  }

  /** The outcome of a record that is not to be claimed, or null when it may be. */
  Outcome check(DeliveryRequest request, Instant now) {
    if (request.messageId() == null
        || request.scheduledTime() == null
        || request.platform() != platform) {
      LOG.warn(
          "delivery messageId={} platform={} outcome={}: not a valid {} request; skipped",
          request.messageId(),
          request.platform(),
          Outcome.INVALID,
          platform.id());
      return Outcome.INVALID;
    }
    return hold(request, now);
  }

  /** {@link Outcome#HELD} or {@link Outcome#DEFERRED} while paused, else null. */
  Outcome hold(DeliveryRequest request, Instant now) {
    PlatformGate.Hold hold = gate.holdFor(request.recipientId(), now);
    if (hold == PlatformGate.Hold.NONE) {
      return null;
    }
    Outcome outcome = hold == PlatformGate.Hold.PLATFORM ? Outcome.HELD : Outcome.DEFERRED;
    LOG.debug(
        "delivery messageId={} platform={} outcome={}: {} paused; not claimed",
        request.messageId(),
        platform.id(),
        outcome,
        hold == PlatformGate.Hold.PLATFORM ? "platform" : "recipient");
    return outcome;
  }
}
