package org.schedmsg.faults;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;

/** Reads a scenario's rows (by their text prefix) as the table owner, for the judge. */
final class RowReader {
  static final String QUERY =
      "SELECT m.id, m.platform, m.recipient_id, m.message_content, m.scheduled_time,"
          + " m.delivery_window_seconds, m.priority, m.status, m.error_message,"
          // the documented window of "never twice" (root README): attempts whose outcome the
          // sender could not know, abandoned by a crash or ended by an ambiguous answer (the
          // sender-core's SendResult.Ambiguous reasons; "outcome_unknown:" under the fail policy)
          + " (SELECT count(*) FROM delivery_attempts a WHERE a.message_id = m.id"
          + "   AND (a.state = 'abandoned'"
          + "     OR a.error_message IN ('timeout', 'connection_lost', 'response_too_large',"
          + "       'interrupted')"
          + "     OR a.error_message LIKE 'outcome_unknown:%')) AS unknown_outcome,"
          + " (SELECT string_agg(a.attempt || ':' || a.state || coalesce(':' || a.error_message, ''),"
          + "   ',' ORDER BY a.attempt_id) FROM delivery_attempts a WHERE a.message_id = m.id)"
          + " FROM scheduled_messages m WHERE m.message_content LIKE ?";

  List<RowState> read(Connection c, String prefix, LoadGenerator.Load load) throws SQLException {
    Set<UUID> group = new HashSet<>();
    java.util.Map<UUID, String> kinds = new java.util.HashMap<>();
    for (PlannedMessage m : load.messages()) {
      kinds.put(m.id(), m.kind().name().toLowerCase());
      if (m.kind() == PlannedMessage.Kind.GROUP) {
        group.add(m.id());
      }
    }
    List<RowState> rows = new ArrayList<>();
    try (PreparedStatement s = c.prepareStatement(QUERY)) {
      s.setString(1, prefix.replace("%", "\\%").replace("_", "\\_") + "%");
      try (ResultSet rs = s.executeQuery()) {
        while (rs.next()) {
          UUID id = rs.getObject(1, UUID.class);
          Object window = rs.getObject(6);
          rows.add(
              new RowState(
                  id,
                  rs.getString(2),
                  rs.getString(3),
                  rs.getString(4),
                  rs.getTimestamp(5).toInstant(),
                  window == null ? null : ((Number) window).intValue(),
                  rs.getInt(7),
                  rs.getString(8),
                  rs.getString(9),
                  group.contains(id) ? load.scenario() : null,
                  rs.getInt(10),
                  kinds.getOrDefault(id, "next-occurrence"),
                  rs.getString(11)));
        }
      }
    }
    return rows;
  }

  /** Rows of the prefix still pending (due or not). */
  int pending(Connection c, String prefix) throws SQLException {
    try (PreparedStatement s =
        c.prepareStatement(
            "SELECT count(*) FROM scheduled_messages WHERE message_content LIKE ?"
                + " AND status = 'pending'")) {
      s.setString(1, prefix.replace("%", "\\%").replace("_", "\\_") + "%");
      try (ResultSet rs = s.executeQuery()) {
        rs.next();
        return rs.getInt(1);
      }
    }
  }
}
