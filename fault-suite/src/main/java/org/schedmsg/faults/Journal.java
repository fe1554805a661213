package org.schedmsg.faults;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import org.schedmsg.infra.sandbox.FakeTelegramServer;
import org.schedmsg.infra.sandbox.FakeWhatsAppServer;
import org.schedmsg.infra.sandbox.ReceivedRequest;

/**
 * Every request both fake platforms answered, with the answer's status, in arrival order; and a
 * hook that a scenario sets to act at the instant a platform answers (before the sender reads the
 * answer).
 */
final class Journal {
  private final List<JournalEntry> entries = new ArrayList<>();
  private volatile Consumer<JournalEntry> hook = entry -> {};

  void attach(FakeTelegramServer telegram, FakeWhatsAppServer whatsapp) {
    telegram.onAnswer((request, status) -> record("telegram", request, status));
    whatsapp.onAnswer((request, status) -> record("whatsapp", request, status));
  }

  void onAnswer(Consumer<JournalEntry> hook) {
    this.hook = hook;
  }

  void clearHook() {
    this.hook = entry -> {};
  }

  private void record(String platform, ReceivedRequest request, int status) {
    JournalEntry entry =
        new JournalEntry(
            platform,
            recipientOf(platform, request),
            textOf(platform, request),
            request.receivedAt(),
            status);
    synchronized (entries) {
      entries.add(entry);
    }
    hook.accept(entry);
  }

  static String recipientOf(String platform, ReceivedRequest request) {
    return "telegram".equals(platform) ? request.field("chat_id") : request.field("to");
  }

  static String textOf(String platform, ReceivedRequest request) {
    if ("telegram".equals(platform)) {
      return request.field("text");
    }
    JsonNode text = request.body().get("text");
    return text == null ? null : text.path("body").asText(null);
  }

  List<JournalEntry> snapshot() {
    synchronized (entries) {
      return List.copyOf(entries);
    }
  }
}
