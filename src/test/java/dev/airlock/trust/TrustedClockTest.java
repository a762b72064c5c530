package dev.airlock.trust;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.airlock.core.AirlockException;
import dev.airlock.db.Database;
import dev.airlock.db.Transaction;
import dev.airlock.core.Home;
import dev.airlock.core.Reason;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TrustedClockTest {
  static final Instant T0 = Instant.parse("2026-11-22T10:00:00Z");

  @TempDir Path tmp;

  @Test
  void nowIsTheLaterOfSystemAndHighWater() {
    TrustedClock ahead = TrustedClock.of(T0, T0.minusSeconds(5));
    assertEquals(T0, ahead.now());
    assertFalse(ahead.systemBehind());
    TrustedClock behind = TrustedClock.of(T0, T0.plusSeconds(5));
    assertEquals(T0.plusSeconds(5), behind.now());
    assertTrue(behind.systemBehind());
    assertEquals(T0.plusSeconds(5), behind.clock().instant());
    TrustedClock none = TrustedClock.of(T0, null);
    assertEquals(T0, none.now());
    assertFalse(none.systemBehind());
  }

  @Test
  void highWaterOnlyMovesForward() {
    Home home = TrustLab.home(tmp.resolve("h"), "{}".getBytes(), T0);
    Database db = Database.open(home);
    assertEquals(Optional.empty(), db.transaction(t -> TrustedClock.highWater(t.trust())));
    db.transaction(tx -> {
      TrustedClock.advance(tx.trust(), T0.plusSeconds(100));
      return null;
    });
    db.transaction(tx -> {
      TrustedClock.advance(tx.trust(), T0); // earlier: ignored
      return null;
    });
    assertEquals(Optional.of(T0.plusSeconds(100)), db.transaction(t -> TrustedClock.highWater(t.trust())));
    TrustedClock c = db.transaction(tx -> TrustedClock.read(tx.trust(), Clock.fixed(T0, ZoneOffset.UTC)));
    assertTrue(c.systemBehind());
    assertEquals(T0.plusSeconds(100), c.now());
  }

  @Test
  void keyWindowsFromCustomMetadata() {
    ObjectMapper m = new ObjectMapper();
    ValidityWindow w = KeyWindows.of(m.createObjectNode().put("validFrom", "2026-03-01T12:00:00+02:00")
        .put("validUntil", "2026-03-02"), "keys/a.pub");
    assertEquals(Instant.parse("2026-03-01T10:00:00Z"), w.start());
    assertEquals(Instant.parse("2026-03-02T23:59:59.999999999Z"), w.end());
    assertEquals(ValidityWindow.ALWAYS, KeyWindows.of(null, "keys/a.pub"));
    AirlockException bad = assertThrows(AirlockException.class,
        () -> KeyWindows.of(m.createObjectNode().put("validFrom", "March"), "keys/a.pub"));
    assertEquals(Reason.KEY_MALFORMED, bad.reason());
    assertTrue(bad.getMessage().contains("keys/a.pub"));
    AirlockException reversed = assertThrows(AirlockException.class, () -> KeyWindows.of(
        m.createObjectNode().put("validFrom", "2026-03-02").put("validUntil", "2026-03-01"), "keys/a.pub"));
    assertEquals(Reason.KEY_MALFORMED, reversed.reason());
  }

  @Test
  void contentKindsFromPaths() {
    assertEquals(TrustContent.Kind.TRUSTED_ROOT, TrustContent.Kind.of("trusted_root.json"));
    assertEquals(TrustContent.Kind.TRUSTED_ROOT, TrustContent.Kind.of("staging/trusted_root.json"));
    assertEquals(TrustContent.Kind.KEY, TrustContent.Kind.of("keys/qa.pub"));
    assertEquals(TrustContent.Kind.POLICY, TrustContent.Kind.of("policy/airlock.yaml"));
    assertEquals(null, TrustContent.Kind.of("keys/sub/qa.pub"));
    assertEquals(null, TrustContent.Kind.of("rekor.pub"));
    assertEquals(null, TrustContent.Kind.of("signing_config.v0.2.json"));
  }
}
