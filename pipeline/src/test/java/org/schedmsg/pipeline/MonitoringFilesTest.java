package org.schedmsg.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.schedmsg.observability.OpsConfig;
import org.schedmsg.pipeline.MonitoringFiles.Expression;
import org.schedmsg.pipeline.MonitoringFiles.LabelMatcher;
import org.schedmsg.pipeline.MonitoringFiles.Rule;

/**
 * The files of {@code monitoring/} are well-formed and consistent with each other, without the
 * stack: rules and runbook, dashboard and its data source variable, the README's ports. Whether the
 * metric names exist is checked against the running services by {@code
 * PipelineEndToEndIT.shouldEmitEveryMetricTheDashboardAndAlertsUse}.
 */
class MonitoringFilesTest {
  /** The alerts the deployment issue asks for. */
  private static final List<String> REQUIRED_ALERTS =
      List.of(
          "SchedmsgCdcSlotLagGrowing",
          "SchedmsgMessagesExpiring",
          "SchedmsgPlatformCredentialsRejected",
          "SchedmsgConsumerStalled",
          "SchedmsgCdcEngineNotStreaming",
          "SchedmsgServiceDown");

  private static final Set<String> SEVERITIES = Set.of("critical", "warning");

  /** Labels an annotation may print: none of them can carry patient data. */
  private static final Set<String> ANNOTATION_LABELS =
      Set.of("platform", "slot", "job", "instance");

  private static final Pattern DURATION = Pattern.compile("(\\d+(ms|[smhdwy]))+");
  private static final Pattern TEMPLATE_LABEL = Pattern.compile("\\$labels(\\.(\\w+))?");
  private static final String DATASOURCE_UID = "${datasource}";

  @Test
  void shouldFindDashboardAndRuleFilesWhenMonitoringDirectoryIsRead() {
    assertThat(MonitoringFiles.dashboards()).isNotEmpty();
    assertThat(MonitoringFiles.ruleFiles()).isNotEmpty();
    assertThat(MonitoringFiles.runbook()).exists();
    assertThat(MonitoringFiles.rules()).hasSizeGreaterThanOrEqualTo(REQUIRED_ALERTS.size());
  }

  @Test
  void shouldDefineEveryAlertTheDeploymentIssueAsksFor() {
    Set<String> alerts = new HashSet<>();
    MonitoringFiles.rules().forEach(rule -> alerts.add(rule.alert()));
    assertThat(alerts).containsAll(REQUIRED_ALERTS);
  }

  @Test
  void shouldGiveEveryRuleForSeverityAnnotationsAndARunbookSectionWhenRulesAreRead() {
    Set<String> anchors = MonitoringFiles.anchors(MonitoringFiles.runbook());
    List<String> problems = new ArrayList<>();
    Set<String> alertAndSeverity = new HashSet<>();
    for (Rule rule : MonitoringFiles.rules()) {
      String name = rule.alert();
      JsonNode node = rule.node();
      String where = rule.file().getFileName() + " " + rule.group() + " " + name;
      if (!name.matches("Schedmsg[A-Za-z]+")) {
        problems.add(where + ": not an alert rule named Schedmsg...");
      }
      if (node.path("expr").asText("").isBlank()) {
        problems.add(where + ": no expr");
      }
      if (!DURATION.matcher(node.path("for").asText("")).matches()) {
        problems.add(where + ": `for` missing or not a duration: " + node.path("for"));
      }
      String severity = node.path("labels").path("severity").asText("");
      if (!SEVERITIES.contains(severity)) {
        problems.add(where + ": severity label missing or not one of " + SEVERITIES);
      }
      if (!alertAndSeverity.add(name + "/" + severity)) {
        problems.add(where + ": a second rule of this name with severity " + severity);
      }
      JsonNode annotations = node.path("annotations");
      for (String key : List.of("summary", "description", "runbook_url")) {
        if (annotations.path(key).asText("").isBlank()) {
          problems.add(where + ": annotation " + key + " missing");
        }
      }
      String url = annotations.path("runbook_url").asText("");
      String anchor = MonitoringFiles.githubAnchor(name);
      if (!url.equals(MonitoringFiles.RUNBOOK_URL_PREFIX + anchor)) {
        problems.add(where + ": runbook_url is not " + MonitoringFiles.RUNBOOK_URL_PREFIX + anchor);
      }
      if (!anchors.contains(anchor)) {
        problems.add(where + ": RUNBOOK.md has no heading with anchor #" + anchor);
      }
    }
    assertThat(problems).isEmpty();
  }

  @Test
  void shouldHaveAnAlertForEveryRunbookSectionWhenRunbookIsRead() {
    Set<String> alerts = new HashSet<>();
    MonitoringFiles.rules().forEach(rule -> alerts.add(rule.alert()));
    List<String> sections = MonitoringFiles.sectionHeadings(MonitoringFiles.runbook());
    assertThat(sections).as("RUNBOOK.md sections").isNotEmpty();
    assertThat(alerts).as("alerts with a RUNBOOK.md section").containsAll(sections);
  }

  @Test
  void shouldPrintOnlyLabelsWithoutPatientDataWhenAnnotationsAreTemplated() {
    List<String> problems = new ArrayList<>();
    for (Rule rule : MonitoringFiles.rules()) {
      for (Map.Entry<String, JsonNode> annotation : rule.node().path("annotations").properties()) {
        Matcher label = TEMPLATE_LABEL.matcher(annotation.getValue().asText());
        while (label.find()) {
          if (label.group(2) == null || !ANNOTATION_LABELS.contains(label.group(2))) {
            problems.add(rule.alert() + " " + annotation.getKey() + ": prints " + label.group());
          }
        }
      }
    }
    assertThat(problems).isEmpty();
  }

  @Test
  void shouldUseTheDatasourceVariableInEveryPanelAndQueryWhenDashboardIsRead() {
    for (Path file : MonitoringFiles.dashboards()) {
      JsonNode dashboard = MonitoringFiles.readJson(file);
      assertThat(dashboard.path("uid").asText()).as("%s uid", file).isNotBlank();
      assertThat(dashboard.path("schemaVersion").asInt())
          .as("%s schemaVersion", file)
          .isGreaterThanOrEqualTo(36);
      JsonNode datasource = null;
      for (JsonNode variable : dashboard.path("templating").path("list")) {
        if ("datasource".equals(variable.path("name").asText())) {
          datasource = variable;
        }
      }
      assertThat(datasource).as("%s: variable datasource", file).isNotNull();
      assertThat(datasource.path("type").asText()).isEqualTo("datasource");
      assertThat(datasource.path("query").asText()).isEqualTo("prometheus");

      List<String> problems = new ArrayList<>();
      Set<Integer> ids = new HashSet<>();
      int queries = 0;
      for (JsonNode panel : panelsOf(dashboard)) {
        String where = file.getFileName() + " panel '" + panel.path("title").asText() + "'";
        if (!ids.add(panel.path("id").asInt(-1))) {
          problems.add(where + ": id missing or used twice");
        }
        if (!panel.path("gridPos").has("w") || !panel.path("gridPos").has("y")) {
          problems.add(where + ": no gridPos");
        }
        if ("row".equals(panel.path("type").asText())) {
          continue;
        }
        if (!DATASOURCE_UID.equals(panel.path("datasource").path("uid").asText())) {
          problems.add(where + ": datasource is not " + DATASOURCE_UID);
        }
        if (panel.path("targets").isEmpty()) {
          problems.add(where + ": no query");
        }
        Set<String> refIds = new HashSet<>();
        for (JsonNode target : panel.path("targets")) {
          queries++;
          if (!DATASOURCE_UID.equals(target.path("datasource").path("uid").asText())) {
            problems.add(where + ": a query's datasource is not " + DATASOURCE_UID);
          }
          if (target.path("expr").asText("").isBlank()) {
            problems.add(where + ": a query without expr");
          }
          if (!refIds.add(target.path("refId").asText(""))) {
            problems.add(where + ": refId missing or used twice");
          }
        }
      }
      assertThat(problems).isEmpty();
      assertThat(queries).as("%s queries", file).isGreaterThan(10);
    }
  }

  private static List<JsonNode> panelsOf(JsonNode dashboard) {
    List<JsonNode> panels = new ArrayList<>();
    for (JsonNode panel : dashboard.path("panels")) {
      panels.add(panel);
      panel.path("panels").forEach(panels::add); // a collapsed row holds its panels
    }
    return panels;
  }

  /** Without the stack, at least every name must be one of ours or one of Prometheus's own. */
  @Test
  void shouldNameOnlySchedmsgOrPrometheusSeriesWhenExpressionsAreRead() {
    List<Expression> expressions = MonitoringFiles.expressions();
    assertThat(expressions).hasSizeGreaterThan(20);
    List<String> problems = new ArrayList<>();
    for (Expression e : expressions) {
      Set<String> names = MonitoringFiles.metricNames(e.promql());
      if (names.isEmpty()) {
        problems.add(e.where() + ": no metric");
      }
      for (String name : names) {
        if (!name.startsWith("schedmsg_") && !MonitoringFiles.PROMETHEUS_SERIES.containsKey(name)) {
          problems.add(e.where() + ": " + name);
        }
      }
    }
    assertThat(problems).isEmpty();
  }

  @Test
  void shouldExtractOnlyMetricNamesWhenExpressionHasFunctionsLabelsRangesAndGrouping() {
    assertThat(
            MonitoringFiles.metricNames(
                "histogram_quantile(0.99, sum by (platform, le) (rate(a_seconds_bucket{job=~\"$job\","
                    + " platform=\"x\"}[$__rate_interval])))"))
        .containsExactly("a_seconds_bucket");
    assertThat(
            MonitoringFiles.metricNames(
                "(min_over_time(a[15m]) > 0) unless on (platform) (sum by (platform)"
                    + " (increase(b_total{outcome=~\"sent|failed\"}[15m])) > 0 or c_total)"))
        .containsExactly("a", "b_total", "c_total");
    assertThat(MonitoringFiles.metricNames("up{job=~\"schedmsg-.*\"} == 0")).containsExactly("up");
    assertThat(MonitoringFiles.metricNames("x_bytes != x_bytes and deriv(y[30m]) > 1e9"))
        .containsExactly("x_bytes", "y");
    assertThat(MonitoringFiles.metricNames("sum(max(a)) or vector(0)")).containsExactly("a");
    assertThat(MonitoringFiles.metricNames("a offset 5m / ignoring(op) group_left (x) b"))
        .containsExactly("a", "b");
    // a misspelt function is kept as a name, so the drift test does not pass over it
    assertThat(MonitoringFiles.metricNames("rat(a[5m])")).containsExactly("rat", "a");
    // a known function name used as a metric is still a metric
    assertThat(MonitoringFiles.metricNames("time > 0")).containsExactly("time");
  }

  @Test
  void shouldExtractSelectorsAndGroupingLabelsWhenExpressionHasThem() {
    var selectors =
        MonitoringFiles.selectors(
            "sum by (platform, le) (rate(a{state=\"streaming\", reason=~\"x|y\", op!=\"d\"}[5m]))");
    assertThat(selectors).hasSize(1);
    assertThat(selectors.get(0).metric()).isEqualTo("a");
    assertThat(selectors.get(0).matchers())
        .containsExactly(
            new LabelMatcher("state", "=", "streaming"),
            new LabelMatcher("reason", "=~", "x|y"),
            new LabelMatcher("op", "!=", "d"));
    assertThat(MonitoringFiles.groupingLabels("a unless on (platform) sum by (x, y) (b)"))
        .containsExactly("platform", "x", "y");
  }

  @Test
  void shouldReportMissingNamesLabelsAndValuesWhenExpressionsDoNotFitAScrape() {
    String scrape =
        """
        # TYPE a_total counter
        a_total{platform="telegram",reason="delivery_window_expired"} 1.0
        b_seconds_bucket{le="0.5"} 1
        """;
    assertThat(
            MonitoringFiles.driftAgainst(
                scrape,
                List.of(
                    new Expression("ok", "sum by (platform) (a_total{job=~\"$job\"})"),
                    new Expression("le", "histogram_quantile(0.9, sum by (le) (b_seconds_bucket))"),
                    new Expression("prometheus", "up == 0"))))
        .isEmpty();
    assertThat(
            MonitoringFiles.driftAgainst(
                scrape,
                List.of(
                    new Expression("name", "rate(c_total[5m])"),
                    new Expression("label", "a_total{state=\"x\"}"),
                    new Expression("value", "a_total{reason=\"max_attempts_exceeded\"}"),
                    new Expression("regex", "a_total{platform=~\"whats.*\"}"),
                    new Expression("grouping", "sum by (outcome) (a_total)"))))
        .hasSize(5)
        .anySatisfy(p -> assertThat(p).startsWith("name: metric c_total"))
        .anySatisfy(p -> assertThat(p).startsWith("label: a_total has no label state"))
        .anySatisfy(p -> assertThat(p).contains("reason=\"max_attempts_exceeded\""))
        .anySatisfy(p -> assertThat(p).contains("platform=~\"whats.*\""))
        .anySatisfy(p -> assertThat(p).contains("has label outcome"));
  }

  @Test
  void shouldComputeGithubAnchorsWhenHeadingsHavePunctuation() {
    assertThat(MonitoringFiles.githubAnchor("SchedmsgCdcSlotLagGrowing"))
        .isEqualTo("schedmsgcdcslotlaggrowing");
    assertThat(MonitoringFiles.githubAnchor("Load it (rules, dashboard)"))
        .isEqualTo("load-it-rules-dashboard");
  }

  @Test
  void shouldNameEveryOpsPortInTheScrapeExampleWhenReadmeIsRead() {
    String readme = MonitoringFiles.read(MonitoringFiles.readme());
    for (int port :
        List.of(
            OpsConfig.CDC_INGESTOR_PORT,
            OpsConfig.SCHEDULER_PORT,
            OpsConfig.SENDER_TELEGRAM_PORT,
            OpsConfig.SENDER_WHATSAPP_PORT)) {
      assertThat(readme).as("monitoring/README.md").contains(":" + port + "\"");
    }
  }
}
