package org.schedmsg.bench.jmh;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Collection;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.options.Options;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;
import org.openjdk.jmh.runner.options.VerboseMode;

/**
 * Runs every JMH benchmark of the bench module once, in-process and tiny, so that the harness
 * cannot rot: the annotation processor's benchmark list is on the class path, every benchmark's
 * set-up works against the real stores (including its own check that each scan finds exactly the
 * due entries) and every benchmark reports a positive score. It asserts nothing about speed.
 */
class JmhSmokeTest {

  @Test
  void shouldReportPositiveScoreForEveryBenchmarkWhenRunOnceInProcess() throws RunnerException {
    Options options =
        new OptionsBuilder()
            .include("^" + DueIndexKeyBenchmark.class.getName().replace(".", "\\.") + "\\.")
            .include("^" + DueIndexScanBenchmark.class.getName().replace(".", "\\.") + "\\.")
            .forks(0)
            .warmupIterations(1)
            .warmupTime(TimeValue.milliseconds(100))
            .measurementIterations(1)
            .measurementTime(TimeValue.milliseconds(100))
            .param("farFuture", "2000")
            .param("due", "150")
            .timeout(TimeValue.seconds(30))
            .shouldFailOnError(true)
            .verbosity(VerboseMode.NORMAL)
            .build();

    Collection<RunResult> results = new Runner(options).run();

    Map<String, Double> scores = new TreeMap<>();
    for (RunResult result : results) {
      String benchmark = result.getParams().getBenchmark();
      scores.put(
          benchmark.substring(benchmark.lastIndexOf('.', benchmark.lastIndexOf('.') - 1) + 1),
          result.getPrimaryResult().getScore());
    }
    assertThat(scores)
        .containsOnlyKeys(
            "DueIndexKeyBenchmark.encodeBinary",
            "DueIndexKeyBenchmark.decodeBinary",
            "DueIndexKeyBenchmark.encodeText",
            "DueIndexKeyBenchmark.decodeText",
            "DueIndexScanBenchmark.releaseScan",
            "DueIndexScanBenchmark.releaseScanWithLookup",
            "DueIndexScanBenchmark.fullScan");
    assertThat(scores.values()).allSatisfy(score -> assertThat(score).isPositive().isFinite());
  }
}
