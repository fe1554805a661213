package org.schedmsg.observability;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/** A client on a raw socket: it can send half a request, or nothing, and then stall. */
final class RawClient implements AutoCloseable {
  /** The request line and one header, without the blank line that would end the request. */
  static final String HALF_A_REQUEST = "GET /health/live HTTP/1.1\r\nHost: ops\r\n";

  private final Socket socket;

  private RawClient(Socket socket) {
    this.socket = socket;
  }

  static RawClient connect(OpsServer ops) throws IOException {
    return new RawClient(new Socket(InetAddress.getLoopbackAddress(), ops.port()));
  }

  RawClient send(String text) throws IOException {
    socket.getOutputStream().write(text.getBytes(StandardCharsets.US_ASCII));
    socket.getOutputStream().flush();
    return this;
  }

  /**
   * Blocks until the server closes the connection and returns everything it sent before; fails with
   * {@link java.net.SocketTimeoutException} if the connection is still open after {@code within}.
   */
  String readUntilClosed(Duration within) throws IOException {
    socket.setSoTimeout(Math.toIntExact(within.toMillis()));
    ByteArrayOutputStream received = new ByteArrayOutputStream();
    InputStream in = socket.getInputStream();
    in.transferTo(received);
    return received.toString(StandardCharsets.ISO_8859_1);
  }

  @Override
  public void close() throws IOException {
    socket.close();
  }
}
