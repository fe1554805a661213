package org.schedmsg.contracts;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * A delivery platform and the facts about it that more than one service uses, in one place: its
 * wire and database name (the lower-case {@link #id()}), the recipients and texts it takes (the
 * scheduler rejects what the platform's client would refuse, with the same rule), its default
 * rates, its stable code in the scheduler's keys, and which of its failures end a recurring series.
 * Root README, "Adding a platform".
 */
public enum Platform {
  /**
   * Telegram Bot API: a chat id (an integer, negative for groups) or {@code @channelusername};
   * {@code sendMessage} takes up to 4096 characters, counted in UTF-16 code units; about 30
   * messages per second per bot, one per second per chat.
   */
  TELEGRAM(
      1,
      "Telegram",
      "-?[0-9]{1,19}|@[A-Za-z][A-Za-z0-9_]{4,31}",
      4096,
      30,
      Duration.ofSeconds(1),
      // 403: bot blocked by the user, user deactivated, bot kicked from the chat
      List.of("403", "400:chat_not_found")),

  /**
   * WhatsApp Cloud API: an E.164 number (optional {@code +}, 7 to 15 digits, no leading 0); a text
   * body of up to 4096 characters; 80 messages per second per business phone number.
   */
  WHATSAPP(
      2,
      "WhatsApp",
      "\\+?[1-9][0-9]{6,14}",
      4096,
      80,
      Duration.ZERO,
      // 131026: undeliverable (not a WhatsApp user, old app version, ...); 131021: to itself
      List.of("131026", "131021"));

  private final byte code;
  private final String displayName;
  private final Pattern recipient;
  private final int maxTextLength;
  private final int defaultMessagesPerSecond;
  private final Duration defaultRecipientInterval;
  private final List<String> seriesEndingReasons;

  Platform(
      int code,
      String displayName,
      String recipient,
      int maxTextLength,
      int defaultMessagesPerSecond,
      Duration defaultRecipientInterval,
      List<String> seriesEndingErrors) {
    this.code = (byte) code;
    this.displayName = displayName;
    this.recipient = Pattern.compile(recipient);
    this.maxTextLength = maxTextLength;
    this.defaultMessagesPerSecond = defaultMessagesPerSecond;
    this.defaultRecipientInterval = defaultRecipientInterval;
    this.seriesEndingReasons =
        seriesEndingErrors.stream().map(error -> id() + ":" + error).toList();
  }

  @JsonValue
  public String id() {
    return name().toLowerCase(Locale.ROOT);
  }

  @JsonCreator
  public static Platform fromId(String id) {
    for (Platform platform : values()) {
      if (platform.id().equals(id)) {
        return platform;
      }
    }
    throw new IllegalArgumentException("unknown platform: " + id);
  }

  /** The platform's name as people write it ({@code WhatsApp}), for documentation and logs. */
  public String displayName() {
    return displayName;
  }

  /** The stable one-byte code of this platform in stored keys (never its ordinal). */
  public byte code() {
    return code;
  }

  /** The platform of a stored {@link #code()}. */
  public static Platform fromCode(byte code) {
    for (Platform platform : values()) {
      if (platform.code == code) {
        return platform;
      }
    }
    throw new IllegalArgumentException("unknown platform code " + code);
  }

  /** Whether the platform takes {@code recipientId} (surrounding blanks ignored, as clients do). */
  public boolean isValidRecipient(String recipientId) {
    return recipientId != null && recipient.matcher(recipientId.strip()).matches();
  }

  /** The longest text the platform takes, in UTF-16 code units ({@link String#length()}). */
  public int maxTextLength() {
    return maxTextLength;
  }

  /** Whether {@code text} is longer than the platform takes. */
  public boolean isTooLong(String text) {
    return text != null && text.length() > maxTextLength;
  }

  /** The platform's own send limit: the default release and send rate. */
  public int defaultMessagesPerSecond() {
    return defaultMessagesPerSecond;
  }

  /** The platform's default minimum interval between two sends to one recipient. */
  public Duration defaultRecipientInterval() {
    return defaultRecipientInterval;
  }

  /**
   * Failure reasons of this platform ({@code <id>:<error>} prefixes) meaning the recipient cannot
   * be reached at all, so that a recurring series ends instead of failing again the same way.
   */
  public List<String> seriesEndingReasons() {
    return seriesEndingReasons;
  }
}
