package dev.airlock;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.airlock.testing.NoNetworkListener;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.net.UnknownHostException;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Proves the test JVM cannot reach the network, so an accidental connection fails a test: it runs
 * in a network namespace of its own (scripts/test-jvm) with loopback and nothing else.
 */
class NoNetworkTest {
  @Test
  void theOnlyInterfaceIsLoopback() {
    assertEquals(List.of(), NoNetworkListener.nonLoopbackInterfaces());
  }

  @Test
  void anOutboundConnectionFailsAtOnce() {
    long t0 = System.nanoTime();
    SocketException e = assertThrows(SocketException.class, () -> {
      try (Socket s = new Socket()) {
        s.connect(new InetSocketAddress("192.0.2.1", 443), 5000); // TEST-NET-1, RFC 5737
      }
    });
    assertTrue(e.getMessage().contains("unreachable"), e.getMessage());
    assertTrue(System.nanoTime() - t0 < 2_000_000_000L, "refused by the kernel, not by a timeout");
  }

  @Test
  void nameResolutionFails() {
    assertThrows(UnknownHostException.class, () -> InetAddress.getByName("tuf-repo-cdn.sigstore.dev"));
  }

  @Test
  void loopbackWorks() throws Exception {
    try (ServerSocket server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
        Socket client = new Socket(InetAddress.getLoopbackAddress(), server.getLocalPort());
        Socket accepted = server.accept()) {
      client.getOutputStream().write(42);
      assertEquals(42, accepted.getInputStream().read());
    }
  }
}
