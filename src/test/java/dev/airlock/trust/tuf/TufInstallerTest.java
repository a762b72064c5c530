package dev.airlock.trust.tuf;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.airlock.core.AirlockException;
import dev.airlock.db.Database;
import dev.airlock.db.Transaction;
import dev.airlock.core.Home;
import dev.airlock.core.Reason;
import dev.airlock.crypto.Keys;
import dev.airlock.lab.tuf.TufRepoBuilder;
import dev.airlock.lab.tuf.TufRepoBuilder.Key;
import dev.airlock.trust.InstalledSnapshot;
import dev.airlock.trust.KeyAuthority;
import dev.airlock.trust.TrustLab;
import dev.airlock.trust.TrustSnapshot;
import dev.airlock.trust.TrustStore;
import dev.airlock.trust.TrustedClock;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** TUF over media end to end: lab repositories, a real home, the trust store. */
class TufInstallerTest {
  static final Instant T0 = Instant.parse("2026-11-22T10:00:00Z");
  static final ObjectMapper M = new ObjectMapper();

  @TempDir Path tmp;
  Path repoDir;
  TufRepoBuilder repo;
  Home home;

  @BeforeEach
  void setUp() {
    repoDir = tmp.resolve("medium");
    repo = new TufRepoBuilder(repoDir, T0);
    repo.target("trusted_root.json", TrustLab.productionTrustedRoot(), null);
    ObjectNode custom = M.createObjectNode().put("validFrom", "2026-01-01").put("validUntil", "2026-12-31");
    repo.target("keys/qa.pub", Keys.toPem(Keys.generateEc("secp256r1").getPublic()).getBytes(StandardCharsets.US_ASCII), custom);
    repo.target("policy/airlock.yaml", "rules: []\n".getBytes(StandardCharsets.UTF_8), null);
    repo.target("other/ignored.bin", new byte[] {1, 2, 3}, null);
    repo.publishRoot();
    repo.publish();
    home = TrustLab.home(tmp.resolve("home"), repo.initialRoot(), T0);
  }

  static Clock at(Instant t) {
    return Clock.fixed(t, ZoneOffset.UTC);
  }

  TufInstaller.Result update(Instant t, boolean accept) {
    return dev.airlock.appliance.TrustService.install(home, repoDir, at(t), accept, null);
  }

  AirlockException refused(Instant t, boolean accept, Reason reason) throws IOException {
    byte[] rootBefore = Files.readAllBytes(home.tuf().resolve("root.json"));
    List<InstalledSnapshot> historyBefore = history();
    AirlockException e = assertThrows(AirlockException.class, () -> update(t, accept));
    assertEquals(reason, e.reason(), e.getMessage());
    // nothing installed, home/tuf as it was
    assertArrayEquals(rootBefore, Files.readAllBytes(home.tuf().resolve("root.json")));
    assertEquals(historyBefore, history());
    return e;
  }

  List<InstalledSnapshot> history() {
    return Database.open(home).transaction(t -> t.trust().history());
  }

  Optional<TrustSnapshot> current() {
    return Database.open(home).transaction(t -> t.trust().current());
  }

  @Test
  void installsTrustedRootKeysAndPolicies() {
    TufInstaller.Result r = update(T0, false);
    TrustSnapshot s = r.snapshot();
    assertEquals(1, s.roots().size());
    assertFalse(s.roots().get(0).tlogs().isEmpty());
    assertEquals(List.of("keys/qa.pub"), List.copyOf(s.keys().keySet()));
    KeyAuthority qa = s.keys().get("keys/qa.pub");
    // a date alone is UTC: validFrom from the start of the day, validUntil to its end
    assertEquals(Instant.parse("2026-01-01T00:00:00Z"), qa.window().start());
    assertTrue(qa.window().contains(Instant.parse("2026-12-31T23:59:59Z")));
    assertFalse(qa.window().contains(Instant.parse("2027-01-01T00:00:00Z")));
    assertEquals("rules: []\n", new String(s.policies().get("policy/airlock.yaml"), StandardCharsets.UTF_8));
    assertTrue(s.id().startsWith("sha256:"));
    assertEquals(1, s.tufRootVersion());
    assertEquals(List.of("keys/qa.pub", "policy/airlock.yaml", "trusted_root.json"), r.installed().added());
    assertFalse(r.tuf().expiredTimestampAccepted());
    assertEquals(s, current().orElseThrow() == null ? null : s);
    assertEquals(s.id(), current().orElseThrow().id());
    // the trusted clock's high-water mark moved to the install time
    assertEquals(Optional.of(T0), Database.open(home).transaction(t -> TrustedClock.highWater(t.trust())));
  }

  @Test
  void sameRepositoryTwiceInstallsNothingNew() {
    update(T0, false);
    TufInstaller.Result again = update(T0.plusSeconds(60), false);
    assertFalse(again.installed().newRow());
    assertEquals(1, history().size());
  }

  @Test
  void newTargetsMakeANewSnapshotAndKeepTheOld() {
    TufInstaller.Result first = update(T0, false);
    repo.removeTarget("policy/airlock.yaml");
    repo.publish();
    TufInstaller.Result second = update(T0.plusSeconds(60), false);
    assertTrue(second.installed().newRow());
    assertEquals(List.of("policy/airlock.yaml"), second.installed().removed());
    assertTrue(second.snapshot().policies().isEmpty());
    assertEquals(2, history().size());
    assertEquals(first.snapshot().id(), history().get(1).id());
  }

  @Test
  void rootRotationWithThresholds() throws IOException {
    Key a = Key.ed25519();
    Key b = Key.ecdsa();
    Key c = Key.ed25519();
    repo.role("root", 2, List.of(a, b, c));
    repo.publishRoot(); // v2: old root key + a, b, c
    repo.publish();
    assertEquals(2, update(T0, false).snapshot().tufRootVersion());
    // v3 signed by only one of the three (threshold 2): refused
    repo.publishRoot(List.of(a));
    refused(T0, false, Reason.TUF_SIGNATURE_THRESHOLD);
  }

  @Test
  void rootRotationNeedsTheOldKeysToo() throws IOException {
    Key n1 = Key.ed25519();
    Key n2 = Key.ed25519();
    repo.role("root", 2, List.of(n1, n2));
    repo.publishRoot(List.of(n1, n2)); // not signed by the trusted root's key
    AirlockException e = refused(T0, false, Reason.TUF_SIGNATURE_THRESHOLD);
    assertTrue(e.getMessage().contains("2.root.json"), e.getMessage());
  }

  @Test
  void removedKeyCannotSignTheNextRoot() throws IOException {
    Key old = repo.keys("root").get(0);
    Key next = Key.ecdsa();
    repo.role("root", 1, List.of(next));
    repo.publishRoot(); // v2 signed by old and next; old removed from the root role
    repo.publish();
    update(T0, false);
    repo.publishRoot(List.of(old)); // v3 signed only by the removed key
    refused(T0, false, Reason.TUF_SIGNATURE_THRESHOLD);
  }

  @Test
  void expiredIntermediateRootIsFineIfTheNewestIsNot() {
    repo.expires("root", T0.minus(30, ChronoUnit.DAYS));
    repo.publishRoot(); // v2 expired
    repo.expires("root", T0.plus(300, ChronoUnit.DAYS));
    repo.publishRoot(); // v3 valid
    repo.publish();
    assertEquals(3, update(T0, false).snapshot().tufRootVersion());
  }

  @Test
  void expiredNewestRootIsRefusedEvenWithAcceptExpiredTimestamp() throws IOException {
    repo.expires("root", T0.minus(1, ChronoUnit.DAYS));
    repo.publishRoot();
    repo.publish();
    AirlockException e = refused(T0, true, Reason.TUF_EXPIRED);
    assertEquals(AirlockException.Kind.CANNOT_DECIDE, e.kind());
    assertTrue(e.getMessage().contains("root.json"), e.getMessage());
  }

  @Test
  void timestampRollbackIsRefused() throws IOException {
    repo.publish();
    update(T0, false); // trusts timestamp v2
    repo.version("timestamp", 0);
    repo.publishTimestamp(); // v1
    refused(T0, false, Reason.TUF_ROLLBACK);
  }

  @Test
  void freezeGapExpiredSameVersionTimestampIsRefused() throws IOException {
    update(T0, false);
    // same repository, a week later: timestamp.json has the cached version and has expired
    Instant later = T0.plus(8, ChronoUnit.DAYS);
    AirlockException e = refused(later, false, Reason.TUF_EXPIRED);
    assertTrue(e.getMessage().contains("timestamp.json") && e.getMessage().contains("expired at"), e.getMessage());
  }

  @Test
  void acceptExpiredTimestampIsRecorded() {
    Instant later = T0.plus(8, ChronoUnit.DAYS); // timestamp and snapshot expired, targets not
    TufInstaller.Result r = update(later, true);
    assertTrue(r.tuf().expiredTimestampAccepted());
    assertTrue(r.installed().snapshot().expiredTimestampAccepted());
    assertTrue(history().get(0).expiredTimestampAccepted());
  }

  @Test
  void acceptExpiredTimestampStillEnforcesTargetsExpiry() throws IOException {
    Instant later = T0.plus(100, ChronoUnit.DAYS); // targets expired too
    AirlockException e = refused(later, true, Reason.TUF_EXPIRED);
    assertTrue(e.getMessage().contains("targets.json"), e.getMessage());
  }

  @Test
  void acceptExpiredTimestampStillEnforcesSignatures() throws IOException {
    ObjectNode ts = (ObjectNode) M.readTree(repo.read("timestamp.json"));
    ((ObjectNode) ts.path("signed")).put("version", 99);
    repo.overwrite("timestamp.json", M.writeValueAsBytes(ts));
    refused(T0.plus(8, ChronoUnit.DAYS), true, Reason.TUF_SIGNATURE_THRESHOLD);
  }

  @Test
  void mixAndMatchSnapshotIsRefused() throws IOException {
    byte[] oldSnapshot = repo.read("1.snapshot.json");
    repo.publish();
    // the new timestamp names snapshot v2 with its hash; serve v1's bytes under v2's name
    repo.overwrite("2.snapshot.json", oldSnapshot);
    refused(T0, false, Reason.TUF_HASH_MISMATCH);
  }

  @Test
  void nonConsistentSnapshotRepositoryWorks() {
    Path other = tmp.resolve("plain");
    TufRepoBuilder plain = new TufRepoBuilder(other, T0).consistentSnapshot(false);
    plain.target("trusted_root.json", TrustLab.productionTrustedRoot(), null);
    plain.target("prod/trusted_root.json", TrustLab.productionTrustedRoot(), null);
    plain.publishRoot();
    plain.publish();
    Home h = TrustLab.home(tmp.resolve("home2"), plain.initialRoot(), T0);
    TufInstaller.Result r = dev.airlock.appliance.TrustService.install(h, other, at(T0), false, null);
    assertEquals(2, r.snapshot().roots().size());
  }

  @Test
  void repositoryWithoutTrustedRootIsRefused() throws IOException {
    repo.removeTarget("trusted_root.json");
    repo.publish();
    refused(T0, false, Reason.TUF_TARGET_MISSING);
  }

  @Test
  void malformedTrustedRootTargetInstallsNothing() throws IOException {
    repo.target("trusted_root.json", "{\"mediaType\":\"x\"}".getBytes(StandardCharsets.UTF_8), null);
    repo.publish();
    refused(T0, false, Reason.MEDIA_TYPE_UNSUPPORTED);
  }

  @Test
  void customWithoutSigstoreMemberIsAClearError() throws IOException {
    repo.rawCustom(true);
    repo.target("keys/raw.pub", Keys.toPem(Keys.generateEd25519().getPublic()).getBytes(StandardCharsets.US_ASCII),
        M.createObjectNode().put("validFrom", "2026-01-01"));
    repo.publish();
    AirlockException e = refused(T0, false, Reason.TUF_MALFORMED);
    assertTrue(e.getMessage().contains("sigstore{status, usage}"), e.getMessage());
  }

  @Test
  void interruptedSwapIsRecovered() throws IOException {
    Files.move(home.tuf(), home.tuf().resolveSibling("tuf.old"));
    assertEquals(1, update(T0, false).snapshot().tufRootVersion());
    assertTrue(Files.isRegularFile(home.tuf().resolve("root.json")));
    assertFalse(Files.exists(home.tuf().resolveSibling("tuf.old")));
  }

  @Test
  void failedInstallTransactionLeavesHomeTufAsItWas() throws IOException {
    byte[] before = Files.readAllBytes(home.tuf().resolve("root.json"));
    repo.publishRoot();
    repo.publish();
    AirlockException e = assertThrows(AirlockException.class, () -> dev.airlock.appliance.TrustService.install(home, repoDir, at(T0), false,
        (tx, r) -> {
          throw new AirlockException(AirlockException.Kind.AUDIT_FAILED, Reason.AUDIT_WRITE_FAILED, "audit down");
        }));
    assertEquals(Reason.AUDIT_WRITE_FAILED, e.reason());
    assertArrayEquals(before, Files.readAllBytes(home.tuf().resolve("root.json")));
    assertTrue(history().isEmpty());
    assertEquals(2, update(T0, false).snapshot().tufRootVersion());
  }
}
