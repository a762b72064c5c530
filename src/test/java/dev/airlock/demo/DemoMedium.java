package dev.airlock.demo;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.airlock.crypto.Hashing;
import dev.airlock.lab.BundleBuilder;
import dev.airlock.lab.LabBundle;
import dev.airlock.lab.LabCrypto;
import dev.airlock.lab.LabRekor;
import dev.airlock.lab.LeafSpec;
import dev.airlock.lab.Signer;
import dev.airlock.lab.SigstoreLab;
import dev.airlock.lab.Statements;
import dev.airlock.lab.oci.OciLayoutWriter;
import dev.airlock.oci.Annotations;
import dev.airlock.oci.Descriptor;
import dev.airlock.oci.MediaTypes;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The lab step of {@code scripts/make-demo} (issue 14): the part of the demo medium that no airlock
 * command can make, because airlock is a verifier and a key-based publisher with no CA, no
 * transparency log and no timestamp authority. From a private Sigstore lab ({@link SigstoreLab}: a
 * Fulcio-like CA, a CT log, Rekor v1 and v2 logs, a TSA) it writes, into a staging folder:
 * <ul>
 *   <li>{@code trusted_root.json}: the lab's CA, logs and TSA, valid from {@link #LAB_EPOCH};
 *   <li>{@code images/<folder>/}: the five OCI layouts, each image with its keyless (vendor-ci or
 *       evil) cosign v3 signature and keyless attestations as loose referrer bundles, but
 *       <b>no key-based signature</b>: {@code make-demo} adds those with {@code airlock sign};
 *   <li>{@code checkpoints/}: two signed checkpoints of the lab Rekor v1 log (after the first two
 *       images' entries, and after all of them) and the consistency proof between them.
 * </ul>
 * Every lab key (CA, CT log, Rekor v1 and v2, TSA, the keyless signers' ephemeral keys) and every
 * byte of the layouts is derived from one seed, kept in {@code bundles/demo/keys/DEMO-ONLY-lab.seed},
 * and ECDSA nonces are deterministic (RFC 6979): the same seed gives byte-identical output, so the
 * lab part of the demo is reproducible and can be extended by anyone who has the repository. The
 * TUF repository, the keys qa and hospital-it and their signatures are made by airlock commands
 * in {@code scripts/make-demo}. Test scope; run as
 * {@code java -cp target/test-classes:target/classes:$(cat target/classpath.txt)
 * dev.airlock.demo.DemoMedium SEED-FILE STAGING-DIR}.
 */
public final class DemoMedium {
  /** Every TUF role of the demo repository expires on that day (the demo must keep working for years). */
  public static final Instant EXPIRES = Instant.parse("2036-01-01T00:00:00Z");
  /** The key authorities' validUntil (a date: to the end of that day, UTC). */
  public static final String KEYS_VALID_UNTIL = "2035-12-31";
  /** The lab's epoch: its CA, logs and TSA are valid from then; its signatures are made then. */
  public static final Instant LAB_EPOCH = Instant.parse("2026-11-22T00:00:00Z");

  public static final String ISSUER = LeafSpec.DEFAULT_ISSUER;
  public static final String VENDOR_IDENTITY = "https://ci.vendor.example/ai/release@refs/heads/main";
  public static final String EVIL_IDENTITY = "https://ci.evil.example/ai/release@refs/heads/main";
  public static final String BUILDER_ID = "https://ci.vendor.example/builder";
  static final String BUNDLE_TYPE = "application/vnd.dev.sigstore.bundle.v0.3+json";

  /** The five demo images, by folder under {@code images/}. */
  public enum Image {
    DICOM_ANON("dicom-anon", "reg.hospital.example/tools/dicom-anon:1.0", "admit", ""),
    SEG("seg", "reg.vendor.example/ai/seg:2.1", "admit", ""),
    CLS("cls", "reg.vendor.example/ai/cls:1.0", "deny", "ATTESTATION_MISSING"),
    DET("det", "reg.vendor.example/ai/det:3.0", "deny", "VULNERABILITY_TOO_SEVERE"),
    TRIAGE("triage", "reg.vendor.example/ai/triage:0.9", "deny",
        "THRESHOLD_NOT_MET, IDENTITY_MISMATCH, ATTESTATION_MISSING, VULNERABILITY_ATTESTATION_MISSING");

    public final String folder;
    public final String reference;
    public final String decision;
    public final String reasons;

    Image(String folder, String reference, String decision, String reasons) {
      this.folder = folder;
      this.reference = reference;
      this.decision = decision;
      this.reasons = reasons;
    }

    public String repository() {
      return reference.substring(0, reference.lastIndexOf(':'));
    }
  }

  private static final ObjectMapper JSON = new ObjectMapper();

  private final Path out;
  private final SecureRandom random;
  private final SigstoreLab lab;
  private final Signer vendor;
  private final Signer evil;

  private DemoMedium(Path out, long seed) {
    this.out = out;
    this.random = LabCrypto.seeded(seed, "demo-medium");
    this.lab = SigstoreLab.create(seed, LAB_EPOCH, false, 100);
    this.vendor = lab.keyless(LeafSpec.uri(VENDOR_IDENTITY));
    this.evil = lab.keyless(LeafSpec.uri(EVIL_IDENTITY));
  }

  public static void main(String[] args) throws IOException {
    if (args.length != 2) {
      System.err.println("usage: DemoMedium SEED-FILE STAGING-DIR   (the lab step of scripts/make-demo)");
      System.exit(2);
    }
    long seed = Long.parseUnsignedLong(Files.readString(Path.of(args[0])).strip());
    Path out = Path.of(args[1]).toAbsolutePath().normalize();
    lab(out, seed);
    System.out.println("lab step: wrote " + out.resolve("trusted_root.json") + ", " + out.resolve("images")
        + " (keyless signatures and attestations) and " + out.resolve("checkpoints"));
  }

  /** Writes trusted_root.json, images/ and checkpoints/ into {@code out} (which must not hold them). */
  static void lab(Path out, long seed) throws IOException {
    for (String part : List.of("trusted_root.json", "images", "checkpoints")) {
      if (Files.exists(out.resolve(part))) {
        throw new IOException(out.resolve(part) + " exists; the lab step writes into an empty folder");
      }
    }
    new DemoMedium(out, seed).write();
  }

  private void write() throws IOException {
    Files.createDirectories(out);
    // images first: every Rekor entry must exist before the checkpoints and the trusted root
    long olderSize = 0;
    for (Image img : Image.values()) {
      writeImage(img);
      if (img == Image.SEG) {
        olderSize = lab.rekorV1().tree().size();
      }
    }
    writeCheckpoints(olderSize);
    Files.writeString(out.resolve("trusted_root.json"), lab.trustedRoot().validFor(lab.epoch(), null).json());
  }

  // ---- images --------------------------------------------------------------------------------

  private void writeImage(Image img) {
    OciLayoutWriter w = new OciLayoutWriter(out.resolve("images").resolve(img.folder), random.nextLong());
    Descriptor image = w.runnableImage(2, 2048 + random.nextInt(2048));
    String hex = image.digest().hex();
    String repo = img.repository();
    w.list(image, Map.of(Annotations.CONTAINERD_IMAGE_NAME, img.reference,
        Annotations.REF_NAME, img.reference.substring(img.reference.lastIndexOf(':') + 1)));
    // the key-based .sig signatures (qa, hospital-it) are added by 'airlock sign' in scripts/make-demo
    Signer keyless = switch (img) {
      case DICOM_ANON -> null;
      case SEG, CLS, DET -> vendor;
      case TRIAGE -> evil;
    };
    boolean sbom = img == Image.SEG || img == Image.DET;
    String worst = img == Image.DET ? "CRITICAL" : "MEDIUM";
    if (keyless != null) {
      // cosign v3: the image signature is a DSSE bundle with predicate https://sigstore.dev/cosign/sign/v1
      referrer(w, image, lab.bundle(keyless).dsse(BundleBuilder.IN_TOTO, Statements.cosignSign(repo, hex)).build(),
          Statements.COSIGN_SIGN_V1);
      if (keyless == vendor) {
        if (sbom) {
          referrer(w, image, lab.bundle(vendor).dsse(BundleBuilder.IN_TOTO, spdx(repo, hex)).build(), Statements.SPDX);
        }
        referrer(w, image, lab.bundle(vendor).dsse(BundleBuilder.IN_TOTO, Statements.slsaProvenanceV1(repo, hex,
            BUILDER_ID, "https://git.vendor.example/ai/" + img.folder, "refs/heads/main",
            Hashing.hex(w.randomBytes(20)))).tlogs(LabRekor.Version.V2).timestamp().build(),
            Statements.SLSA_PROVENANCE_V1);
        referrer(w, image, lab.bundle(vendor).dsse(BundleBuilder.IN_TOTO, vuln(repo, hex, worst)).build(),
            Statements.COSIGN_VULN);
      }
    }
    w.writeIndex();
  }

  /**
   * A cosign v3 referrer manifest (subject = the image, one bundle layer), left loose in blobs/
   * as {@code cosign save} (v3.0.3+) leaves it.
   */
  private static void referrer(OciLayoutWriter w, Descriptor image, LabBundle bundle, String predicateType) {
    Descriptor layer = w.blob(bundle.json().getBytes(StandardCharsets.UTF_8), BUNDLE_TYPE);
    Descriptor empty = w.blob("{}".getBytes(StandardCharsets.UTF_8), MediaTypes.OCI_EMPTY);
    Map<String, String> ann = new LinkedHashMap<>();
    ann.put(Annotations.BUNDLE_CONTENT, "dsse-envelope");
    ann.put(Annotations.BUNDLE_PREDICATE_TYPE, predicateType);
    w.manifest(empty, List.of(layer), image, ann, BUNDLE_TYPE, MediaTypes.OCI_MANIFEST);
  }

  private static byte[] spdx(String repo, String hex) {
    ObjectNode p = JSON.createObjectNode();
    p.put("spdxVersion", "SPDX-2.3");
    p.put("dataLicense", "CC0-1.0");
    p.put("SPDXID", "SPDXRef-DOCUMENT");
    p.put("name", repo);
    p.put("documentNamespace", "https://sbom.vendor.example/spdx/" + hex);
    p.putObject("creationInfo").put("created", "2026-01-01T00:00:00Z").putArray("creators")
        .add("Tool: airlock-demo-lab");
    ArrayNode pkgs = p.putArray("packages");
    String[][] list = {{"python", "3.12.3", "PSF-2.0"}, {"numpy", "1.26.4", "BSD-3-Clause"},
        {"openssl", "3.0.13", "Apache-2.0"}};
    for (String[] pk : list) {
      ObjectNode n = pkgs.addObject();
      n.put("SPDXID", "SPDXRef-Package-" + pk[0]);
      n.put("name", pk[0]);
      n.put("versionInfo", pk[1]);
      n.put("licenseConcluded", pk[2]);
      n.put("downloadLocation", "NOASSERTION");
    }
    return Statements.statement(Statements.STATEMENT_V1, repo, hex, Statements.SPDX, p);
  }

  /** A cosign vuln v1 predicate holding a Trivy report: LOW and MEDIUM findings, plus {@code worst}. */
  private byte[] vuln(String repo, String hex, String worst) {
    ObjectNode p = JSON.createObjectNode();
    p.putObject("invocation").put("uri", "https://ci.vendor.example/scan").put("event_id", "1");
    ObjectNode sc = p.putObject("scanner");
    sc.put("uri", "pkg:github/aquasecurity/trivy@0.56.2");
    sc.put("version", "0.56.2");
    ObjectNode report = sc.putObject("result");
    report.put("SchemaVersion", 2);
    report.put("ArtifactName", repo + "@sha256:" + hex);
    report.put("ArtifactType", "container_image");
    ArrayNode vulns = report.putArray("Results").addObject().put("Target", repo + " (debian 12.7)")
        .put("Class", "os-pkgs").put("Type", "debian").putArray("Vulnerabilities");
    finding(vulns, "CVE-2024-2511", "openssl", "3.0.13-1~deb12u1", "LOW");
    finding(vulns, "CVE-2024-4741", "openssl", "3.0.13-1~deb12u1", "MEDIUM");
    if (!"MEDIUM".equals(worst)) {
      finding(vulns, "CVE-2024-5535", "openssl", "3.0.13-1~deb12u1", worst);
    }
    String t = lab.now().toString();
    p.putObject("metadata").put("scanStartedOn", t).put("scanFinishedOn", t);
    return Statements.statement(Statements.STATEMENT_V01, repo, hex, Statements.COSIGN_VULN, p);
  }

  private static void finding(ArrayNode vulns, String id, String pkg, String version, String severity) {
    vulns.addObject().put("VulnerabilityID", id).put("PkgName", pkg).put("InstalledVersion", version)
        .put("Severity", severity);
  }

  // ---- checkpoints ---------------------------------------------------------------------------

  /** Two checkpoints of the lab Rekor v1 log: after the first two images, and after all entries. */
  private void writeCheckpoints(long oldSize) throws IOException {
    LabRekor log = lab.rekorV1();
    long newSize = log.tree().size();
    Path dir = Files.createDirectories(out.resolve("checkpoints"));
    Files.writeString(dir.resolve("rekor-lab-" + oldSize + ".checkpoint"), log.checkpoint(oldSize));
    Files.writeString(dir.resolve("rekor-lab-" + newSize + ".checkpoint"), log.checkpoint(newSize));
    ObjectNode proof = JSON.createObjectNode();
    proof.put("origin", log.origin());
    proof.put("oldSize", oldSize);
    proof.put("newSize", newSize);
    ArrayNode hashes = proof.putArray("hashes");
    log.consistencyProof(oldSize, newSize).forEach(h -> hashes.add(Hashing.hex(h)));
    Files.writeString(dir.resolve("rekor-lab-" + oldSize + "-" + newSize + ".proof.json"),
        JSON.writerWithDefaultPrettyPrinter().writeValueAsString(proof) + "\n");
  }
}
