package org.schedmsg.bench;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Predicate;

/** What is offered to a contestant: rows written into the table, in real time. */
interface Workload {
  /** A short name for tables, e.g. {@code burst-5000}. */
  String name();

  /**
   * Writes the rows (returns when the last is committed and, for a restart, when the contestant
   * runs again) and returns what it wrote. The contestant already runs when this is called.
   */
  List<PlannedMessage> run(RunControl control);

  /** The platform rate limit of this workload, given the command's default. */
  default int platformRate(int commandDefault) {
    return commandDefault;
  }

  /** Rows already in the database when the contestant starts (a far-future backlog). */
  default Optional<BacklogTemplate> backlog() {
    return Optional.empty();
  }

  /**
   * Named subsets analysed on rows of their own ({@code <workload>-<name>}), e.g. the urgent
   * messages of a drain.
   */
  default Map<String, Predicate<PlannedMessage>> subsets() {
    return Map.of();
  }

  /** The three priorities every workload spreads its messages over (1 = most urgent). */
  int[] PRIORITIES = {1, 5, 9};
}
