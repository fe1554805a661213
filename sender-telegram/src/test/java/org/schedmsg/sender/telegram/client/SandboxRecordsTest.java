package org.schedmsg.sender.telegram.client;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.schedmsg.contracts.Platform;
import org.schedmsg.infra.sandbox.FakeTelegramServer;
import org.schedmsg.infra.sandbox.ReceivedRequest;
import org.schedmsg.sender.core.client.SendResult;
import org.schedmsg.sender.core.testing.TestRequests;

/** Records that hold payloads print without them. */
class SandboxRecordsTest {
  @Test
  void shouldLeaveBodyOutWhenReceivedRequestPrinted() throws Exception {
    ReceivedRequest request =
        new ReceivedRequest(
            "/bot<token>/sendMessage",
            new ObjectMapper().readTree("{\"chat_id\":31337,\"text\":\"blood test results\"}"),
            Instant.EPOCH);

    assertThat(request.toString())
        .contains("/bot<token>/sendMessage")
        .doesNotContain("31337")
        .doesNotContain("blood test");
  }

  @Test
  void shouldLeaveBodyOutWhenScriptedResponsePrinted() {
    assertThat(FakeTelegramServer.chatNotFound().toString())
        .contains("400")
        .doesNotContain("chat not found");
  }

  @Test
  void shouldLeaveTextAndRecipientOutWhenDeliveryRequestPrinted() {
    String printed =
        TestRequests.request(Platform.TELEGRAM, "31337", "blood test results").toString();

    assertThat(printed).doesNotContain("31337").doesNotContain("blood test");
    assertThat(new SendResult.Permanent("telegram:400:chat_not_found").toString())
        .contains("chat_not_found");
  }
}
