package org.schedmsg.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/**
 * The harness end to end at smoke size, so it cannot rot: every workload for every contestant, on a
 * real PostgreSQL and broker. Asserts correctness only (each message delivered exactly once, none
 * early, none released early, every run with release times, a row for every contestant and
 * workload), never timing.
 */
class BenchSmokeIT {
  private static final List<String> CONTESTANTS =
      List.of(
          PipelineContestant.NAME,
          DbSchedulerContestant.NAME_TUNED,
          DbSchedulerContestant.NAME_DEFAULT,
          PollerContestant.NAME);
  private static final List<String> WORKLOADS =
      List.of(
          "burst-150",
          "steady-60/s-1s-due1-1s",
          "backlog-500+steady-60/s-1s-due1-1s",
          "drain-150@300/s+urgent-10/s",
          "drain-150@300/s+urgent-10/s-urgent",
          "drain-150@300/s+urgent-10/s-bulk",
          "restart-30",
          "sweep-60/s-1s-due1-1s");

  @Test
  void shouldDeliverEveryMessageOnceAndNeverEarlyWhenEveryContestantRunsEveryWorkload()
      throws Exception {
    BenchMain.tuneFakePlatformSockets();
    Path out = Files.createTempDirectory("bench-smoke");
    BenchMain main = new BenchMain();
    new CommandLine(main)
        .parseArgs(
            "--workload", "all",
            "--contestants", String.join(",", CONTESTANTS),
            "--size", "150",
            "--lead", "PT4S",
            "--rate", "60",
            "--duration", "PT1S",
            "--spread", "1",
            "--backlog", "500",
            "--backlog-rate", "60",
            "--drain-bulk", "150",
            "--drain-rate", "300",
            "--urgent-rate", "10",
            "--restart-size", "30",
            "--restart-lead", "PT6S",
            "--sweep-rates", "60",
            "--sweep-duration", "PT1S",
            "--sweep-spread", "1",
            "--sweep-drain-timeout", "PT1M",
            "--warmup", "PT1S",
            "--warmup-rate", "60",
            "--drain-timeout", "PT1M",
            "--out", out.toString());

    BenchMain.Report report = main.run();
    main.write(report);

    assertThat(report.failures()).isEmpty();
    for (RunResult r : report.results()) {
      String run = r.contestant() + " on " + r.workload();
      assertThat(r.delivered()).as("%s delivered", run).isEqualTo(r.planned());
      assertThat(r.duplicates()).as("%s duplicates", run).isZero();
      assertThat(r.early()).as("%s early", run).isZero();
      assertThat(r.release().early()).as("%s early releases", run).isZero();
      assertThat(r.release().released()).as("%s releases recorded", run).isEqualTo(r.planned());
    }
    assertThat(report.results())
        .extracting(r -> r.contestant() + " | " + r.workload())
        .containsExactlyInAnyOrderElementsOf(
            CONTESTANTS.stream().flatMap(c -> WORKLOADS.stream().map(w -> c + " | " + w)).toList());
    String markdown = Files.readString(out.resolve("results.md"));
    for (String c : CONTESTANTS) {
      for (String w : WORKLOADS) {
        assertThat(markdown).contains("| " + c + " | " + w + " |");
      }
    }
    assertThat(report.sweep()).containsOnlyKeys(CONTESTANTS);
    assertThat(markdown)
        .contains("## Ratios pipeline / peer")
        .contains("- cores: ")
        .contains("## Sweep");
    assertThat(out.resolve("results.csv"))
        .content()
        .startsWith(String.join(",", ResultTable.COLUMNS));
    assertThat(out.resolve("lateness.png")).exists();
  }
}
