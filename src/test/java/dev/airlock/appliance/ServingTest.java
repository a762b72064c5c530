package dev.airlock.appliance;

import static dev.airlock.testing.ApplianceLab.logged;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.airlock.appliance.ServeBackend.Answer;
import dev.airlock.appliance.ServeBackend.Client;
import dev.airlock.appliance.ServeBackend.ErrorCode;
import dev.airlock.core.Home;
import dev.airlock.crypto.Hashing;
import dev.airlock.oci.Descriptor;
import dev.airlock.testing.ApplianceLab;
import java.nio.file.Files;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The backend of {@code serve} against a real home: every answer that releases an image is the
 * decision {@code verify} makes now, under the installed policy, for the reference as asked.
 */
class ServingTest {
  static final String SEG = ApplianceLab.SEG;
  static final String EXP = ApplianceLab.EXP;
  static final Client CLIENT = new Client("127.0.0.1", null);

  static final String HOSPITAL = ApplianceLab.HOSPITAL;
  static final String DEV_FOR_ALL = ApplianceLab.ONE_DEV_KEY;

  /** The lab's clock, read at each call (tests move it). */
  static Clock live(ApplianceLab l) {
    return new Clock() {
      @Override
      public ZoneId getZone() {
        return ZoneOffset.UTC;
      }

      @Override
      public Clock withZone(ZoneId zone) {
        return this;
      }

      @Override
      public Instant instant() {
        return l.clock.instant();
      }
    };
  }

  static Serving serving(ApplianceLab l) {
    AuditContext who = new AuditContext("airlock-serve", "tester", null, "serve-lab", "serve", null, live(l));
    return Serving.open(Home.at(l.home), who);
  }

  static <T> T found(Answer<T> a) {
    assertInstanceOf(Answer.Found.class, a, () -> "expected content, got " + a);
    return ((Answer.Found<T>) a).value();
  }

  static void denied(Answer<?> a, String reason) {
    assertInstanceOf(Answer.Refused.class, a, () -> "expected a denial, got " + a);
    Answer.Refused<?> r = (Answer.Refused<?>) a;
    assertEquals(ErrorCode.DENIED, r.code(), r.toString());
    assertTrue(r.reasons().contains(reason), () -> "expected " + reason + " in " + r);
  }

  static void unknown(Answer<?> a, ErrorCode code) {
    assertInstanceOf(Answer.Refused.class, a, () -> "expected " + code + ", got " + a);
    assertEquals(code, ((Answer.Refused<?>) a).code());
  }

  /** One image stored as SEG:4.0 and EXP:1, signed by the dev key only. */
  static Descriptor twoNames(ApplianceLab l, String policy) {
    assertEquals(0, l.init(l.policy("p", policy)).code());
    ApplianceLab.MediumBuilder m = l.medium("m1").withTuf();
    Descriptor img = m.image("x", List.of(SEG + ":4.0", EXP + ":1"), logged(l.dev));
    assertEquals(0, l.run("import", m.path().toString()).code());
    return img;
  }

  @Test
  void anAdmittedImageIsServedWithItsExactBytesInBothNameForms() throws Exception {
    try (ApplianceLab l = new ApplianceLab(); ) {
      Descriptor img = twoNames(l, DEV_FOR_ALL);
      try (Serving s = serving(l)) {
        ServeBackend.Manifest byTag = found(s.manifest(SEG, null, "4.0", CLIENT));
        assertEquals(img.digest().toString(), byTag.digest());
        assertEquals("sha256:" + Hashing.sha256Hex(byTag.bytes()), img.digest().toString());
        assertEquals(img.mediaType(), byTag.mediaType());
        ServeBackend.Manifest byDigest = found(s.manifest(SEG, null, img.digest().toString(), CLIENT));
        assertArrayEquals(byTag.bytes(), byDigest.bytes());
        // containerd's mirror form: the registry host in ?ns=
        assertArrayEquals(byTag.bytes(), found(s.manifest("radiology/segmenter", "vendor.example", "4.0", CLIENT)).bytes());
        JsonNode m = ApplianceLab.JSON.readTree(byTag.bytes());
        for (JsonNode d : m.path("layers")) {
          ServeBackend.Blob b = found(s.blob(SEG, null, d.path("digest").asText()));
          assertEquals(d.path("size").asLong(), b.size());
          assertEquals(d.path("digest").asText(), "sha256:" + Hashing.sha256Hex(Files.readAllBytes(b.file())));
        }
        found(s.blob(SEG, null, m.path("config").path("digest").asText()));
        ServeBackend.Tags tags = found(s.tags(SEG, null));
        assertTrue(tags.tags().contains("4.0"), tags.toString());
        String sigTag = "sha256-" + img.digest().hex() + ".sig";
        assertTrue(tags.tags().contains(sigTag), tags.toString());
        ServeBackend.Manifest sig = found(s.manifest(SEG, null, sigTag, CLIENT));
        assertEquals(sig.digest(), "sha256:" + Hashing.sha256Hex(sig.bytes()));
        unknown(s.manifest(SEG, null, "5.0", CLIENT), ErrorCode.MANIFEST_UNKNOWN);
        unknown(s.manifest("vendor.example/nothing", null, "1", CLIENT), ErrorCode.NAME_UNKNOWN);
        unknown(s.blob(SEG, null, "sha256:" + "0".repeat(64)), ErrorCode.BLOB_UNKNOWN);
        assertTrue(s.readiness().ready(), s.readiness().toString());
        assertTrue(s.readiness().trustExpires().isPresent());
      }
    }
  }

  // the attack of DESIGN 6b "names are decided, not inherited", through the registry
  @Test
  void aDigestStoredUnderTwoNamesIsServedOnlyUnderTheNameWhoseRuleAdmitsIt() throws Exception {
    try (ApplianceLab l = new ApplianceLab()) {
      Descriptor img = twoNames(l, HOSPITAL);
      try (Serving s = serving(l)) {
        denied(s.manifest(SEG, null, "4.0", CLIENT), "THRESHOLD_NOT_MET");
        denied(s.manifest(SEG, null, img.digest().toString(), CLIENT), "THRESHOLD_NOT_MET");
        denied(s.manifest(SEG, null, "sha256-" + img.digest().hex() + ".sig", CLIENT), "THRESHOLD_NOT_MET");
        found(s.manifest(EXP, null, "1", CLIENT));
        JsonNode m = ApplianceLab.JSON.readTree(found(s.manifest(EXP, null, "1", CLIENT)).bytes());
        String layer = m.path("layers").get(0).path("digest").asText();
        denied(s.blob(SEG, null, layer), "THRESHOLD_NOT_MET");
        found(s.blob(EXP, null, layer));
        assertFalse(found(s.tags(SEG, null)).tags().contains("4.0"));
        assertTrue(found(s.tags(EXP, null)).tags().contains("1"));
        List<ServeBackend.ImageDecision> ds = s.admission(List.of(SEG + ":4.0", EXP + ":1"), "Pod default/p", "u1",
            CLIENT);
        assertFalse(ds.get(0).allowed());
        assertTrue(ds.get(0).reasons().contains("THRESHOLD_NOT_MET"), ds.toString());
        assertEquals(img.digest().toString(), ds.get(0).digest());
        assertTrue(ds.get(1).allowed(), ds.toString());
        assertEquals(img.digest().toString(), ds.get(1).digest());
        assertEquals(403, s.verify(SEG + ":4.0", CLIENT).status());
        assertEquals(200, s.verify(EXP + ":1", CLIENT).status());
      }
    }
  }

  @Test
  void aPolicySetWhileServingTakesEffectForTheNextRequest() {
    try (ApplianceLab l = new ApplianceLab()) {
      twoNames(l, DEV_FOR_ALL);
      try (Serving s = serving(l)) {
        found(s.manifest(SEG, null, "4.0", CLIENT));
        assertEquals(0, l.run("policy", "set", l.policy("hospital", HOSPITAL).toString()).code());
        denied(s.manifest(SEG, null, "4.0", CLIENT), "THRESHOLD_NOT_MET");
        found(s.manifest(EXP, null, "1", CLIENT));
      }
    }
  }

  /**
   * A key file the installed policy reads, replaced on disk while serving (a revoked key; no
   * state version changes): the next pull is decided with the new key, not served from the
   * decision made with the old one.
   */
  @Test
  void aKeyFileReplacedWhileServingTakesEffectForTheNextRequest() {
    try (ApplianceLab l = new ApplianceLab()) {
      l.write("policies/keys/it.pub", l.dev.publicKeyPem());
      twoNames(l, ApplianceLab.FILE_KEY);
      try (Serving s = serving(l)) {
        found(s.manifest(SEG, null, "4.0", CLIENT));
        l.write("policies/keys/it.pub", l.vendor.publicKeyPem());
        denied(s.manifest(SEG, null, "4.0", CLIENT), "THRESHOLD_NOT_MET");
        l.write("policies/keys/it.pub", l.dev.publicKeyPem());
        found(s.manifest(SEG, null, "4.0", CLIENT));
      }
    }
  }

  /**
   * 16 threads pull while an import of a new medium and a stricter {@code policy set} run: no pull
   * that started after {@code policy set} returned is served an image the new policy denies.
   */
  @Test
  void noPullStartedAfterPolicySetReturnedIsServedWhatTheNewPolicyDenies() throws Exception {
    try (ApplianceLab l = new ApplianceLab()) {
      twoNames(l, DEV_FOR_ALL);
      ApplianceLab.MediumBuilder m2 = l.medium("m2");
      m2.image("y", List.of(EXP + ":2"), logged(l.dev));
      try (Serving s = serving(l)) {
        java.util.concurrent.atomic.AtomicBoolean stop = new java.util.concurrent.atomic.AtomicBoolean();
        java.util.concurrent.atomic.AtomicLong policySetReturned = new java.util.concurrent.atomic.AtomicLong(Long.MAX_VALUE);
        java.util.concurrent.ConcurrentLinkedQueue<long[]> served = new java.util.concurrent.ConcurrentLinkedQueue<>();
        java.util.concurrent.atomic.AtomicInteger pulls = new java.util.concurrent.atomic.AtomicInteger();
        java.util.concurrent.atomic.AtomicReference<Throwable> failure = new java.util.concurrent.atomic.AtomicReference<>();
        List<Thread> threads = new java.util.ArrayList<>();
        for (int t = 0; t < 16; t++) {
          Thread th = new Thread(() -> {
            while (!stop.get()) {
              long start = System.nanoTime();
              try {
                Answer<ServeBackend.Manifest> a = s.manifest(SEG, null, "4.0", CLIENT);
                pulls.incrementAndGet();
                if (a instanceof Answer.Found<ServeBackend.Manifest>) {
                  served.add(new long[] {start});
                }
              } catch (Throwable e) {
                failure.compareAndSet(null, e);
              }
            }
          });
          th.start();
          threads.add(th);
        }
        Thread.sleep(300);
        assertEquals(0, l.run("import", m2.path().toString()).code());
        assertEquals(0, l.run("policy", "set", l.policy("hospital", HOSPITAL).toString()).code());
        policySetReturned.set(System.nanoTime());
        Thread.sleep(500);
        stop.set(true);
        for (Thread th : threads) {
          th.join();
        }
        if (failure.get() != null) {
          throw new AssertionError("a pull failed", failure.get());
        }
        long after = served.stream().filter(x -> x[0] > policySetReturned.get()).count();
        assertEquals(0, after, "pulls started after policy set returned were served the denied image");
        assertTrue(served.size() > 0, "no pull was served before the policy change");
        assertTrue(pulls.get() > served.size(), "no pull was refused after the policy change");
        found(s.manifest(EXP, null, "2", CLIENT)); // the medium imported meanwhile is served
      }
    }
  }

  @Test
  void expiredTrustCannotDecideAndIsNotReady() {
    try (ApplianceLab l = new ApplianceLab()) {
      twoNames(l, DEV_FOR_ALL);
      try (Serving s = serving(l)) {
        found(s.manifest(SEG, null, "4.0", CLIENT));
        l.at(ApplianceLab.EPOCH.plus(Duration.ofDays(4000)));
        Answer<ServeBackend.Manifest> a = s.manifest(SEG, null, "4.0", CLIENT);
        assertInstanceOf(Answer.CannotDecide.class, a, a::toString);
        assertEquals("TUF_EXPIRED", ((Answer.CannotDecide<?>) a).reason());
        assertEquals(503, s.verify(SEG + ":4.0", CLIENT).status());
        assertFalse(s.admission(List.of(SEG + ":4.0"), "Pod default/p", "u2", CLIENT).get(0).allowed());
      }
    }
  }

  @Test
  void withoutAPolicyNothingIsServed() {
    try (ApplianceLab l = new ApplianceLab()) {
      assertEquals(0, l.init(null).code());
      ApplianceLab.MediumBuilder m = l.medium("m1").withTuf();
      m.image("x", List.of(SEG + ":4.0"), logged(l.dev));
      assertEquals(0, l.run("import", m.path().toString()).code());
      try (Serving s = serving(l)) {
        Answer<ServeBackend.Manifest> a = s.manifest(SEG, null, "4.0", CLIENT);
        assertInstanceOf(Answer.CannotDecide.class, a, a::toString);
        assertEquals("POLICY_NOT_INSTALLED", ((Answer.CannotDecide<?>) a).reason());
        assertFalse(s.readiness().ready());
        assertTrue(s.readiness().reason().startsWith("POLICY_NOT_INSTALLED"), s.readiness().reason());
      }
    }
  }

  @Test
  void everyManifestPullVerifyAndReviewIsAuditedAndTheChainHolds() {
    try (ApplianceLab l = new ApplianceLab()) {
      twoNames(l, HOSPITAL);
      try (Serving s = serving(l)) {
        for (int i = 0; i < 5; i++) {
          s.manifest(EXP, null, "1", new Client("10.0.0." + i, null));
        }
        s.manifest(SEG, null, "4.0", new Client("10.0.0.9", "CN=node-1"));
        s.blob(EXP, null, "sha256:" + "0".repeat(64));
        s.verify(EXP + ":1", CLIENT);
        s.admission(List.of(EXP + ":1"), "Pod default/p", "u3", CLIENT);
      }
      ApplianceLab.Run export = l.run("audit", "export", "--format", "jsonl", "-o", l.dir.resolve("a.jsonl").toString());
      assertEquals(0, export.code(), export.toString());
      String log = assertNotNullRead(l.dir.resolve("a.jsonl"));
      assertEquals(6, count(log, "\"serve.manifest\""), log);
      assertEquals(1, count(log, "\"serve.verify\""));
      assertEquals(1, count(log, "\"serve.admission\""));
      assertTrue(log.contains("CN=node-1"));
      assertTrue(log.contains("10.0.0.4"));
      ApplianceLab.Run verify = l.run("audit", "verify", l.dir.resolve("a.jsonl").toString(), "--key",
          l.home.resolve("audit.pub").toString());
      assertEquals(0, verify.code(), verify.toString());
    }
  }

  private static String assertNotNullRead(java.nio.file.Path p) {
    try {
      String s = Files.readString(p);
      assertNotNull(s);
      return s;
    } catch (java.io.IOException e) {
      throw new AssertionError(e);
    }
  }

  private static int count(String s, String needle) {
    int n = 0;
    for (int i = s.indexOf(needle); i >= 0; i = s.indexOf(needle, i + 1)) {
      n++;
    }
    return n;
  }
}
