package org.schedmsg.sender.core.consume;

import java.util.Objects;
import org.schedmsg.contracts.Platform;
import org.schedmsg.sender.core.retry.Decision;
import org.schedmsg.sender.core.status.Claim;
import org.schedmsg.sender.core.status.MessageStatusRepository;
import org.schedmsg.sender.core.status.StatusStoreException;
import org.schedmsg.sender.core.status.StatusWrite;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Step 5 of a delivery: writes the decision for a claimed attempt as soon as it is known (one
 * transaction: the attempt closed, the row written by compare-and-set on the claimed row version).
 * After a send, a database outage is waited out, write after write, so that it never turns a sent
 * message into a second send; an error that would repeat is tried once more without the series'
 * next occurrence, then given up (logged), never retried forever.
 */
final class OutcomeRecorder {
  private static final Logger LOG = LoggerFactory.getLogger(DeliveryProcessor.class);

  private final Platform platform;
  private final MessageStatusRepository repository;
  private final OutagePause outagePause;

  OutcomeRecorder(Platform platform, MessageStatusRepository repository, OutagePause outagePause) {
    this.platform = Objects.requireNonNull(platform, "platform");
    this.repository = Objects.requireNonNull(repository, "repository");
    this.outagePause = Objects.requireNonNull(outagePause, "outagePause");
  }

  /** The write {@code decision} stands for, for {@code claim}, at {@code at}. */
  static StatusWrite write(
      Claim.Claimed claim, Decision decision, java.time.Instant at, boolean lost) {
    return new StatusWrite(
        decision.kind(),
        claim.current().messageId(),
        claim.attemptId(),
        claim.current().rowVersion(),
        claim.attempt(),
        claim.claimedAt(),
        decision.text(),
        at,
        lost);
  }

  /**
   * Writes {@code write}: {@code intended} when it changed the row, {@link Outcome#CONFLICT} when
   * the attempt or the row had moved on (its lease ran out and someone else settled it).
   *
   * @throws OutcomeNotRecordedException when stopped during an outage before the write succeeded
   */
  Outcome record(StatusWrite write, Outcome intended) {
    for (int failures = 1; ; failures++) {
      try {
        return repository.record(write) ? intended : Outcome.CONFLICT;
      } catch (StatusStoreException e) {
        if (!e.isTransient()) {
          return recordPlain(write, intended, e);
        }
        LOG.warn(
            "delivery messageId={} platform={} attempt={}: recording {} failed; retrying"
                + " after {} ms",
            write.messageId(),
            platform.id(),
            write.attempt(),
            intended,
            outagePause.delay(failures).toMillis(),
            e);
        if (!outagePause.await(failures)) {
          throw new OutcomeNotRecordedException(write.messageId(), intended, e);
        }
      }
    }
  }

  private Outcome recordPlain(StatusWrite write, Outcome intended, StatusStoreException first) {
    LOG.error(
        "delivery messageId={} platform={} attempt={}: recording {} failed with SQLState {};"
            + " trying once without the series continuation",
        write.messageId(),
        platform.id(),
        write.attempt(),
        intended,
        first.sqlState(),
        first);
    try {
      return repository.recordPlain(write) ? intended : Outcome.CONFLICT;
    } catch (StatusStoreException e) {
      LOG.error(
          "delivery messageId={} platform={} attempt={}: {} could not be recorded (SQLState {});"
              + " given up: the attempt stays in flight until its lease ends, then counts as an"
              + " unknown outcome",
          write.messageId(),
          platform.id(),
          write.attempt(),
          intended,
          e.sqlState(),
          e);
      return Outcome.CONFLICT;
    }
  }
}
