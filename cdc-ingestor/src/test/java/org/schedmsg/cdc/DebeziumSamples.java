package org.schedmsg.cdc;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.function.Consumer;
import org.schedmsg.contracts.serde.Json;

/**
 * Change event values as Debezium 3.6.1 (PostgreSQL, pgoutput, JSON converter without schemas)
 * wrote them for {@code scheduled_messages}; captured from a real run, with invented ids and
 * content. {@code delete.json} shows the default replica identity: only the key is real.
 */
public final class DebeziumSamples {
  public static final String MESSAGE_ID = "6f1c2a7e-93d4-4b8a-9a51-2f0e4c7d8b13";
  public static final String SNAPSHOT_MESSAGE_ID = "2d4e6f80-1a3b-4c5d-8e9f-0a1b2c3d4e5f";

  private DebeziumSamples() {}

  /** {@code name}: insert, update, snapshot-read or delete. */
  public static String sample(String name) {
    String path = "/debezium/" + name + ".json";
    try (InputStream in = DebeziumSamples.class.getResourceAsStream(path)) {
      if (in == null) {
        throw new IllegalArgumentException("no sample " + path);
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The sample {@code name} with {@code edit} applied to its {@code after} row. */
  public static String withAfter(String name, Consumer<ObjectNode> edit) {
    try {
      ObjectNode envelope = (ObjectNode) Json.mapper().readTree(sample(name));
      edit.accept((ObjectNode) envelope.get("after"));
      return Json.mapper().writeValueAsString(envelope);
    } catch (JsonProcessingException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The sample {@code name} with {@code edit} applied to the whole envelope. */
  public static String withEnvelope(String name, Consumer<ObjectNode> edit) {
    try {
      ObjectNode envelope = (ObjectNode) Json.mapper().readTree(sample(name));
      edit.accept(envelope);
      return Json.mapper().writeValueAsString(envelope);
    } catch (JsonProcessingException e) {
      throw new UncheckedIOException(e);
    }
  }
}
