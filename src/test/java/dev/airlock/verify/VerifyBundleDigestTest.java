package dev.airlock.verify;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.airlock.cli.Main;
import dev.airlock.lab.BundleBuilder;
import dev.airlock.lab.LabCrypto;
import dev.airlock.lab.LeafSpec;
import dev.airlock.lab.Signer;
import dev.airlock.lab.SigstoreLab;
import dev.airlock.lab.Statements;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 13 item 5: {@code verify-bundle} takes {@code sha256:}, {@code sha384:} and
 * {@code sha512:} digests (npm provenance subjects are sha512), and its help says so.
 */
class VerifyBundleDigestTest {
  static final Clock CLOCK = Clock.fixed(Instant.parse("2026-01-02T00:00:00Z"), ZoneOffset.UTC);
  static final byte[] ARTIFACT = "npm package tarball\n".getBytes(StandardCharsets.UTF_8);

  @TempDir Path tmp;

  record Run(int code, String out, String err) {}

  Run run(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int code = Main.run(args, CLOCK, Map.of("AIRLOCK_HOME", tmp.resolve("no-home").toString()),
        new PrintWriter(out, true), new PrintWriter(err, true));
    return new Run(code, out.toString(), err.toString());
  }

  @Test
  void sha512SubjectOfAnInTotoStatementVerifiesByDigest() throws Exception {
    SigstoreLab lab = SigstoreLab.create(5);
    String sha512 = LabCrypto.hex(LabCrypto.digest("SHA-512", ARTIFACT));
    ObjectNode st = (ObjectNode) new ObjectMapper().readTree(
        Statements.statement(Statements.STATEMENT_V1, "pkg:npm/lab@1.0.0", "00", Statements.SLSA_PROVENANCE_V1,
            new ObjectMapper().createObjectNode()));
    ObjectNode digest = ((ObjectNode) st.path("subject").get(0)).putObject("digest");
    digest.put("sha512", sha512);
    Signer s = lab.keyless(LeafSpec.email("ci@lab.internal"));
    Path bundle = lab.bundle(s).dsse(BundleBuilder.IN_TOTO, new ObjectMapper().writeValueAsBytes(st)).build()
        .writeTo(tmp.resolve("b.sigstore.json"));
    Path root = lab.trustedRoot().writeTo(tmp.resolve("trusted_root.json"));
    Run r = run("verify-bundle", "--bundle", bundle.toString(), "--trusted-root", root.toString(),
        "--certificate-identity", "ci@lab.internal", "--certificate-oidc-issuer", LeafSpec.DEFAULT_ISSUER,
        "sha512:" + sha512);
    assertEquals(0, r.code(), r.err() + r.out());
    Run wrong = run("verify-bundle", "--bundle", bundle.toString(), "--trusted-root", root.toString(),
        "--certificate-identity", "ci@lab.internal", "--certificate-oidc-issuer", LeafSpec.DEFAULT_ISSUER,
        "sha512:" + "0".repeat(128));
    assertEquals(1, wrong.code(), wrong.err() + wrong.out());
    assertTrue(wrong.out().contains("STATEMENT_SUBJECT_MISMATCH"), wrong.out());
  }

  @Test
  void sha384DigestVerifiesAP384MessageSignature() throws Exception {
    SigstoreLab lab = SigstoreLab.create(5);
    Signer k = lab.key(LabCrypto.KeyKind.ECDSA_P384, "release");
    Path bundle = lab.bundle(k).messageSignature(ARTIFACT).build().writeTo(tmp.resolve("k.sigstore.json"));
    Path root = lab.trustedRoot().writeTo(tmp.resolve("trusted_root.json"));
    Path key = Files.writeString(tmp.resolve("key.pub"), k.publicKeyPem());
    String sha384 = LabCrypto.hex(LabCrypto.digest("SHA-384", ARTIFACT));
    Run r = run("verify-bundle", "--bundle", bundle.toString(), "--trusted-root", root.toString(),
        "--key", key.toString(), "sha384:" + sha384.toUpperCase(java.util.Locale.ROOT));
    assertEquals(0, r.code(), r.err() + r.out());
  }

  @Test
  void malformedDigestIsAUsageErrorNotAPath() throws Exception {
    Path b = Files.writeString(tmp.resolve("b.json"), "{}");
    Run r = run("verify-bundle", "--bundle", b.toString(), "--key", "k.pub", "sha512:abcd");
    assertEquals(2, r.code(), r.err() + r.out());
  }

  @Test
  void helpNamesTheDigestAlgorithms() {
    Run r = run("verify-bundle", "--help");
    assertEquals(0, r.code());
    String help = r.out() + r.err();
    assertTrue(help.contains("sha384:") && help.contains("sha512:"), help);
  }
}
