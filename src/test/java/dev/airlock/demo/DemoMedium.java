package dev.airlock.demo;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.airlock.crypto.Hashing;
import dev.airlock.lab.BundleBuilder;
import dev.airlock.lab.CosignLegacy;
import dev.airlock.lab.LabBundle;
import dev.airlock.lab.LabCrypto;
import dev.airlock.lab.LabRekor;
import dev.airlock.lab.LeafSpec;
import dev.airlock.lab.Signer;
import dev.airlock.lab.SigstoreLab;
import dev.airlock.lab.Statements;
import dev.airlock.lab.oci.OciLayoutWriter;
import dev.airlock.lab.tuf.TufRepoBuilder;
import dev.airlock.oci.Annotations;
import dev.airlock.oci.Descriptor;
import dev.airlock.oci.MediaTypes;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * Writes the committed demo material (issue 6): the demo TUF root {@code trust-root/demo/}, the
 * demo medium {@code bundles/demo/} (tuf/, checkpoints/, images/) and its policy
 * {@code bundles/demo/policy.yaml}. Everything is signed by a fresh private Sigstore lab and fresh
 * TUF keys from a {@link SecureRandom} seed that is neither printed nor kept, so nobody can sign
 * anything else under this root or these identities. Test scope; run as
 * {@code java -cp target/test-classes:target/classes:$(cat target/classpath.txt)
 * dev.airlock.demo.DemoMedium <repo-root>}.
 */
public final class DemoMedium {
  /** Every TUF role of the demo repository expires then (the demo must keep working for years). */
  public static final Instant EXPIRES = Instant.parse("2036-01-01T00:00:00Z");
  /** The key authorities' validUntil (a date: to the end of that day, UTC). */
  public static final String KEYS_VALID_UNTIL = "2035-12-31";

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

  private final Path repoRoot;
  private final Path medium;
  private final SecureRandom random = new SecureRandom();
  private final SigstoreLab lab;
  private final Instant generatedAt;
  private final Signer vendor;
  private final Signer evil;
  private final Signer qa;
  private final Signer hospitalIt;

  private DemoMedium(Path repoRoot, Instant generatedAt) {
    this.repoRoot = repoRoot;
    this.medium = repoRoot.resolve("bundles/demo");
    this.generatedAt = generatedAt;
    // the lab epoch: the start of the generation day (its CA, logs and TSA are valid from then)
    Instant epoch = generatedAt.truncatedTo(ChronoUnit.DAYS);
    this.lab = SigstoreLab.create(random.nextLong(), epoch, false, 100);
    this.vendor = lab.keyless(LeafSpec.uri(VENDOR_IDENTITY));
    this.evil = lab.keyless(LeafSpec.uri(EVIL_IDENTITY));
    this.qa = lab.key(LabCrypto.KeyKind.ECDSA_P256, "qa");
    this.hospitalIt = lab.key(LabCrypto.KeyKind.ECDSA_P256, "hospital-it");
  }

  public static void main(String[] args) throws IOException {
    if (args.length != 1) {
      System.err.println("usage: DemoMedium <repo-root>");
      System.exit(2);
    }
    Path root = Path.of(args[0]).toAbsolutePath().normalize();
    if (!Files.isRegularFile(root.resolve("pom.xml"))) {
      System.err.println(root + ": not the airlock repository (no pom.xml)");
      System.exit(2);
    }
    generate(root, Clock.systemUTC().instant());
    System.out.println("wrote " + root.resolve("bundles/demo") + " and " + root.resolve("trust-root/demo"));
  }

  /** Writes (replaces) trust-root/demo, bundles/demo and bundles/README.md under {@code repoRoot}. */
  static void generate(Path repoRoot, Instant at) throws IOException {
    new DemoMedium(repoRoot, at.truncatedTo(ChronoUnit.SECONDS)).write();
  }

  private void write() throws IOException {
    for (String part : List.of("tuf", "checkpoints", "images")) {
      deleteTree(medium.resolve(part));
    }
    deleteTree(repoRoot.resolve("trust-root/demo"));
    Files.createDirectories(medium);
    Files.createDirectories(repoRoot.resolve("trust-root/demo"));

    // images first: every Rekor entry must exist before the checkpoints and the trusted root
    long olderSize = 0;
    for (Image img : Image.values()) {
      writeImage(img);
      if (img == Image.SEG) {
        olderSize = lab.rekorV1().tree().size();
      }
    }
    writeCheckpoints(olderSize);
    byte[] root = writeTuf();
    Files.write(repoRoot.resolve("trust-root/demo/root.json"), root);
    Files.writeString(repoRoot.resolve("trust-root/demo/README.md"), rootReadme(root));
    Files.writeString(medium.resolve("policy.yaml"), policy());
    Files.writeString(repoRoot.resolve("bundles/README.md"), bundlesReadme(root));
  }

  // ---- images --------------------------------------------------------------------------------

  private void writeImage(Image img) {
    OciLayoutWriter w = new OciLayoutWriter(medium.resolve("images").resolve(img.folder), random.nextLong());
    Descriptor image = w.runnableImage(2, 2048 + random.nextInt(2048));
    String hex = image.digest().hex();
    String repo = img.repository();
    w.list(image, Map.of(Annotations.CONTAINERD_IMAGE_NAME, img.reference,
        Annotations.REF_NAME, img.reference.substring(img.reference.lastIndexOf(':') + 1)));
    List<Signer> legacy = new ArrayList<>();
    Signer keyless = null;
    boolean sbom = false;
    String worst = null;
    switch (img) {
      case DICOM_ANON -> legacy.add(hospitalIt);
      case SEG -> {
        legacy.add(qa);
        keyless = vendor;
        sbom = true;
        worst = "MEDIUM";
      }
      case CLS -> {
        legacy.add(qa);
        keyless = vendor;
        worst = "MEDIUM";
      }
      case DET -> {
        legacy.add(qa);
        keyless = vendor;
        sbom = true;
        worst = "CRITICAL";
      }
      case TRIAGE -> {
        legacy.add(qa);
        keyless = evil;
      }
      default -> throw new IllegalStateException(img.name());
    }
    if (!legacy.isEmpty()) {
      List<Descriptor> layers = new ArrayList<>();
      for (Signer s : legacy) {
        byte[] payload = CosignLegacy.simpleSigningPayload(repo, image.digest().toString(), Map.of());
        CosignLegacy.OciSignatureLayer l = lab.cosign().signature(s, payload, true, false);
        Descriptor d = w.blob(l.payload(), l.mediaType());
        layers.add(new Descriptor(d.mediaType(), d.digest(), d.size(), l.annotations(), Optional.empty(),
            Optional.empty()));
      }
      Descriptor config = w.blob(("{\"architecture\":\"\",\"config\":{},\"created\":\"0001-01-01T00:00:00Z\","
          + "\"history\":[{\"created\":\"0001-01-01T00:00:00Z\"}],\"os\":\"\",\"rootfs\":{\"type\":\"layers\","
          + "\"diff_ids\":[" + String.join(",", layers.stream().map(x -> "\"" + x.digest() + "\"").toList())
          + "]}}").getBytes(StandardCharsets.UTF_8), MediaTypes.OCI_CONFIG);
      Descriptor sig = w.manifest(config, layers, null, Map.of(), null, MediaTypes.OCI_MANIFEST);
      String tag = OciLayoutWriter.legacyTag(image, "sig");
      w.list(sig, Map.of(Annotations.CONTAINERD_IMAGE_NAME, repo + ":" + tag, Annotations.REF_NAME, tag));
    }
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
    Path dir = Files.createDirectories(medium.resolve("checkpoints"));
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

  // ---- TUF -----------------------------------------------------------------------------------

  private byte[] writeTuf() {
    TufRepoBuilder tuf = new TufRepoBuilder(medium.resolve("tuf"), generatedAt);
    tuf.role("root", 2, List.of(TufRepoBuilder.Key.ed25519(), TufRepoBuilder.Key.ed25519(),
        TufRepoBuilder.Key.ed25519()));
    for (String role : TufRepoBuilder.ROLES) {
      tuf.expires(role, EXPIRES);
    }
    tuf.target("trusted_root.json", lab.trustedRoot().validFor(lab.epoch(), null).json()
        .getBytes(StandardCharsets.UTF_8), null);
    String from = LocalDate.ofInstant(lab.epoch(), ZoneOffset.UTC).toString();
    for (Map.Entry<String, Signer> k : Map.of("qa", qa, "hospital-it", hospitalIt).entrySet()) {
      ObjectNode custom = JSON.createObjectNode();
      custom.put("validFrom", from);
      custom.put("validUntil", KEYS_VALID_UNTIL);
      custom.putObject("sigstore").put("status", "Active").put("usage", "Unknown");
      tuf.target("keys/" + k.getKey() + ".pub", k.getValue().publicKeyPem().getBytes(StandardCharsets.US_ASCII),
          custom);
    }
    tuf.publishRoot();
    tuf.publish();
    return tuf.initialRoot();
  }

  // ---- text files ----------------------------------------------------------------------------

  private String rootReadme(byte[] root) {
    String day = LocalDate.ofInstant(generatedAt, ZoneOffset.UTC).toString();
    return "# Demo TUF root\n\n"
        + "`root.json` is a **demo** TUF root: version 1, three Ed25519 root keys, threshold 2, signed by all\n"
        + "three, every role expiring `" + EXPIRES + "`. It is the first root of the TUF repository on\n"
        + "the demo medium `bundles/demo/tuf/` (its `metadata/1.root.json`, byte for byte).\n\n"
        + "It was generated on " + day + " by the test-scope generator `dev.airlock.demo.DemoMedium`\n"
        + "(`src/test/java/dev/airlock/demo/DemoMedium.java`) from a random seed. **Its private keys were\n"
        + "not kept**: nothing can be signed under this root again, so the TUF repository on the demo\n"
        + "medium is the only one it will ever accept. It is lab material, not Sigstore; never pin it on a real\n"
        + "appliance.\n\n"
        + "| | |\n| --- | --- |\n"
        + "| file | `trust-root/demo/root.json` |\n"
        + "| sha256 | `" + Hashing.sha256Hex(root) + "` |\n"
        + "| expires | `" + EXPIRES + "` |\n\n"
        + "Check it:\n\n```sh\n"
        + "sha256sum trust-root/demo/root.json\n# " + Hashing.sha256Hex(root) + "\n"
        + "cmp trust-root/demo/root.json bundles/demo/tuf/metadata/1.root.json\n"
        + "scripts/airlock init --root trust-root/demo/root.json   # checks its self-signatures (2 of 3)\n```\n\n"
        + "`dev.airlock.demo.DemoMediumTest` checks it on every build. Regenerating (see\n"
        + "`bundles/README.md`) replaces this root, the whole demo medium and this file together.\n";
  }

  private String bundlesReadme(byte[] root) {
    String day = LocalDate.ofInstant(generatedAt, ZoneOffset.UTC).toString();
    StringBuilder images = new StringBuilder();
    for (Image i : Image.values()) {
      images.append("| `images/").append(i.folder).append("` | `").append(i.reference).append("` | ")
          .append(content(i)).append(" | **").append(i.decision).append("**")
          .append(i.reasons.isEmpty() ? "" : " (" + i.reasons + ")").append(" |\n");
    }
    return "# bundles: sample media\n\n"
        + "## demo/: the demo medium\n\n"
        + "`bundles/demo/` is a complete medium in the layout of DESIGN.md section 2, with the policy\n"
        + "`bundles/demo/policy.yaml` next to it (not part of the medium). It is **lab material**: every\n"
        + "signature, certificate, transparency-log entry and checkpoint on it comes from airlock's\n"
        + "in-process private Sigstore lab (a Fulcio-like CA, a CT log, Rekor v1 and v2 logs, a TSA),\n"
        + "not from the real Sigstore. It was generated on " + day + " by\n"
        + "`dev.airlock.demo.DemoMedium` (test scope) from a random seed that was neither printed nor kept;\n"
        + "**no private key was kept** (the lab's CA, logs and TSA, the signing keys `qa` and `hospital-it`,\n"
        + "the TUF keys), so nothing else can ever be signed as any of them.\n\n"
        + "Parts:\n\n"
        + "- `tuf/`: a TUF repository (`metadata/` + `targets/`, consistent snapshots) under the root\n"
        + "  `trust-root/demo/root.json` (sha256 `" + Hashing.sha256Hex(root) + "`);\n"
        + "  every role expires `" + EXPIRES + "`. Targets: `trusted_root.json` (the lab's CA, Rekor v1\n"
        + "  and v2 logs, CT log and TSA, valid from " + lab.epoch() + "), `keys/qa.pub` and\n"
        + "  `keys/hospital-it.pub` (ECDSA P-256; custom `validFrom` " + LocalDate.ofInstant(lab.epoch(), ZoneOffset.UTC)
        + ", `validUntil` " + KEYS_VALID_UNTIL + ").\n"
        + "- `checkpoints/`: two signed checkpoints of the lab Rekor v1 log (after the first two images'\n"
        + "  entries, and after all of them) and the consistency proof between them.\n"
        + "- `images/`: five OCI layouts with small real layers (gzip tar, true diff_ids), named by `io.containerd.image.name`.\n\n"
        + "Signers: `vendor-ci` is keyless, identity `" + VENDOR_IDENTITY + "`,\n"
        + "issuer `" + ISSUER + "`; `qa` and `hospital-it` are keys delivered as TUF targets. Image\n"
        + "signatures by the keys are cosign legacy `.sig` manifests (simple-signing payload, signature\n"
        + "and Rekor bundle annotations); keyless ones are cosign v3 referrer bundles (DSSE, predicate\n"
        + "`https://sigstore.dev/cosign/sign/v1`). Attestations are referrer bundles (DSSE in-toto,\n"
        + "subject = the image digest). Referrers are left loose in `blobs/`, as `cosign save` does.\n"
        + "Every signature is logged in the lab Rekor v1 log (`.sig` layers carry the SET in the Rekor\n"
        + "bundle annotation; bundles the SET and an inclusion proof with a checkpoint), except the SLSA\n"
        + "provenance attestations: they are logged in the lab Rekor v2 log (inclusion proof only) and\n"
        + "carry an RFC 3161 timestamp from the lab TSA, which gives their verified signing time.\n\n"
        + "| folder | image | signatures and attestations | expected decision under `policy.yaml` |\n"
        + "| --- | --- | --- | --- |\n" + images + "\n"
        + "Try it (the README tour):\n\n```sh\n"
        + "export AIRLOCK_HOME=$(mktemp -d)/home\n"
        + "scripts/airlock init --root trust-root/demo/root.json --policy bundles/demo/policy.yaml\n"
        + "scripts/airlock import bundles/demo\n"
        + "scripts/airlock images\n"
        + "scripts/airlock verify reg.vendor.example/ai/seg:2.1      # admitted\n"
        + "scripts/airlock verify reg.vendor.example/ai/triage:0.9   # denied, exit 1\n```\n\n"
        + "The test `dev.airlock.demo.DemoMediumTest` checks the committed files on every build (root,\n"
        + "TUF update, checkpoints, discovery, every signature, the policy decision of each image);\n"
        + "`DemoMediumGeneratorTest` runs the same checks on a fresh generation, and `DemoTourTest` runs\n"
        + "the tour above through the CLI.\n\n"
        + "Regenerate (replaces `bundles/demo/`, this file and `trust-root/demo/` together; the new\n"
        + "root is a different root, so existing demo homes need `init --force`):\n\n```sh\n"
        + "mvn -q -B -o test-compile\n"
        + "java -cp target/test-classes:target/classes:$(cat target/classpath.txt) dev.airlock.demo.DemoMedium .\n"
        + "```\n";
  }

  private static String content(Image i) {
    return switch (i) {
      case DICOM_ANON -> "`.sig` by hospital-it";
      case SEG -> "keyless by vendor-ci, `.sig` by qa; SPDX SBOM, SLSA v1 provenance, vuln report (LOW, MEDIUM)";
      case CLS -> "keyless by vendor-ci, `.sig` by qa; SLSA v1 provenance, vuln report (LOW, MEDIUM); no SBOM";
      case DET -> "keyless by vendor-ci, `.sig` by qa; SPDX SBOM, SLSA v1 provenance, vuln report with a CRITICAL";
      case TRIAGE -> "keyless by `" + EVIL_IDENTITY + "` (not vendor-ci), `.sig` by qa; no attestations";
    };
  }

  private static String policy() {
    return "# The demo policy for bundles/demo (see bundles/README.md). No maxAgeDays: the demo keeps working.\n"
        + "apiVersion: airlock/v1\n"
        + "kind: Policy\n"
        + "name: demo-hospital\n"
        + "mode: enforce\n"
        + "authorities:\n"
        + "  vendor-ci: {keyless: {issuer: \"" + ISSUER + "\", identity: \"" + VENDOR_IDENTITY + "\"}}\n"
        + "  qa: {key: {tuf: keys/qa.pub}}\n"
        + "  hospital-it: {key: {tuf: keys/hospital-it.pub}}\n"
        + "images:\n"
        + "  - match: \"reg.hospital.example/tools/**\"\n"
        + "    signatures: {threshold: 1, from: [hospital-it]}\n"
        + "  - match: \"reg.vendor.example/ai/**\"\n"
        + "    signatures: {threshold: 2, from: [vendor-ci, qa, hospital-it]}\n"
        + "    attestations:\n"
        + "      - {type: \"https://spdx.dev/Document\", from: [vendor-ci]}\n"
        + "      - {type: \"https://slsa.dev/provenance/v1\", from: [vendor-ci], require: {builderId: \""
        + BUILDER_ID + "\"}}\n"
        + "    vulnerabilities: {from: [vendor-ci], maxSeverity: HIGH}\n";
  }

  private static void deleteTree(Path p) throws IOException {
    if (!Files.exists(p)) {
      return;
    }
    try (Stream<Path> s = Files.walk(p)) {
      for (Path x : s.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(x);
      }
    } catch (UncheckedIOException e) {
      throw e.getCause();
    }
  }
}
