package org.schedmsg.contracts.docs;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.schedmsg.contracts.DeliveryHeaders;
import org.schedmsg.contracts.Platform;
import org.schedmsg.contracts.Topics;
import org.schedmsg.contracts.testing.RepositoryFiles;

class ReadmeExampleConsumerTest {
  @Test
  void shouldShowTheCompiledExampleWhenReadmeDocumentsAConsumer() throws IOException {
    String source =
        Files.readString(
            RepositoryFiles.root()
                .resolve(
                    "contracts/src/test/java/org/schedmsg/contracts/docs/ExampleDeliveryConsumer.java"));
    String example =
        source.substring(
            source.indexOf("// example:begin\n") + "// example:begin\n".length(),
            source.indexOf("    // example:end"));
    String unindented =
        example
            .lines()
            .map(l -> l.length() >= 4 ? l.substring(4) : l)
            .collect(Collectors.joining("\n"));
    String readme = Files.readString(RepositoryFiles.root().resolve("README.md"));
    assertThat(readme).contains(unindented);
  }

  @Test
  void shouldUseCatalogNamesWhenExampleNamesTopicAndHeaders() throws IOException {
    String source =
        Files.readString(
            RepositoryFiles.root()
                .resolve(
                    "contracts/src/test/java/org/schedmsg/contracts/docs/ExampleDeliveryConsumer.java"));
    assertThat(source)
        .contains(Topics.defaults().delivery(Platform.TELEGRAM).name())
        .contains(DeliveryHeaders.MESSAGE_ID)
        .contains(DeliveryHeaders.PRIORITY);
  }
}
