package org.schedmsg.cdc;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class LostSlotExceptionTest {

  @Test
  void shouldRecogniseLostSlotWhenDebeziumSaysOffsetIsNoLongerAvailable() {
    Throwable error =
        new IllegalStateException(
            "start failed",
            new RuntimeException(
                "The connector is trying to read change stream starting at ..., but this is no"
                    + " longer available on the server."));

    assertThat(LostSlotException.isLostSlot(error)).isTrue();
  }

  @Test
  void shouldRecogniseLostSlotWhenServerInvalidatedIt() {
    Throwable error =
        new RuntimeException(
            "ERROR: can no longer get changes from replication slot \"schedmsg_cdc\"");

    assertThat(LostSlotException.isLostSlot(error)).isTrue();
  }

  @Test
  void shouldNotClaimLostSlotWhenErrorIsSomethingElse() {
    assertThat(LostSlotException.isLostSlot(new RuntimeException("connection refused"))).isFalse();
    assertThat(LostSlotException.isLostSlot(new RuntimeException((String) null))).isFalse();
  }

  @Test
  void shouldNameSlotAndRunbookWhenCreated() {
    assertThat(new LostSlotException("slot_a", new RuntimeException("x")))
        .hasMessageContaining("slot_a")
        .hasMessageContaining("Lost replication slot");
  }
}
