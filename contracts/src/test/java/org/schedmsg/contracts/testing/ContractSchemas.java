package org.schedmsg.contracts.testing;

import com.networknt.schema.Error;
import com.networknt.schema.InputFormat;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Validates JSON against the published schemas of the contracts module ({@code /schemas/*}), with
 * networknt's JSON Schema validator. Used by the contract tests and the end-to-end test.
 */
public final class ContractSchemas {
  private static final SchemaRegistry REGISTRY =
      SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_7);
  private static final Map<String, Schema> CACHE = new ConcurrentHashMap<>();

  private ContractSchemas() {}

  /** The raw text of schema {@code file} (e.g. {@code delivery-request.v1.schema.json}). */
  public static String text(String file) {
    try (InputStream in = open(file)) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The violations of {@code json} against schema {@code file}; empty when valid. */
  public static List<String> violations(String file, String json) {
    Schema schema = CACHE.computeIfAbsent(file, f -> REGISTRY.getSchema(text(f), InputFormat.JSON));
    return schema.validate(json, InputFormat.JSON).stream().map(Error::toString).toList();
  }

  /** Violations of a document against a schema given as text (e.g. the AsyncAPI schema). */
  public static List<String> violations(String schemaText, String document, InputFormat format) {
    Schema schema = REGISTRY.getSchema(schemaText, InputFormat.JSON);
    return schema.validate(document, format).stream().map(Error::toString).toList();
  }

  private static InputStream open(String file) {
    InputStream in = ContractSchemas.class.getResourceAsStream("/schemas/" + file);
    if (in == null) {
      throw new IllegalArgumentException("no schema /schemas/" + file);
    }
    return in;
  }
}
