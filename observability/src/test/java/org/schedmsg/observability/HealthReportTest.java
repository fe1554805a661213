package org.schedmsg.observability;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class HealthReportTest {
  @Test
  void shouldEscapeQuotesBackslashesAndControlCharactersWhenRenderingReasons() {
    Map<String, String> problems = new LinkedHashMap<>();
    problems.put("a\"b", "x\\y\n\r\t\b\f\u0000\u001f\u007f\u2028é");
    problems.put("second", "check_timeout");

    assertThat(new HealthReport(problems).json())
        .isEqualTo(
            "{\"status\":\"DOWN\",\"checks\":{"
                + "\"a\\\"b\":\"x\\\\y\\n\\r\\t\\b\\f\\u0000\\u001f\\u007f\\u2028é\","
                + "\"second\":\"check_timeout\"}}");
  }

  @Test
  void shouldAnswer200AndUpWhenNoCheckFails() {
    HealthReport report = new HealthReport(Map.of());

    assertThat(report.status()).isEqualTo(200);
    assertThat(report.json()).isEqualTo("{\"status\":\"UP\"}");
  }
}
