package org.schedmsg.faults;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code ./faults}: starts PostgreSQL, a broker process, the fake platforms and the four services
 * as processes, runs the chosen scenarios one after another (each a load and one fault), judges
 * each against the invariants and prints one table. Exit status 1 when an invariant failed.
 *
 * <p>Options: {@code --list}, {@code --scenario NAME} (repeatable), {@code --ci} (the short subset
 * {@code .ci/run} runs, {@link Scenarios#CI}), {@code --run-dir DIR} (a fresh directory per run:
 * data, logs), {@code --report FILE} (the table as markdown), {@code --root DIR} (the repository,
 * for the modules' classpaths).
 */
public final class FaultSuite {
  private static final Logger log = LoggerFactory.getLogger(FaultSuite.class);

  private FaultSuite() {}

  public static void main(String[] args) throws Exception {
    List<String> chosen = new ArrayList<>();
    Path runDir = null;
    Path report = null;
    Path root = Path.of("").toAbsolutePath();
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--list":
          for (Scenario s : Scenarios.all()) {
            System.out.printf(Locale.ROOT, "%-20s %s%n", s.name(), s.fault());
          }
          return;
        case "--scenario":
          chosen.add(args[++i]);
          break;
        case "--ci":
          chosen.addAll(Scenarios.CI);
          break;
        case "--run-dir":
          runDir = Path.of(args[++i]);
          break;
        case "--report":
          report = Path.of(args[++i]);
          break;
        case "--root":
          root = Path.of(args[++i]).toAbsolutePath();
          break;
        default:
          System.err.println(
              "unknown option " + args[i] + " (--list, --scenario NAME, --ci, --report FILE)");
          System.exit(2);
          return;
      }
    }
    List<Scenario> scenarios = select(chosen);
    if (runDir == null) {
      runDir = Files.createTempDirectory("schedmsg-faults");
    }
    if (report == null) {
      report = runDir.resolve("faults-report.md");
    }
    System.exit(run(scenarios, runDir, report, root));
  }

  static List<Scenario> select(List<String> names) {
    if (names.isEmpty()) {
      return Scenarios.all();
    }
    List<Scenario> selected = new ArrayList<>();
    for (Scenario s : Scenarios.all()) {
      if (names.contains(s.name())) {
        selected.add(s);
      }
    }
    if (selected.size() != names.stream().distinct().count()) {
      throw new IllegalArgumentException("unknown scenario among " + names + " (see --list)");
    }
    return selected;
  }

  static int run(List<Scenario> scenarios, Path runDir, Path report, Path root) throws Exception {
    Clock clock = Clock.systemUTC();
    Instant started = clock.instant();
    System.out.println("fault suite: run directory " + runDir + " (data and one log per process)");
    Stack stack = new Stack(runDir, new ProcessLauncher(root));
    AtomicBoolean closed = new AtomicBoolean();
    Runnable cleanUp =
        () -> {
          if (closed.compareAndSet(false, true)) {
            stack.close();
          }
        };
    Thread hook = new Thread(cleanUp, "faults-cleanup");
    Runtime.getRuntime().addShutdownHook(hook);
    List<ScenarioResult> results = new ArrayList<>();
    try {
      stack.start();
      System.out.println(
          "fault suite: stack up in "
              + Duration.between(started, clock.instant()).toSeconds()
              + " s; running "
              + scenarios.size()
              + " scenario(s)");
      String runTag = Long.toHexString(started.toEpochMilli());
      ScenarioRunner runner = new ScenarioRunner(stack, new LoadGenerator(stack, runTag), clock);
      for (Scenario scenario : scenarios) {
        System.out.println("fault suite: " + scenario.name() + " (" + scenario.fault() + ")");
        ScenarioResult result = runner.run(scenario);
        results.add(result);
        System.out.println(
            "fault suite: "
                + scenario.name()
                + " "
                + (result.verdict().passed() ? "pass" : "FAIL")
                + " in "
                + result.duration().toSeconds()
                + " s");
      }
    } catch (Exception e) {
      log.error("the suite stopped", e);
      System.out.println("fault suite: stopped early (" + e + "); see " + runDir.resolve("logs"));
    } finally {
      cleanUp.run();
      try {
        Runtime.getRuntime().removeShutdownHook(hook);
      } catch (IllegalStateException ignored) {
        // shutting down already
      }
    }
    ResultTable table = new ResultTable(results);
    System.out.println();
    System.out.print(table.text());
    Duration total = Duration.between(started, clock.instant());
    Files.createDirectories(report.toAbsolutePath().getParent());
    Files.writeString(
        report,
        "# Fault suite run\n\n"
            + "total "
            + total.toSeconds()
            + " s, started "
            + started
            + "\n\n"
            + table.markdown()
            + "\n## Findings and notes\n"
            + table.findings(),
        StandardCharsets.UTF_8);
    System.out.println(
        "\nfault suite: total " + total.toSeconds() + " s; table written to " + report);
    boolean ok = table.allPassed() && results.size() == scenarios.size();
    return ok ? 0 : 1;
  }
}
