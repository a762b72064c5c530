package dev.airlock.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The security defaults of serve, pinned (STYLE.md rule 14), and {@code --listen} parsing. */
class ServeOptionsTest {
  @Test
  void defaultLimitsArePinned() {
    ServeOptions.Limits l = ServeOptions.DEFAULT_LIMITS;
    assertEquals(16 * 1024, l.maxRequestHeaderBytes());
    assertEquals(3 * 1024 * 1024, l.maxAdmissionBodyBytes());
    assertEquals(Duration.ofSeconds(30), l.idleTimeout());
    assertEquals(Duration.ofSeconds(10), l.requestReadTimeout());
    assertEquals(64, l.maxThreads());
    assertEquals(256, l.maxQueuedRequests());
    assertEquals(Duration.ofSeconds(10), l.stopTimeout());
  }

  @Test
  void theDefaultIsTlsAndPlainHttpIsLoopbackOnly() {
    ServeOptions tls = ServeOptions.tls("0.0.0.0", 8443, java.nio.file.Path.of("c"), java.nio.file.Path.of("k"), null);
    assertEquals(false, tls.insecureHttp());
    ServeOptions plain = ServeOptions.insecureHttp("127.0.0.1", 8080, false);
    assertEquals(false, plain.forceInsecureHttpOnNetwork());
  }

  @Test
  void listenParses() {
    assertEquals(new ServeOptions.Listen("127.0.0.1", 8443), ServeOptions.Listen.parse("127.0.0.1:8443"));
    assertEquals(new ServeOptions.Listen("::1", 8443), ServeOptions.Listen.parse("[::1]:8443"));
    assertEquals(new ServeOptions.Listen("", 8443), ServeOptions.Listen.parse(":8443"));
    assertEquals(new ServeOptions.Listen("airlock.local", 0), ServeOptions.Listen.parse("airlock.local:0"));
    for (String bad : new String[] {"8443", "::1:8443", "host:", "host:65536", "host:x"}) {
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ServeOptions.Listen.parse(bad));
      assertTrue(e.getMessage().startsWith("--listen " + bad), e.getMessage());
    }
  }

  @Test
  void limitsRefuseNonsense() {
    assertThrows(IllegalArgumentException.class, () -> ServeOptions.DEFAULT_LIMITS.withMaxRequestHeaderBytes(10));
    assertThrows(IllegalArgumentException.class, () -> ServeOptions.DEFAULT_LIMITS.withIdleTimeout(Duration.ZERO));
    assertThrows(IllegalArgumentException.class, () -> ServeOptions.DEFAULT_LIMITS.withMaxThreads(2));
    assertThrows(IllegalArgumentException.class, () -> ServeOptions.insecureHttp("127.0.0.1", 70000, false));
  }
}
