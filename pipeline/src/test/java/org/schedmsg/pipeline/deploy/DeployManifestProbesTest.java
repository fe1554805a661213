package org.schedmsg.pipeline.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.schedmsg.contracts.Platform;
import org.schedmsg.observability.OpsConfig;
import org.schedmsg.observability.OpsServer;
import org.schedmsg.pipeline.deploy.DeployManifests.ComposeService;
import org.schedmsg.pipeline.deploy.DeployManifests.Container;
import org.schedmsg.pipeline.deploy.DeployManifests.Document;
import org.schedmsg.pipeline.deploy.Services.Service;
import org.schedmsg.scheduler.config.SchedulerConfig;
import org.schedmsg.sender.whatsapp.config.WhatsAppWebhookConfig;

/**
 * The manifests' probes, health checks, ports and stop times against the services' code: each
 * Deployment and StatefulSet probes liveness and readiness on its service's real ops port, and on
 * the paths a real {@link OpsServer} answers for liveness and for readiness (a failing liveness
 * check turns the liveness path 503 and leaves the readiness path 200, and the other way round);
 * each Compose service's health check asks the readiness path on its ops port; Prometheus scrapes
 * the real metrics path; every pod gets time for a clean stop by its close timeouts.
 */
class DeployManifestProbesTest {
  private static final AtomicReference<String> liveProblem = new AtomicReference<>();
  private static final AtomicReference<String> readyProblem = new AtomicReference<>();
  private static OpsServer ops;
  private static final HttpClient http =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  @BeforeAll
  static void startRealOpsServer() {
    ops =
        OpsServer.start(new OpsConfig(0), OpsServer.newRegistry())
            .withLivenessCheck("probe-test", liveProblem::get)
            .withCheck("probe-test", readyProblem::get);
  }

  @AfterAll
  static void stopOpsServer() {
    ops.close();
  }

  @Test
  void shouldProbeLivenessAndReadinessOnEachServicesOpsPortAndPaths() throws Exception {
    DeployManifests manifests = DeployManifests.load();
    List<String> problems = new ArrayList<>();
    int probed = 0;
    for (Container container : manifests.containers()) {
      Optional<Service> service = Services.ofImage(container.image());
      if (service.isEmpty() || service.get().opsPort().isEmpty()) {
        continue;
      }
      String kind = container.workload().kind();
      if (!kind.equals("Deployment") && !kind.equals("StatefulSet")) {
        problems.add(container.where() + ": a long-running service runs as " + kind);
        continue;
      }
      int port = opsPort(service.get(), manifests.environment(container));
      JsonNode liveness = container.node().path("livenessProbe");
      JsonNode readiness = container.node().path("readinessProbe");
      if (liveness.isMissingNode() || readiness.isMissingNode()) {
        problems.add(container.where() + ": needs a livenessProbe and a readinessProbe");
        continue;
      }
      check(container, "livenessProbe", liveness, port, Probe.LIVENESS, problems);
      check(container, "readinessProbe", readiness, port, Probe.READINESS, problems);
      JsonNode startup = container.node().path("startupProbe");
      if (!startup.isMissingNode()) {
        check(container, "startupProbe", startup, port, Probe.EITHER, problems);
      }
      Integer declared = container.ports().get("ops");
      if (declared == null || declared != port) {
        problems.add(container.where() + ": containerPort \"ops\" must be " + port);
      }
      probed++;
    }
    assertThat(problems).as("probes that do not match the services' ops endpoints").isEmpty();
    assertThat(probed).as("service containers probed").isGreaterThanOrEqualTo(4);
  }

  @Test
  void shouldWaitForTheSchedulersStateRestoreWithAStartupProbe() {
    DeployManifests manifests = DeployManifests.load();
    List<Container> schedulers =
        manifests.containers().stream()
            .filter(
                c ->
                    Services.ofImage(c.image())
                        .map(Service::name)
                        .orElse("")
                        .equals(Services.SCHEDULER))
            .toList();
    assertThat(schedulers).as("scheduler-stream containers in deploy/k8s").isNotEmpty();
    for (Container container : schedulers) {
      assertThat(container.workload().kind())
          .as("%s: the scheduler's state needs a StatefulSet", container.where())
          .isEqualTo("StatefulSet");
      JsonNode startup = container.node().path("startupProbe");
      assertThat(startup.isMissingNode())
          .as("%s: a startupProbe covers the state restore", container.where())
          .isFalse();
      long budget =
          (long) startup.path("periodSeconds").asInt(10)
              * startup.path("failureThreshold").asInt(3);
      assertThat(budget)
          .as("%s: seconds the startupProbe allows for start and restore", container.where())
          .isGreaterThanOrEqualTo(600);
      // the state directory is on the volume claim template, not on the container's file system
      String stateDir =
          manifests.environment(container).getOrDefault(SchedulerConfig.STATE_DIR, null);
      assertThat(stateDir)
          .as("%s sets %s", container.where(), SchedulerConfig.STATE_DIR)
          .isNotNull();
      ManifestEnv.MountedFile mount =
          ManifestEnv.mountedFile(container, stateDir + "/x")
              .orElseThrow(() -> new AssertionError(container.where() + ": state dir unmounted"));
      assertThat(mount.definition())
          .as("%s: %s is on a volumeClaimTemplate", container.where(), stateDir)
          .isNotNull();
      assertThat(
              mount.definition().has("spec") && mount.definition().path("spec").has("accessModes"))
          .as("%s: %s is on a volumeClaimTemplate", container.where(), stateDir)
          .isTrue();
      String serviceName = container.workload().node().path("spec").path("serviceName").asText();
      Document headless =
          manifests
              .find("Service", serviceName)
              .orElseThrow(() -> new AssertionError("no Service " + serviceName));
      assertThat(headless.node().path("spec").path("clusterIP").asText())
          .as("%s: the StatefulSet's Service is headless", headless.where())
          .isEqualTo("None");
    }
  }

  @Test
  void shouldKeepTheSchedulersStateOnANamedVolumeInCompose() {
    JsonNode volumes = DeployManifests.compose().node().path("volumes");
    int checked = 0;
    for (ComposeService compose : DeployManifests.composeServices()) {
      if (!Services.ofImage(compose.image())
          .map(Service::name)
          .orElse("")
          .equals(Services.SCHEDULER)) {
        continue;
      }
      String stateDir = ManifestEnv.resolved(compose).get(SchedulerConfig.STATE_DIR);
      assertThat(stateDir)
          .as("compose.yaml %s sets %s", compose.name(), SchedulerConfig.STATE_DIR)
          .isNotNull();
      boolean onNamedVolume = false;
      for (JsonNode mount : compose.node().path("volumes")) {
        String source;
        String target;
        if (mount.isTextual()) {
          String[] parts = mount.asText().split(":");
          source = parts[0];
          target = parts.length > 1 ? parts[1] : parts[0];
        } else {
          source = mount.path("source").asText("");
          target = mount.path("target").asText("");
        }
        String prefix = target.endsWith("/") ? target : target + "/";
        if ((stateDir.equals(target) || stateDir.startsWith(prefix)) && volumes.has(source)) {
          onNamedVolume = true;
        }
      }
      assertThat(onNamedVolume)
          .as(
              "compose.yaml %s: %s %s is on a named volume",
              compose.name(), SchedulerConfig.STATE_DIR, stateDir)
          .isTrue();
      checked++;
    }
    assertThat(checked).isPositive();
  }

  @Test
  void shouldRunTheIngestorAsTheSlotsOnlyReader() {
    Document ingestor =
        DeployManifests.load()
            .find("Deployment", Services.CDC_INGESTOR)
            .orElseThrow(() -> new AssertionError("no Deployment cdc-ingestor"));
    assertThat(ingestor.node().path("spec").path("replicas").asInt(1)).isEqualTo(1);
    assertThat(ingestor.node().path("spec").path("strategy").path("type").asText())
        .as("one replication slot, one reader: no rolling update")
        .isEqualTo("Recreate");
  }

  @Test
  void shouldCheckReadinessInEveryComposeHealthcheck() throws Exception {
    List<String> problems = new ArrayList<>();
    int checked = 0;
    for (ComposeService compose : DeployManifests.composeServices()) {
      Optional<Service> service = Services.ofImage(compose.image());
      if (service.isEmpty() || service.get().opsPort().isEmpty()) {
        continue;
      }
      String where = "compose.yaml service " + compose.name();
      JsonNode test = compose.node().path("healthcheck").path("test");
      StringBuilder command = new StringBuilder();
      test.forEach(part -> command.append(part.asText()).append(' '));
      if (test.isTextual()) {
        command.append(test.asText());
      }
      Matcher url = URL.matcher(command);
      if (!url.find()) {
        problems.add(where + ": its healthcheck asks no http://host:port/path");
        continue;
      }
      int port = opsPort(service.get(), ManifestEnv.resolved(compose));
      if (Integer.parseInt(url.group(2)) != port) {
        problems.add(where + ": healthcheck port " + url.group(2) + ", its ops port is " + port);
      }
      if (!answers(url.group(3), Probe.READINESS)) {
        problems.add(where + ": healthcheck path " + url.group(3) + " is not the readiness path");
      }
      if (compose.node().path("healthcheck").path("disable").asBoolean(false)) {
        problems.add(where + ": healthcheck disabled");
      }
      checked++;
    }
    assertThat(problems).as("compose health checks that miss /health/ready").isEmpty();
    assertThat(checked).as("compose services with an ops port").isGreaterThanOrEqualTo(4);
  }

  @Test
  void shouldScrapeTheRealMetricsPathOnTheOpsPort() throws Exception {
    DeployManifests manifests = DeployManifests.load();
    List<String> problems = new ArrayList<>();
    for (Container container : manifests.containers()) {
      Optional<Service> service = Services.ofImage(container.image());
      if (service.isEmpty() || service.get().opsPort().isEmpty()) {
        continue;
      }
      JsonNode annotations = DeployManifests.podMetadata(container.workload()).path("annotations");
      int port = opsPort(service.get(), manifests.environment(container));
      if (!annotations.path("prometheus.io/scrape").asText().equals("true")) {
        problems.add(container.where() + ": prometheus.io/scrape is not \"true\"");
      }
      if (annotations.path("prometheus.io/port").asText().equals(Integer.toString(port)) == false) {
        problems.add(container.where() + ": prometheus.io/port is not " + port);
      }
      String path = annotations.path("prometheus.io/path").asText("/metrics");
      HttpResponse<String> metrics = get(path);
      if (metrics.statusCode() != 200 || !metrics.body().contains("# TYPE")) {
        problems.add(container.where() + ": " + path + " is not the Prometheus metrics path");
      }
    }
    assertThat(problems).as("Prometheus scrape annotations").isEmpty();
  }

  @Test
  void shouldGiveEachServiceTimeToStopCleanly() {
    DeployManifests manifests = DeployManifests.load();
    List<String> problems = new ArrayList<>();
    for (Container container : manifests.containers()) {
      Optional<Service> service = Services.ofImage(container.image());
      if (service.isEmpty() || service.get().opsPort().isEmpty()) {
        continue;
      }
      long grace = container.podSpec().path("terminationGracePeriodSeconds").asLong(30);
      if (grace < service.get().cleanStopSeconds()) {
        problems.add(
            container.where()
                + ": terminationGracePeriodSeconds "
                + grace
                + " < "
                + service.get().cleanStopSeconds()
                + " s its close timeouts allow");
      }
    }
    for (ComposeService compose : DeployManifests.composeServices()) {
      Optional<Service> service = Services.ofImage(compose.image());
      if (service.isEmpty() || service.get().opsPort().isEmpty()) {
        continue;
      }
      long grace = seconds(compose.node().path("stop_grace_period").asText("10s"));
      if (grace < service.get().cleanStopSeconds()) {
        problems.add(
            "compose.yaml service "
                + compose.name()
                + ": stop_grace_period "
                + grace
                + " s < "
                + service.get().cleanStopSeconds()
                + " s its close timeouts allow");
      }
    }
    assertThat(problems).as("services killed before their close timeouts end").isEmpty();
  }

  @Test
  void shouldExposeTheWhatsAppReceiptWebhookPort() {
    DeployManifests manifests = DeployManifests.load();
    String whatsapp = Services.sender(Platform.WHATSAPP);
    int checked = 0;
    for (Container container : manifests.containers()) {
      if (!Services.ofImage(container.image()).map(Service::name).orElse("").equals(whatsapp)) {
        continue;
      }
      String configured =
          manifests.environment(container).get(WhatsAppWebhookConfig.WHATSAPP_WEBHOOK_PORT);
      int port =
          configured == null ? WhatsAppWebhookConfig.DEFAULT_PORT : Integer.parseInt(configured);
      Optional<String> portName =
          container.ports().entrySet().stream()
              .filter(e -> e.getValue() == port)
              .map(Map.Entry::getKey)
              .findFirst();
      assertThat(portName)
          .as("%s: a containerPort %d for the webhook", container.where(), port)
          .isPresent();
      boolean served =
          manifests.ofKind("Service").stream()
              .anyMatch(
                  s -> {
                    for (JsonNode p : s.node().path("spec").path("ports")) {
                      String target = p.path("targetPort").asText();
                      if (target.equals(portName.get()) || target.equals(Integer.toString(port))) {
                        return s.node()
                            .path("spec")
                            .path("selector")
                            .path("app.kubernetes.io/name")
                            .asText()
                            .equals(whatsapp);
                      }
                    }
                    return false;
                  });
      assertThat(served).as("a Service in front of the webhook port %d", port).isTrue();
      checked++;
    }
    assertThat(checked).isPositive();
  }

  @Test
  void shouldHardenEveryPod() {
    DeployManifests manifests = DeployManifests.load();
    List<String> problems = new ArrayList<>();
    for (Container container : manifests.containers()) {
      if (Services.ofImage(container.image()).isEmpty()) {
        continue;
      }
      JsonNode pod = container.podSpec().path("securityContext");
      JsonNode own = container.node().path("securityContext");
      if (!pod.path("runAsNonRoot").asBoolean(false)
          && !own.path("runAsNonRoot").asBoolean(false)) {
        problems.add(container.where() + ": runAsNonRoot");
      }
      if (!own.path("readOnlyRootFilesystem").asBoolean(false)) {
        problems.add(container.where() + ": readOnlyRootFilesystem");
      }
      if (own.path("allowPrivilegeEscalation").asBoolean(true)) {
        problems.add(container.where() + ": allowPrivilegeEscalation false");
      }
      boolean dropsAll = false;
      for (JsonNode cap : own.path("capabilities").path("drop")) {
        dropsAll |= cap.asText().equals("ALL");
      }
      if (!dropsAll) {
        problems.add(container.where() + ": capabilities drop ALL");
      }
      Optional<ManifestEnv.MountedFile> tmp = ManifestEnv.mountedFile(container, "/tmp/x");
      if (tmp.isEmpty()
          || tmp.get().definition() == null
          || !tmp.get().definition().has("emptyDir")) {
        problems.add(container.where() + ": an emptyDir at /tmp");
      }
      if (!container.node().path("resources").path("requests").has("cpu")
          || !container.node().path("resources").path("limits").has("memory")) {
        problems.add(container.where() + ": resource requests and limits");
      }
    }
    assertThat(problems).as("pods that are not hardened").isEmpty();
  }

  private enum Probe {
    LIVENESS,
    READINESS,
    EITHER
  }

  private static final Pattern URL = Pattern.compile("https?://([^/:\\s]+):(\\d+)(/[^\\s\"']*)");

  private static void check(
      Container container,
      String field,
      JsonNode probe,
      int port,
      Probe expected,
      List<String> problems)
      throws Exception {
    JsonNode get = probe.path("httpGet");
    if (get.isMissingNode()) {
      problems.add(container.where() + ": " + field + " is not an httpGet");
      return;
    }
    String portText = get.path("port").asText();
    Integer resolved =
        portText.matches("\\d+") ? Integer.valueOf(portText) : container.ports().get(portText);
    if (resolved == null || resolved != port) {
      problems.add(
          container.where() + ": " + field + " port " + portText + " is not the ops port " + port);
    }
    String path = get.path("path").asText();
    if (!answers(path, expected)) {
      problems.add(
          container.where() + ": " + field + " path " + path + " is not the " + expected + " path");
    }
    if (probe.path("timeoutSeconds").asInt(1) * 1000L
        <= OpsConfig.DEFAULT_CHECK_TIMEOUT.toMillis()) {
      problems.add(
          container.where()
              + ": "
              + field
              + " timeoutSeconds must exceed OPS_CHECK_TIMEOUT ("
              + OpsConfig.DEFAULT_CHECK_TIMEOUT.toSeconds()
              + " s), or a slow check reads as a dead service");
    }
  }

  /**
   * Whether {@code path} is, on a real ops server, the liveness path (503 exactly when a liveness
   * check fails), the readiness path (503 exactly when a readiness check fails), or either.
   */
  private static synchronized boolean answers(String path, Probe probe) throws Exception {
    try {
      liveProblem.set(null);
      readyProblem.set(null);
      boolean healthy = get(path).statusCode() == 200;
      liveProblem.set("probe_test");
      boolean liveFails = get(path).statusCode() == 503;
      liveProblem.set(null);
      readyProblem.set("probe_test");
      boolean readyFails = get(path).statusCode() == 503;
      boolean liveness = healthy && liveFails && !readyFails;
      boolean readiness = healthy && readyFails && !liveFails;
      return switch (probe) {
        case LIVENESS -> liveness;
        case READINESS -> readiness;
        case EITHER -> liveness || readiness;
      };
    } finally {
      liveProblem.set(null);
      readyProblem.set(null);
    }
  }

  private static HttpResponse<String> get(String path) throws IOException, InterruptedException {
    return http.send(
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + ops.port() + path))
            .timeout(Duration.ofSeconds(10))
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  /** The ops port of {@code service} with {@code env}: OPS_PORT, or the service's default. */
  private static int opsPort(Service service, Map<String, String> env) {
    String configured = env.get(OpsConfig.OPS_PORT);
    return configured == null || configured.isBlank()
        ? service.opsPort().orElseThrow()
        : Integer.parseInt(configured.trim());
  }

  /** A Compose duration ({@code 130s}, {@code 2m}, {@code 1m30s}) in seconds. */
  private static long seconds(String text) {
    Matcher part = Pattern.compile("(\\d+)(h|ms|m|s|us)").matcher(text);
    double total = 0;
    while (part.find()) {
      long n = Long.parseLong(part.group(1));
      total +=
          switch (part.group(2)) {
            case "h" -> n * 3600.0;
            case "m" -> n * 60.0;
            case "s" -> n;
            case "ms" -> n / 1000.0;
            default -> n / 1_000_000.0;
          };
    }
    return (long) total;
  }
}
