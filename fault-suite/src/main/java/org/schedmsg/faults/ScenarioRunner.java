package org.schedmsg.faults;

import java.sql.Connection;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.schedmsg.infra.postgres.DevCredentials;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs one scenario on the running stack: all services ready, the scenario (load and fault), the
 * wait until its rows end, the judgement, and the restore of anything the fault left stopped.
 */
final class ScenarioRunner {
  private static final Logger log = LoggerFactory.getLogger(ScenarioRunner.class);

  /** Rebalance and restore on top of the session timeout, in a fail-over's bound. */
  static final Duration FAIL_OVER_SLACK = Duration.ofSeconds(10);

  private final Stack stack;
  private final LoadGenerator generator;
  private final Clock clock;
  private final RowReader reader = new RowReader();
  private final LeakScanner scanner = new LeakScanner();

  ScenarioRunner(Stack stack, LoadGenerator generator, Clock clock) {
    this.stack = stack;
    this.generator = generator;
    this.clock = clock;
  }

  ScenarioResult run(Scenario scenario) throws Exception {
    Instant started = clock.instant();
    List<String> notes = new ArrayList<>();
    if (!stack.restoreAll(Duration.ofMinutes(3))) {
      notes.add("not every service was ready before the scenario");
    }
    stack.telegram().reset();
    stack.whatsapp().reset();
    ScenarioContext context = new ScenarioContext(scenario, stack, generator);
    try {
      scenario.run(context);
    } catch (Exception e) {
      log.error("scenario {} failed while running", scenario.name(), e);
      notes.add("scenario aborted: " + e.getClass().getSimpleName());
    }
    if (!stack.restoreAll(Duration.ofMinutes(3))) {
      notes.add("not every service was ready again after the fault");
    }
    String prefix = generator.prefix(scenario.name());
    context.awaitRowsEnded(scenario.settle());
    // late arrivals (a thawed sender, a retry) land in the journal before it is read
    LoadGenerator.pause(Duration.ofSeconds(3));
    Verdict verdict = judge(scenario, context, prefix);
    notes.addAll(context.notes());
    Duration duration = Duration.between(started, clock.instant());
    log.info(
        "{}: {} in {} s",
        scenario.name(),
        verdict.passed() ? "passed" : "FAILED",
        duration.toSeconds());
    notes.forEach(note -> log.info("{}: note: {}", scenario.name(), note));
    verdict.findings().forEach(finding -> log.info("{}: {}", scenario.name(), finding));
    return new ScenarioResult(
        scenario.name(), scenario.fault(), context.faults(), duration, verdict, notes);
  }

  private Verdict judge(Scenario scenario, ScenarioContext context, String prefix)
      throws Exception {
    List<RowState> rows = new ArrayList<>();
    List<String> stale = new ArrayList<>();
    List<LeakScanner.Needle> needles = new ArrayList<>();
    Instant judgedAt;
    try (Connection c = stack.owner()) {
      judgedAt = LoadGenerator.databaseNow(c);
      for (LoadGenerator.Load load : context.loads()) {
        List<RowState> loadRows = reader.read(c, prefix, load);
        rows.addAll(loadRows);
        for (PlannedMessage m : load.messages()) {
          needles.add(new LeakScanner.Needle("message text", m.firstText()));
          needles.add(new LeakScanner.Needle("recipient id", m.firstRecipient()));
          boolean changed =
              loadRows.stream()
                  .anyMatch(r -> r.id().equals(m.id()) && !r.text().equals(m.firstText()));
          if (changed) {
            stale.add(m.firstText());
          }
        }
      }
    }
    for (RowState row : rows) {
      needles.add(new LeakScanner.Needle("message text", row.text()));
      needles.add(new LeakScanner.Needle("recipient id", row.recipient()));
    }
    for (String secret : Stack.SECRETS) {
      needles.add(new LeakScanner.Needle("secret", secret));
    }
    needles.add(new LeakScanner.Needle("secret", DevCredentials.UPSTREAM_PASSWORD));
    Set<UUID> failedOver = failedOver(context, rows);
    Verdict verdict =
        new Judge()
            .judge(
                rows,
                stale,
                stack.journal().snapshot(),
                context.duplicateBound(),
                judgedAt,
                failedOver);
    if (verdict.inversions() > 0) {
      try {
        int released =
            ReleaseLog.releaseInversions(
                rows,
                new ReleaseLog(stack.bootstrapServers()).firstReleases(),
                ReleaseLog.RELEASE_TOLERANCE);
        context.note(
            "I4 evidence: "
                + released
                + " of the inversion pairs were already"
                + " inverted in the scheduler's releases (schedmsg-released-at) beyond "
                + ReleaseLog.RELEASE_TOLERANCE.toMillis()
                + " ms");
      } catch (RuntimeException e) {
        context.note(
            "I4 evidence: delivery topics not readable (" + e.getClass().getSimpleName() + ")");
      }
    }
    LeakScanner.Result leaks = scanner.scan(stack.logFiles(), needles);
    return verdict.withLeaks(leaks.leaks(), leaks.findings());
  }

  /**
   * Rows due before a scheduler instance was killed and first released after the kill, but within
   * the fail-over bound (the session timeout plus {@link #FAIL_OVER_SLACK} for the rebalance and
   * restore): the killed instance's tasks held them.
   */
  private Set<UUID> failedOver(ScenarioContext context, List<RowState> rows) {
    Instant killed = context.schedulerKilledAt();
    if (killed == null) {
      return Set.of();
    }
    Map<UUID, Instant> releases = new ReleaseLog(stack.bootstrapServers()).firstReleases();
    Instant bound = killed.plus(Stack.SCHEDULER_SESSION_TIMEOUT).plus(FAIL_OVER_SLACK);
    Set<UUID> held = new HashSet<>();
    long longest = 0;
    for (RowState row : rows) {
      Instant released = releases.get(row.id());
      if (released != null
          && row.scheduledTime().isBefore(killed)
          && released.isAfter(killed)
          && !released.isAfter(bound)) {
        held.add(row.id());
        longest = Math.max(longest, Duration.between(killed, released).toMillis());
      }
    }
    context.note(
        held.size()
            + " rows were held by the killed scheduler instance's tasks and released up to "
            + longest
            + " ms after the kill (fail-over bound "
            + Duration.between(killed, bound).toMillis()
            + " ms)");
    return held;
  }
}
