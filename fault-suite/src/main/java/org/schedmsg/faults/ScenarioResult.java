package org.schedmsg.faults;

import java.time.Duration;
import java.util.List;

/** One row of the suite's table. */
record ScenarioResult(
    String scenario,
    String fault,
    int faultsInjected,
    Duration duration,
    Verdict verdict,
    List<String> notes) {}
