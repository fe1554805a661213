package org.schedmsg.bench;

import java.util.List;
import javax.sql.DataSource;

/** What is offered to a contestant: rows written into the table, in real time. */
interface Workload {
  /** A short name for tables, e.g. {@code burst-5000}. */
  String name();

  /** Writes the rows (returns when the last is committed) and returns what it wrote. */
  List<PlannedMessage> run(DataSource owner);

  /** The three priorities every workload spreads its messages over (1 = most urgent). */
  int[] PRIORITIES = {1, 5, 9};
}
