package org.schedmsg.contracts.docs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.schedmsg.contracts.TopicDescriptor;
import org.schedmsg.contracts.Topics;
import org.schedmsg.contracts.testing.RepositoryFiles;

/**
 * A published schema version is a promise: every field of its baseline ({@code
 * contracts/src/test/resources/compatibility/<schema>.fields}) must stay, with the same type.
 * Adding fields is fine. Removing or retyping one needs a new schema version (a new schema file,
 * {@code .v2}, a new baseline, and a raised SCHEMA_VERSION), never an edit of the published one.
 */
class SchemaCompatibilityTest {
  static List<String> schemas() {
    return Topics.defaults().descriptors().stream()
        .map(TopicDescriptor::valueSchema)
        .filter(s -> s != null)
        .distinct()
        .toList();
  }

  @ParameterizedTest
  @MethodSource("schemas")
  void shouldKeepEveryBaselineFieldAndTypeWhenSchemaChanges(String schema) throws IOException {
    Map<String, String> current = SchemaFields.of(schema);
    Path baselineFile =
        RepositoryFiles.root()
            .resolve("contracts/src/test/resources/compatibility/" + schema + ".fields");
    if (!Files.exists(baselineFile)) {
      if (AsyncApiDocumentTest.WRITE) {
        Files.createDirectories(baselineFile.getParent());
        Files.writeString(
            baselineFile,
            "# fields and types consumers of "
                + schema
                + " rely on; never edit, add a new version\n"
                + SchemaFields.render(current));
        return;
      }
      fail(
          "no compatibility baseline for "
              + schema
              + "; create it with -Dschedmsg.docs.write=true");
    }
    Map<String, String> baseline = SchemaFields.parse(Files.readString(baselineFile));
    assertThat(SchemaFields.breakingChanges(baseline, current))
        .as("%s breaks existing consumers; publish a new schema version instead", schema)
        .isEmpty();
  }

  @Test
  void shouldReportRemovedAndRetypedButNotAddedFieldsWhenCompared() {
    Map<String, String> baseline =
        Map.of("message_id", "string uuid", "priority", "integer", "text", "string");
    Map<String, String> current =
        Map.of("message_id", "string uuid", "priority", "string", "trace", "string");
    assertThat(SchemaFields.breakingChanges(baseline, current))
        .containsOnlyKeys("priority", "text")
        .containsEntry("text", "string -> (removed)")
        .containsEntry("priority", "integer -> string");
  }
}
