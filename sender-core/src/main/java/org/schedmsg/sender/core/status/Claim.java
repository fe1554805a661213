package org.schedmsg.sender.core.status;

import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import org.schedmsg.contracts.DeliveryRequest;

/**
 * What {@link MessageStatusRepository#claim} came to. Only {@link Claimed} may be sent, and what is
 * sent is {@link Claimed#current()}: the row as it is in PostgreSQL at the claim, not the release.
 */
public sealed interface Claim {

  /**
   * The message is this sender's until the outcome is recorded: an attempt is {@code in_flight}
   * and, until its lease ends, every change of the row by anyone else fails (SQLSTATE {@code
   * SM001}).
   *
   * @param attemptId the {@code delivery_attempts} row of this attempt
   * @param attempt the attempt's number, counting from 1 ({@code attempts} of the row + 1)
   * @param claimedAt when it was claimed, by the database's clock
   * @param current the release with the row's current recipient, text, template, parameters and
   *     metadata: what is sent
   */
  record Claimed(long attemptId, int attempt, Instant claimedAt, DeliveryRequest current)
      implements Claim {
    public Claimed {
      Objects.requireNonNull(claimedAt, "claimedAt");
      Objects.requireNonNull(current, "current");
    }

    @Override
    public String toString() {
      return "Claimed{attemptId=" + attemptId + ", attempt=" + attempt + '}';
    }
  }

  /** Not claimed, nothing sent; {@code why} says whether the row was written. */
  record Refused(Refusal why) implements Claim {
    public Refused {
      Objects.requireNonNull(why, "why");
    }
  }

  /**
   * Not claimed: the row's {@code scheduled_time} is still ahead of the database's clock by {@code
   * early} (the scheduler's clock runs ahead, or a release came early).
   */
  record NotDue(Duration early) implements Claim {
    public NotDue {
      Objects.requireNonNull(early, "early");
    }
  }

  /**
   * Not claimed: an earlier attempt of the message (this or another sender) claimed it and its
   * lease ran out without an outcome (the sender crashed mid-send). It may have been delivered; the
   * caller decides as for an ambiguous result and records that for {@code lost}, which makes the
   * release being processed stale.
   */
  record Abandoned(Claimed lost) implements Claim {
    public Abandoned {
      Objects.requireNonNull(lost, "lost");
    }
  }

  /** Why a claim was refused. */
  enum Refusal {
    /**
     * The release is not the row's current version: the row changed since (edited, rescheduled,
     * cancelled, sent, failed, deleted), or the release is a replay or a duplicate.
     */
    STALE,
    /** Another attempt of the message is in flight (a duplicate release, a second sender). */
    IN_FLIGHT,
    /** Past its delivery window by the database's clock: written {@code failed}. */
    EXPIRED,
    /** The row holds a value the sender cannot work with: written {@code failed} with a reason. */
    UNUSABLE,
    /** The release carries no row version (written before versions existed): never claimed. */
    UNVERSIONED
  }
}
