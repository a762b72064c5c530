package dev.airlock.attacks;

import static dev.airlock.testing.ApplianceLab.logged;
import static dev.airlock.testing.ApplianceLab.unlogged;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.airlock.core.Home;
import dev.airlock.lab.Statements;
import dev.airlock.oci.Descriptor;
import dev.airlock.testing.ApplianceLab.Att;
import dev.airlock.testing.ApplianceLab.Run;
import dev.airlock.testing.ApplianceLab;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The attack suite of issue 12: each test is one way an attacker holding one medium or one vendor
 * key got an image released that the installed policy denies, through a seam between commands.
 * Every test runs the real CLI and asserts the exit code, the reason code, and that nothing was
 * released (no export file) or stored. Written against the code before the {@code appliance}
 * layer, where each of them failed (see the commit that added this file).
 */
class AttackSuiteTest {
  static final String SEG = ApplianceLab.SEG;
  static final String EXP = ApplianceLab.EXP;

  /** The hospital's policy: the segmenter needs vendor AND qa; experimental images one dev key. */
  static final String HOSPITAL = ApplianceLab.HOSPITAL;

  /** One vendor signature is enough for everything of the vendor. */
  static final String LAX = """
      apiVersion: airlock/v1
      kind: Policy
      name: lax
      mode: enforce
      authorities:
        vendor: {key: {tuf: keys/vendor.pub}}
        dev: {key: {tuf: keys/dev.pub}}
      images:
        - match: "vendor.example/**"
          signatures: {threshold: 1, from: [vendor, dev]}
      """;

  static void denied(Run r, int code, String reason) {
    assertEquals(code, r.code(), r.toString());
    assertTrue(r.all().contains(reason), "expected " + reason + " in\n" + r);
  }

  static void admitted(Run r) {
    assertEquals(0, r.code(), r.toString());
  }

  static Run export(ApplianceLab l, String image, Path out) {
    Run r = l.run("--json", "export", image, "-o", out.toString());
    if (r.code() != 0) {
      assertFalse(Files.exists(out), "a refused export wrote " + out);
    }
    return r;
  }

  /** Runs one SQL update on the lab home's database, as a damaged or aged row would have it. */
  static int update(ApplianceLab l, String sql) {
    return dev.airlock.db.Database.open(Home.at(l.home)).transaction(tx -> {
      try (java.sql.Statement st = tx.connection().createStatement()) {
        return st.executeUpdate(sql);
      } catch (java.sql.SQLException e) {
        throw new AssertionError(e);
      }
    });
  }

  // ---- 1. the rule is chosen per reference, never over every name of the digest --------------

  @Test
  void ruleIsChosenForTheReferenceAskedNotForAnotherNameOfTheDigest() {
    try (ApplianceLab l = new ApplianceLab()) {
      assertEquals(0, l.init(l.policy("hospital", HOSPITAL)).code());
      ApplianceLab.MediumBuilder m = l.medium("m1").withTuf();
      m.image("x", List.of(SEG + ":4.0", EXP + ":1"), logged(l.dev));
      admitted(l.run("import", m.path().toString()));
      denied(l.run("--json", "verify", SEG + ":4.0"), 1, "THRESHOLD_NOT_MET");
      denied(export(l, SEG + ":4.0", l.dir.resolve("seg.tar")), 1, "THRESHOLD_NOT_MET");
      admitted(l.run("verify", EXP + ":1"));
    }
  }

  @Test
  void aLaterMediumThatOnlyMovesTheTagIsDecidedAfresh() {
    try (ApplianceLab l = new ApplianceLab()) {
      assertEquals(0, l.init(l.policy("hospital", HOSPITAL)).code());
      ApplianceLab.MediumBuilder m1 = l.medium("m1").withTuf();
      Descriptor img = m1.image("x", List.of(EXP + ":1"), logged(l.dev));
      l.remember(img, m1.path(), "x");
      admitted(l.run("import", m1.path().toString()));
      ApplianceLab.MediumBuilder m2 = l.medium("m2");
      m2.image("x", img, List.of(SEG + ":4.0"), List.of(), List.of());
      admitted(l.run("import", m2.path().toString()));
      denied(l.run("--json", "verify", SEG + ":4.0"), 1, "THRESHOLD_NOT_MET");
      denied(export(l, SEG + ":4.0", l.dir.resolve("seg.tar")), 1, "THRESHOLD_NOT_MET");
    }
  }

  @Test
  void verifyByRepositoryAndDigestUsesThatRepositorysRule() {
    try (ApplianceLab l = new ApplianceLab()) {
      assertEquals(0, l.init(l.policy("hospital", HOSPITAL)).code());
      ApplianceLab.MediumBuilder m = l.medium("m1").withTuf();
      Descriptor img = m.image("x", List.of(SEG + ":4.0", EXP + ":1"), logged(l.dev));
      admitted(l.run("import", m.path().toString()));
      denied(l.run("--json", "verify", SEG + "@" + img.digest()), 1, "THRESHOLD_NOT_MET");
      denied(export(l, SEG + "@" + img.digest(), l.dir.resolve("seg.tar")), 1, "THRESHOLD_NOT_MET");
      admitted(l.run("verify", EXP + "@" + img.digest()));
      // a bare digest is admitted only if every stored name of it is admitted under its own rule
      denied(l.run("--json", "verify", img.digest().toString()), 1, "THRESHOLD_NOT_MET");
      denied(export(l, img.digest().toString(), l.dir.resolve("bare.tar")), 1, "THRESHOLD_NOT_MET");
    }
  }

  @Test
  void noMatchDenyHoldsForANameNoRuleMatches() {
    try (ApplianceLab l = new ApplianceLab()) {
      assertEquals(0, l.init(l.policy("hospital", HOSPITAL)).code());
      ApplianceLab.MediumBuilder m = l.medium("m1").withTuf();
      m.image("x", List.of("tools.example/anything/x:1", EXP + ":1"), logged(l.dev));
      admitted(l.run("import", m.path().toString()));
      denied(l.run("--json", "verify", "tools.example/anything/x:1"), 1, "NO_MATCHING_RULE");
      denied(export(l, "tools.example/anything/x:1", l.dir.resolve("x.tar")), 1, "NO_MATCHING_RULE");
    }
  }

  // ---- 2. export decides again, under the current trust and policy ---------------------------

  @Test
  void exportAfterAStricterPolicySetIsDenied() {
    try (ApplianceLab l = new ApplianceLab()) {
      assertEquals(0, l.init(l.policy("lax", LAX)).code());
      ApplianceLab.MediumBuilder m = l.medium("m1").withTuf();
      m.image("seg", List.of(SEG + ":4.0"), logged(l.vendor));
      admitted(l.run("import", m.path().toString()));
      admitted(l.run("verify", SEG + ":4.0"));
      admitted(l.run("policy", "set", l.policy("hospital", HOSPITAL).toString()));
      denied(export(l, SEG + ":4.0", l.dir.resolve("seg.tar")), 1, "THRESHOLD_NOT_MET");
    }
  }

  @Test
  void exportAfterATufUpdateThatRemovesTheSignersKeyIsDenied() {
    try (ApplianceLab l = new ApplianceLab()) {
      assertEquals(0, l.init(l.policy("lax", LAX)).code());
      ApplianceLab.MediumBuilder m = l.medium("m1").withTuf();
      m.image("seg", List.of(SEG + ":4.0"), logged(l.vendor));
      admitted(l.run("import", m.path().toString()));
      admitted(l.run("verify", SEG + ":4.0"));
      l.tuf.removeTarget("keys/vendor.pub");
      l.tuf.publish();
      admitted(l.run("import", l.medium("m2").withTuf().path().toString()));
      denied(export(l, SEG + ":4.0", l.dir.resolve("seg.tar")), 1, "KEY_MISSING");
    }
  }

  @Test
  void importUnderAWhatIfPolicyReleasesNothing() {
    try (ApplianceLab l = new ApplianceLab()) {
      assertEquals(0, l.init(l.policy("hospital", HOSPITAL)).code());
      ApplianceLab.MediumBuilder m = l.medium("m1").withTuf();
      m.image("seg", List.of(SEG + ":4.0"), logged(l.vendor));
      admitted(l.run("import", "--policy", l.policy("lax", LAX).toString(), m.path().toString()));
      denied(export(l, SEG + ":4.0", l.dir.resolve("seg.tar")), 1, "THRESHOLD_NOT_MET");
      Run images = l.run("--json", "images");
      assertFalse(images.out().contains("\"admit\""), images.toString());
    }
  }

  @Test
  void aVerifyUnderWarnModeDoesNotSurviveTheSwitchBackToEnforce() {
    try (ApplianceLab l = new ApplianceLab()) {
      assertEquals(0, l.init(l.policy("hospital", HOSPITAL)).code());
      ApplianceLab.MediumBuilder m = l.medium("m1").withTuf();
      m.image("seg", List.of(SEG + ":4.0"), logged(l.vendor));
      admitted(l.run("import", m.path().toString()));
      admitted(l.run("policy", "set", l.policy("warn", HOSPITAL.replace("mode: enforce", "mode: warn")).toString()));
      admitted(l.run("verify", SEG + ":4.0"));
      admitted(l.run("policy", "set", l.policy("hospital", HOSPITAL).toString()));
      denied(export(l, SEG + ":4.0", l.dir.resolve("seg.tar")), 1, "THRESHOLD_NOT_MET");
    }
  }

  @Test
  void whatIfPolicyOnVerifyStoresNothingExportCouldUse() {
    try (ApplianceLab l = new ApplianceLab()) {
      assertEquals(0, l.init(l.policy("hospital", HOSPITAL)).code());
      ApplianceLab.MediumBuilder m = l.medium("m1").withTuf();
      m.image("seg", List.of(SEG + ":4.0"), logged(l.vendor));
      admitted(l.run("import", m.path().toString()));
      admitted(l.run("verify", SEG + ":4.0", "--policy", l.policy("lax", LAX).toString()));
      denied(export(l, SEG + ":4.0", l.dir.resolve("seg.tar")), 1, "THRESHOLD_NOT_MET");
    }
  }

  // ---- 3. cosign flags add to the installed policy; relaxing flags relax only themselves -----

  static final String KEYLESS = """
      apiVersion: airlock/v1
      kind: Policy
      name: hospital-keyless
      mode: enforce
      authorities:
        vendor-ci: {keyless: {issuer: "%s", identity: "%s"}}
        qa: {key: {tuf: keys/qa.pub}}
      images:
        - match: "vendor.example/**"
          signatures: {threshold: 1, from: [vendor-ci]}
          attestations:
            - {type: "https://spdx.dev/Document", from: [vendor-ci]}
          vulnerabilities: {from: [vendor-ci], maxSeverity: HIGH}
      """.formatted(ApplianceLab.ISSUER, ApplianceLab.CI_IDENTITY);

  @Test
  void mercuresCommandLineGetsTheHospitalsFullPolicy() {
    try (ApplianceLab l = new ApplianceLab()) {
      assertEquals(0, l.init(l.policy("keyless", KEYLESS)).code());
      ApplianceLab.MediumBuilder m = l.medium("m1").withTuf();
      Descriptor img = m.image("seg", (Descriptor) null, List.of(SEG + ":4.0"), List.of(logged(l.ci)), List.of());
      ApplianceLab.MediumBuilder m2 = l.medium("m2");
      l.remember(img, m.path(), "seg");
      m2.image("seg", img, List.of(SEG + ":4.0"), List.of(), List.of(new Att(l.ci, Statements.COSIGN_VULN,
          Statements.cosignVuln(SEG, img.digest().hex(), "CVE-2026-0001", "CRITICAL", "2026-06-01T12:00:00Z"))));
      admitted(l.run("import", m.path().toString(), m2.path().toString()));
      Run r = l.run("--json", "verify", SEG + ":4.0", "--certificate-identity", ApplianceLab.CI_IDENTITY,
          "--certificate-oidc-issuer", ApplianceLab.ISSUER);
      denied(r, 1, "VULNERABILITY_TOO_SEVERE");
      assertTrue(r.all().contains("ATTESTATION_MISSING"), r.toString());
    }
  }

  @Test
  void insecureIgnoreTlogDoesNotWeakenTheInstalledAuthorities() {
    try (ApplianceLab l = new ApplianceLab()) {
      assertEquals(0, l.init(l.policy("hospital", HOSPITAL)).code());
      ApplianceLab.MediumBuilder m = l.medium("m1").withTuf();
      // the vendor's signature is logged; qa's was never logged: the installed policy needs both logged
      m.image("seg", List.of(SEG + ":4.0"), logged(l.vendor), unlogged(l.qa));
      admitted(l.run("import", m.path().toString()));
      denied(l.run("--json", "verify", SEG + ":4.0"), 1, "THRESHOLD_NOT_MET");
      Run r = l.run("--json", "verify", SEG + ":4.0", "--key", l.pubFile("vendor", l.vendor).toString(),
          "--insecure-ignore-tlog");
      denied(r, 1, "THRESHOLD_NOT_MET");
    }
  }

  @Test
  void cosignFlagsAreAnAdditionalRequirement() {
    try (ApplianceLab l = new ApplianceLab()) {
      assertEquals(0, l.init(l.policy("lax", LAX)).code());
      ApplianceLab.MediumBuilder m = l.medium("m1").withTuf();
      m.image("seg", List.of(SEG + ":4.0"), logged(l.vendor));
      admitted(l.run("import", m.path().toString()));
      // the policy admits it, but the flags ask for qa's key, which never signed
      Run r = l.run("--json", "verify", SEG + ":4.0", "--key", l.pubFile("qa", l.qa).toString());
      assertEquals(1, r.code(), r.toString());
      admitted(l.run("verify", SEG + ":4.0", "--key", l.pubFile("vendor", l.vendor).toString()));
    }
  }

  // ---- 4. installed trust expires ------------------------------------------------------------

  @Test
  void expiredTrustCannotDecide() {
    try (ApplianceLab l = new ApplianceLab()) {
      l.tuf.expires("timestamp", ApplianceLab.EPOCH.plus(Duration.ofDays(2)));
      l.tuf.publish();
      assertEquals(0, l.init(l.policy("lax", LAX)).code());
      ApplianceLab.MediumBuilder m = l.medium("m1").withTuf();
      Descriptor img = m.image("seg", List.of(SEG + ":4.0"), logged(l.vendor));
      l.remember(img, m.path(), "seg");
      admitted(l.run("import", m.path().toString()));
      admitted(l.run("verify", SEG + ":4.0"));
      l.at(ApplianceLab.EPOCH.plus(Duration.ofDays(3)));
      denied(l.run("--json", "verify", SEG + ":4.0"), 3, "TUF_EXPIRED");
      denied(export(l, SEG + ":4.0", l.dir.resolve("seg.tar")), 3, "TUF_EXPIRED");
      ApplianceLab.MediumBuilder m2 = l.medium("m2");
      m2.image("seg2", List.of(SEG + ":4.1"), logged(l.vendor));
      denied(l.run("--json", "import", m2.path().toString()), 3, "TUF_EXPIRED");
    }
  }

  /**
   * The installed trust's expiry is checked before a stored decision is used, not only through the
   * decision's own bound: a stored admit whose bound was lifted (its valid_until cleared, as a
   * damaged or edited row would have it) does not answer once the trust has expired, neither for
   * {@code verify} nor {@code export}, and {@code images} shows it as stale, not as admit.
   */
  @Test
  void aStoredDecisionOutlivingTheTrustIsNotUsed() {
    try (ApplianceLab l = new ApplianceLab()) {
      l.tuf.expires("timestamp", ApplianceLab.EPOCH.plus(Duration.ofDays(2)));
      l.tuf.publish();
      assertEquals(0, l.init(l.policy("lax", LAX)).code());
      ApplianceLab.MediumBuilder m = l.medium("m1").withTuf();
      m.image("seg", List.of(SEG + ":4.0"), logged(l.vendor));
      admitted(l.run("import", m.path().toString()));
      admitted(l.run("verify", SEG + ":4.0"));
      int lifted = update(l, "UPDATE decision_cache SET valid_until = NULL");
      assertTrue(lifted > 0, "a stored decision to lift");
      l.at(ApplianceLab.EPOCH.plus(Duration.ofDays(3)));
      denied(l.run("--json", "verify", SEG + ":4.0"), 3, "TUF_EXPIRED");
      denied(export(l, SEG + ":4.0", l.dir.resolve("seg.tar")), 3, "TUF_EXPIRED");
      Run images = l.run("--json", "images");
      assertTrue(images.out().contains("\"decision\":\"stale\",\"current\":false"), images.toString());
      assertFalse(images.out().contains("\"decision\":\"admit\""), images.toString());
    }
  }

  /** One key file decides: the hospital's own key, read from the policy's folder. */
  static final String FILE_KEY = ApplianceLab.FILE_KEY;

  /** FILE_KEY installed with the vendor's key in keys/it.pub; SEG:4.0, signed by the vendor, imported and verified. */
  static void admittedUnderTheVendorsKeyFile(ApplianceLab l) {
    l.write("policies/keys/it.pub", l.vendor.publicKeyPem());
    assertEquals(0, l.init(l.policy("file-key", FILE_KEY)).code());
    ApplianceLab.MediumBuilder m = l.medium("m1").withTuf();
    m.image("seg", List.of(SEG + ":4.0"), logged(l.vendor));
    admitted(l.run("import", m.path().toString()));
    admitted(l.run("verify", SEG + ":4.0"));
  }

  /**
   * A key authority read from a file is part of the policy: the hospital revokes a key by
   * replacing the file, and an image admitted under the old key must not be released from a
   * stored decision afterwards (neither by {@code verify} nor {@code export}; {@code images} shows
   * it as stale).
   */
  @Test
  void aReplacedKeyFileMakesTheStoredDecisionStale() {
    try (ApplianceLab l = new ApplianceLab()) {
      admittedUnderTheVendorsKeyFile(l);
      l.write("policies/keys/it.pub", l.dev.publicKeyPem()); // the vendor key revoked
      denied(l.run("--json", "verify", SEG + ":4.0"), 1, "THRESHOLD_NOT_MET");
      denied(export(l, SEG + ":4.0", l.dir.resolve("seg.tar")), 1, "THRESHOLD_NOT_MET");
      Run images = l.run("--json", "images");
      assertFalse(images.out().contains("\"decision\":\"admit\""), images.toString());
    }
  }

  /**
   * The same for a policy installed before its key files were recorded (migration V10 leaves
   * such rows without the list): the policy is parsed to find them.
   */
  @Test
  void aReplacedKeyFileIsFoundForAPolicyInstalledBeforeV10() {
    try (ApplianceLab l = new ApplianceLab()) {
      admittedUnderTheVendorsKeyFile(l);
      assertTrue(update(l, "UPDATE policy_install SET key_files = NULL") > 0, "an installed policy to age");
      assertTrue(update(l, "DELETE FROM decision_cache") > 0, "decisions to make again");
      admitted(l.run("verify", SEG + ":4.0"));
      l.write("policies/keys/it.pub", l.dev.publicKeyPem());
      denied(l.run("--json", "verify", SEG + ":4.0"), 1, "THRESHOLD_NOT_MET");
    }
  }

  /**
   * The same policy bytes set from another folder name other key files: the stored decisions
   * made with the first folder's key do not answer for the second.
   */
  @Test
  void theSamePolicySetFromAnotherFolderDecidesAfresh() {
    try (ApplianceLab l = new ApplianceLab()) {
      admittedUnderTheVendorsKeyFile(l);
      l.write("other/keys/it.pub", l.dev.publicKeyPem());
      admitted(l.run("policy", "set", l.write("other/file-key.yaml", FILE_KEY).toString()));
      denied(l.run("--json", "verify", SEG + ":4.0"), 1, "THRESHOLD_NOT_MET");
      denied(export(l, SEG + ":4.0", l.dir.resolve("seg.tar")), 1, "THRESHOLD_NOT_MET");
    }
  }

  // ---- 5. the newest scan and the newest SBOM decide -------------------------------------------

  static final String VULN = """
      apiVersion: airlock/v1
      kind: Policy
      name: vuln
      mode: enforce
      authorities:
        vendor: {key: {tuf: keys/vendor.pub}}
      images:
        - match: "vendor.example/**"
          signatures: {threshold: 1, from: [vendor]}
          attestations:
            - {type: "https://spdx.dev/Document", from: [vendor], deniedLicenses: [GPL-3.0-only]}
          vulnerabilities: {from: [vendor], maxSeverity: HIGH}
      """;

  /**
   * The segmenter, signed by the vendor, with a LOW scan and an Apache-2.0 SBOM, imported and
   * admitted; {@code later} is a second medium carrying only {@code atts} for the same digest.
   */
  private static void admittedThenLater(ApplianceLab l, java.util.function.Function<String, List<Att>> later) {
    assertEquals(0, l.init(l.policy("vuln", VULN)).code());
    ApplianceLab.MediumBuilder m = l.medium("m1").withTuf();
    Descriptor img = m.image("seg", (Descriptor) null, List.of(SEG + ":4.0"), List.of(logged(l.vendor)), List.of());
    String hex = img.digest().hex();
    l.remember(img, m.path(), "seg");
    ApplianceLab.MediumBuilder m1b = l.medium("m1b");
    m1b.image("seg", img, List.of(SEG + ":4.0"), List.of(), List.of(
        new Att(l.vendor, Statements.COSIGN_VULN, Statements.cosignVuln(SEG, hex, "CVE-1", "LOW", "2026-06-01T01:00:00Z")),
        new Att(l.vendor, Statements.SPDX, Statements.spdx(SEG, hex, "openssl", "Apache-2.0"))));
    admitted(l.run("import", m.path().toString(), m1b.path().toString()));
    admitted(l.run("verify", SEG + ":4.0"));
    l.at(ApplianceLab.EPOCH.plus(Duration.ofDays(2)));
    ApplianceLab.MediumBuilder m2 = l.medium("m2");
    m2.image("seg", img, List.of(SEG + ":4.0"), List.of(), later.apply(hex));
    admitted(l.run("import", m2.path().toString()));
  }

  @Test
  void aNewerCriticalScanOnALaterMediumDenies() {
    try (ApplianceLab l = new ApplianceLab()) {
      admittedThenLater(l, hex -> List.of(new Att(l.vendor, Statements.COSIGN_VULN,
          Statements.cosignVuln(SEG, hex, "CVE-2", "CRITICAL", "2026-06-01T20:00:00Z"))));
      denied(l.run("--json", "verify", SEG + ":4.0"), 1, "VULNERABILITY_TOO_SEVERE");
      denied(export(l, SEG + ":4.0", l.dir.resolve("seg.tar")), 1, "VULNERABILITY_TOO_SEVERE");
    }
  }

  @Test
  void anOlderCleanScanOnALaterMediumDoesNotHideANewerOne() {
    try (ApplianceLab l = new ApplianceLab()) {
      admittedThenLater(l, hex -> List.of(
          new Att(l.vendor, Statements.COSIGN_VULN,
              Statements.cosignVuln(SEG, hex, "CVE-2", "CRITICAL", "2026-06-01T20:00:00Z")),
          new Att(l.vendor, Statements.COSIGN_VULN,
              Statements.cosignVuln(SEG, hex, "CVE-3", "LOW", "2026-06-01T10:00:00Z"))));
      denied(l.run("--json", "verify", SEG + ":4.0"), 1, "VULNERABILITY_TOO_SEVERE");
    }
  }

  @Test
  void aNewerSbomWithADeniedLicenceDenies() {
    try (ApplianceLab l = new ApplianceLab()) {
      admittedThenLater(l, hex -> List.of(
          new Att(l.vendor, Statements.SPDX, Statements.spdx(SEG, hex, "readline", "GPL-3.0-only"))));
      denied(l.run("--json", "verify", SEG + ":4.0"), 1, "SBOM_LICENSE_DENIED");
    }
  }

  // ---- 6. N-of-M counts distinct signers ------------------------------------------------------

  /** Under a 2-of-2 policy whose two authorities both accept {@code signer}, its one signature is denied. */
  private static void oneSignerIsNotTwo(ApplianceLab l, String policy, dev.airlock.lab.Signer signer) {
    assertEquals(0, l.init(l.policy("two-of-two", policy)).code());
    ApplianceLab.MediumBuilder m = l.medium("m1").withTuf();
    m.image("seg", List.of(SEG + ":4.0"), logged(signer));
    admitted(l.run("import", m.path().toString()));
    denied(l.run("--json", "verify", SEG + ":4.0"), 1, "THRESHOLD_NOT_MET");
  }

  @Test
  void oneKeyListedTwiceSatisfiesOneAuthority() {
    try (ApplianceLab l = new ApplianceLab()) {
      String twice = """
          apiVersion: airlock/v1
          kind: Policy
          name: twice
          mode: enforce
          authorities:
            qa-1: {key: {tuf: keys/qa.pub}}
            qa-2: {key: {tuf: keys/qa.pub, validFrom: "2026-01-02"}}
          images:
            - match: "vendor.example/**"
              signatures: {threshold: 2, from: [qa-1, qa-2]}
          """;
      oneSignerIsNotTwo(l, twice, l.qa);
    }
  }

  @Test
  void overlappingIdentitiesAreOneSigner() {
    try (ApplianceLab l = new ApplianceLab()) {
      String overlap = """
          apiVersion: airlock/v1
          kind: Policy
          name: overlap
          mode: enforce
          authorities:
            ci-any: {keyless: {issuer: "%s", identityRegexp: "^https://ci[.]vendor[.]example/.*$"}}
            ci-release: {keyless: {issuer: "%s", identity: "%s"}}
          images:
            - match: "vendor.example/**"
              signatures: {threshold: 2, from: [ci-any, ci-release]}
          """.formatted(ApplianceLab.ISSUER, ApplianceLab.ISSUER, ApplianceLab.CI_IDENTITY);
      oneSignerIsNotTwo(l, overlap, l.ci);
    }
  }

  // ---- identities and tlog: false reach the verifier as the policy means them -----------------

  @Test
  void anEmailDomainNeverMatchesAUriThatEndsLikeOne() {
    try (ApplianceLab l = new ApplianceLab()) {
      String clinic = """
          apiVersion: airlock/v1
          kind: Policy
          name: clinic
          authorities:
            clinic-staff: {keyless: {issuer: "%s", identity: "*@clinic.example"}}
          images:
            - match: "vendor.example/**"
              signatures: {threshold: 1, from: [clinic-staff]}
          """.formatted(ApplianceLab.ISSUER);
      assertEquals(0, l.init(l.policy("clinic", clinic)).code());
      dev.airlock.lab.Signer evil = l.lab.keyless(dev.airlock.lab.LeafSpec.uri("https://build.evil.example/p/@clinic.example"));
      dev.airlock.lab.Signer alice = l.lab.keyless(dev.airlock.lab.LeafSpec.email("alice@clinic.example"));
      ApplianceLab.MediumBuilder m = l.medium("m1").withTuf();
      m.image("evil", List.of(SEG + ":4.0"), logged(evil));
      m.image("good", List.of(EXP + ":1"), logged(alice));
      admitted(l.run("import", m.path().toString()));
      denied(l.run("--json", "verify", SEG + ":4.0"), 1, "IDENTITY_MISMATCH");
      admitted(l.run("verify", EXP + ":1"));
    }
  }

  @Test
  void tlogFalseRelaxesOnlyItsOwnAuthority() {
    try (ApplianceLab l = new ApplianceLab()) {
      String offline = """
          apiVersion: airlock/v1
          kind: Policy
          name: offline-vendor
          authorities:
            vendor: {key: {tuf: keys/vendor.pub, tlog: false}}
            qa: {key: {tuf: keys/qa.pub}}
          images:
            - match: "vendor.example/**"
              signatures: {threshold: 2, from: [vendor, qa]}
          """;
      assertEquals(0, l.init(l.policy("offline", offline)).code());
      ApplianceLab.MediumBuilder m = l.medium("m1").withTuf();
      m.image("a", List.of(SEG + ":4.0"), unlogged(l.vendor), logged(l.qa));
      m.image("b", List.of(EXP + ":1"), unlogged(l.vendor), unlogged(l.qa));
      admitted(l.run("import", m.path().toString()));
      Run ok = l.run("--json", "verify", SEG + ":4.0");
      admitted(ok);
      assertTrue(ok.out().contains("tlog.required"), ok.out());
      denied(l.run("--json", "verify", EXP + ":1"), 1, "THRESHOLD_NOT_MET");
    }
  }

  // ---- 7. co-signatures over one payload are all kept ----------------------------------------

  @Test
  void coSignersOfOnePayloadAreAllKept() {
    try (ApplianceLab l = new ApplianceLab()) {
      assertEquals(0, l.init(l.policy("hospital", HOSPITAL)).code());
      ApplianceLab.MediumBuilder m = l.medium("m1").withTuf();
      m.image("seg", List.of(SEG + ":4.0"), logged(l.vendor), logged(l.qa));
      admitted(l.run("import", m.path().toString()));
      admitted(l.run("verify", SEG + ":4.0"));
      admitted(export(l, SEG + ":4.0", l.dir.resolve("seg.tar")));
    }
  }

  // ---- 8. a decision belongs to the reference it was made for --------------------------------

  @Test
  void aDecisionBelongsToTheReferenceItWasMadeFor() {
    try (ApplianceLab l = new ApplianceLab()) {
      assertEquals(0, l.init(l.policy("lax", LAX.replace("mode: enforce", "mode: enforce\nrejectMutableTags: true")))
          .code());
      ApplianceLab.MediumBuilder m = l.medium("m1").withTuf();
      Descriptor img = m.image("app", List.of("vendor.example/app:latest", "vendor.example/app:2.1"), logged(l.vendor));
      admitted(l.run("import", m.path().toString()));
      denied(l.run("--json", "verify", "vendor.example/app:latest"), 1, "MUTABLE_TAG");
      admitted(export(l, "vendor.example/app:2.1", l.dir.resolve("app.tar")));
      admitted(l.run("verify", "vendor.example/app@" + img.digest()));
      denied(export(l, "vendor.example/app:latest", l.dir.resolve("latest.tar")), 1, "MUTABLE_TAG");
    }
  }

  // ---- 9. a refused medium leaves no blobs -----------------------------------------------------

  @Test
  void aMediumWithExpiredTrustLeavesNoBlobs() {
    try (ApplianceLab l = new ApplianceLab()) {
      assertEquals(0, l.init(l.policy("lax", LAX)).code());
      TreeSet<String> before = l.storedBlobs();
      l.tuf.expires("timestamp", ApplianceLab.EPOCH.plus(Duration.ofHours(1)));
      l.tuf.publish();
      ApplianceLab.MediumBuilder m = l.medium("m1").withTuf();
      m.image("seg", List.of(SEG + ":4.0"), logged(l.vendor));
      Run r = l.run("--json", "import", m.path().toString());
      denied(r, 3, "TUF_EXPIRED");
      assertEquals(before, l.storedBlobs(), "a refused medium left blobs in the store");
      assertTrue(staging(l.home).isEmpty(), "staging left behind: " + staging(l.home));
    }
  }

  @Test
  void aMediumWithABadCheckpointLeavesNoBlobs() throws IOException {
    try (ApplianceLab l = new ApplianceLab()) {
      assertEquals(0, l.init(l.policy("lax", LAX)).code());
      TreeSet<String> before = l.storedBlobs();
      ApplianceLab.MediumBuilder m = l.medium("m1").withTuf();
      m.image("seg", List.of(SEG + ":4.0"), logged(l.vendor));
      String cp = l.lab.rekorV1().checkpoint(l.lab.rekorV1().tree().size());
      // flip one character of the signature line: the checkpoint no longer verifies
      int sig = cp.lastIndexOf(' ') + 5;
      char c = cp.charAt(sig);
      String bad = cp.substring(0, sig) + (c == 'A' ? 'B' : 'A') + cp.substring(sig + 1);
      Files.createDirectories(m.path().resolve("checkpoints"));
      Files.writeString(m.path().resolve("checkpoints/rekor.checkpoint"), bad);
      Run r = l.run("--json", "import", m.path().toString());
      assertEquals(1, r.code(), r.toString());
      assertEquals(before, l.storedBlobs(), "a refused medium left blobs in the store");
    }
  }

  /**
   * The state a refused medium must leave as it found: trust, checkpoints, images and decisions,
   * the installed policy, the stored blobs.
   */
  private static List<String> state(ApplianceLab l) {
    return List.of(l.run("--json", "trust", "show").out(), l.run("--json", "checkpoint", "show").out(),
        l.run("--json", "images").out(), l.run("--json", "policy", "show").out(), l.storedBlobs().toString());
  }

  /** A medium of the lab's TUF repository and the segmenter, imported once: its blobs are all stored. */
  private static ApplianceLab.MediumBuilder importedOnce(ApplianceLab l, String name) {
    ApplianceLab.MediumBuilder m = l.medium(name).withTuf();
    m.image("seg", List.of(SEG + ":4.0"), logged(l.vendor));
    admitted(l.run("--json", "import", m.path().toString()));
    return m;
  }

  /**
   * A re-import copies no blob; what it carries besides (checkpoints, a TUF policy target) is
   * verified all the same, and a refusal changes nothing. (An import with nothing to copy skips the
   * dry run that otherwise checks trust and checkpoints before any blob is copied: issue 17.)
   */
  @Test
  void aReimportWithABadCheckpointIsRefusedAndChangesNothing() throws IOException {
    try (ApplianceLab l = new ApplianceLab()) {
      assertEquals(0, l.init(l.policy("lax", LAX)).code());
      ApplianceLab.MediumBuilder m = importedOnce(l, "m1");
      List<String> before = state(l);
      String cp = l.lab.rekorV1().checkpoint(l.lab.rekorV1().tree().size());
      int sig = cp.lastIndexOf(' ') + 5;
      char c = cp.charAt(sig);
      Files.createDirectories(m.path().resolve("checkpoints"));
      Files.writeString(m.path().resolve("checkpoints/rekor.checkpoint"),
          cp.substring(0, sig) + (c == 'A' ? 'B' : 'A') + cp.substring(sig + 1));
      Run r = l.run("--json", "import", m.path().toString());
      assertEquals(1, r.code(), r.toString());
      assertEquals(before, state(l), "a refused re-import changed the appliance's state");
      // the same checkpoint unmodified is taken: the refusal was the flipped signature's
      Files.writeString(m.path().resolve("checkpoints/rekor.checkpoint"), cp);
      admitted(l.run("--json", "import", m.path().toString()));
      assertFalse(before.get(1).equals(state(l).get(1)), "the good checkpoint was not stored");
    }
  }

  @Test
  void aTrustOnlyMediumWithABadCheckpointIsRefusedAndChangesNothing() throws IOException {
    try (ApplianceLab l = new ApplianceLab()) {
      assertEquals(0, l.init(l.policy("lax", LAX)).code());
      importedOnce(l, "m1");
      List<String> before = state(l);
      ApplianceLab.MediumBuilder m = l.medium("trust-only").withTuf();
      String cp = l.lab.rekorV1().checkpoint(l.lab.rekorV1().tree().size());
      Files.createDirectories(m.path().resolve("checkpoints"));
      Files.writeString(m.path().resolve("checkpoints/rekor.checkpoint"), cp.substring(0, cp.length() / 2));
      Run r = l.run("--json", "import", m.path().toString());
      assertEquals(1, r.code(), r.toString());
      assertEquals(before, state(l), "a refused trust medium changed the appliance's state");
    }
  }

  @Test
  void aReimportWhosePolicyTargetDoesNotParseIsRefusedAndChangesNothing() {
    try (ApplianceLab l = new ApplianceLab()) {
      assertEquals(0, l.init(l.policy("lax", LAX)).code());
      ApplianceLab.MediumBuilder m = importedOnce(l, "m1");
      List<String> before = state(l);
      l.tuf.target("policy/airlock.yaml", "apiVersion: airlock/v1\nkind: Policy\nname: [broken\n"
          .getBytes(java.nio.charset.StandardCharsets.UTF_8), null);
      l.tuf.publish();
      // the same medium with the publisher's new repository: its images are all stored already
      dev.airlock.core.FileTrees.deleteQuietly(m.path().resolve("tuf"));
      m.withTuf();
      Run r = l.run("--json", "import", m.path().toString());
      denied(r, 1, "POLICY_INVALID");
      assertEquals(before, state(l), "a refused re-import changed the appliance's state");
    }
  }

  private static List<Path> staging(Path home) {
    Path s = home.resolve("staging");
    if (!Files.isDirectory(s)) {
      return List.of();
    }
    try (Stream<Path> st = Files.list(s)) {
      return st.toList();
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  // ---- 10. init --force keeps the audit trail and respects the write lock ---------------------

  @Test
  void initForceMovesTheOldHomeAsideAndNamesIt() throws IOException {
    try (ApplianceLab l = new ApplianceLab()) {
      assertEquals(0, l.init(l.policy("lax", LAX)).code());
      String oldId = l.run("--json", "audit", "verify").json().toString();
      Path root = l.dir.resolve("root.json");
      Run r = l.run("--json", "init", "--force", "--root", root.toString());
      assertEquals(0, r.code(), r.toString());
      List<Path> aside;
      try (Stream<Path> s = Files.list(l.dir)) {
        aside = s.filter(p -> p.getFileName().toString().startsWith("home.") || p.getFileName().toString()
            .startsWith(".home.")).toList();
      }
      assertEquals(1, aside.size(), "the old home must be kept beside the new one: " + aside);
      assertTrue(Files.exists(aside.get(0).resolve("airlock.mv.db")), "old audit log kept");
      assertTrue(Files.isDirectory(aside.get(0).resolve("keys")), "old audit key kept");
      Path export = l.dir.resolve("audit.jsonl");
      assertEquals(0, l.run("audit", "export", "-o", export.toString()).code());
      String first = Files.readAllLines(export).stream().filter(x -> x.contains("\"init\"")).findFirst().orElseThrow();
      assertTrue(first.contains("previousApplianceId"), first);
      assertTrue(first.contains("previousLogHead"), first);
      assertFalse(oldId.isEmpty());
    }
  }

  @Test
  @SuppressWarnings("try") // the lock is held for its scope, never read
  void initForceWaitsForTheWriteLock() throws Exception {
    try (ApplianceLab l = new ApplianceLab()) {
      assertEquals(0, l.init(l.policy("lax", LAX)).code());
      Path root = l.dir.resolve("root.json");
      String before = System.getProperty("airlock.writeLockTimeoutSeconds");
      System.setProperty("airlock.writeLockTimeoutSeconds", "1");
      // another process's lock, as an import running beside it holds it
      try (java.nio.channels.FileChannel ch = java.nio.channels.FileChannel.open(Home.at(l.home).writeLock(),
          java.nio.file.StandardOpenOption.CREATE, java.nio.file.StandardOpenOption.WRITE);
          java.nio.channels.FileLock lock = ch.lock()) {
        Run r = l.run("--json", "init", "--force", "--root", root.toString());
        assertEquals(3, r.code(), r.toString());
        assertTrue(r.all().contains("DATABASE_BUSY"), r.toString());
      } finally {
        if (before == null) {
          System.clearProperty("airlock.writeLockTimeoutSeconds");
        } else {
          System.setProperty("airlock.writeLockTimeoutSeconds", before);
        }
      }
      assertEquals(0, l.run("audit", "verify").code(), "the home is intact");
    }
  }
}
