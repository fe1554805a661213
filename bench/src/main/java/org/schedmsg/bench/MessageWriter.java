package org.schedmsg.bench;

import java.io.IOException;
import java.io.StringReader;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.util.List;
import javax.sql.DataSource;
import org.postgresql.PGConnection;

/**
 * Writes rows into {@code scheduled_messages} as upstream services would (the table owner, {@code
 * status = 'pending'}) with no delivery window ({@code delivery_window_seconds} NULL), so every
 * contestant must deliver every message however late; the seed's query knows no window. The text is
 * a fixed placeholder: the benchmark carries no patient data. {@code created_at} is left to its
 * default, {@code now()}: the start of the inserting transaction.
 *
 * <p>Two shapes: {@link #copy} (an upstream batch job: {@code COPY} in transactions of many rows)
 * and {@link #insertMany} (an online service: one multi-row {@code INSERT} per transaction).
 */
final class MessageWriter {
  static final String TEXT = "benchmark message";
  static final String COLUMNS =
      "id, recipient_id, platform, message_content, scheduled_time, status, priority,"
          + " delivery_window_seconds";
  private static final String ROW = "(?, ?, 'telegram', ?, ?, 'pending', ?, NULL)";

  /** Most rows in one multi-row INSERT (5 parameters a row; PostgreSQL allows 65,535). */
  static final int MAX_ROWS_PER_INSERT = 1000;

  private MessageWriter() {}

  /** Writes {@code messages} with {@code COPY}, {@code rowsPerTransaction} rows a transaction. */
  static void copy(DataSource owner, List<PlannedMessage> messages, int rowsPerTransaction) {
    try (Connection c = owner.getConnection()) {
      var copy = c.unwrap(PGConnection.class).getCopyAPI();
      String sql = "COPY scheduled_messages (" + COLUMNS + ") FROM STDIN";
      for (int from = 0; from < messages.size(); from += rowsPerTransaction) {
        List<PlannedMessage> chunk =
            messages.subList(from, Math.min(messages.size(), from + rowsPerTransaction));
        copy.copyIn(sql, new StringReader(copyText(chunk)));
      }
    } catch (SQLException | IOException e) {
      throw new IllegalStateException("cannot COPY " + messages.size() + " rows", e);
    }
  }

  /** The rows in COPY's text format (tab-separated, {@code \N} for NULL). */
  static String copyText(List<PlannedMessage> messages) {
    StringBuilder out = new StringBuilder(messages.size() * 96);
    for (PlannedMessage m : messages) {
      out.append(m.id())
          .append('\t')
          .append(m.recipient())
          .append("\ttelegram\t")
          .append(TEXT)
          .append('\t')
          .append(m.scheduledTime())
          .append("\tpending\t")
          .append(m.priority())
          .append("\t\\N\n");
    }
    return out.toString();
  }

  /** One multi-row INSERT of {@code messages} on {@code c} (autocommit: one transaction). */
  static void insertMany(Connection c, List<PlannedMessage> messages) throws SQLException {
    for (int from = 0; from < messages.size(); from += MAX_ROWS_PER_INSERT) {
      List<PlannedMessage> chunk =
          messages.subList(from, Math.min(messages.size(), from + MAX_ROWS_PER_INSERT));
      StringBuilder sql =
          new StringBuilder("INSERT INTO scheduled_messages (").append(COLUMNS).append(") VALUES ");
      for (int i = 0; i < chunk.size(); i++) {
        sql.append(i == 0 ? ROW : "," + ROW);
      }
      try (PreparedStatement insert = c.prepareStatement(sql.toString())) {
        int p = 1;
        for (PlannedMessage m : chunk) {
          insert.setObject(p++, m.id());
          insert.setString(p++, m.recipient());
          insert.setString(p++, TEXT);
          insert.setTimestamp(p++, Timestamp.from(m.scheduledTime()));
          insert.setInt(p++, m.priority());
        }
        insert.executeUpdate();
      }
    }
  }
}
