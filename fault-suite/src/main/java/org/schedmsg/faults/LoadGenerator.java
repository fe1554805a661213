package org.schedmsg.faults;

import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes a scenario's messages as an upstream service does (role {@code schedmsg_upstream}, one
 * INSERT per transaction, spread over a short burst): per platform immediate messages, a group of
 * 18 due together at priorities 1-9, a recurring series, messages cancelled and messages edited
 * (time, recipient and text) before their release. Every text is unique and starts with the
 * scenario's tag, so the platforms' journals match the rows. Times come from the database's clock.
 */
final class LoadGenerator {
  private static final Logger log = LoggerFactory.getLogger(LoadGenerator.class);
  static final List<String> PLATFORMS = List.of("telegram", "whatsapp");
  static final int IMMEDIATE_PER_PLATFORM = 8;
  static final int GROUP_PER_PRIORITY = 2;
  static final int CANCELLED_PER_PLATFORM = 3;
  static final int EDITED_PER_PLATFORM = 3;

  /** Every row gets this window: long enough that a retry after a crash is still inside it. */
  static final int WINDOW_SECONDS = 240;

  static final Duration GROUP_DELAY = Duration.ofSeconds(8);
  static final Duration RECURRING_DELAY = Duration.ofSeconds(4);
  static final Duration CHANGED_DELAY = Duration.ofSeconds(14);
  static final Duration EDITED_TO = Duration.ofSeconds(16);
  static final String RECURRENCE =
      "{\"rrule\": \"FREQ=SECONDLY;INTERVAL=15\", \"timezone\": \"UTC\", \"count\": 2}";

  private final Stack stack;
  private final String runTag;
  private final SecureRandom random = new SecureRandom();

  LoadGenerator(Stack stack, String runTag) {
    this.stack = stack;
    this.runTag = runTag;
  }

  /** The prefix of every text of {@code scenario}'s rows. */
  String prefix(String scenario) {
    return "fs " + runTag + " " + scenario + " ";
  }

  /** The burst of a scenario's rows; calls {@code midBurst} once half of them are written. */
  Load insert(String scenario, Runnable midBurst) throws SQLException {
    List<PlannedMessage> plan = new ArrayList<>();
    for (String platform : PLATFORMS) {
      for (int i = 0; i < IMMEDIATE_PER_PLATFORM; i++) {
        plan.add(planned(scenario, PlannedMessage.Kind.IMMEDIATE, platform, 1 + random.nextInt(9)));
      }
      for (int priority = 9; priority >= 1; priority--) {
        for (int i = 0; i < GROUP_PER_PRIORITY; i++) {
          plan.add(planned(scenario, PlannedMessage.Kind.GROUP, platform, priority));
        }
      }
      plan.add(planned(scenario, PlannedMessage.Kind.RECURRING, platform, 3));
      for (int i = 0; i < CANCELLED_PER_PLATFORM; i++) {
        plan.add(planned(scenario, PlannedMessage.Kind.CANCELLED, platform, 5));
      }
      for (int i = 0; i < EDITED_PER_PLATFORM; i++) {
        plan.add(planned(scenario, PlannedMessage.Kind.EDITED, platform, 4));
      }
    }
    Collections.shuffle(plan, random);
    try (Connection c = stack.upstream()) {
      Instant start = databaseNow(c);
      Instant groupTime = start.plus(GROUP_DELAY);
      int written = 0;
      for (PlannedMessage message : plan) {
        insert(c, message, start, groupTime);
        written++;
        if (written == plan.size() / 2) {
          midBurst.run();
        }
        pause(Duration.ofMillis(25));
      }
      log.info("{}: {} rows written, group due at {}", scenario, plan.size(), groupTime);
      return new Load(scenario, plan, start, groupTime);
    }
  }

  private PlannedMessage planned(
      String scenario, PlannedMessage.Kind kind, String platform, int priority) {
    return new PlannedMessage(
        UUID.randomUUID(), kind, platform, priority, recipient(platform), text(scenario, kind));
  }

  String text(String scenario, PlannedMessage.Kind kind) {
    return prefix(scenario) + kind.name().toLowerCase() + " " + Long.toHexString(random.nextLong());
  }

  String recipient(String platform) {
    long digits = 100_000_000L + (random.nextLong() & Long.MAX_VALUE) % 900_000_000L;
    return "telegram".equals(platform) ? "98" + digits : "+4917" + digits;
  }

  private void insert(Connection c, PlannedMessage m, Instant start, Instant groupTime)
      throws SQLException {
    String time;
    switch (m.kind()) {
      case IMMEDIATE:
        time = "now()";
        break;
      case GROUP:
        time = "?";
        break;
      case RECURRING:
        time = "date_trunc('second', now()) + interval '" + RECURRING_DELAY.toSeconds() + " s'";
        break;
      default:
        time = "now() + interval '" + CHANGED_DELAY.toSeconds() + " s'";
        break;
    }
    try (PreparedStatement s =
        c.prepareStatement(
            "INSERT INTO scheduled_messages (id, recipient_id, platform, message_content,"
                + " scheduled_time, status, priority, delivery_window_seconds, recurrence_pattern)"
                + " VALUES (?, ?, ?, ?, "
                + time
                + ", 'pending', ?, ?, ?::jsonb)")) {
      int i = 1;
      s.setObject(i++, m.id());
      s.setString(i++, m.firstRecipient());
      s.setString(i++, m.platform());
      s.setString(i++, m.firstText());
      if (m.kind() == PlannedMessage.Kind.GROUP) {
        s.setTimestamp(i++, Timestamp.from(groupTime));
      }
      s.setInt(i++, m.priority());
      s.setInt(i++, WINDOW_SECONDS);
      s.setString(i, m.kind() == PlannedMessage.Kind.RECURRING ? RECURRENCE : null);
      s.executeUpdate();
    }
  }

  /**
   * The upstream changes of a load: cancels its CANCELLED rows and moves its EDITED rows (new
   * recipient, new text, two seconds later), each in its own transaction, as the README's contract
   * says ({@code WHERE status = 'pending'}). Returns how many changes were refused or too late.
   */
  int cancelAndEdit(Load load) throws SQLException {
    int refused = 0;
    try (Connection c = stack.upstream()) {
      for (PlannedMessage m : load.messages()) {
        if (m.kind() == PlannedMessage.Kind.CANCELLED) {
          refused += cancel(c, m.id()) ? 0 : 1;
        } else if (m.kind() == PlannedMessage.Kind.EDITED) {
          try (PreparedStatement s =
              c.prepareStatement(
                  "UPDATE scheduled_messages SET recipient_id = ?, message_content = ?,"
                      + " scheduled_time = scheduled_time + interval '"
                      + EDITED_TO.minus(CHANGED_DELAY).toSeconds()
                      + " s', updated_at = now() WHERE id = ? AND status = 'pending'")) {
            s.setString(1, recipient(m.platform()));
            s.setString(2, text(load.scenario(), PlannedMessage.Kind.EDITED) + " v2");
            s.setObject(3, m.id());
            refused += s.executeUpdate() == 1 ? 0 : 1;
          } catch (SQLException e) {
            refused++;
          }
        }
      }
    }
    return refused;
  }

  /** The upstream cancel; false when it changed nothing or was refused (SM001). */
  boolean cancel(Connection c, UUID id) {
    try (PreparedStatement s =
        c.prepareStatement(
            "UPDATE scheduled_messages SET status = 'cancelled', updated_at = now()"
                + " WHERE id = ? AND status = 'pending'")) {
      s.setObject(1, id);
      return s.executeUpdate() == 1;
    } catch (SQLException e) {
      return false;
    }
  }

  static Instant databaseNow(Connection c) throws SQLException {
    try (Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT now()")) {
      rs.next();
      return rs.getTimestamp(1).toInstant();
    }
  }

  static void pause(Duration duration) {
    try {
      Thread.sleep(duration.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** One scenario's burst. */
  record Load(String scenario, List<PlannedMessage> messages, Instant start, Instant groupTime) {}
}
