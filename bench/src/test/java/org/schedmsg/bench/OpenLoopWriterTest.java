package org.schedmsg.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;

class OpenLoopWriterTest {
  private final AtomicInteger statements = new AtomicInteger();
  private final AtomicInteger rows = new AtomicInteger();

  /** A data source whose statements only count the rows of each multi-row INSERT. */
  private DataSource countingDataSource() {
    return proxy(
        DataSource.class, (ds, m, a) -> m.getName().equals("getConnection") ? connection() : null);
  }

  private Connection connection() {
    return proxy(
        Connection.class,
        (c, m, a) -> {
          if (m.getName().equals("prepareStatement")) {
            int count = ((String) a[0]).split("\\(\\?, \\?,", -1).length - 1;
            return statement(count);
          }
          return null;
        });
  }

  private PreparedStatement statement(int count) {
    return proxy(
        PreparedStatement.class,
        (s, m, a) -> {
          if (m.getName().equals("executeUpdate")) {
            statements.incrementAndGet();
            rows.addAndGet(count);
            return count;
          }
          return null;
        });
  }

  @SuppressWarnings("unchecked")
  private static <T> T proxy(Class<T> type, java.lang.reflect.InvocationHandler handler) {
    return (T)
        Proxy.newProxyInstance(
            OpenLoopWriterTest.class.getClassLoader(), new Class<?>[] {type}, handler);
  }

  @Test
  void shouldWriteEveryRowOnceInMultiRowTransactionsNeverAheadOfTheSchedule() {
    OpenLoopWriter writer =
        new OpenLoopWriter(countingDataSource(), 2000, Duration.ofMillis(500), 2);

    OpenLoopWriter.Written written =
        writer.write((i, now) -> new PlannedMessage(UUID.randomUUID(), "r" + i, 1, now));

    assertThat(written.messages()).hasSize(1000).doesNotContainNull();
    assertThat(written.messages().stream().map(PlannedMessage::recipient).distinct()).hasSize(1000);
    assertThat(rows.get()).isEqualTo(1000);
    assertThat(statements.get()).as("transactions").isLessThan(1000);
    // open loop: row i is not written before i / rate seconds, so the rate cannot be exceeded
    assertThat(written.achievedPerSecond()).isLessThanOrEqualTo(2000 * 1.01);
  }
}
