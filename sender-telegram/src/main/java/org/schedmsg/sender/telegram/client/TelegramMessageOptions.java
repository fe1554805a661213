package org.schedmsg.sender.telegram.client;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Optional;

/**
 * The {@code sendMessage} options a message may set in its {@code metadata}: {@code parse_mode}
 * ({@code MarkdownV2}, {@code HTML} or {@code Markdown}), {@code disable_notification} and {@code
 * protect_content} (booleans). Anything else is left out of the request. With a parse mode the text
 * is escaped for it ({@link #escape}), so it shows exactly as written and can never fail to parse.
 */
public record TelegramMessageOptions(
    Optional<String> parseMode,
    Optional<Boolean> disableNotification,
    Optional<Boolean> protectContent) {

  public static final String PARSE_MODE = "parse_mode";
  public static final String DISABLE_NOTIFICATION = "disable_notification";
  public static final String PROTECT_CONTENT = "protect_content";
  static final String MARKDOWN_V2 = "MarkdownV2";
  static final String HTML = "HTML";
  static final String MARKDOWN = "Markdown";

  /** The options in {@code metadata} (null for none); unknown parse modes are ignored. */
  public static TelegramMessageOptions from(JsonNode metadata) {
    if (metadata == null || !metadata.isObject()) {
      return new TelegramMessageOptions(Optional.empty(), Optional.empty(), Optional.empty());
    }
    return new TelegramMessageOptions(
        parseMode(metadata.path(PARSE_MODE).asText("")),
        bool(metadata.path(DISABLE_NOTIFICATION)),
        bool(metadata.path(PROTECT_CONTENT)));
  }

  /** {@code text} escaped for the parse mode, or unchanged without one. */
  public String escape(String text) {
    return parseMode.map(mode -> escape(text, mode)).orElse(text);
  }

  static String escape(String text, String mode) {
    return switch (mode) {
      case HTML -> text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
      case MARKDOWN_V2 -> text.replaceAll("([_*\\[\\]()~`>#+\\-=|{}.!\\\\])", "\\\\$1");
      case MARKDOWN -> text.replaceAll("([_*`\\[])", "\\\\$1");
      default -> text;
    };
  }

  private static Optional<String> parseMode(String value) {
    return switch (value) {
      case MARKDOWN_V2, HTML, MARKDOWN -> Optional.of(value);
      default -> Optional.empty();
    };
  }

  private static Optional<Boolean> bool(JsonNode node) {
    return node.isBoolean() ? Optional.of(node.booleanValue()) : Optional.empty();
  }
}
