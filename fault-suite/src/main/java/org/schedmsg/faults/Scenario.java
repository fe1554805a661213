package org.schedmsg.faults;

import java.time.Duration;

/** One fault scenario: drives its load through the context and injects exactly one fault. */
interface Scenario {
  String name();

  /** What it injects, for the table and {@code --list}. */
  String fault();

  /** How long the suite waits at most, after {@link #run}, for every due row to end. */
  default Duration settle() {
    return Duration.ofSeconds(120);
  }

  void run(ScenarioContext context) throws Exception;
}
