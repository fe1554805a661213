package org.schedmsg.observability;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.net.ConnectException;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.schedmsg.contracts.config.Env;

/** Where the endpoint listens: every interface by default, loopback only on request. */
class OpsBindAddressTest {
  private final Probe probe = new Probe();

  @Test
  void shouldNotAnswerOnOtherInterfacesWhenBoundToLoopback() throws Exception {
    InetAddress other = nonLoopbackAddress();
    OpsConfig config = OpsConfig.fromEnv(new Env(Map.of("OPS_BIND_ADDRESS", "127.0.0.1")), 0);
    try (OpsServer ops = OpsServer.start(config, OpsServer.newRegistry())) {
      assertThat(ops.address().getAddress().getHostAddress()).isEqualTo("127.0.0.1");
      assertThat(probe.get(ops, "/health/live").statusCode()).isEqualTo(200);

      assertThatThrownBy(() -> probe.send(other, ops.port(), "GET", "/health/live", Probe.PROMPT))
          .isInstanceOf(ConnectException.class);
    }
  }

  @Test
  void shouldAnswerOnEveryInterfaceWhenBindAddressIsTheDefault() throws Exception {
    InetAddress other = nonLoopbackAddress();
    try (OpsServer ops = OpsServer.start(0, OpsServer.newRegistry())) {
      assertThat(ops.address().getAddress().isAnyLocalAddress()).isTrue();
      assertThat(probe.get(ops, "/health/live").statusCode()).isEqualTo(200);
      assertThat(probe.send(other, ops.port(), "GET", "/health/live", Probe.PROMPT).statusCode())
          .isEqualTo(200);
    }
  }

  /** An IPv4 address of this host that is not loopback; the test is skipped on a host without. */
  private static InetAddress nonLoopbackAddress() throws SocketException {
    Optional<InetAddress> address =
        NetworkInterface.networkInterfaces()
            .filter(OpsBindAddressTest::isUp)
            .flatMap(NetworkInterface::inetAddresses)
            .filter(a -> a instanceof Inet4Address)
            .filter(a -> !a.isLoopbackAddress() && !a.isLinkLocalAddress())
            .findFirst();
    assumeTrue(address.isPresent(), "this host has no IPv4 address besides loopback");
    return address.get();
  }

  private static boolean isUp(NetworkInterface nic) {
    try {
      return nic.isUp() && !nic.isLoopback();
    } catch (SocketException e) {
      return false;
    }
  }
}
