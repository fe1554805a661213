package org.schedmsg.pipeline;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.schedmsg.contracts.testing.RepositoryFiles;

/**
 * Reads the repository's {@code monitoring/} directory (Grafana dashboards, Prometheus rule files,
 * the runbook) and takes PromQL expressions apart far enough to compare them with what the services
 * register: the metric names, the selectors with their label matchers, and the label names of
 * {@code by}/{@code without}/{@code on}/{@code ignoring}/{@code group_left}/{@code group_right}.
 * Not a PromQL parser: it handles the expressions these files use (no string holds a brace or a
 * bracket), and {@link MonitoringFilesTest} pins its behaviour.
 */
final class MonitoringFiles {
  /** Where every {@code runbook_url} must point (an anchor of {@code monitoring/RUNBOOK.md}). */
  static final String RUNBOOK_URL_PREFIX =
      "https://github.com/schedmsg/schedmsg/blob/main/monitoring/RUNBOOK.md#";

  /**
   * Series that Prometheus itself writes, so no service registers them; the only names an
   * expression may use without finding them in a service's scrape.
   */
  static final Map<String, String> PROMETHEUS_SERIES =
      Map.of(
          "up", "written by Prometheus for every scrape target (1: the last scrape succeeded)",
          "ALERTS", "written by Prometheus for every pending or firing alert of its rules");

  /** Labels Prometheus adds to every scraped series; never in a service's own scrape. */
  static final Set<String> TARGET_LABELS = Set.of("job", "instance");

  /** PromQL functions and aggregation operators: identifiers followed by {@code (}. */
  static final Set<String> FUNCTIONS =
      Set.of(
          "abs",
          "absent",
          "absent_over_time",
          "acos",
          "acosh",
          "asin",
          "asinh",
          "atan",
          "atanh",
          "avg",
          "avg_over_time",
          "bottomk",
          "ceil",
          "changes",
          "clamp",
          "clamp_max",
          "clamp_min",
          "cos",
          "cosh",
          "count",
          "count_over_time",
          "count_values",
          "day_of_month",
          "day_of_week",
          "day_of_year",
          "days_in_month",
          "deg",
          "delta",
          "deriv",
          "double_exponential_smoothing",
          "end",
          "exp",
          "floor",
          "group",
          "histogram_avg",
          "histogram_count",
          "histogram_fraction",
          "histogram_quantile",
          "histogram_stddev",
          "histogram_stdvar",
          "histogram_sum",
          "holt_winters",
          "hour",
          "idelta",
          "increase",
          "irate",
          "label_join",
          "label_replace",
          "last_over_time",
          "limit_ratio",
          "limitk",
          "ln",
          "log10",
          "log2",
          "mad_over_time",
          "max",
          "max_over_time",
          "min",
          "min_over_time",
          "minute",
          "month",
          "pi",
          "predict_linear",
          "present_over_time",
          "quantile",
          "quantile_over_time",
          "rad",
          "rate",
          "resets",
          "round",
          "scalar",
          "sgn",
          "sin",
          "sinh",
          "sort",
          "sort_by_label",
          "sort_by_label_desc",
          "sort_desc",
          "sqrt",
          "start",
          "stddev",
          "stddev_over_time",
          "stdvar",
          "stdvar_over_time",
          "sum",
          "sum_over_time",
          "tan",
          "tanh",
          "time",
          "timestamp",
          "topk",
          "vector",
          "year");

  /** PromQL keywords, binary set operators and float literals. */
  static final Set<String> KEYWORDS =
      Set.of(
          "by",
          "without",
          "on",
          "ignoring",
          "group_left",
          "group_right",
          "bool",
          "and",
          "or",
          "unless",
          "offset",
          "atan2",
          "Inf",
          "NaN",
          "inf",
          "nan");

  /** A part of a file and the PromQL it holds. */
  record Expression(String where, String promql) {}

  /** {@code metric{label op "value", ...}}. */
  record Selector(String metric, List<LabelMatcher> matchers) {}

  /**
   * One label matcher of a selector; {@code op} is {@code =}, {@code !=}, {@code =~}, {@code !~}.
   */
  record LabelMatcher(String label, String op, String value) {}

  /** An alert rule of a rule file. */
  record Rule(Path file, String group, JsonNode node) {
    String alert() {
      return node.path("alert").asText("");
    }
  }

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

  private static final String IDENTIFIER = "[A-Za-z_:][A-Za-z0-9_:]*";
  private static final Pattern STRING = Pattern.compile("\"(?:[^\"\\\\]|\\\\.)*\"|'[^']*'|`[^`]*`");
  private static final Pattern BRACES = Pattern.compile("\\{[^}]*}");
  private static final Pattern BRACKETS = Pattern.compile("\\[[^\\]]*]");
  private static final Pattern GROUPING =
      Pattern.compile("\\b(by|without|on|ignoring|group_left|group_right)\\s*\\(([^)]*)\\)");
  private static final Pattern NAME = Pattern.compile("(?<![\\w:$.])" + IDENTIFIER);
  private static final Pattern SELECTOR =
      Pattern.compile("(?<![\\w:$.])(" + IDENTIFIER + ")\\s*\\{([^}]*)}");
  private static final Pattern MATCHER =
      Pattern.compile("([A-Za-z_][A-Za-z0-9_]*)\\s*(=~|!~|!=|=)\\s*\"((?:[^\"\\\\]|\\\\.)*)\"");
  private static final Pattern LABEL_VALUES =
      Pattern.compile(
          "^\\s*label_values\\(\\s*(" + IDENTIFIER + "(?:\\{[^}]*})?)\\s*,\\s*(\\w+)\\s*\\)\\s*$");
  private static final Pattern SCRAPE_LABEL =
      Pattern.compile("([A-Za-z_][A-Za-z0-9_]*)=\"((?:[^\"\\\\]|\\\\.)*)\"");

  private MonitoringFiles() {}

  /** {@code monitoring/} at the repository root. */
  static Path directory() {
    Path dir = RepositoryFiles.root().resolve("monitoring");
    if (!Files.isDirectory(dir)) {
      throw new IllegalStateException("no monitoring directory at " + dir);
    }
    return dir;
  }

  static Path runbook() {
    return directory().resolve("RUNBOOK.md");
  }

  static Path readme() {
    return directory().resolve("README.md");
  }

  static List<Path> dashboards() {
    return list(directory().resolve("grafana"), ".json");
  }

  static List<Path> ruleFiles() {
    List<Path> files = new ArrayList<>(list(directory().resolve("prometheus"), ".yaml"));
    files.addAll(list(directory().resolve("prometheus"), ".yml"));
    return files;
  }

  private static List<Path> list(Path dir, String suffix) {
    if (!Files.isDirectory(dir)) {
      return List.of();
    }
    try (Stream<Path> files = Files.list(dir)) {
      return files.filter(f -> f.getFileName().toString().endsWith(suffix)).sorted().toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static JsonNode readJson(Path file) {
    try {
      return JSON.readTree(file.toFile());
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + file, e);
    }
  }

  static JsonNode readYaml(Path file) {
    try {
      return YAML.readTree(file.toFile());
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + file, e);
    }
  }

  static String read(Path file) {
    try {
      return Files.readString(file, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Every rule of every rule file, in file order. */
  static List<Rule> rules() {
    List<Rule> rules = new ArrayList<>();
    for (Path file : ruleFiles()) {
      for (JsonNode group : readYaml(file).path("groups")) {
        for (JsonNode rule : group.path("rules")) {
          rules.add(new Rule(file, group.path("name").asText(), rule));
        }
      }
    }
    return rules;
  }

  /**
   * Every PromQL expression of the monitoring files: each {@code expr} of a dashboard (wherever it
   * is nested) and of a rule, and each dashboard variable query {@code label_values(m{...}, l)}, as
   * {@code group by (l) (m{...})} so that its metric and label are checked too.
   */
  static List<Expression> expressions() {
    List<Expression> all = new ArrayList<>();
    for (Path file : dashboards()) {
      JsonNode dashboard = readJson(file);
      collectExpr(dashboard.path("panels"), file.getFileName() + " panel", all);
      for (JsonNode variable : dashboard.path("templating").path("list")) {
        JsonNode query = variable.path("query");
        String text = query.isObject() ? query.path("query").asText("") : query.asText("");
        Matcher labelValues = LABEL_VALUES.matcher(text);
        if ("query".equals(variable.path("type").asText()) && labelValues.matches()) {
          all.add(
              new Expression(
                  file.getFileName() + " variable " + variable.path("name").asText(),
                  "group by (" + labelValues.group(2) + ") (" + labelValues.group(1) + ")"));
        } else if ("query".equals(variable.path("type").asText())) {
          throw new IllegalStateException(
              file + " variable " + variable.path("name").asText() + ": not label_values: " + text);
        }
      }
    }
    for (Rule rule : rules()) {
      all.add(
          new Expression(
              rule.file().getFileName() + " rule " + rule.alert(),
              rule.node().path("expr").asText("")));
    }
    return all;
  }

  private static void collectExpr(JsonNode node, String where, List<Expression> into) {
    if (node.isArray()) {
      node.forEach(child -> collectExpr(child, where, into));
    } else if (node.isObject()) {
      String here =
          node.hasNonNull("title") ? where + " '" + node.get("title").asText() + "'" : where;
      if (node.path("expr").isTextual()) {
        into.add(new Expression(here, node.get("expr").asText()));
      }
      for (Map.Entry<String, JsonNode> field : node.properties()) {
        if (!"expr".equals(field.getKey())) {
          collectExpr(field.getValue(), here, into);
        }
      }
    }
  }

  /**
   * The metric names {@code promql} reads: every identifier outside strings, label matchers, range
   * brackets and grouping label lists that is not a keyword and not a known function followed by
   * {@code (}. An unknown function therefore counts as a metric name (and is then missing from
   * every scrape), so a misspelt function fails the drift test as well.
   */
  static Set<String> metricNames(String promql) {
    String s = STRING.matcher(promql).replaceAll("\"\"");
    s = BRACES.matcher(s).replaceAll("{}");
    s = BRACKETS.matcher(s).replaceAll("[]");
    s = GROUPING.matcher(s).replaceAll(" "); // so that "sum by (l) (" reads "sum ("
    Set<String> names = new LinkedHashSet<>();
    Matcher m = NAME.matcher(s);
    while (m.find()) {
      String name = m.group();
      if (KEYWORDS.contains(name)) {
        continue;
      }
      if (FUNCTIONS.contains(name) && nextNonSpace(s, m.end()) == '(') {
        continue;
      }
      names.add(name);
    }
    return names;
  }

  private static char nextNonSpace(String s, int from) {
    for (int i = from; i < s.length(); i++) {
      if (!Character.isWhitespace(s.charAt(i))) {
        return s.charAt(i);
      }
    }
    return 0;
  }

  /** Every {@code metric{...}} of {@code promql} with its label matchers. */
  static List<Selector> selectors(String promql) {
    List<Selector> selectors = new ArrayList<>();
    Matcher m = SELECTOR.matcher(promql);
    while (m.find()) {
      List<LabelMatcher> matchers = new ArrayList<>();
      Matcher label = MATCHER.matcher(m.group(2));
      while (label.find()) {
        matchers.add(new LabelMatcher(label.group(1), label.group(2), unescape(label.group(3))));
      }
      selectors.add(new Selector(m.group(1), matchers));
    }
    return selectors;
  }

  /** The label names of every grouping or matching clause of {@code promql}. */
  static Set<String> groupingLabels(String promql) {
    Set<String> labels = new LinkedHashSet<>();
    Matcher m = GROUPING.matcher(STRING.matcher(promql).replaceAll("\"\""));
    while (m.find()) {
      for (String label : m.group(2).split(",")) {
        if (!label.isBlank()) {
          labels.add(label.trim());
        }
      }
    }
    return labels;
  }

  private static String unescape(String value) {
    return value.replaceAll("\\\\(.)", "$1");
  }

  /**
   * The samples of a Prometheus text scrape: sample name to the label sets of its series (comments
   * skipped).
   */
  static Map<String, List<Map<String, String>>> parseScrape(String scrape) {
    Map<String, List<Map<String, String>>> series = new HashMap<>();
    for (String line : scrape.split("\n")) {
      if (line.isBlank() || line.startsWith("#")) {
        continue;
      }
      int end = 0;
      while (end < line.length() && line.charAt(end) != '{' && line.charAt(end) != ' ') {
        end++;
      }
      Map<String, String> labels = new HashMap<>();
      if (end < line.length() && line.charAt(end) == '{') {
        Matcher label = SCRAPE_LABEL.matcher(line.substring(end, line.indexOf('}', end) + 1));
        while (label.find()) {
          labels.put(label.group(1), unescape(label.group(2)));
        }
      }
      series.computeIfAbsent(line.substring(0, end), k -> new ArrayList<>()).add(labels);
    }
    return series;
  }

  /** The anchors GitHub gives the headings of a Markdown file (code blocks skipped). */
  static Set<String> anchors(Path markdown) {
    Set<String> anchors = new LinkedHashSet<>();
    boolean inCode = false;
    for (String line : read(markdown).split("\n")) {
      if (line.startsWith("```")) {
        inCode = !inCode;
      } else if (!inCode && line.matches("#{1,6} .*")) {
        anchors.add(githubAnchor(line.replaceFirst("^#+ ", "").replaceFirst("\\s*#*\\s*$", "")));
      }
    }
    return anchors;
  }

  /** The headings of level 2 of a Markdown file. */
  static List<String> sectionHeadings(Path markdown) {
    return read(markdown)
        .lines()
        .filter(line -> line.startsWith("## "))
        .map(line -> line.substring(3).trim())
        .toList();
  }

  /** GitHub's anchor of a heading: lower case, punctuation removed, spaces as dashes. */
  static String githubAnchor(String heading) {
    return heading
        .trim()
        .toLowerCase(Locale.ROOT)
        .replaceAll("[^\\p{L}\\p{N} _-]", "")
        .replace(' ', '-');
  }

  /**
   * What of {@code expressions} does not match {@code scrape}: metric names no series has, label
   * names a selector or a grouping clause uses that none of the expression's series has, and
   * literal values of {@code =} and {@code =~} matchers no series matches. Empty when every
   * expression fits the registered meters.
   */
  static List<String> driftAgainst(String scrape, List<Expression> expressions) {
    Map<String, List<Map<String, String>>> series = parseScrape(scrape);
    List<String> problems = new ArrayList<>();
    for (Expression e : expressions) {
      Set<String> names = metricNames(e.promql());
      if (names.isEmpty()) {
        problems.add(e.where() + ": no metric name in `" + e.promql() + "`");
      }
      Set<String> labelsOfExpression = new LinkedHashSet<>(TARGET_LABELS);
      boolean onlyKnownSeries = true; // else the labels of the missing series are unknown
      for (String name : names) {
        if (PROMETHEUS_SERIES.containsKey(name)) {
          onlyKnownSeries = false; // their labels are Prometheus's, not in the scrape
        } else if (!series.containsKey(name)) {
          problems.add(e.where() + ": metric " + name + " is not in the services' scrape");
          onlyKnownSeries = false;
        } else {
          series.get(name).forEach(labels -> labelsOfExpression.addAll(labels.keySet()));
        }
      }
      for (Selector selector : selectors(e.promql())) {
        List<Map<String, String>> ofMetric = series.get(selector.metric());
        if (ofMetric == null) {
          continue; // reported above, or a series of Prometheus's
        }
        for (LabelMatcher matcher : selector.matchers()) {
          if (TARGET_LABELS.contains(matcher.label())) {
            continue;
          }
          if (ofMetric.stream().noneMatch(labels -> labels.containsKey(matcher.label()))) {
            problems.add(e.where() + ": " + selector.metric() + " has no label " + matcher.label());
          } else if (!matcher.value().contains("$") && !matchesAny(matcher, ofMetric)) {
            problems.add(
                e.where()
                    + ": no series of "
                    + selector.metric()
                    + " has "
                    + matcher.label()
                    + matcher.op()
                    + "\""
                    + matcher.value()
                    + "\"");
          }
        }
      }
      if (onlyKnownSeries) {
        for (String label : groupingLabels(e.promql())) {
          if (!labelsOfExpression.contains(label)) {
            problems.add(e.where() + ": no series of " + names + " has label " + label);
          }
        }
      }
    }
    return problems;
  }

  private static boolean matchesAny(LabelMatcher matcher, List<Map<String, String>> series) {
    return switch (matcher.op()) {
      case "=" -> series.stream().anyMatch(l -> matcher.value().equals(l.get(matcher.label())));
      case "=~" -> {
        Pattern regex = Pattern.compile(matcher.value());
        yield series.stream()
            .anyMatch(l -> regex.matcher(l.getOrDefault(matcher.label(), "")).matches());
      }
      default -> true; // != and !~ exclude; nothing to find
    };
  }
}
