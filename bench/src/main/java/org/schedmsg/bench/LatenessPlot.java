package org.schedmsg.bench;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.text.DecimalFormat;
import java.text.DecimalFormatSymbols;
import java.text.FieldPosition;
import java.text.NumberFormat;
import java.text.ParsePosition;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.HistogramIterationValue;
import org.jfree.chart.ChartUtils;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.LogAxis;
import org.jfree.chart.axis.NumberTickUnit;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.xy.XYLineAndShapeRenderer;
import org.jfree.chart.title.LegendTitle;
import org.jfree.chart.ui.RectangleEdge;
import org.jfree.chart.ui.RectangleInsets;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;

/**
 * PNG plots of lateness distributions, drawn the way HdrHistogram's plotter ({@code
 * plotFiles.html}) draws a percentile distribution, with jfreechart in headless mode.
 *
 * <ul>
 *   <li><b>x axis</b>: the percentile on HdrHistogram's "1/(1-p)" scale: the value {@code 1/(1 -
 *       p)} on a logarithmic axis, so that every "nine" gets the same width; ticks at 1, 10, 100,
 *       ... labelled 0%, 90%, 99%, 99.9%, 99.99% (and further nines when a histogram holds enough
 *       values to reach them). The points are HdrHistogram's own percentile iteration (5 steps per
 *       halving of the distance to 100%, as in the {@code .hgrm} files); the 100% step, at infinity
 *       on this scale, is left out as the plotter leaves it out (the curve still ends at the
 *       maximum, which the last finite steps already report).
 *   <li><b>y axis</b>: lateness in milliseconds on a <b>logarithmic</b> axis spanning whole
 *       decades. Log, because the lines compared in one plot differ by a factor (the results report
 *       ratios: a 4x gap looks the same at 40 ms and at 40 s), because a burst's lateness spans
 *       three or more decades from its first to its last message, and because the tail (p99.9 and
 *       up) is often 10x the median; on a linear axis the faster contestant's line is flattened
 *       onto the x axis. A lateness of 0 (HdrHistogram counts early deliveries as 0 here) is drawn
 *       on the bottom edge.
 *   <li>one line per {@link Series}; series whose histogram is empty are skipped (and left out of
 *       the legend).
 * </ul>
 *
 * <p>{@link #write} puts any series into one plot. {@link #writePerWorkload} writes <b>one PNG per
 * workload</b> ({@code lateness-<workload>.png}, one line per contestant), rather than one image
 * with a subplot per workload: workloads differ by orders of magnitude (a burst's lateness is
 * seconds, a light steady load's is tens of milliseconds), so each gets its own y range and full
 * image size, and each image can sit next to its own table in BENCHMARKS.md.
 *
 * <p>Sets {@code java.awt.headless=true} unless the property is already set, before any AWT class
 * is used by this class.
 */
public final class LatenessPlot {
  static {
    if (System.getProperty("java.awt.headless") == null) {
      System.setProperty("java.awt.headless", "true");
    }
  }

  public static final int WIDTH = 1000;
  public static final int HEIGHT = 600;

  /** Line colours in series order (Okabe-Ito, readable with the common colour-vision deficits). */
  static final Color[] PALETTE = {
    new Color(0x0072B2), // blue
    new Color(0xD55E00), // vermillion
    new Color(0x009E73), // bluish green
    new Color(0xCC79A7), // reddish purple
    new Color(0xE69F00), // orange
    new Color(0x56B4E9), // sky blue
    new Color(0x000000), // black
  };

  /** HdrHistogram's default resolution of percentile steps (as {@code .hgrm} files use). */
  private static final int TICKS_PER_HALF_DISTANCE = 5;

  private static final double MICROS_PER_MILLI = 1000.0;

  /** The y axis never goes below 1 µs, the histograms' resolution. */
  private static final double MIN_MILLIS = 0.001;

  /** Relative widening of the axis ranges beyond their end ticks. */
  private static final double EDGE = 1e-6;

  /** The x axis reaches at least 99.99%. */
  private static final int MIN_NINES = 4;

  private LatenessPlot() {}

  /**
   * One line of a plot.
   *
   * @param contestant who produced the distribution, e.g. {@code pipeline}
   * @param workload the workload, e.g. {@code burst-100000}; may be empty
   * @param lateness lateness in microseconds
   */
  public record Series(String contestant, String workload, Histogram lateness) {
    public Series {
      Objects.requireNonNull(contestant, "contestant");
      Objects.requireNonNull(workload, "workload");
      Objects.requireNonNull(lateness, "lateness");
    }

    /** A series with a free-form label and no workload. */
    public Series(String label, Histogram lateness) {
      this(label, "", lateness);
    }

    /** {@code contestant / workload}, or the contestant alone without a workload. */
    public String label() {
      return workload.isEmpty() ? contestant : contestant + " / " + workload;
    }
  }

  /**
   * Writes one plot of every non-empty series to {@code png} ({@value #WIDTH} x {@value #HEIGHT}),
   * each labelled {@link Series#label()}. Writes nothing and returns false when every series is
   * empty.
   */
  public static boolean write(Path png, String title, List<Series> series) throws IOException {
    return write(png, title, series, WIDTH, HEIGHT);
  }

  /** {@link #write(Path, String, List)} at {@code width} x {@code height} pixels. */
  public static boolean write(Path png, String title, List<Series> series, int width, int height)
      throws IOException {
    return save(png, chart(title, series, null), width, height);
  }

  private static boolean save(Path png, JFreeChart chart, int width, int height)
      throws IOException {
    if (chart == null) {
      return false;
    }
    Path parent = png.toAbsolutePath().getParent();
    if (parent != null) {
      Files.createDirectories(parent);
    }
    ChartUtils.saveChartAsPNG(png.toFile(), chart, width, height);
    return true;
  }

  /**
   * Writes one plot per workload into {@code dir}, {@code lateness-<workload>.png} (characters
   * other than letters, digits, {@code _} and {@code -} replaced by {@code _}), each with one line
   * per contestant, in the order the series come; a contestant keeps its colour in every file.
   * Returns the files written (workloads whose series are all empty get none).
   */
  public static List<Path> writePerWorkload(Path dir, List<Series> series) throws IOException {
    Map<String, List<Series>> byWorkload = new LinkedHashMap<>();
    Map<String, Color> colours = new LinkedHashMap<>();
    for (Series s : series) {
      colours.putIfAbsent(s.contestant(), PALETTE[colours.size() % PALETTE.length]);
      byWorkload
          .computeIfAbsent(s.workload(), w -> new ArrayList<>())
          .add(new Series(s.contestant(), s.lateness()));
    }
    List<Path> written = new ArrayList<>();
    for (Map.Entry<String, List<Series>> entry : byWorkload.entrySet()) {
      String workload = entry.getKey();
      String name = workload.isEmpty() ? "all" : workload.replaceAll("[^A-Za-z0-9_-]", "_");
      Path png = dir.resolve("lateness-" + name + ".png");
      String title = "Delivery lateness" + (workload.isEmpty() ? "" : ", " + workload);
      if (save(png, chart(title, entry.getValue(), colours), WIDTH, HEIGHT)) {
        written.add(png);
      }
    }
    return written;
  }

  /**
   * The chart {@link #write(Path, String, List)} draws (legend entries {@link Series#label()}), or
   * null when every series is empty.
   */
  static JFreeChart chart(String title, List<Series> series) {
    return chart(title, series, null);
  }

  /**
   * The chart of the non-empty {@code series}; a series' colour is {@code colours.get(label)}, or
   * (null map or no entry) the palette's in the order of the non-empty series.
   */
  private static JFreeChart chart(String title, List<Series> series, Map<String, Color> colours) {
    List<Color> paints = new ArrayList<>();
    XYSeriesCollection dataset = new XYSeriesCollection();
    Set<String> keys = new HashSet<>();
    double minPositive = Double.POSITIVE_INFINITY;
    double maxMillis = 0;
    double maxX = 1;
    for (Series line : series) {
      if (line.lateness().getTotalCount() == 0) {
        continue;
      }
      String key = line.label();
      for (int n = 2; !keys.add(key); n++) {
        key = line.label() + " (" + n + ")";
      }
      XYSeries xy = new XYSeries(key, false, true);
      for (double[] point : points(line.lateness())) {
        xy.add(point[0], point[1]);
        maxX = Math.max(maxX, point[0]);
        maxMillis = Math.max(maxMillis, point[1]);
        if (point[1] > 0) {
          minPositive = Math.min(minPositive, point[1]);
        }
      }
      dataset.addSeries(xy);
      Color colour = colours == null ? null : colours.get(line.label());
      paints.add(colour != null ? colour : PALETTE[paints.size() % PALETTE.length]);
    }
    if (dataset.getSeriesCount() == 0) {
      return null;
    }

    double lower = decadeFloor(Math.max(MIN_MILLIS, Math.min(minPositive, maxMillis)));
    double upper = decadeCeil(Math.max(lower, maxMillis));
    if (upper <= lower) {
      upper = lower * 10;
    }
    for (int i = 0; i < dataset.getSeriesCount(); i++) {
      XYSeries xy = dataset.getSeries(i);
      for (int j = 0; j < xy.getItemCount(); j++) {
        if (xy.getY(j).doubleValue() < lower) {
          xy.updateByIndex(j, lower);
        }
      }
    }

    LogAxis x = new LogAxis("percentile");
    int nines = Math.max(MIN_NINES, (int) Math.ceil(Math.log10(maxX) - 1e-9));
    // a hair wider than the decades, so that rounding in LogAxis keeps the end ticks
    x.setRange(1 - EDGE, Math.pow(10, nines) * (1 + EDGE));
    x.setTickUnit(new NumberTickUnit(1.0, new DecimalFormat("0"), 0));
    x.setNumberFormatOverride(new PercentileFormat());
    x.setMinorTickMarksVisible(false);

    LogAxis y = new LogAxis("lateness (ms)");
    y.setRange(lower * (1 - EDGE), upper * (1 + EDGE));
    y.setTickUnit(new NumberTickUnit(1.0, new DecimalFormat("0"), 9));
    y.setNumberFormatOverride(
        new DecimalFormat("#,##0.###", DecimalFormatSymbols.getInstance(Locale.ROOT)));

    XYLineAndShapeRenderer renderer = new XYLineAndShapeRenderer(true, false);
    for (int i = 0; i < dataset.getSeriesCount(); i++) {
      renderer.setSeriesPaint(i, paints.get(i));
      renderer.setSeriesStroke(i, new BasicStroke(2.5f));
      renderer.setSeriesShapesVisible(i, dataset.getSeries(i).getItemCount() < 2);
    }

    XYPlot plot = new XYPlot(dataset, x, y, renderer);
    plot.setBackgroundPaint(Color.WHITE);
    plot.setDomainGridlinePaint(new Color(0xBBBBBB));
    plot.setRangeGridlinePaint(new Color(0xBBBBBB));
    plot.setRangeMinorGridlinesVisible(true);
    plot.setRangeMinorGridlinePaint(new Color(0xEEEEEE));
    plot.setDomainGridlineStroke(new BasicStroke(1f));
    plot.setRangeGridlineStroke(new BasicStroke(1f));
    plot.setRangeMinorGridlineStroke(new BasicStroke(1f));

    JFreeChart chart = new JFreeChart(title, new Font(Font.SANS_SERIF, Font.BOLD, 18), plot, true);
    chart.setBackgroundPaint(Color.WHITE);
    chart.setPadding(new RectangleInsets(8, 8, 8, 36)); // room for the last x tick label
    LegendTitle legend = chart.getLegend();
    legend.setPosition(RectangleEdge.BOTTOM);
    legend.setBackgroundPaint(Color.WHITE);
    return chart;
  }

  /**
   * The distribution's points: {@code {1/(1-p), lateness in ms}} for each step of HdrHistogram's
   * percentile iteration, the (infinite) 100% step left out.
   */
  static List<double[]> points(Histogram lateness) {
    List<double[]> points = new ArrayList<>();
    for (HistogramIterationValue v : lateness.percentiles(TICKS_PER_HALF_DISTANCE)) {
      double percentile = v.getPercentileLevelIteratedTo();
      if (percentile >= 100.0) {
        continue;
      }
      points.add(
          new double[] {
            1.0 / (1.0 - percentile / 100.0), v.getValueIteratedTo() / MICROS_PER_MILLI
          });
    }
    return points;
  }

  /** The percentile label of {@code x} on the 1/(1-p) scale: 1 is 0%, 10 90%, 1000 99.9%. */
  static String percentileLabel(double x) {
    if (x <= 1.0) {
      return "0%";
    }
    double percentile = 100.0 * (1.0 - 1.0 / x);
    int decimals = Math.max(0, (int) Math.round(Math.log10(x)) - 2);
    return String.format(Locale.ROOT, "%." + decimals + "f%%", percentile);
  }

  private static double decadeFloor(double value) {
    return Math.pow(10, Math.floor(Math.log10(value) + 1e-9));
  }

  private static double decadeCeil(double value) {
    return Math.pow(10, Math.ceil(Math.log10(value) - 1e-9));
  }

  /** Tick labels of the x axis: {@link #percentileLabel(double)}. */
  private static final class PercentileFormat extends NumberFormat {
    private static final long serialVersionUID = 1L;

    @Override
    public StringBuffer format(double number, StringBuffer toAppendTo, FieldPosition pos) {
      return toAppendTo.append(percentileLabel(number));
    }

    @Override
    public StringBuffer format(long number, StringBuffer toAppendTo, FieldPosition pos) {
      return format((double) number, toAppendTo, pos);
    }

    @Override
    public Number parse(String source, ParsePosition parsePosition) {
      throw new UnsupportedOperationException("tick labels are only formatted");
    }
  }
}
