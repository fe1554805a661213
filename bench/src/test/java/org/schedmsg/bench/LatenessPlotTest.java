package org.schedmsg.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.awt.Color;
import java.awt.Rectangle;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.stream.Stream;
import javax.imageio.ImageIO;
import org.HdrHistogram.Histogram;
import org.jfree.chart.ChartRenderingInfo;
import org.jfree.chart.JFreeChart;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LatenessPlotTest {
  @TempDir Path dir;

  /** Lateness uniform between 5 and 50 ms (in µs), 10,000 values. */
  private static Histogram narrow() {
    Histogram h = new Histogram(3);
    Random random = new Random(1);
    for (int i = 0; i < 10_000; i++) {
      h.recordValue(5_000 + random.nextInt(45_000));
    }
    return h;
  }

  /** Lateness with a long tail: exponential, median ~ 700 ms, up to tens of seconds (in µs). */
  private static Histogram wide() {
    Histogram h = new Histogram(3);
    Random random = new Random(2);
    for (int i = 0; i < 10_000; i++) {
      h.recordValue(1_000 + (long) (-Math.log(1 - random.nextDouble()) * 1_000_000));
    }
    return h;
  }

  private static BufferedImage read(Path png) throws IOException {
    BufferedImage image = ImageIO.read(png.toFile());
    assertThat(image).as("a PNG ImageIO can read").isNotNull();
    return image;
  }

  /** The data area of the chart as {@link LatenessPlot#write} lays it out at the default size. */
  private static Rectangle dataArea(String title, List<LatenessPlot.Series> series) {
    JFreeChart chart = LatenessPlot.chart(title, series);
    ChartRenderingInfo info = new ChartRenderingInfo();
    chart.createBufferedImage(LatenessPlot.WIDTH, LatenessPlot.HEIGHT, info);
    return info.getPlotInfo().getDataArea().getBounds();
  }

  private static boolean near(int rgb, Color color) {
    Color c = new Color(rgb);
    return Math.abs(c.getRed() - color.getRed()) < 40
        && Math.abs(c.getGreen() - color.getGreen()) < 40
        && Math.abs(c.getBlue() - color.getBlue()) < 40;
  }

  private static int pixelsNear(BufferedImage image, Rectangle area, Color color) {
    int count = 0;
    for (int y = area.y; y < area.y + area.height; y++) {
      for (int x = area.x; x < area.x + area.width; x++) {
        if (near(image.getRGB(x, y), color)) {
          count++;
        }
      }
    }
    return count;
  }

  @Test
  void shouldWriteReadablePngWithBothLinesInPlotAreaWhenGivenTwoDistributions() throws IOException {
    List<LatenessPlot.Series> series =
        List.of(
            new LatenessPlot.Series("pipeline", "burst-10000", wide()),
            new LatenessPlot.Series("poller", "burst-10000", narrow()));
    Path png = dir.resolve("out/lateness.png");

    boolean written = LatenessPlot.write(png, "Lateness", series);

    assertThat(written).isTrue();
    BufferedImage image = read(png);
    assertThat(image.getWidth()).isEqualTo(LatenessPlot.WIDTH);
    assertThat(image.getHeight()).isEqualTo(LatenessPlot.HEIGHT);
    Rectangle area = dataArea("Lateness", series);
    assertThat(area.width).isGreaterThan(LatenessPlot.WIDTH / 2);
    assertThat(area.height).isGreaterThan(LatenessPlot.HEIGHT / 2);
    Set<Integer> colors = new HashSet<>();
    int nonWhite = 0;
    for (int y = area.y; y < area.y + area.height; y++) {
      for (int x = area.x; x < area.x + area.width; x++) {
        int rgb = image.getRGB(x, y) & 0xFFFFFF;
        colors.add(rgb);
        if (rgb != 0xFFFFFF) {
          nonWhite++;
        }
      }
    }
    assertThat(colors).as("distinct colours in the plot area").hasSizeGreaterThan(10);
    assertThat(nonWhite).as("non-white pixels in the plot area").isGreaterThan(2_000);
    assertThat(pixelsNear(image, area, LatenessPlot.PALETTE[0])).isGreaterThan(500);
    assertThat(pixelsNear(image, area, LatenessPlot.PALETTE[1])).isGreaterThan(500);
  }

  @Test
  void shouldDrawDifferentImageWhenSecondDistributionIsAdded() throws IOException {
    Histogram wide = wide();
    Path one = dir.resolve("one.png");
    Path two = dir.resolve("two.png");
    List<LatenessPlot.Series> both =
        List.of(
            new LatenessPlot.Series("pipeline", wide), new LatenessPlot.Series("poller", narrow()));

    LatenessPlot.write(one, "Lateness", List.of(new LatenessPlot.Series("pipeline", wide)));
    LatenessPlot.write(two, "Lateness", both);

    BufferedImage a = read(one);
    BufferedImage b = read(two);
    Rectangle area = dataArea("Lateness", both);
    int differing = 0;
    for (int y = area.y; y < area.y + area.height; y++) {
      for (int x = area.x; x < area.x + area.width; x++) {
        if (a.getRGB(x, y) != b.getRGB(x, y)) {
          differing++;
        }
      }
    }
    assertThat(differing).as("pixels that differ in the plot area").isGreaterThan(1_000);
    assertThat(pixelsNear(a, area, LatenessPlot.PALETTE[1]))
        .as("second colour without a second series")
        .isLessThan(20);
    assertThat(pixelsNear(b, area, LatenessPlot.PALETTE[1]))
        .as("second colour with a second series")
        .isGreaterThan(500);
  }

  @Test
  void shouldSkipEmptyHistogramWhenOthersHaveData() throws IOException {
    Histogram narrow = narrow();
    Path alone = dir.resolve("alone.png");
    Path withEmpty = dir.resolve("with-empty.png");

    LatenessPlot.write(alone, "Lateness", List.of(new LatenessPlot.Series("poller", narrow)));
    LatenessPlot.write(
        withEmpty,
        "Lateness",
        List.of(
            new LatenessPlot.Series("pipeline", new Histogram(3)),
            new LatenessPlot.Series("poller", narrow)));

    BufferedImage a = read(alone);
    BufferedImage b = read(withEmpty);
    assertThat(b.getWidth()).isEqualTo(a.getWidth());
    assertThat(b.getHeight()).isEqualTo(a.getHeight());
    int[] pixelsA = a.getRGB(0, 0, a.getWidth(), a.getHeight(), null, 0, a.getWidth());
    int[] pixelsB = b.getRGB(0, 0, b.getWidth(), b.getHeight(), null, 0, b.getWidth());
    assertThat(Arrays.equals(pixelsA, pixelsB)).as("the same image without the empty one").isTrue();
  }

  @Test
  void shouldWriteNothingWhenEveryHistogramIsEmpty() throws IOException {
    Path png = dir.resolve("empty.png");

    boolean written =
        LatenessPlot.write(
            png, "Lateness", List.of(new LatenessPlot.Series("x", new Histogram(3))));

    assertThat(written).isFalse();
    assertThat(png).doesNotExist();
  }

  @Test
  void shouldWriteOnePngPerWorkloadWhenSeriesSpanWorkloads() throws IOException {
    List<LatenessPlot.Series> series =
        List.of(
            new LatenessPlot.Series("pipeline", "burst-5000", wide()),
            new LatenessPlot.Series("poller", "burst-5000", narrow()),
            new LatenessPlot.Series("pipeline", "steady-20/s-30s", narrow()),
            new LatenessPlot.Series("poller", "steady-20/s-30s", new Histogram(3)),
            new LatenessPlot.Series("poller", "drain", new Histogram(3)));

    List<Path> written = LatenessPlot.writePerWorkload(dir, series);

    assertThat(written)
        .containsExactly(
            dir.resolve("lateness-burst-5000.png"), dir.resolve("lateness-steady-20_s-30s.png"));
    for (Path png : written) {
      assertThat(read(png).getWidth()).isEqualTo(LatenessPlot.WIDTH);
    }
    try (Stream<Path> files = Files.list(dir)) {
      assertThat(files).hasSize(2);
    }
  }

  @Test
  void shouldLabelPercentileTicksOnInverseTailScale() {
    assertThat(LatenessPlot.percentileLabel(1)).isEqualTo("0%");
    assertThat(LatenessPlot.percentileLabel(10)).isEqualTo("90%");
    assertThat(LatenessPlot.percentileLabel(100)).isEqualTo("99%");
    assertThat(LatenessPlot.percentileLabel(1_000)).isEqualTo("99.9%");
    assertThat(LatenessPlot.percentileLabel(10_000)).isEqualTo("99.99%");
    assertThat(LatenessPlot.percentileLabel(100_000)).isEqualTo("99.999%");
  }

  @Test
  void shouldPlotPercentilesAsInverseTailAndMillisWhenGivenMicros() {
    Histogram narrow = narrow();

    List<double[]> points = LatenessPlot.points(narrow);

    assertThat(points.get(0)[0]).isEqualTo(1.0);
    assertThat(points.get(0)[1]).isCloseTo(narrow.getMinValue() / 1000.0, within(0.05));
    assertThat(points).allSatisfy(p -> assertThat(p[0]).isFinite().isGreaterThanOrEqualTo(1.0));
    double[] median =
        points.stream().filter(p -> Math.abs(p[0] - 2.0) < 1e-9).findFirst().orElseThrow();
    assertThat(median[1]).isCloseTo(narrow.getValueAtPercentile(50) / 1000.0, within(0.05));
    assertThat(points.get(points.size() - 1)[1])
        .isCloseTo(narrow.getMaxValue() / 1000.0, within(0.05));
    for (int i = 1; i < points.size(); i++) {
      assertThat(points.get(i)[0]).isGreaterThanOrEqualTo(points.get(i - 1)[0]);
      assertThat(points.get(i)[1]).isGreaterThanOrEqualTo(points.get(i - 1)[1]);
    }
  }
}
