package org.schedmsg.cli.command;

/** Exit codes of every command (picocli uses 2 for a usage error). */
public final class ExitCodes {
  public static final int OK = 0;

  /** The message does not exist, or is not in a state the command can act on. */
  public static final int NOT_APPLICABLE = 1;

  public static final int USAGE = 2;

  /**
   * Refused for safety (e.g. replay while the sender group is active), or an existing topic differs
   * from the catalog ({@code topics}; nothing was changed).
   */
  public static final int REFUSED = 3;

  /** PostgreSQL or Kafka could not be reached or answered with an error. */
  public static final int UNAVAILABLE = 4;

  /**
   * The message is being delivered right now (a sender's attempt is in flight, SQLSTATE SM001):
   * nothing changed; check {@code status} once the outcome is recorded.
   */
  public static final int BEING_DELIVERED = 5;

  /** A job ran and failed: a migration did not apply (nothing after it was applied). */
  public static final int JOB_FAILED = 6;

  private ExitCodes() {}
}
