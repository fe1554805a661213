package org.schedmsg.scheduler;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import java.time.Instant;
import java.util.UUID;
import org.schedmsg.contracts.MessageStatus;
import org.schedmsg.contracts.Platform;
import org.schedmsg.contracts.ScheduledMessage;
import org.schedmsg.contracts.ScheduledMessageChange;

/** Builds {@code scheduled_messages} rows for tests; defaults describe a fresh pending row. */
public final class MessageRow {
  public static final String CONTENT = "Take your medication";
  public static final String PARAMETER = "10mg";

  private UUID id = UUID.randomUUID();
  private String recipientId = "4915112345678";
  private Platform platform = Platform.TELEGRAM;
  private Instant scheduledTime;
  private MessageStatus status = MessageStatus.PENDING;
  private Instant updatedAt;
  private int attempts;
  private Instant lastAttemptTime;
  private int priority = ScheduledMessage.DEFAULT_PRIORITY;
  private Integer deliveryWindowSeconds = 60;
  private String content = CONTENT;
  private JsonNode parameters = JsonNodeFactory.instance.objectNode().put("dose", PARAMETER);
  private String errorMessage;
  private long rowVersion = 1;

  private MessageRow(Instant scheduledTime) {
    this.scheduledTime = scheduledTime;
  }

  public static MessageRow pendingAt(Instant scheduledTime) {
    return new MessageRow(scheduledTime);
  }

  public static MessageRow from(ScheduledMessage row) {
    MessageRow b = new MessageRow(row.scheduledTime());
    b.id = row.id();
    b.recipientId = row.recipientId();
    b.platform = row.platform();
    b.status = row.status();
    b.updatedAt = row.updatedAt();
    b.attempts = row.attempts();
    b.lastAttemptTime = row.lastAttemptTime();
    b.priority = row.priority();
    b.deliveryWindowSeconds = row.deliveryWindowSeconds();
    b.content = row.messageContent();
    b.parameters = row.parameters();
    b.errorMessage = row.errorMessage();
    b.rowVersion = row.rowVersion() + 1; // the row after an update: the trigger raises it
    return b;
  }

  public MessageRow id(UUID value) {
    id = value;
    return this;
  }

  public MessageRow recipient(String value) {
    recipientId = value;
    return this;
  }

  public MessageRow platform(Platform value) {
    platform = value;
    return this;
  }

  public MessageRow scheduledAt(Instant value) {
    scheduledTime = value;
    return this;
  }

  public MessageRow status(MessageStatus value) {
    status = value;
    return this;
  }

  public MessageRow updatedAt(Instant value) {
    updatedAt = value;
    return this;
  }

  public MessageRow attempts(int value, Instant lastAttempt) {
    attempts = value;
    lastAttemptTime = lastAttempt;
    return this;
  }

  public MessageRow priority(int value) {
    priority = value;
    return this;
  }

  public MessageRow content(String value) {
    content = value;
    return this;
  }

  public MessageRow parameters(JsonNode value) {
    parameters = value;
    return this;
  }

  public MessageRow errorMessage(String value) {
    errorMessage = value;
    return this;
  }

  public MessageRow rowVersion(long value) {
    rowVersion = value;
    return this;
  }

  /** The delivery window in seconds; null = no limit. */
  public MessageRow deliveryWindow(Integer seconds) {
    deliveryWindowSeconds = seconds;
    return this;
  }

  public ScheduledMessage build() {
    return new ScheduledMessage(
        id,
        UUID.fromString("1c1e8a0e-7f1a-4a4b-9a53-6c1d2a0b7a10"),
        recipientId,
        platform,
        content,
        scheduledTime,
        "med_reminder",
        parameters,
        null,
        status,
        errorMessage,
        null,
        null,
        Instant.parse("2026-11-27T10:00:00Z"),
        updatedAt,
        attempts,
        lastAttemptTime,
        priority,
        null,
        deliveryWindowSeconds,
        rowVersion);
  }

  public ScheduledMessageChange change() {
    return new ScheduledMessageChange(
        ScheduledMessageChange.SCHEMA_VERSION,
        "u",
        1L,
        Instant.parse("2026-11-27T10:00:00Z"),
        build());
  }
}
