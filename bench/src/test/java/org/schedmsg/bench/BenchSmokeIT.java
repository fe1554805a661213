package org.schedmsg.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/**
 * The harness end to end at smoke size, so it cannot rot: every contestant on a small burst, on a
 * real PostgreSQL and broker. Asserts correctness only (each message delivered exactly once, none
 * early, the table written), never timing.
 */
class BenchSmokeIT {

  @Test
  void shouldDeliverEveryMessageOnceAndNeverEarlyWhenEachContestantRunsASmallBurst()
      throws Exception {
    BenchMain.tuneFakePlatformSockets();
    Path out = Files.createTempDirectory("bench-smoke");
    BenchMain main = new BenchMain();
    new CommandLine(main)
        .parseArgs(
            "--workload", "burst",
            "--size", "200",
            "--lead", "PT10S",
            "--contestants", "pipeline,poller",
            "--drain-timeout", "PT2M",
            "--out", out.toString());

    List<RunResult> results = main.run();
    new ResultTable(results).write(out);

    assertThat(results)
        .extracting(RunResult::contestant)
        .containsExactly(PipelineContestant.NAME, PollerContestant.NAME);
    for (RunResult r : results) {
      assertThat(r.delivered()).as("%s delivered", r.contestant()).isEqualTo(200);
      assertThat(r.duplicates()).as("%s duplicates", r.contestant()).isZero();
      assertThat(r.early()).as("%s early", r.contestant()).isZero();
    }
    assertThat(out.resolve("results.csv")).content().contains("pipeline,burst-200,200,200,0,0");
    assertThat(out.resolve("results.md")).content().contains("| poller | burst-200 |");
    assertThat(out.resolve("pipeline-burst-200.hgrm")).content().contains("Percentile");
  }
}
