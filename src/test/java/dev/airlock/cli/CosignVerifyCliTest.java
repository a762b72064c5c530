package dev.airlock.cli;

import static dev.airlock.testing.ApplianceLab.logged;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.airlock.lab.Statements;
import dev.airlock.oci.Descriptor;
import dev.airlock.testing.ApplianceLab;
import dev.airlock.testing.ApplianceLab.Att;
import dev.airlock.testing.ApplianceLab.Run;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * cosign compatibility of {@code verify} and {@code verify-attestation} (DESIGN.md 4, issue 16).
 * The stdout shapes are cosign's: sigstore/cosign {@code cmd/cosign/cli/verify/verify.go},
 * {@code PrintVerification} at commit 00604a6c789a0f40d48cb96a0be434b4fdd86029 (default output: a JSON
 * array of simple-signing payloads, {@code optional} holding {@code Subject}, {@code Issuer},
 * {@code 1.3.6.1.4.1.57264.1.1}, {@code Bundle}, {@code RFC3161Timestamp}, or null), and
 * {@code verify_attestation.go} at commit 044b836f5d9bacd2fff017fa9e0e9d9bb2b338b9 (each verified
 * attestation's DSSE envelope printed as signed, one per line; "none of the attestations matched the
 * predicate type" is an error).
 */
class CosignVerifyCliTest {
  static final String SEG = ApplianceLab.SEG;

  static final String LAX = ApplianceLab.ONE_VENDOR_KEY;

  static final String KEYLESS = """
      apiVersion: airlock/v1
      kind: Policy
      name: keyless
      mode: enforce
      authorities:
        vendor-ci: {keyless: {issuer: "%s", identity: "%s"}}
      images:
        - match: "vendor.example/**"
          signatures: {threshold: 1, from: [vendor-ci]}
      """.formatted(ApplianceLab.ISSUER, ApplianceLab.CI_IDENTITY);

  /** The hospital: the segmenter needs vendor AND qa. */
  static final String TWO = """
      apiVersion: airlock/v1
      kind: Policy
      name: hospital
      mode: enforce
      authorities:
        vendor: {key: {tuf: keys/vendor.pub}}
        qa: {key: {tuf: keys/qa.pub}}
        dev: {key: {tuf: keys/dev.pub}}
      images:
        - match: "vendor.example/radiology/segmenter"
          signatures: {threshold: 2, from: [vendor, qa]}
      """;

  private static Descriptor admittedImage(ApplianceLab l, String policy, ApplianceLab.Sig sig, List<Att> atts) {
    assertEquals(0, l.init(l.policy("p", policy)).code());
    ApplianceLab.MediumBuilder m = l.medium("m1").withTuf();
    Descriptor img = m.image("seg", (Descriptor) null, List.of(SEG + ":4.0"), List.of(sig), atts);
    Run imp = l.run("import", m.path().toString());
    assertEquals(0, imp.code(), imp.toString());
    return img;
  }

  private static JsonNode parse(String s) throws Exception {
    return ApplianceLab.JSON.readTree(s);
  }

  @Test
  void defaultOutputIsCosignsPayloadArrayOnStdoutAndHumanTextOnStderr() throws Exception {
    try (ApplianceLab l = new ApplianceLab()) {
      Descriptor img = admittedImage(l, LAX, logged(l.vendor), List.of());
      Run r = l.run("verify", SEG + ":4.0");
      assertEquals(0, r.code(), r.toString());
      JsonNode arr = parse(r.out());
      assertTrue(arr.isArray(), r.out());
      assertEquals(1, arr.size(), r.out());
      JsonNode p = arr.get(0);
      assertEquals(SEG, p.path("critical").path("identity").path("docker-reference").asText(), r.out());
      assertEquals(img.digest().toString(), p.path("critical").path("image").path("docker-manifest-digest").asText());
      assertEquals("cosign container image signature", p.path("critical").path("type").asText());
      assertTrue(p.has("optional"), "cosign always marshals optional (null when empty): " + r.out());
      // a logged key signature: the Rekor bundle annotation becomes optional.Bundle (SignedEntryTimestamp, Payload)
      assertTrue(p.path("optional").path("Bundle").has("SignedEntryTimestamp"), r.out());
      assertFalse(p.path("optional").has("Subject"), "a key signature has no certificate subject: " + r.out());
      assertTrue(r.err().contains("Verification for " + SEG + ":4.0 --"), r.err());
      assertTrue(r.err().contains("Decision: admit"), r.err());
      assertFalse(r.out().contains("Decision:"), "human text stays off stdout: " + r.out());
    }
  }

  @Test
  void keylessPayloadsCarryCosignsOptionalAnnotations() throws Exception {
    try (ApplianceLab l = new ApplianceLab()) {
      admittedImage(l, KEYLESS, logged(l.ci), List.of());
      Run r = l.run("verify", SEG + ":4.0", "--certificate-identity", ApplianceLab.CI_IDENTITY,
          "--certificate-oidc-issuer", ApplianceLab.ISSUER);
      assertEquals(0, r.code(), r.toString());
      JsonNode o = parse(r.out()).get(0).path("optional");
      assertEquals(ApplianceLab.CI_IDENTITY, o.path("Subject").asText(), r.out());
      assertEquals(ApplianceLab.ISSUER, o.path("Issuer").asText(), r.out());
      assertEquals(ApplianceLab.ISSUER, o.path("1.3.6.1.4.1.57264.1.1").asText(), r.out());
    }
  }

  @Test
  void outputOptionsTextVerdictAndGlobalJson() throws Exception {
    try (ApplianceLab l = new ApplianceLab()) {
      Descriptor img = admittedImage(l, LAX, logged(l.vendor), List.of());
      Run text = l.run("verify", "-o", "text", SEG + ":4.0");
      assertEquals(0, text.code(), text.toString());
      JsonNode signed = parse(text.out().strip());
      assertEquals(img.digest().toString(), signed.path("critical").path("image").path("docker-manifest-digest").asText());
      for (String[] args : List.of(new String[] {"verify", "-o", "verdict", SEG + ":4.0"},
          new String[] {"--json", "verify", SEG + ":4.0"})) {
        Run v = l.run(args);
        assertEquals(0, v.code(), v.toString());
        assertEquals("application/vnd.airlock.verdict.v1+json", parse(v.out()).path("mediaType").asText(), v.out());
        assertEquals("admit", parse(v.out()).path("decision").asText());
      }
      Run bad = l.run("verify", "-o", "yaml", SEG + ":4.0");
      assertEquals(2, bad.code(), bad.toString());
      assertTrue(bad.err().contains("-o/--output"), bad.err());
    }
  }

  @Test
  void severalImagesExitWithTheHighestCode() throws Exception {
    try (ApplianceLab l = new ApplianceLab()) {
      admittedImage(l, LAX, logged(l.vendor), List.of());
      Run r = l.run("verify", SEG + ":4.0", "vendor.example/radiology/absent:1");
      assertEquals(1, r.code(), r.toString());
      assertEquals(1, r.out().strip().lines().count(), "one array for the admitted image only: " + r.out());
      assertTrue(r.err().contains("IMAGE_NOT_STORED"), r.err());
      Run v = l.run("--json", "verify", SEG + ":4.0", "vendor.example/radiology/absent:1");
      assertEquals(1, v.code());
      JsonNode arr = parse(v.out());
      assertEquals(2, arr.size(), v.out());
      assertEquals("admit", arr.get(0).path("decision").asText());
      assertEquals("deny", arr.get(1).path("decision").asText());
    }
  }

  @Test
  void cosignsCompatibilityFlagsAreAcceptedAndNetworkFlagsRefused() throws Exception {
    try (ApplianceLab l = new ApplianceLab()) {
      admittedImage(l, LAX, logged(l.vendor), List.of());
      String key = l.pubFile("vendor", l.vendor).toString();
      Run ok = l.run("verify", SEG + ":4.0", "--key", key, "--offline", "--check-claims=false",
          "--insecure-ignore-sct");
      assertEquals(0, ok.code(), ok.toString());
      for (String flag : List.of("--rekor-url", "--fulcio-url", "--ct-log-url")) {
        Run r = l.run("verify", SEG + ":4.0", flag, "https://log.example");
        assertEquals(2, r.code(), flag + r);
        assertTrue(r.err().contains(flag) && r.err().contains("offline"), r.err());
        assertEquals("", r.out(), "nothing on stdout for a refused command line");
      }
      // a certificate requirement cannot apply to a key: refused rather than silently dropped
      Run gh = l.run("verify", SEG + ":4.0", "--key", key, "--certificate-github-workflow-repository", "vendor/seg");
      assertEquals(2, gh.code(), gh.toString());
      assertTrue(gh.err().contains("--certificate-github-workflow"), gh.err());
      Run missing = l.run("verify", SEG + ":4.0", "--key", l.dir.resolve("no-such.pub").toString());
      assertEquals(2, missing.code(), missing.toString());
      assertTrue(missing.err().contains("--key"), missing.err());
    }
  }

  @Test
  void insecureIgnoreSctNeverWeakensTheInstalledPolicy() throws Exception {
    try (ApplianceLab l = new ApplianceLab()) {
      // the installed policy needs vendor and qa; only vendor signed: flags cannot lower that
      admittedImage(l, TWO, logged(l.vendor), List.of());
      Run r = l.run("--json", "verify", SEG + ":4.0", "--key", l.pubFile("vendor", l.vendor).toString(),
          "--insecure-ignore-sct", "--insecure-ignore-tlog");
      assertEquals(1, r.code(), r.toString());
      assertTrue(r.out().contains("THRESHOLD_NOT_MET"), r.out());
    }
  }

  /**
   * A decision made now prints the payloads from the evaluations it made (issue 17: no second
   * verification), a stored decision from a fresh verification: both print the same, and only
   * signatures of an authority the decision counted (the dev key's valid signature is not in it).
   */
  @Test
  void payloadsOfADecisionMadeNowAndOfAStoredOneAreTheSame() throws Exception {
    try (ApplianceLab l = new ApplianceLab()) {
      assertEquals(0, l.init(l.policy("p", TWO)).code());
      ApplianceLab.MediumBuilder m = l.medium("m1").withTuf();
      Descriptor img = m.image("seg", (Descriptor) null, List.of(SEG + ":4.0"),
          List.of(logged(l.vendor), logged(l.qa), logged(l.dev)), List.of());
      assertEquals(0, l.run("import", m.path().toString()).code());
      Run first = l.run("verify", SEG + ":4.0");
      assertEquals(0, first.code(), first.toString());
      Run stored = l.run("verify", SEG + ":4.0");
      assertEquals(0, stored.code(), stored.toString());
      Run verdict = l.run("--json", "verify", SEG + ":4.0");
      assertTrue(parse(verdict.out()).path("cached").asBoolean(), "the third verify reads the stored decision: " + verdict.out());
      Path what = l.policy("what-if", TWO);
      Run now = l.run("verify", SEG + ":4.0", "--policy", what.toString());
      assertEquals(0, now.code(), now.toString());
      JsonNode payloads = parse(stored.out());
      assertEquals(2, payloads.size(), "vendor's and qa's signatures, not dev's: " + stored.out());
      assertEquals(payloads, parse(first.out()));
      assertEquals(payloads, parse(now.out()), "a what-if decided now prints what the stored decision prints");
      for (JsonNode p : payloads) {
        assertEquals(img.digest().toString(), p.path("critical").path("image").path("docker-manifest-digest").asText());
      }
      // with cosign's flags (decided now, never stored): the flag authority's signature only
      Run flags = l.run("verify", SEG + ":4.0", "--key", l.pubFile("qa", l.qa).toString());
      assertEquals(0, flags.code(), flags.toString());
      assertEquals(1, parse(flags.out()).size(), flags.out());
    }
  }

  /**
   * A stored decision prints the layers it recorded only as the content store still has them: a
   * damaged layer is not printed from the record; the layers are verified again and it is left out.
   */
  @Test
  void aStoredDecisionNeverPrintsADamagedLayer() throws Exception {
    try (ApplianceLab l = new ApplianceLab()) {
      assertEquals(0, l.init(l.policy("p", TWO)).code());
      ApplianceLab.MediumBuilder m = l.medium("m1").withTuf();
      m.image("seg", (Descriptor) null, List.of(SEG + ":4.0"), List.of(logged(l.vendor), logged(l.qa)), List.of());
      assertEquals(0, l.run("import", m.path().toString()).code());
      Run before = l.run("verify", SEG + ":4.0");
      assertEquals(2, parse(before.out()).size(), before.out());
      Path payload = null;
      for (String hex : l.storedBlobs()) {
        Path p = l.home.resolve("blobs/sha256").resolve(hex);
        if (java.nio.file.Files.size(p) < 4096
            && java.nio.file.Files.readString(p, java.nio.charset.StandardCharsets.ISO_8859_1).contains("cosign container image signature")) {
          payload = p;
          break;
        }
      }
      assertTrue(payload != null, "a simple-signing payload in the store");
      byte[] b = java.nio.file.Files.readAllBytes(payload);
      b[b.length / 2] ^= 1;
      payload.toFile().setWritable(true);
      java.nio.file.Files.write(payload, b);
      Run after = l.run("--json", "verify", SEG + ":4.0");
      assertTrue(parse(after.out()).path("cached").asBoolean(), "still the stored decision: " + after.out());
      Run printed = l.run("verify", SEG + ":4.0");
      // vendor and qa signed the same simple-signing payload: one blob, damaged for both
      assertEquals(0, parse(printed.out()).size(), "the damaged layer is not printed: " + printed.out());
      assertFalse(printed.out().contains(new String(b, java.nio.charset.StandardCharsets.ISO_8859_1).strip()),
          printed.out());
    }
  }

  @Test
  void verifyAttestationIsDecidedAsVerifyAndPrintsTheEnvelopes() throws Exception {
    try (ApplianceLab l = new ApplianceLab()) {
      ApplianceLab.Sig sig = logged(l.vendor);
      assertEquals(0, l.init(l.policy("p", LAX)).code());
      ApplianceLab.MediumBuilder m = l.medium("m1").withTuf();
      Descriptor img = m.image("seg", (Descriptor) null, List.of(SEG + ":4.0"), List.of(sig), List.of());
      l.remember(img, m.path(), "seg");
      ApplianceLab.MediumBuilder m2 = l.medium("m2");
      m2.image("seg", img, List.of(SEG + ":4.0"), List.of(), List.of(new Att(l.vendor, Statements.SPDX,
          Statements.spdx(SEG, img.digest().hex(), "openssl", "Apache-2.0"))));
      assertEquals(0, l.run("import", m.path().toString(), m2.path().toString()).code());
      Run r = l.run("verify-attestation", SEG + ":4.0", "--type", "spdxjson");
      assertEquals(0, r.code(), r.toString());
      List<String> lines = r.out().strip().lines().toList();
      assertEquals(1, lines.size(), r.out());
      JsonNode env = parse(lines.get(0));
      assertEquals("application/vnd.in-toto+json", env.path("payloadType").asText(), r.out());
      JsonNode st = parse(new String(Base64.getDecoder().decode(env.path("payload").asText())));
      assertEquals(Statements.SPDX, st.path("predicateType").asText());
      assertEquals(img.digest().hex(), st.path("subject").get(0).path("digest").path("sha256").asText());
      // no attestation of that type: exit 1, as cosign
      Run none = l.run("verify-attestation", SEG + ":4.0", "--type", "vuln");
      assertEquals(1, none.code(), none.toString());
      assertEquals("", none.out());
      // the same decision as verify: under qa's key as a flag the image is denied and nothing printed
      Run denied = l.run("verify-attestation", SEG + ":4.0", "--type", "spdx", "--key", l.pubFile("qa", l.qa).toString());
      assertEquals(1, denied.code(), denied.toString());
      assertEquals("", denied.out());
      Run verdict = l.run("--json", "verify-attestation", SEG + ":4.0", "--type", "spdx");
      assertEquals(0, verdict.code());
      assertEquals("admit", parse(verdict.out()).path("decision").asText());
    }
  }

  /**
   * cosign's {@code --certificate-github-workflow-*}: each value must equal the leaf's Fulcio
   * extension 1.3.6.1.4.1.57264.1.2 to .6 (raw bytes), as cosign's {@code validateCertExtensions}
   * (pkg/cosign/verify.go, {@code CheckOpts.CertGithubWorkflow*}) and pkg/cosign/certextensions.go
   * compare them. A requirement added to the policy, never a replacement.
   */
  /**
   * The seam between the plain reader (PlainLine) and picocli: an attacker who picks how to spell a
   * command line gets the same decision, output and exit code either way, for admitted, denied and
   * flag-narrowed images (a flag that would be lost on one path would release an image).
   */
  @Test
  void thePlainReaderAndPicocliDecideAndPrintAlike() throws Exception {
    try (ApplianceLab l = new ApplianceLab()) {
      dev.airlock.lab.Signer gh = l.lab.keyless(dev.airlock.lab.LeafSpec.uri(ApplianceLab.CI_IDENTITY)
          .withExtensions(java.util.Map.of(5, "vendor/segmenter")));
      admittedImage(l, KEYLESS, logged(gh), List.of());
      String[] id = {"--certificate-identity", ApplianceLab.CI_IDENTITY, "--certificate-oidc-issuer", ApplianceLab.ISSUER};
      List<String[]> lines = List.of(
          new String[] {"verify", SEG + ":4.0"},
          new String[] {"verify", "-o", "text", SEG + ":4.0"},
          new String[] {"--json", "verify", SEG + ":4.0"},
          cat(new String[] {"verify", SEG + ":4.0"}, id),
          new String[] {"verify", SEG + ":4.0", "--certificate-identity", "https://attacker.example/x",
              "--certificate-oidc-issuer", ApplianceLab.ISSUER},
          cat(new String[] {"--json", "verify", SEG + ":4.0"}, id, "--certificate-github-workflow-repository",
              "attacker/segmenter"),
          new String[] {"verify", SEG + ":4.0", "--key", l.pubFile("qa", l.qa).toString()},
          new String[] {"verify", SEG + ":4.0", SEG + ":9.9"},
          new String[] {"verify", "-o", "bogus", SEG + ":4.0"});
      java.util.Set<Integer> codes = new java.util.TreeSet<>();
      for (String[] line : lines) {
        codes.add(BothWays.run(l, line));
      }
      assertEquals(java.util.Set.of(0, 1, 2), codes, "admitted, denied and usage lines were compared");
    }
  }

  @Test
  void githubWorkflowFlagsRequireTheCertificatesExtensions() throws Exception {
    try (ApplianceLab l = new ApplianceLab()) {
      String sha = "0123456789abcdef0123456789abcdef01234567";
      dev.airlock.lab.Signer gh = l.lab.keyless(dev.airlock.lab.LeafSpec.uri(ApplianceLab.CI_IDENTITY)
          .withExtensions(java.util.Map.of(2, "push", 3, sha, 4, "release", 5, "vendor/segmenter", 6,
              "refs/tags/v4.0")));
      Descriptor img = admittedImage(l, KEYLESS, logged(gh), List.of());
      String[] id = {"--certificate-identity", ApplianceLab.CI_IDENTITY, "--certificate-oidc-issuer", ApplianceLab.ISSUER};
      Run ok = l.run(cat(new String[] {"verify", SEG + ":4.0"}, id, "--certificate-github-workflow-trigger", "push",
          "--certificate-github-workflow-sha", sha, "--certificate-github-workflow-name", "release",
          "--certificate-github-workflow-repository", "vendor/segmenter",
          "--certificate-github-workflow-ref", "refs/tags/v4.0"));
      assertEquals(0, ok.code(), ok.toString());
      assertEquals(img.digest().toString(),
          parse(ok.out()).get(0).path("critical").path("image").path("docker-manifest-digest").asText());

      Run wrong = l.run(cat(new String[] {"--json", "verify", SEG + ":4.0"}, id,
          "--certificate-github-workflow-repository", "attacker/segmenter"));
      assertEquals(1, wrong.code(), wrong.toString());
      assertTrue(wrong.out().contains("certificate.extension.github-workflow-repository"), wrong.out());
      assertTrue(wrong.out().contains("IDENTITY_MISMATCH") && wrong.out().contains("attacker/segmenter"), wrong.out());
      // an empty value is no requirement, as in cosign (CheckOpts compares only non-empty values)
      Run empty = l.run(cat(new String[] {"verify", SEG + ":4.0"}, id, "--certificate-github-workflow-ref", ""));
      assertEquals(0, empty.code(), empty.toString());
      // without an identity, cosign's keyless rule applies: usage error
      Run noId = l.run("verify", SEG + ":4.0", "--certificate-github-workflow-trigger", "push");
      assertEquals(2, noId.code(), noId.toString());
      assertTrue(noId.err().contains("--certificate-identity"), noId.err());
      // verify-attestation takes the same flags and the same decision
      Run att = l.run(cat(new String[] {"verify-attestation", SEG + ":4.0", "--type", "spdx"}, id,
          "--certificate-github-workflow-ref", "refs/heads/main"));
      assertEquals(1, att.code(), att.toString());
      assertEquals("", att.out());
    }
  }

  @Test
  void githubWorkflowFlagsOnACertificateWithoutThemDenyAndNeverWeakenThePolicy() throws Exception {
    try (ApplianceLab l = new ApplianceLab()) {
      // l.ci's certificate carries no GitHub workflow extensions: the requirement is not met
      admittedImage(l, KEYLESS, logged(l.ci), List.of());
      Run absent = l.run("--json", "verify", SEG + ":4.0", "--certificate-identity", ApplianceLab.CI_IDENTITY,
          "--certificate-oidc-issuer", ApplianceLab.ISSUER, "--certificate-github-workflow-trigger", "push");
      assertEquals(1, absent.code(), absent.toString());
      assertTrue(absent.out().contains("absent"), absent.out());
    }
    try (ApplianceLab l = new ApplianceLab()) {
      // the installed policy needs the vendor key; a keyless signature matching every flag is not enough
      dev.airlock.lab.Signer gh = l.lab.keyless(dev.airlock.lab.LeafSpec.uri(ApplianceLab.CI_IDENTITY)
          .withExtensions(java.util.Map.of(2, "push")));
      assertEquals(0, l.init(l.policy("p", LAX)).code());
      ApplianceLab.MediumBuilder m = l.medium("m1").withTuf();
      m.image("seg", (Descriptor) null, List.of(SEG + ":4.0"), List.of(logged(gh)), List.of());
      assertEquals(0, l.run("import", m.path().toString()).code());
      Run r = l.run("--json", "verify", SEG + ":4.0", "--certificate-identity", ApplianceLab.CI_IDENTITY,
          "--certificate-oidc-issuer", ApplianceLab.ISSUER, "--certificate-github-workflow-trigger", "push");
      assertEquals(1, r.code(), r.toString());
      assertEquals("deny", parse(r.out()).path("decision").asText(), r.out());
    }
  }

  private static String[] cat(String[] head, String[] mid, String... tail) {
    List<String> all = new java.util.ArrayList<>(List.of(head));
    all.addAll(List.of(mid));
    all.addAll(List.of(tail));
    return all.toArray(new String[0]);
  }
}
