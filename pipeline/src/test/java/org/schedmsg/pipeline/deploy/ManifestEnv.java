package org.schedmsg.pipeline.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import org.schedmsg.contracts.config.Env;
import org.schedmsg.pipeline.deploy.DeployManifests.ComposeService;
import org.schedmsg.pipeline.deploy.DeployManifests.Container;

/**
 * The environment a container or Compose service would start with, made usable in a test: secret
 * values (from {@code valueFrom}, or Compose variables without a default) become a placeholder, and
 * every file a setting names inside a mounted volume becomes a temporary file holding the
 * placeholder, so that the services' own config parsers can read the result.
 */
final class ManifestEnv {
  /**
   * Stands for a secret the operator fills in: digits only, so it is also a valid bot token, access
   * token, phone number id and password.
   */
  static final String PLACEHOLDER = "100000000000001";

  private final Path dir;
  private int files;

  ManifestEnv(Path dir) {
    this.dir = dir;
  }

  /** A file of a mounted volume: the volume's definition and the file's path inside it. */
  record MountedFile(String volume, JsonNode definition, String file) {}

  /**
   * The volume of {@code container}'s pod mounted at the directory holding {@code path}, if any.
   */
  static Optional<MountedFile> mountedFile(Container container, String path) {
    MountedFile best = null;
    int bestLength = -1;
    for (JsonNode mount : container.node().path("volumeMounts")) {
      String at = mount.path("mountPath").asText();
      String prefix = at.endsWith("/") ? at : at + "/";
      if (path.startsWith(prefix) && prefix.length() > bestLength) {
        String name = mount.path("name").asText();
        JsonNode volume = null;
        for (JsonNode candidate : container.podSpec().path("volumes")) {
          if (candidate.path("name").asText().equals(name)) {
            volume = candidate;
          }
        }
        if (volume == null) {
          for (JsonNode template :
              container.workload().node().path("spec").path("volumeClaimTemplates")) {
            if (template.path("metadata").path("name").asText().equals(name)) {
              volume = template;
            }
          }
        }
        best = new MountedFile(name, volume, path.substring(prefix.length()));
        bestLength = prefix.length();
      }
    }
    return Optional.ofNullable(best);
  }

  /** A Kubernetes container's environment, secrets and mounted files filled in. */
  Map<String, String> resolved(DeployManifests manifests, Container container) {
    Map<String, String> env = new LinkedHashMap<>();
    manifests
        .environment(container)
        .forEach(
            (key, value) -> {
              if (value == null) {
                env.put(key, PLACEHOLDER);
              } else if (value.startsWith("/")
                  && mountedFile(container, value).map(f -> isSecretOrConfig(f)).orElse(false)) {
                env.put(key, placeholderFile().toString());
              } else {
                env.put(key, value);
              }
            });
    return env;
  }

  /** A Compose service's environment after interpolation, unset variables as the placeholder. */
  static Map<String, String> resolved(ComposeService service) {
    Map<String, String> env = new LinkedHashMap<>();
    DeployManifests.environment(service)
        .forEach((key, value) -> env.put(key, DeployManifests.interpolate(value, PLACEHOLDER)));
    return env;
  }

  static Env env(Map<String, String> values) {
    Map<String, String> nonNull = new LinkedHashMap<>();
    values.forEach((k, v) -> nonNull.put(k, v == null ? "" : v));
    return new Env(nonNull);
  }

  private static boolean isSecretOrConfig(MountedFile file) {
    return file.definition() != null
        && (file.definition().has("secret") || file.definition().has("configMap"));
  }

  /** A new file holding {@link #PLACEHOLDER}. */
  Path placeholderFile() {
    try {
      Path file = dir.resolve("placeholder-" + (++files));
      Files.writeString(file, PLACEHOLDER + "\n");
      return file;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
