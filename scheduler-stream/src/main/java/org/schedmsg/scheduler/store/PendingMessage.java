package org.schedmsg.scheduler.store;

import java.time.Instant;
import java.util.Objects;
import org.schedmsg.contracts.ScheduledMessage;

/**
 * Value of the {@code messages} store: the latest row of a pending message plus its release
 * bookkeeping.
 *
 * @param message the latest pending row, as read from the CDC topic
 * @param dueAt when the punctuator releases it next (in the key of its {@code due-index} entry)
 * @param releasedVersion the {@code row_version} of the last release, null if never released
 * @param releasedAt when it was last released, null if never released
 */
public record PendingMessage(
    ScheduledMessage message, Instant dueAt, Long releasedVersion, Instant releasedAt) {

  public PendingMessage {
    Objects.requireNonNull(message, "message");
    Objects.requireNonNull(dueAt, "dueAt");
  }

  /** A message not released yet, due at {@code dueAt}. */
  public static PendingMessage scheduled(ScheduledMessage message, Instant dueAt) {
    return new PendingMessage(message, dueAt, null, null);
  }

  /**
   * This message released at {@code at} with its current {@code row_version}, next due at {@code
   * nextDue}.
   */
  public PendingMessage releasedAt(Instant at, Instant nextDue) {
    return new PendingMessage(message, nextDue, message.rowVersion(), at);
  }

  /**
   * True when it was released while the row held {@code rowVersion}. Never for {@link
   * ScheduledMessage#UNKNOWN_VERSION}: two readings without a version cannot be told apart from a
   * change.
   */
  public boolean wasReleasedAtVersion(long rowVersion) {
    return entry().wasReleasedAtVersion(rowVersion);
  }

  /** Its scheduling fields (what {@link PendingMessageSerde#decodeEntry} reads back alone). */
  public PendingEntry entry() {
    return new PendingEntry(
        message.id(),
        message.platform(),
        message.priority(),
        message.rowVersion(),
        dueAt,
        releasedVersion,
        releasedAt);
  }

  /** Its key in the {@code due-index} store (the same as its {@link #entry() entry}'s). */
  public DueIndexKey indexKey() {
    return DueIndexKey.of(message.platform(), message.priority(), dueAt, message.id());
  }

  /** Identity and scheduling fields only: the row's content stays out of logs. */
  @Override
  public String toString() {
    return "PendingMessage{message="
        + message
        + ", dueAt="
        + dueAt
        + ", releasedVersion="
        + releasedVersion
        + ", releasedAt="
        + releasedAt
        + '}';
  }
}
