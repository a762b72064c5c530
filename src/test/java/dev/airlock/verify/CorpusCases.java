package dev.airlock.verify;

import com.fasterxml.jackson.databind.JsonNode;
import dev.airlock.core.AirlockException;
import dev.airlock.crypto.Hashing;
import dev.airlock.crypto.Keys;
import dev.airlock.testing.Corpus;
import dev.airlock.trust.TrustSnapshot;
import dev.airlock.trust.TrustedRoot;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;

/** Runs one sigstore-bundle corpus case through {@link BundleVerifier} the way the manifest says. */
public final class CorpusCases {
  private CorpusCases() {}

  /** The trusted root of a case (the fulcio.githubapp.com line of a jsonl file). */
  public static byte[] trustedRootBytes(JsonNode c) throws IOException {
    if (Corpus.hasFile(c, "trusted_roots_jsonl")) {
      for (String line : Files.readAllLines(Corpus.file(c, "trusted_roots_jsonl"), StandardCharsets.UTF_8)) {
        if (line.contains("fulcio.githubapp.com")) {
          return line.getBytes(StandardCharsets.UTF_8);
        }
      }
      throw new IllegalStateException(c.path("id").asText() + ": no fulcio.githubapp.com root");
    }
    return Files.readAllBytes(Corpus.file(c, "trusted_root"));
  }

  public static Path trustedRootPath(JsonNode c) throws IOException {
    if (Corpus.hasFile(c, "trusted_roots_jsonl")) {
      Path tmp = Files.createTempFile("airlock-root", ".json");
      Files.write(tmp, trustedRootBytes(c));
      tmp.toFile().deleteOnExit();
      return tmp;
    }
    return Corpus.file(c, "trusted_root");
  }

  public static VerifyOptions options(JsonNode c) throws Exception {
    VerifyOptions.Builder o = VerifyOptions.builder();
    JsonNode p = c.path("policy");
    if (c.path("identity").isTextual()) {
      o.identity(c.path("identity").asText());
    }
    if (c.path("issuer").isTextual()) {
      o.issuer(c.path("issuer").asText());
    }
    if ("public_key".equals(p.path("verify_with").asText()) && p.path("key_supplied").asBoolean(true)) {
      o.key(Keys.parsePublicKey(Files.readAllBytes(Corpus.file(c, "public_key"))));
    }
    if (p.has("require_tlog") && !p.path("require_tlog").asBoolean()) {
      o.insecureIgnoreTlogUnsafe().useSignedTimestamps();
    }
    if (p.has("require_sct") && !p.path("require_sct").asBoolean()) {
      o.withoutSctUnsafe();
    }
    if (p.has("tlog_threshold")) {
      o.tlogThreshold(p.path("tlog_threshold").asInt());
    }
    return o.build();
  }

  /** The artifact by file, or null if the case has only a digest. */
  public static Artifact byFile(JsonNode c) throws IOException {
    return Corpus.hasFile(c, "artifact") ? Artifact.ofBytes(Files.readAllBytes(Corpus.file(c, "artifact"))) : null;
  }

  /**
   * The artifact by digest: {@code artifact_digest}, else the hash of the artifact file under the
   * bundle's messageDigest algorithm (sha256 unless the bundle says otherwise).
   */
  public static Artifact byDigest(JsonNode c) throws IOException {
    JsonNode d = c.path("artifact_digest");
    if (d.isObject()) {
      return Artifact.ofDigest(d.path("algorithm").asText(), Hashing.unhex(d.path("hex").asText()));
    }
    byte[] bytes = Files.readAllBytes(Corpus.file(c, "artifact"));
    String alg = "sha256";
    try {
      JsonNode b = dev.airlock.core.Json.parse(Files.readAllBytes(Corpus.file(c, "bundle")), "bundle");
      String a = b.path("messageSignature").path("messageDigest").path("algorithm").asText("SHA2_256");
      alg = switch (a) {
        case "SHA2_384" -> "sha384";
        case "SHA2_512" -> "sha512";
        default -> "sha256";
      };
    } catch (AirlockException e) {
      // malformed bundle: sha256
    }
    return Artifact.ofDigest(alg, Hashing.get(Artifact.jca(alg)).digest(bytes));
  }

  /** A verifier for the case's trusted root, or the parse failure as a result. */
  public static BundleVerifier verifier(JsonNode c) throws IOException {
    TrustedRoot root = TrustedRoot.parse(trustedRootBytes(c), c.path("id").asText() + "/trusted_root.json");
    return new BundleVerifier(TrustSnapshot.ofRoots(root.digest().toString(), Instant.EPOCH, List.of(root)));
  }
}
