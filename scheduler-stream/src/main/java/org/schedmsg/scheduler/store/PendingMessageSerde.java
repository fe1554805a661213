package org.schedmsg.scheduler.store;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.DateTimeException;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serializer;
import org.schedmsg.contracts.MessageStatus;
import org.schedmsg.contracts.ScheduledMessage;
import org.schedmsg.contracts.serde.Json;
import org.schedmsg.contracts.serde.JsonSerde;

/**
 * The bytes of a {@code messages} store value (and of its changelog records); only this module
 * reads them, the public topics stay JSON.
 *
 * <p><b>Format 1</b> (first byte {@value #FORMAT_1}), big-endian:
 *
 * <ol>
 *   <li>the {@link PendingEntry entry}, at fixed offsets ({@value #ENTRY_SIZE} bytes, read alone by
 *       {@link #decodeEntry}): id (2 longs), platform code (byte, as in {@link DueIndexKey}),
 *       priority (int, not clamped), {@code row_version} (long), due instant, a flags byte (bit 0:
 *       released version present, bit 1: release instant present), released version (long, 0 when
 *       absent), release instant (zeros when absent);
 *   <li>the rest of the row in {@link ScheduledMessage} order: patient id, recipient id, content,
 *       scheduled time, template key, parameters, recurrence pattern, status (byte, 0 = null),
 *       error message, sent at, failed at, created at, updated at, attempts (int), last attempt
 *       time, metadata, delivery window seconds.
 * </ol>
 *
 * An instant is epoch seconds (long) and nanos (int); a nullable instant, UUID or int is preceded
 * by a presence byte (0 absent, 1 present); a string is its UTF-8 length (int, -1 = null) and
 * bytes; a JSON field ({@code parameters}, {@code recurrence_pattern}, {@code metadata}) is stored
 * as its JSON text the same way, so a JSON {@code null} stays distinct from an absent field.
 *
 * <p><b>Older values</b>: builds before format 1 wrote {@link PendingMessage} as JSON, which starts
 * with <code>{</code>; such values (in a local store or replayed from the changelog) are still
 * read, and are rewritten in format 1 the next time their message changes, so an upgrade needs no
 * reset.
 *
 * <p>Errors never quote the bytes, which hold patient data.
 */
public final class PendingMessageSerde
    implements Serde<PendingMessage>, Serializer<PendingMessage>, Deserializer<PendingMessage> {
  static final byte FORMAT_1 = 1;

  /** Bytes of the entry part of format 1, format byte included. */
  static final int ENTRY_SIZE =
      1 + 2 * Long.BYTES + 1 + Integer.BYTES + Long.BYTES + 12 + 1 + 8 + 12;

  private static final byte JSON_START = '{';
  private static final int RELEASED_VERSION = 1;
  private static final int RELEASED_AT = 2;
  private static final int NULL_LENGTH = -1;
  private static final JsonSerde<PendingMessage> OLDER_JSON = new JsonSerde<>(PendingMessage.class);

  /** The format 1 bytes of {@code value}. */
  public static byte[] encode(PendingMessage value) {
    ScheduledMessage row = value.message();
    byte[] recipient = utf8(row.recipientId());
    byte[] content = utf8(row.messageContent());
    byte[] template = utf8(row.templateKey());
    byte[] parameters = json(row.parameters());
    byte[] recurrence = json(row.recurrencePattern());
    byte[] error = utf8(row.errorMessage());
    byte[] metadata = json(row.metadata());
    int size =
        ENTRY_SIZE
            + optional(row.patientId(), 2 * Long.BYTES)
            + sized(recipient)
            + sized(content)
            + optional(row.scheduledTime(), 12)
            + sized(template)
            + sized(parameters)
            + sized(recurrence)
            + 1
            + sized(error)
            + optional(row.sentAt(), 12)
            + optional(row.failedAt(), 12)
            + optional(row.createdAt(), 12)
            + optional(row.updatedAt(), 12)
            + Integer.BYTES
            + optional(row.lastAttemptTime(), 12)
            + sized(metadata)
            + optional(row.deliveryWindowSeconds(), Integer.BYTES);
    ByteBuffer out = ByteBuffer.allocate(size);
    writeEntry(out, value);
    writeUuid(out, row.patientId());
    writeBytes(out, recipient);
    writeBytes(out, content);
    writeOptionalInstant(out, row.scheduledTime());
    writeBytes(out, template);
    writeBytes(out, parameters);
    writeBytes(out, recurrence);
    out.put(statusCode(row.status()));
    writeBytes(out, error);
    writeOptionalInstant(out, row.sentAt());
    writeOptionalInstant(out, row.failedAt());
    writeOptionalInstant(out, row.createdAt());
    writeOptionalInstant(out, row.updatedAt());
    out.putInt(row.attempts());
    writeOptionalInstant(out, row.lastAttemptTime());
    writeBytes(out, metadata);
    writeOptionalInt(out, row.deliveryWindowSeconds());
    return out.array();
  }

  /** The value stored as {@code bytes} (format 1, or the JSON of an older build). */
  public static PendingMessage decode(byte[] bytes) {
    if (isOlderJson(bytes)) {
      return OLDER_JSON.deserialize(SchedulerStores.MESSAGES, bytes);
    }
    try {
      ByteBuffer in = format1(bytes);
      PendingEntry entry = readEntry(in);
      UUID patientId = readUuid(in);
      String recipient = readString(in);
      String content = readString(in);
      Instant scheduledTime = readOptionalInstant(in);
      String template = readString(in);
      JsonNode parameters = readJson(in);
      JsonNode recurrence = readJson(in);
      MessageStatus status = status(in.get());
      String error = readString(in);
      Instant sentAt = readOptionalInstant(in);
      Instant failedAt = readOptionalInstant(in);
      Instant createdAt = readOptionalInstant(in);
      Instant updatedAt = readOptionalInstant(in);
      int attempts = in.getInt();
      Instant lastAttemptTime = readOptionalInstant(in);
      JsonNode metadata = readJson(in);
      Integer deliveryWindowSeconds = readOptionalInt(in);
      ScheduledMessage row =
          new ScheduledMessage(
              entry.id(),
              patientId,
              recipient,
              entry.platform(),
              content,
              scheduledTime,
              template,
              parameters,
              recurrence,
              status,
              error,
              sentAt,
              failedAt,
              createdAt,
              updatedAt,
              attempts,
              lastAttemptTime,
              entry.priority(),
              metadata,
              deliveryWindowSeconds,
              entry.rowVersion());
      return entry.withMessage(row);
    } catch (BufferUnderflowException | IllegalArgumentException | DateTimeException e) {
      throw corrupt();
    }
  }

  /**
   * The scheduling fields of the value stored as {@code bytes}; in format 1 only its first {@value
   * #ENTRY_SIZE} bytes are read.
   */
  public static PendingEntry decodeEntry(byte[] bytes) {
    if (isOlderJson(bytes)) {
      return decode(bytes).entry();
    }
    try {
      return readEntry(format1(bytes));
    } catch (BufferUnderflowException | IllegalArgumentException | DateTimeException e) {
      throw corrupt();
    }
  }

  @Override
  public byte[] serialize(String topic, PendingMessage data) {
    return data == null ? null : encode(data);
  }

  @Override
  public PendingMessage deserialize(String topic, byte[] data) {
    return data == null ? null : decode(data);
  }

  @Override
  public void configure(Map<String, ?> configs, boolean isKey) {}

  @Override
  public Serializer<PendingMessage> serializer() {
    return this;
  }

  @Override
  public Deserializer<PendingMessage> deserializer() {
    return this;
  }

  @Override
  public void close() {}

  private static boolean isOlderJson(byte[] bytes) {
    return bytes.length > 0 && bytes[0] == JSON_START;
  }

  private static ByteBuffer format1(byte[] bytes) {
    if (bytes.length == 0 || bytes[0] != FORMAT_1) {
      throw new SerializationException(
          "a value of store "
              + SchedulerStores.MESSAGES
              + " has an unknown format"
              + (bytes.length == 0 ? " (empty)" : " (first byte " + bytes[0] + ")"));
    }
    ByteBuffer in = ByteBuffer.wrap(bytes);
    in.get();
    return in;
  }

  private static SerializationException corrupt() {
    return new SerializationException(
        "a value of store " + SchedulerStores.MESSAGES + " is truncated or corrupt");
  }

  private static void writeEntry(ByteBuffer out, PendingMessage value) {
    ScheduledMessage row = value.message();
    out.put(FORMAT_1);
    out.putLong(row.id().getMostSignificantBits());
    out.putLong(row.id().getLeastSignificantBits());
    out.put(DueIndexKey.code(row.platform()));
    out.putInt(row.priority());
    out.putLong(row.rowVersion());
    writeInstant(out, value.dueAt());
    Long releasedVersion = value.releasedVersion();
    Instant releasedAt = value.releasedAt();
    out.put(
        (byte)
            ((releasedVersion == null ? 0 : RELEASED_VERSION)
                | (releasedAt == null ? 0 : RELEASED_AT)));
    out.putLong(releasedVersion == null ? 0L : releasedVersion);
    writeInstant(out, releasedAt == null ? Instant.EPOCH : releasedAt);
  }

  private static PendingEntry readEntry(ByteBuffer in) {
    UUID id = new UUID(in.getLong(), in.getLong());
    byte platform = in.get();
    int priority = in.getInt();
    long rowVersion = in.getLong();
    Instant dueAt = readInstant(in);
    byte flags = in.get();
    long releasedVersion = in.getLong();
    Instant releasedAt = readInstant(in);
    return new PendingEntry(
        id,
        DueIndexKey.platform(platform),
        priority,
        rowVersion,
        dueAt,
        (flags & RELEASED_VERSION) != 0 ? releasedVersion : null,
        (flags & RELEASED_AT) != 0 ? releasedAt : null);
  }

  private static byte statusCode(MessageStatus status) {
    if (status == null) {
      return 0;
    }
    return switch (status) {
      case PENDING -> 1;
      case SENT -> 2;
      case FAILED -> 3;
      case CANCELLED -> 4;
    };
  }

  private static MessageStatus status(byte code) {
    return switch (code) {
      case 0 -> null;
      case 1 -> MessageStatus.PENDING;
      case 2 -> MessageStatus.SENT;
      case 3 -> MessageStatus.FAILED;
      case 4 -> MessageStatus.CANCELLED;
      default -> throw new IllegalArgumentException("unknown status code");
    };
  }

  private static byte[] utf8(String value) {
    return value == null ? null : value.getBytes(StandardCharsets.UTF_8);
  }

  private static byte[] json(JsonNode value) {
    if (value == null) {
      return null;
    }
    try {
      return Json.mapper().writeValueAsBytes(value);
    } catch (IOException e) {
      throw new SerializationException("cannot write a JSON field of a pending message");
    }
  }

  private static int sized(byte[] bytes) {
    return Integer.BYTES + (bytes == null ? 0 : bytes.length);
  }

  private static int optional(Object value, int size) {
    return 1 + (value == null ? 0 : size);
  }

  private static void writeBytes(ByteBuffer out, byte[] bytes) {
    if (bytes == null) {
      out.putInt(NULL_LENGTH);
    } else {
      out.putInt(bytes.length).put(bytes);
    }
  }

  private static void writeInstant(ByteBuffer out, Instant instant) {
    out.putLong(instant.getEpochSecond()).putInt(instant.getNano());
  }

  private static void writeOptionalInstant(ByteBuffer out, Instant instant) {
    out.put((byte) (instant == null ? 0 : 1));
    if (instant != null) {
      writeInstant(out, instant);
    }
  }

  private static void writeUuid(ByteBuffer out, UUID id) {
    out.put((byte) (id == null ? 0 : 1));
    if (id != null) {
      out.putLong(id.getMostSignificantBits()).putLong(id.getLeastSignificantBits());
    }
  }

  private static void writeOptionalInt(ByteBuffer out, Integer value) {
    out.put((byte) (value == null ? 0 : 1));
    if (value != null) {
      out.putInt(value);
    }
  }

  private static boolean present(ByteBuffer in) {
    byte flag = in.get();
    if (flag != 0 && flag != 1) {
      throw new IllegalArgumentException("bad presence byte");
    }
    return flag == 1;
  }

  private static int length(ByteBuffer in) {
    int length = in.getInt();
    if (length < NULL_LENGTH || length > in.remaining()) {
      throw new IllegalArgumentException("bad length");
    }
    return length;
  }

  private static String readString(ByteBuffer in) {
    int length = length(in);
    if (length == NULL_LENGTH) {
      return null;
    }
    String value = new String(in.array(), in.position(), length, StandardCharsets.UTF_8);
    in.position(in.position() + length);
    return value;
  }

  private static JsonNode readJson(ByteBuffer in) {
    int length = length(in);
    if (length == NULL_LENGTH) {
      return null;
    }
    try {
      JsonNode value = Json.mapper().readTree(in.array(), in.position(), length);
      in.position(in.position() + length);
      return value;
    } catch (IOException e) {
      throw new IllegalArgumentException("bad JSON field");
    }
  }

  private static Instant readInstant(ByteBuffer in) {
    long seconds = in.getLong();
    int nanos = in.getInt();
    return Instant.ofEpochSecond(seconds, nanos);
  }

  private static Instant readOptionalInstant(ByteBuffer in) {
    return present(in) ? readInstant(in) : null;
  }

  private static UUID readUuid(ByteBuffer in) {
    return present(in) ? new UUID(in.getLong(), in.getLong()) : null;
  }

  private static Integer readOptionalInt(ByteBuffer in) {
    return present(in) ? in.getInt() : null;
  }
}
