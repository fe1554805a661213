package org.schedmsg.contracts.docs;

import static org.assertj.core.api.Assertions.assertThat;

import com.networknt.schema.InputFormat;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.schedmsg.contracts.TopicDescriptor;
import org.schedmsg.contracts.Topics;
import org.schedmsg.contracts.testing.ContractSchemas;
import org.schedmsg.contracts.testing.RepositoryFiles;

/**
 * {@code docs/asyncapi.yaml} is derived from the topic catalog and valid AsyncAPI 3.0.0. Run with
 * {@code -Dschedmsg.docs.write=true} to rewrite the committed file after changing the catalog.
 */
class AsyncApiDocumentTest {
  static final boolean WRITE = Boolean.getBoolean("schedmsg.docs.write");
  private final Path document = RepositoryFiles.root().resolve("docs/asyncapi.yaml");
  private final String rendered = TopicDocs.asyncApi(Topics.defaults());

  @Test
  void shouldEqualCatalogRenderingWhenCommitted() throws IOException {
    if (WRITE) {
      Files.createDirectories(document.getParent());
      Files.writeString(document, rendered);
    }
    assertThat(document).exists();
    assertThat(Files.readString(document))
        .as("docs/asyncapi.yaml is stale: rerun with -Dschedmsg.docs.write=true")
        .isEqualTo(rendered);
  }

  @Test
  void shouldValidateAgainstAsyncApiSchemaWhenRendered() throws IOException {
    String schema;
    try (InputStream in = getClass().getResourceAsStream("/asyncapi/asyncapi-3.0.0.schema.json")) {
      schema = new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
    assertThat(ContractSchemas.violations(schema, rendered, InputFormat.YAML)).isEmpty();
  }

  @Test
  void shouldFailAsyncApiValidationWhenDocumentIsBroken() throws IOException {
    String schema;
    try (InputStream in = getClass().getResourceAsStream("/asyncapi/asyncapi-3.0.0.schema.json")) {
      schema = new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
    String broken = rendered.replace("asyncapi: 3.0.0", "asyncapi: 3.0.0\nnot_a_field: 1");
    assertThat(ContractSchemas.violations(schema, broken, InputFormat.YAML)).isNotEmpty();
  }

  @Test
  void shouldReferenceExistingSchemaFilesWhenRendered() {
    Path docs = document.getParent();
    for (TopicDescriptor d : Topics.defaults().descriptors()) {
      if (d.valueSchema() != null) {
        assertThat(rendered).contains(TopicDocs.SCHEMA_PATH + d.valueSchema());
        assertThat(docs.resolve(TopicDocs.SCHEMA_PATH + d.valueSchema()).normalize()).exists();
      }
    }
  }
}
