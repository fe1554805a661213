package org.schedmsg.contracts;

import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * Everything that is true of one topic, in one place: the topic-creation code ({@code infra}), the
 * AsyncAPI document ({@code docs/asyncapi.yaml}) and the README's contract table are all derived
 * from these descriptors, and tests keep the documents equal to what they derive.
 *
 * @param name the topic name
 * @param summary one line on what a record means
 * @param key what the record key holds, and why (partitioning)
 * @param valueSchema the JSON Schema of the value, a resource under {@code /schemas/} of this
 *     module; null when the value is not JSON (dead letters hold the original bytes)
 * @param headers the record headers a consumer may rely on
 * @param partitions partitions created by default
 * @param compacted compacted changelog (latest record per key kept) rather than time retention
 * @param retention how long records are kept when not compacted
 * @param writer the service that writes the topic
 * @param readers who reads it
 */
public record TopicDescriptor(
    String name,
    String summary,
    String key,
    String valueSchema,
    List<String> headers,
    int partitions,
    boolean compacted,
    Duration retention,
    String writer,
    List<String> readers) {

  public TopicDescriptor {
    Objects.requireNonNull(name, "name");
    headers = List.copyOf(headers);
    readers = List.copyOf(readers);
    if (partitions < 1) {
      throw new IllegalArgumentException("partitions must be positive");
    }
    if (!compacted && retention == null) {
      throw new IllegalArgumentException("a non-compacted topic needs a retention");
    }
  }

  /**
   * This topic with another time retention (a deployment's choice: the catalog's is the default).
   *
   * @throws IllegalArgumentException for a compacted topic (it keeps the latest record per key
   *     without a time limit) or a retention that is not positive
   */
  public TopicDescriptor withRetention(Duration newRetention) {
    if (compacted) {
      throw new IllegalArgumentException(
          name + " is compacted: it has no time retention to change");
    }
    if (newRetention == null || newRetention.isNegative() || newRetention.isZero()) {
      throw new IllegalArgumentException("the retention of " + name + " must be positive");
    }
    return new TopicDescriptor(
        name, summary, key, valueSchema, headers, partitions, false, newRetention, writer, readers);
  }

  /** The Kafka {@code cleanup.policy}. */
  public String cleanupPolicy() {
    return compacted ? "compact" : "delete";
  }
}
