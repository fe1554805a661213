package org.schedmsg.pipeline.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLParser;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.schedmsg.contracts.testing.RepositoryFiles;

/**
 * Every YAML document under {@code deploy/}, parsed (multi-document files included), and what the
 * tests look at in them: Kubernetes workloads and their containers' environments (with {@code
 * envFrom} ConfigMaps and Secrets expanded), and the Compose services.
 */
final class DeployManifests {
  static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

  /** Kinds whose pod template runs containers. */
  static final Set<String> WORKLOADS =
      Set.of("Deployment", "StatefulSet", "DaemonSet", "Job", "CronJob", "Pod", "ReplicaSet");

  /** One YAML document: where it is and what it holds. */
  record Document(Path file, int index, JsonNode node) {
    String kind() {
      return node.path("kind").asText("");
    }

    String name() {
      return node.path("metadata").path("name").asText("");
    }

    /** {@code file#index kind/name}, for assertion messages. */
    String where() {
      return root().relativize(file) + "#" + index + " " + kind() + "/" + name();
    }
  }

  /** A container of a workload's pod template. */
  record Container(Document workload, JsonNode podSpec, JsonNode node) {
    String name() {
      return node.path("name").asText();
    }

    String image() {
      return node.path("image").asText(null);
    }

    String where() {
      return workload.where() + " container " + name();
    }

    /** Its named container ports: name to number. */
    Map<String, Integer> ports() {
      Map<String, Integer> ports = new LinkedHashMap<>();
      node.path("ports")
          .forEach(p -> ports.put(p.path("name").asText(""), p.path("containerPort").asInt()));
      return ports;
    }
  }

  /** A service of the Compose file. */
  record ComposeService(String name, JsonNode node) {
    String image() {
      return node.path("image").asText(null);
    }
  }

  private final List<Document> documents;

  private DeployManifests(List<Document> documents) {
    this.documents = List.copyOf(documents);
  }

  /** The {@code deploy} directory of the repository. */
  static Path root() {
    return RepositoryFiles.root().resolve("deploy");
  }

  /** Every YAML document under {@link #root()}. */
  static DeployManifests load() {
    return load(root());
  }

  static DeployManifests load(Path dir) {
    List<Document> documents = new ArrayList<>();
    try (Stream<Path> files = Files.walk(dir)) {
      for (Path file : files.filter(DeployManifests::isYaml).sorted().toList()) {
        documents.addAll(parse(file));
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return new DeployManifests(documents);
  }

  static boolean isYaml(Path file) {
    String name = file.getFileName().toString();
    return Files.isRegularFile(file) && (name.endsWith(".yaml") || name.endsWith(".yml"));
  }

  /** The documents of one file; empty documents (only comments) are left out. */
  static List<Document> parse(Path file) {
    List<Document> documents = new ArrayList<>();
    try (YAMLParser parser = (YAMLParser) YAML.getFactory().createParser(file.toFile());
        MappingIterator<JsonNode> values = YAML.readValues(parser, JsonNode.class)) {
      int index = 0;
      while (values.hasNext()) {
        JsonNode node = values.next();
        if (node != null && !node.isNull() && !node.isMissingNode()) {
          documents.add(new Document(file, index, node));
        }
        index++;
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot parse " + file, e);
    }
    return documents;
  }

  List<Document> documents() {
    return documents;
  }

  /** Documents with an {@code apiVersion} and a {@code kind}: Kubernetes resources. */
  List<Document> kubernetes() {
    return documents.stream()
        .filter(d -> d.node().has("apiVersion") && d.node().has("kind"))
        .toList();
  }

  List<Document> ofKind(String kind) {
    return kubernetes().stream().filter(d -> d.kind().equals(kind)).toList();
  }

  Optional<Document> find(String kind, String name) {
    return ofKind(kind).stream().filter(d -> d.name().equals(name)).findFirst();
  }

  /** The pod spec of a workload ({@code spec.template.spec}, a CronJob's one level deeper). */
  static JsonNode podSpec(Document workload) {
    JsonNode spec = workload.node().path("spec");
    return switch (workload.kind()) {
      case "Pod" -> spec;
      case "CronJob" -> spec.path("jobTemplate").path("spec").path("template").path("spec");
      default -> spec.path("template").path("spec");
    };
  }

  /** The pod template's metadata of a workload. */
  static JsonNode podMetadata(Document workload) {
    JsonNode spec = workload.node().path("spec");
    return switch (workload.kind()) {
      case "Pod" -> workload.node().path("metadata");
      case "CronJob" -> spec.path("jobTemplate").path("spec").path("template").path("metadata");
      default -> spec.path("template").path("metadata");
    };
  }

  /** Every container (init containers included) of every workload. */
  List<Container> containers() {
    List<Container> containers = new ArrayList<>();
    for (Document doc : kubernetes()) {
      if (!WORKLOADS.contains(doc.kind())) {
        continue;
      }
      JsonNode pod = podSpec(doc);
      for (String field : List.of("initContainers", "containers")) {
        pod.path(field).forEach(c -> containers.add(new Container(doc, pod, c)));
      }
    }
    return containers;
  }

  /**
   * The environment a container gets: its {@code envFrom} ConfigMaps and Secrets (found among the
   * documents; a missing one fails), then its {@code env}. A value from {@code valueFrom} is {@code
   * null}: only its name is known.
   */
  Map<String, String> environment(Container container) {
    Map<String, String> env = new LinkedHashMap<>();
    for (JsonNode from : container.node().path("envFrom")) {
      String prefix = from.path("prefix").asText("");
      JsonNode source;
      if (from.has("configMapRef")) {
        String name = from.path("configMapRef").path("name").asText();
        source =
            find("ConfigMap", name)
                .orElseThrow(() -> new AssertionError(container.where() + ": no ConfigMap " + name))
                .node()
                .path("data");
      } else if (from.has("secretRef")) {
        String name = from.path("secretRef").path("name").asText();
        Document secret =
            find("Secret", name)
                .orElseThrow(() -> new AssertionError(container.where() + ": no Secret " + name));
        source =
            secret.node().has("stringData")
                ? secret.node().path("stringData")
                : secret.node().path("data");
      } else {
        throw new AssertionError(container.where() + ": unknown envFrom " + from);
      }
      source.fields().forEachRemaining(e -> env.put(prefix + e.getKey(), e.getValue().asText()));
    }
    for (JsonNode variable : container.node().path("env")) {
      env.put(
          variable.path("name").asText(),
          variable.has("value") ? variable.path("value").asText() : null);
    }
    return env;
  }

  /** The Compose file, {@code deploy/compose/compose.yaml}. */
  static Document compose() {
    List<Document> docs = parse(root().resolve("compose").resolve("compose.yaml"));
    if (docs.size() != 1) {
      throw new AssertionError("compose.yaml must be one document, has " + docs.size());
    }
    return docs.get(0);
  }

  static List<ComposeService> composeServices() {
    List<ComposeService> services = new ArrayList<>();
    compose()
        .node()
        .path("services")
        .fields()
        .forEachRemaining(e -> services.add(new ComposeService(e.getKey(), e.getValue())));
    return services;
  }

  /**
   * A Compose service's {@code environment} (map or list form), values as written (before
   * interpolation); a list entry without {@code =} passes the variable through and has value null.
   */
  static Map<String, String> environment(ComposeService service) {
    Map<String, String> env = new LinkedHashMap<>();
    JsonNode environment = service.node().path("environment");
    if (environment.isObject()) {
      environment
          .fields()
          .forEachRemaining(
              e -> env.put(e.getKey(), e.getValue().isNull() ? null : e.getValue().asText()));
    } else {
      for (JsonNode entry : environment) {
        String text = entry.asText();
        int eq = text.indexOf('=');
        env.put(eq < 0 ? text : text.substring(0, eq), eq < 0 ? null : text.substring(eq + 1));
      }
    }
    return env;
  }

  private static final Pattern INTERPOLATION =
      Pattern.compile("\\$\\$|\\$\\{([A-Za-z_][A-Za-z0-9_]*)(?:(:?[-?+])([^}]*))?}");

  /**
   * {@code text} as Compose interpolates it when every variable without a default is set to {@code
   * unset}: {@code ${X:-d}} gives {@code d}, {@code ${X:?msg}} and {@code ${X}} give {@code unset},
   * {@code $$} gives {@code $}.
   */
  static String interpolate(String text, String unset) {
    if (text == null) {
      return null;
    }
    Matcher m = INTERPOLATION.matcher(text);
    StringBuilder out = new StringBuilder();
    while (m.find()) {
      String replacement;
      if (m.group().equals("$$")) {
        replacement = "$";
      } else if (m.group(2) != null && m.group(2).endsWith("-")) {
        replacement = m.group(3);
      } else if (m.group(2) != null && m.group(2).endsWith("+")) {
        replacement = m.group(3);
      } else {
        replacement = unset;
      }
      m.appendReplacement(out, Matcher.quoteReplacement(replacement));
    }
    m.appendTail(out);
    return out.toString();
  }
}
