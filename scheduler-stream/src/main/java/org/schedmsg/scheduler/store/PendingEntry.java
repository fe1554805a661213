package org.schedmsg.scheduler.store;

import java.time.Instant;
import java.util.Objects;
import java.util.UUID;
import org.schedmsg.contracts.Platform;
import org.schedmsg.contracts.ScheduledMessage;

/**
 * The scheduling fields of a {@link PendingMessage}: what the due index, the pending counts and the
 * due-time rules read of an entry already stored. {@link PendingMessageSerde#decodeEntry} reads it
 * without decoding the row's content, parameters or other fields.
 *
 * @param id the message id
 * @param platform the row's platform
 * @param priority the row's priority as stored (not clamped)
 * @param rowVersion the row's {@code row_version}
 * @param dueAt when the punctuator releases it next
 * @param releasedVersion the {@code row_version} of the last release, null if never released
 * @param releasedAt when it was last released, null if never released
 */
public record PendingEntry(
    UUID id,
    Platform platform,
    int priority,
    long rowVersion,
    Instant dueAt,
    Long releasedVersion,
    Instant releasedAt) {

  public PendingEntry {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(platform, "platform");
    Objects.requireNonNull(dueAt, "dueAt");
  }

  /** Its key in the due index. */
  public DueIndexKey indexKey() {
    return DueIndexKey.of(platform, priority, dueAt, id);
  }

  /**
   * True when it was released while the row held {@code version}. Never for {@link
   * ScheduledMessage#UNKNOWN_VERSION}: two readings without a version cannot be told apart from a
   * change.
   */
  public boolean wasReleasedAtVersion(long version) {
    return version != ScheduledMessage.UNKNOWN_VERSION
        && releasedVersion != null
        && releasedVersion == version;
  }

  /** This entry's due time and release bookkeeping for another reading of the same row version. */
  public PendingMessage withMessage(ScheduledMessage sameVersion) {
    return new PendingMessage(sameVersion, dueAt, releasedVersion, releasedAt);
  }
}
