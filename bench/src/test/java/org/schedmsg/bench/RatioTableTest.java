package org.schedmsg.bench;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class RatioTableTest {
  @Test
  void shouldFormatRatioAndHandleZeroAndUnknownPeers() {
    assertThat(RatioTable.ratio(3, 2)).isEqualTo("1.50");
    assertThat(RatioTable.ratio(0, 0)).isEqualTo("1.00");
    assertThat(RatioTable.ratio(5, 0)).isEqualTo("inf");
    assertThat(RatioTable.ratio(Double.NaN, 2)).isEqualTo("n/a");
    assertThat(RatioTable.ratio(-1, 2)).isEqualTo("n/a");
  }
}
