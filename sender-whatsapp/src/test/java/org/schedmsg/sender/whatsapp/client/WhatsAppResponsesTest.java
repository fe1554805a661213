package org.schedmsg.sender.whatsapp.client;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.schedmsg.sender.core.client.SendResult;
import org.schedmsg.sender.whatsapp.client.WhatsAppErrorCodes.ErrorClass;

class WhatsAppResponsesTest {
  private static String error(int code) {
    return "{\"error\":{\"message\":\"(#"
        + code
        + ") x\",\"type\":\"OAuthException\",\"code\":"
        + code
        + ",\"fbtrace_id\":\"A\"}}";
  }

  @Test
  void shouldDeliverWithWamidWhenMessagesHaveId() {
    assertThat(
            WhatsAppResponses.classify(
                200,
                "{\"messaging_product\":\"whatsapp\","
                    + "\"contacts\":[{\"input\":\"+1\",\"wa_id\":\"1\"}],\"messages\":[{\"id\":\"wamid.X\"}]}"))
        .isEqualTo(new SendResult.Delivered("wamid.X"));
  }

  @Test
  void shouldFailPermanentlyWhenSuccessAnswerHasNoMessageId() {
    assertThat(WhatsAppResponses.classify(200, "{}"))
        .isEqualTo(new SendResult.Permanent("whatsapp:unreadable_success_response"));
  }

  @Test
  void shouldFailPermanentlyWhenTemplateErrorRange() {
    assertThat(WhatsAppResponses.classify(404, error(132001)))
        .isEqualTo(new SendResult.Permanent("whatsapp:132001"));
  }

  @Test
  void shouldStopPlatformAsFatalWhenTokenPermissionOrAccountFails() {
    for (int code : new int[] {190, 0, 10, 200, 250, 299, 131048, 368, 131031}) {
      assertThat(WhatsAppResponses.classify(403, error(code)))
          .as("code %d", code)
          .isInstanceOf(SendResult.Fatal.class);
    }
  }

  @Test
  void shouldRetryWhenTransientCode() {
    for (int code : new int[] {131000, 131016, 1, 2}) {
      assertThat(WhatsAppResponses.classify(500, error(code)))
          .isEqualTo(new SendResult.Retryable("whatsapp:" + code));
    }
  }

  @Test
  void shouldPauseNumberWhenThroughputCodes() {
    for (int code : new int[] {130429, 80007, 4}) {
      assertThat(WhatsAppResponses.classify(400, error(code)))
          .isEqualTo(
              new SendResult.RateLimited("whatsapp:" + code, SendResult.Scope.PLATFORM, null));
    }
  }

  @Test
  void shouldFailPermanentlyWhenInvalidOrUndeliverable() {
    for (int code : new int[] {100, 131008, 131009, 131051, 131026, 131047, 132000, 132999}) {
      assertThat(WhatsAppResponses.classify(400, error(code)))
          .isEqualTo(new SendResult.Permanent("whatsapp:" + code));
    }
  }

  @Test
  void shouldStopPlatformAsInvalidTokenWhenUnauthorizedWithoutBody() {
    assertThat(WhatsAppResponses.classify(401, ""))
        .isEqualTo(new SendResult.Fatal("whatsapp:190_invalid_token"));
  }

  @Test
  void shouldRetryUnknownCodeWhenTransientElseAmbiguousWhenServerError() {
    assertThat(
            WhatsAppResponses.classify(
                400,
                "{\"error\":{\"message\":\"m\",\"type\":\"t\",\"code\":999,\"is_transient\":true}}"))
        .isEqualTo(new SendResult.Retryable("whatsapp:999"));
    assertThat(WhatsAppResponses.classify(503, error(999)))
        .isEqualTo(new SendResult.Ambiguous("whatsapp:999"));
  }

  @Test
  void shouldFailUnknownCodePermanentlyWhenClientError() {
    assertThat(WhatsAppResponses.classify(400, error(999)))
        .isEqualTo(new SendResult.Permanent("whatsapp:999"));
  }

  @Test
  void shouldUseHttpStatusWhenAnswerHasNoErrorCode() {
    assertThat(WhatsAppResponses.classify(429, ""))
        .isEqualTo(new SendResult.Retryable("whatsapp:http_429"));
    assertThat(WhatsAppResponses.classify(502, "<html>Bad Gateway</html>"))
        .isEqualTo(new SendResult.Ambiguous("whatsapp:http_502"));
    assertThat(WhatsAppResponses.classify(404, "{}"))
        .isEqualTo(new SendResult.Permanent("whatsapp:http_404"));
  }

  @Test
  void shouldReadCodeWhenProxyWritesItAsString() {
    assertThat(WhatsAppResponses.classify(400, "{\"error\":{\"code\":\"131056\"}}"))
        .isEqualTo(new SendResult.RateLimited("whatsapp:131056", SendResult.Scope.RECIPIENT, null));
  }

  @Test
  void shouldListEveryCodeWhenReadmeDocumentsErrorCodes() throws IOException {
    Pattern row = Pattern.compile("^\\|\\s*(\\d+)\\s*\\|[^|]*\\|\\s*([A-Z_]+)\\s*\\|");
    Map<Integer, ErrorClass> documented = new HashMap<>();
    boolean inSection = false;
    for (String line : Files.readAllLines(Path.of("README.md"))) {
      if (line.startsWith("## ")) {
        inSection = line.trim().equals("## Error codes");
      }
      Matcher matcher = row.matcher(line);
      if (inSection && matcher.find()) {
        documented.put(
            Integer.valueOf(matcher.group(1)),
            ErrorClass.valueOf(matcher.group(2).toUpperCase(Locale.ROOT)));
      }
    }

    assertThat(documented).isEqualTo(WhatsAppErrorCodes.table());
  }
}
