package org.schedmsg.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** The benchmark command: every chosen contestant on the chosen workload, one after the other. */
@Command(
    name = "bench",
    mixinStandardHelpOptions = true,
    description = "Runs the pipeline and its peers on the same workload and writes a table.")
public final class BenchMain implements Callable<Integer> {
  private static final Logger log = LoggerFactory.getLogger(BenchMain.class);

  /** The workloads. */
  enum Kind {
    burst,
    steady
  }

  @Option(names = "--workload", description = "burst or steady (default: ${DEFAULT-VALUE})")
  Kind workload = Kind.burst;

  @Option(names = "--size", description = "burst: messages (default: ${DEFAULT-VALUE})")
  int size = 5000;

  @Option(
      names = "--lead",
      description = "burst: due this long after the start (default: ${DEFAULT-VALUE})")
  Duration lead = Duration.ofSeconds(20);

  @Option(names = "--rate", description = "steady: inserts per second (default: ${DEFAULT-VALUE})")
  int rate = 50;

  @Option(
      names = "--duration",
      description = "steady: how long to insert (default: ${DEFAULT-VALUE})")
  Duration duration = Duration.ofSeconds(30);

  @Option(
      names = "--platform-rate",
      description = "the platform's rate limit, messages per second (default: ${DEFAULT-VALUE})")
  int platformRate = 500;

  @Option(
      names = "--contestants",
      split = ",",
      description = "pipeline, poller (default: pipeline,poller)")
  List<String> contestants = List.of(PipelineContestant.NAME, PollerContestant.NAME);

  @Option(names = "--out", description = "output directory (default: ${DEFAULT-VALUE})")
  Path out = Path.of("target", "bench");

  @Option(
      names = "--drain-timeout",
      description =
          "how long after the last due time to wait for deliveries (default: ${DEFAULT-VALUE})")
  Duration drainTimeout = Duration.ofMinutes(5);

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
    List<RunResult> results = run();
    new ResultTable(results).write(out);
    log.info("results written to {}", out.toAbsolutePath());
    return results.stream().allMatch(r -> r.delivered() == r.planned() && r.early() == 0) ? 0 : 1;
  }

  /** Runs every contestant on a fresh database of one shared PostgreSQL and broker. */
  List<RunResult> run() throws Exception {
    Path workDir = Files.createTempDirectory("schedmsg-bench");
    List<RunResult> results = new ArrayList<>();
    try (BenchInfrastructure infra = BenchInfrastructure.start(workDir)) {
      BenchRunner runner = new BenchRunner(infra, workDir, platformRate, drainTimeout);
      for (String name : contestants) {
        RunResult result = runner.run(contestant(name), workload());
        log.info(
            "{} on {}: delivered {}/{}, early {}, lateness p99 {} ms",
            result.contestant(),
            result.workload(),
            result.delivered(),
            result.planned(),
            result.early(),
            result.latenessMillis(99));
        results.add(result);
      }
    }
    return results;
  }

  private Workload workload() {
    Clock clock = Clock.systemUTC();
    return workload == Kind.burst
        ? new BurstWorkload(size, lead, clock)
        : new SteadyWorkload(rate, duration, clock);
  }

  private static Contestant contestant(String name) {
    switch (name.trim()) {
      case PipelineContestant.NAME:
        return new PipelineContestant();
      case PollerContestant.NAME:
        return new PollerContestant();
      default:
        throw new CommandLine.ParameterException(
            new CommandLine(new BenchMain()),
            "unknown contestant " + name + "; use pipeline, poller");
    }
  }
}
