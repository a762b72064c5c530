package dev.airlock;

import static org.junit.jupiter.api.Assertions.assertThrows;

import java.net.InetSocketAddress;
import java.net.Socket;
import org.junit.jupiter.api.Test;

/** Proves the test JVM cannot open a network connection, so an accidental one fails a test. */
class NoNetworkTest {
  @Test
  void loopbackConnectIsRefused() {
    assertThrows(SecurityException.class, () -> {
      try (Socket s = new Socket()) {
        s.connect(new InetSocketAddress("127.0.0.1", 9), 1000);
      }
    });
  }

  @Test
  void nameResolutionIsRefused() {
    assertThrows(SecurityException.class,
        () -> java.net.InetAddress.getByName("tuf-repo-cdn.sigstore.dev"));
  }
}
