package org.schedmsg.sender.core.consume;

import java.time.Duration;
import java.util.Objects;
import org.schedmsg.contracts.DeliveryRequest;
import org.schedmsg.sender.core.status.Claim;
import org.schedmsg.sender.core.status.MessageStatusRepository;
import org.schedmsg.sender.core.throttle.Sleeper;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Step 2 of a delivery: the claim, immediately before the send. The database's clock decides
 * whether the message is due: a release that arrives early by at most {@link #MAX_EARLY_WAIT} (the
 * scheduler's clock runs ahead of the database's) waits here and is claimed when due; one earlier
 * than that is not claimed, and the scheduler releases it again after its lease.
 */
final class Claimer {
  /** The longest a release that came early waits here for its time. */
  static final Duration MAX_EARLY_WAIT = Duration.ofSeconds(5);

  private static final Logger LOG = LoggerFactory.getLogger(DeliveryProcessor.class);

  private final MessageStatusRepository repository;
  private final Duration lease;
  private final Sleeper sleeper;

  /**
   * @param lease how long a claim holds the row without an outcome (longer than any platform call)
   */
  Claimer(MessageStatusRepository repository, Duration lease, Sleeper sleeper) {
    this.repository = Objects.requireNonNull(repository, "repository");
    this.lease = Objects.requireNonNull(lease, "lease");
    this.sleeper = Objects.requireNonNull(sleeper, "sleeper");
  }

  /** The claim; {@link Claim.NotDue} only when the release came too early to wait for. */
  Claim claim(DeliveryRequest request) throws InterruptedException {
    Claim claim = repository.claim(request, lease);
    for (int waits = 0;
        claim instanceof Claim.NotDue notDue
            && notDue.early().compareTo(MAX_EARLY_WAIT) <= 0
            && waits < 3;
        waits++) {
      LOG.warn(
          "delivery messageId={}: released {} ms before its scheduled_time by the database's"
              + " clock (is the scheduler's clock ahead?); waiting",
          request.messageId(),
          notDue.early().toMillis());
      sleeper.sleep(notDue.early());
      claim = repository.claim(request, lease);
    }
    return claim;
  }
}
