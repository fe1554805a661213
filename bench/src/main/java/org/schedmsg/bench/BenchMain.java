package org.schedmsg.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The benchmark command: every chosen workload, and for each every chosen contestant one after the
 * other, on one shared PostgreSQL and broker; one results.md/results.csv with every row, the ratio
 * table and the machine, plus lateness plots.
 *
 * <p>Before any measured run, each contestant runs an unrecorded warm-up ({@code --warmup}, 3 s of
 * 1,000 inserts/s): the JVM compiles the hot paths of every contestant in this one JVM before it is
 * measured. Without it the first run of the pipeline (Debezium, Kafka Streams, Jackson: the most
 * code to compile) measured p50 release lateness 3.0 s at 250/s where the same run warm measured
 * 138 ms and 108 ms.
 *
 * <p>Default sizes against issue 8, chosen so that {@code all} stays near its 15-minute budget on 2
 * cores (each is an option, so the sizes run on request):
 *
 * <ul>
 *   <li>burst: the 100,000 ({@code --size 1000000} on request), due {@code --lead} 40 s
 *       after the start: enough for the warm pipeline to ingest 100,000 rows on this machine (34.4
 *       s measured; its time to ingest is reported as ingest_s, so a lead too short shows). A
 *       million also needs a lead of several minutes ({@code --lead PT8M}).
 *   <li>steady: the 5,000/s, but for 10 s and due 1-5 s ahead instead of 1-60 s: with a 60
 *       s spread a run needs over 60 s of inserts to reach its steady state and 60 s more to drain,
 *       per contestant ({@code --duration PT90S --spread 60} on request).
 *   <li>backlog: 200,000 far-future rows, not a few million: the pipeline takes a backlog in at
 *       roughly 4,000-5,000 rows/s here, so 1,000,000 alone would add ~4 min ({@code --backlog
 *       3000000} on request); 1,000/s steady on top.
 *   <li>drain: 5,000 bulk at a 1,000/s platform limit with 20 urgent/s.
 *   <li>restart: 1,000 rows due 7 s after the start.
 *   <li>sweep: rates roughly tripling (100, 300, 1,000, 3,000, 10,000/s), 8 s each with rows due
 *       1-2 s ahead, until p99 release lateness reaches 1 s; each step waits at most 5 s after its
 *       last due time ({@code --sweep-drain-timeout}): a message still unreleased then is already
 *       over 1 s late, so the verdict is the same as with a longer wait.
 *   <li>a contestant that has not delivered everything 30 s after the last due time ({@code
 *       --drain-timeout}) is cut off: its row shows what it delivered, and its lateness as a lower
 *       bound.
 * </ul>
 */
@Command(
    name = "bench",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    description = "Runs the pipeline and its peers on the same workloads and writes a table.")
public final class BenchMain implements Callable<Integer> {
  private static final Logger log = LoggerFactory.getLogger(BenchMain.class);

  /** The workloads; {@code all} is every one. */
  enum Kind {
    burst,
    steady,
    backlog,
    drain,
    restart,
    sweep,
    all
  }

  /** What a command produced. */
  record Report(
      List<RunResult> results,
      Map<String, SweepOutcome> sweep,
      List<String> failures,
      String machine) {}

  @Option(
      names = "--workload",
      split = ",",
      description =
          "burst, steady, backlog, drain, restart, sweep or all (every one), comma separated"
              + " (default: all)")
  List<Kind> workloads = List.of(Kind.all);

  @Option(
      names = "--contestants",
      split = ",",
      description =
          "pipeline, db-scheduler, db-scheduler-default, poller (default: all four, in that order)")
  List<String> contestants =
      List.of(
          PipelineContestant.NAME,
          DbSchedulerContestant.NAME_TUNED,
          DbSchedulerContestant.NAME_DEFAULT,
          PollerContestant.NAME);

  @Option(
      names = "--platform-rate",
      description =
          "the platform's rate limit for burst, steady, backlog, restart, sweep, messages per"
              + " second (default: ${DEFAULT-VALUE})")
  int platformRate = 10_000;

  @Option(names = "--size", description = "burst: messages (default: ${DEFAULT-VALUE})")
  int size = 100_000;

  @Option(
      names = "--lead",
      description = "burst: due this long after the start (default: ${DEFAULT-VALUE})")
  Duration lead = Duration.ofSeconds(40);

  @Option(names = "--rate", description = "steady: inserts per second (default: ${DEFAULT-VALUE})")
  int rate = 5000;

  @Option(
      names = "--duration",
      description = "steady and backlog: how long to insert (default: ${DEFAULT-VALUE})")
  Duration duration = Duration.ofSeconds(10);

  @Option(
      names = "--spread",
      description =
          "steady and backlog: each row is due 1 to this many seconds after its insert"
              + " (default: ${DEFAULT-VALUE})")
  int spread = 5;

  @Option(
      names = "--writers",
      description = "steady, backlog, sweep: inserting connections (default: ${DEFAULT-VALUE})")
  int writers = 4;

  @Option(
      names = "--backlog",
      description = "backlog: far-future rows already in the table (default: ${DEFAULT-VALUE})")
  long backlog = 200_000;

  @Option(
      names = "--backlog-rate",
      description = "backlog: steady inserts per second on top (default: ${DEFAULT-VALUE})")
  int backlogRate = 1000;

  @Option(
      names = "--drain-bulk",
      description = "drain: bulk messages due at once (default: ${DEFAULT-VALUE})")
  int drainBulk = 5_000;

  @Option(
      names = "--drain-rate",
      description = "drain: the platform's rate limit (default: ${DEFAULT-VALUE})")
  int drainRate = 1000;

  @Option(
      names = "--urgent-rate",
      description = "drain: urgent inserts per second during the drain (default: ${DEFAULT-VALUE})")
  int urgentRate = 20;

  @Option(
      names = "--restart-size",
      description = "restart: messages due while stopped (default: ${DEFAULT-VALUE})")
  int restartSize = 1000;

  @Option(
      names = "--restart-lead",
      description = "restart: they are due this long after the start (default: ${DEFAULT-VALUE})")
  Duration restartLead = Duration.ofSeconds(7);

  @Option(
      names = "--sweep-rates",
      split = ",",
      description = "sweep: rates to try, per second (default: 100,300,1000,3000,10000)")
  List<Integer> sweepRates = List.of(100, 300, 1000, 3000, 10_000);

  @Option(
      names = "--sweep-duration",
      description = "sweep: how long each rate inserts (default: ${DEFAULT-VALUE})")
  Duration sweepDuration = Duration.ofSeconds(8);

  @Option(
      names = "--sweep-spread",
      description = "sweep: rows due 1 to this many seconds ahead (default: ${DEFAULT-VALUE})")
  int sweepSpread = 2;

  @Option(
      names = "--sweep-drain-timeout",
      description = "sweep: wait after the last due time (default: ${DEFAULT-VALUE})")
  Duration sweepDrainTimeout = Duration.ofSeconds(5);

  @Option(
      names = "--drain-timeout",
      description =
          "how long after the last due time to wait for deliveries (default: ${DEFAULT-VALUE})")
  Duration drainTimeout = Duration.ofSeconds(30);

  @Option(
      names = "--warmup",
      description =
          "an unrecorded steady run per contestant before the measured ones, so that every"
              + " contestant is measured JIT-compiled; PT0S skips it (default: ${DEFAULT-VALUE})")
  Duration warmup = Duration.ofSeconds(3);

  @Option(
      names = "--warmup-rate",
      description = "warm-up inserts per second (default: ${DEFAULT-VALUE})")
  int warmupRate = 1000;

  @Option(
      names = "--pipeline-setting",
      description =
          "KEY=VALUE: a setting of the pipeline's services over the bench's own, for comparing"
              + " configurations (repeatable, e.g. SCHEDULER_MAX_UNSENT_TIME=0s)")
  Map<String, String> pipelineSettings = new LinkedHashMap<>();

  @Option(names = "--out", description = "output directory (default: ${DEFAULT-VALUE})")
  Path out = Path.of("target", "bench");

  /**
   * The fake platforms run on the JDK's HTTP server, which answers in two writes (headers, body);
   * without TCP_NODELAY, Nagle's algorithm and delayed ACKs add ~40 ms to every request, for every
   * contestant alike. The benchmark measures schedulers, not that artefact.
   */
  static void tuneFakePlatformSockets() {
    System.setProperty("sun.net.httpserver.nodelay", "true");
  }

  public static void main(String[] args) {
    tuneFakePlatformSockets();
    int exitCode = 2;
    try {
      exitCode = new CommandLine(new BenchMain()).execute(args);
    } catch (Throwable t) { // an Error escapes picocli; background threads must not keep us alive
      log.error("benchmark aborted", t);
    } finally {
      System.exit(exitCode);
    }
  }

  @Override
  public Integer call() throws Exception {
    long t0 = System.nanoTime();
    Report report = run();
    log.info("benchmark finished in {} s", (System.nanoTime() - t0) / 1_000_000_000);
    return report.failures().isEmpty()
            && report.results().stream()
                .filter(r -> !r.workload().startsWith("sweep-"))
                .allMatch(RunResult::correct)
        ? 0
        : 1;
  }

  /** Every chosen workload for every chosen contestant; writes the results after each run. */
  Report run() throws Exception {
    Set<Kind> kinds = kinds();
    List<Contestant> chosen = contestants.stream().map(this::contestant).toList();
    Path workDir = Files.createTempDirectory("schedmsg-bench");
    List<RunResult> results = new ArrayList<>();
    Map<String, SweepOutcome> sweep = new LinkedHashMap<>();
    List<String> failures = new ArrayList<>();
    String machine =
        MachineInfo.describe(Instant.now())
            + (pipelineSettings.isEmpty()
                ? ""
                : "\n- pipeline settings over the bench's own: " + pipelineSettings);
    Report report = new Report(results, sweep, failures, machine);
    try (BenchInfrastructure infra = BenchInfrastructure.start(workDir)) {
      BenchRunner runner = new BenchRunner(infra, workDir, platformRate, drainTimeout);
      BacklogTemplate template = new BacklogTemplate(infra.postgres(), backlog);
      warmUp(runner.withDrainTimeout(WARMUP_DRAIN_TIMEOUT), chosen);
      for (Workload workload : workloads(kinds, template)) {
        for (Contestant contestant : chosen) {
          try {
            List<RunResult> rows = runner.run(contestant, workload);
            rows.forEach(BenchMain::logResult);
            results.addAll(rows);
          } catch (Exception | AssertionError e) {
            log.error("{} on {} failed", contestant.name(), workload.name(), e);
            failures.add(contestant.name() + " on " + workload.name() + ": " + e);
          }
          write(report);
        }
      }
      if (kinds.contains(Kind.sweep)) {
        Sweep sweeper =
            new Sweep(
                runner.withDrainTimeout(sweepDrainTimeout),
                sweepRates,
                sweepDuration,
                sweepSpread,
                writers);
        for (Contestant contestant : chosen) {
          try {
            sweep.put(contestant.name(), sweeper.run(contestant, results));
          } catch (Exception e) {
            log.error("sweep of {} failed", contestant.name(), e);
            failures.add("sweep of " + contestant.name() + ": " + e);
          }
          write(report);
        }
      }
    } finally {
      deleteQuietly(workDir);
    }
    return report;
  }

  /** The warm-up's results are not used: a short wait after the last due time is enough. */
  private static final Duration WARMUP_DRAIN_TIMEOUT = Duration.ofSeconds(5);

  /** Runs the unrecorded warm-up of every contestant, once per command. */
  private void warmUp(BenchRunner runner, List<Contestant> chosen) {
    if (warmup.isZero()) {
      return;
    }
    Workload load = new SteadyWorkload("warmup", warmupRate, warmup, 1, writers);
    for (Contestant contestant : chosen) {
      try {
        long t0 = System.nanoTime();
        runner.run(contestant, load);
        log.info(
            "{} warmed up in {} s (not recorded)",
            contestant.name(),
            (System.nanoTime() - t0) / 1_000_000_000);
      } catch (Exception | AssertionError e) {
        log.warn("warm-up of {} failed; it is measured cold", contestant.name(), e);
      }
    }
  }

  /** The databases, broker data and scheduler state of the command: hundreds of MB a run. */
  private static void deleteQuietly(Path dir) {
    try (var paths = Files.walk(dir)) {
      paths.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (java.io.IOException | RuntimeException e) {
      log.warn("cannot delete the work directory {}", dir);
    }
  }

  private Set<Kind> kinds() {
    Set<Kind> kinds = EnumSet.noneOf(Kind.class);
    for (Kind k : workloads) {
      if (k == Kind.all) {
        kinds.addAll(EnumSet.complementOf(EnumSet.of(Kind.all)));
      } else {
        kinds.add(k);
      }
    }
    return kinds;
  }

  private List<Workload> workloads(Set<Kind> kinds, BacklogTemplate template) {
    List<Workload> list = new ArrayList<>();
    if (kinds.contains(Kind.burst)) {
      list.add(new BurstWorkload(size, lead, java.time.Clock.systemUTC()));
    }
    if (kinds.contains(Kind.steady)) {
      list.add(new SteadyWorkload("steady", rate, duration, spread, writers));
    }
    if (kinds.contains(Kind.backlog)) {
      list.add(
          new BacklogWorkload(
              template, new SteadyWorkload("steady", backlogRate, duration, spread, writers)));
    }
    if (kinds.contains(Kind.drain)) {
      list.add(new DrainWorkload(drainBulk, drainRate, urgentRate));
    }
    if (kinds.contains(Kind.restart)) {
      list.add(new RestartWorkload(restartSize, restartLead));
    }
    return list;
  }

  /** Writes results.md, results.csv, the distributions and the plots into {@code --out}. */
  void write(Report report) {
    try {
      new ResultTable(report.results(), report.machine(), report.sweep(), report.failures())
          .write(out);
      List<LatenessPlot.Series> release = new ArrayList<>();
      List<LatenessPlot.Series> delivery = new ArrayList<>();
      for (RunResult r : report.results()) {
        release.add(new LatenessPlot.Series(r.contestant(), r.workload(), r.release().lateness()));
        delivery.add(new LatenessPlot.Series(r.contestant(), r.workload(), r.delivery()));
      }
      LatenessPlot.write(out.resolve("lateness.png"), "Release lateness, every run", release);
      LatenessPlot.writePerWorkload(out, delivery);
      log.info("results written to {}", out.toAbsolutePath());
    } catch (java.io.IOException | RuntimeException e) {
      log.error("cannot write the results to {}", out, e);
    }
  }

  private static void logResult(RunResult r) {
    log.info(
        "{} on {}: delivered {}/{}, early {}, early releases {}, release p99 {} ms, delivery p99 {}"
            + " ms",
        r.contestant(),
        r.workload(),
        r.delivered(),
        r.planned(),
        r.early(),
        r.release().early(),
        ResultTable.number(r.releaseMillis(99)),
        ResultTable.number(r.deliveryMillis(99)));
  }

  Contestant contestant(String name) {
    return switch (name.trim()) {
      case PipelineContestant.NAME -> new PipelineContestant(pipelineSettings);
      case DbSchedulerContestant.NAME_TUNED -> DbSchedulerContestant.tuned();
      case DbSchedulerContestant.NAME_DEFAULT -> DbSchedulerContestant.defaults();
      case PollerContestant.NAME -> new PollerContestant();
      default ->
          throw new CommandLine.ParameterException(
              new CommandLine(new BenchMain()),
              "unknown contestant "
                  + name
                  + "; use pipeline, db-scheduler, db-scheduler-default, poller");
    };
  }
}
