package dev.airlock.publish;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.airlock.core.AirlockException;
import dev.airlock.core.Json;
import dev.airlock.core.Limits;
import dev.airlock.core.Reason;
import dev.airlock.crypto.Hashing;
import dev.airlock.crypto.SignatureAlgorithm;
import dev.airlock.crypto.SigningKey;
import dev.airlock.oci.Annotations;
import dev.airlock.oci.Digest;
import dev.airlock.oci.Documents;
import dev.airlock.oci.ImageIndex;
import dev.airlock.oci.ImageReference;
import dev.airlock.oci.Manifest;
import dev.airlock.oci.MediaTypes;
import dev.airlock.oci.OciException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * The publisher's signing use case (DESIGN.md section 10, {@code airlock sign}): cosign-compatible
 * key-based signatures and attestations written into an OCI image layout, where the appliance's
 * import finds them (FORMATS.md section 2):
 * <ul>
 *   <li>a signature: the simple-signing payload as a layer of the {@code sha256-<hex>.sig} manifest,
 *       its signature in the {@code dev.cosignproject.cosign/signature} annotation (cosign
 *       specs/SIGNATURE_SPEC.md); a second signer's layer is added beside the first, never replacing
 *       it (co-signatures, DESIGN.md 6a);
 *   <li>an attestation: an in-toto Statement v1 whose subject is the image digest, in a DSSE envelope
 *       (secure-systems-lab/dsse protocol.md v1.0.2, PAE) as an
 *       {@code application/vnd.dsse.envelope.v1+json} layer of the {@code .att} manifest with the
 *       {@code predicateType} annotation (cosign specs/ATTESTATION_SPEC.md);
 *   <li>optionally also a Sigstore bundle v0.3 as an OCI 1.1 referrer (cosign v3's shape): a DSSE
 *       envelope (the attestation, or for a signature cosign v3's {@code https://sigstore.dev/cosign/sign/v1}
 *       statement), {@code verificationMaterial.publicKey.hint}, no transparency-log entry.
 * </ul>
 * Offline there is no log and no timestamp authority: the appliance accepts these signatures only
 * from a key authority whose policy says {@code tlog: false}.
 *
 * <p>Crash safety: new blobs are written to temporary files and renamed to their digest names
 * (never half-written under a digest); {@code index.json} is written last, to a temporary file
 * renamed over the old one. A failure before that rename leaves {@code index.json} as it was, and
 * blobs it does not reference are allowed by image-spec image-layout.md.
 */
public final class LayoutSigner {
  public static final String SIGNATURE_ANNOTATION = "dev.cosignproject.cosign/signature";
  public static final String PREDICATE_TYPE_ANNOTATION = "predicateType";
  public static final String BUNDLE_V03 = "application/vnd.dev.sigstore.bundle.v0.3+json";
  public static final String COSIGN_SIGN_PREDICATE = "https://sigstore.dev/cosign/sign/v1";
  public static final String IN_TOTO = "application/vnd.in-toto+json";
  public static final String STATEMENT_V1 = "https://in-toto.io/Statement/v1";
  public static final String SIMPLE_SIGNING_TYPE = "cosign container image signature";

  private static final Pattern LEGACY_TAG = Pattern.compile("sha256-[0-9a-f]{64}\\.(sig|att|sbom)");
  private static final JsonNodeFactory F = JsonNodeFactory.instance;

  private LayoutSigner() {}

  /** An attestation to sign: the predicate type URI and the predicate's JSON bytes. */
  public record Attestation(String predicateType, byte[] predicateJson) {
    public Attestation {
      Objects.requireNonNull(predicateType, "predicateType");
      predicateJson = predicateJson.clone();
    }

    @Override
    public byte[] predicateJson() {
      return predicateJson.clone();
    }
  }

  /**
   * What to sign.
   *
   * @param layout the OCI image layout folder
   * @param ref the image in it: a ref-name tag ({@code 1.4}), a full reference
   *     ({@code reg.example/app:1.4}, matched against {@code io.containerd.image.name}) or a digest;
   *     null when the layout holds exactly one image
   * @param attestation null for a signature
   * @param bundle also write a Sigstore bundle referrer
   * @param now the time for the referrer's {@code org.opencontainers.image.created} annotation
   */
  public record Request(Path layout, String ref, SigningKey key, Attestation attestation, boolean bundle,
      Instant now) {
    public Request {
      Objects.requireNonNull(layout, "layout");
      Objects.requireNonNull(key, "key");
      Objects.requireNonNull(now, "now");
    }
  }

  /**
   * One thing written (or found already there).
   *
   * @param kind {@code signature}, {@code attestation} or {@code bundle}
   * @param carrier the manifest that now holds it ({@code .sig}/{@code .att} or the referrer)
   * @param layer the signature/envelope/bundle layer
   * @param tag the carrier's ref-name tag, or null for a referrer
   * @param layers how many layers the carrier now has (co-signatures included)
   * @param alreadyPresent true if the identical layer was there already (nothing changed for it)
   */
  public record Written(String kind, Digest carrier, Digest layer, String tag, int layers, boolean alreadyPresent) {}

  /**
   * The outcome.
   *
   * @param image the signed image's manifest (or index) digest
   * @param dockerReference the repository written into the payload / statement subject
   * @param keyFingerprint {@code sha256:<hex>} of the signer's public key
   */
  public record Result(Digest image, String dockerReference, String keyFingerprint, String predicateType,
      List<Written> written) {
    public Result {
      written = List.copyOf(written);
    }
  }

  /**
   * Signs (or attests) one image of a layout.
   *
   * @throws AirlockException {@link AirlockException.Kind#USAGE} when {@code ref} names no image or
   *     is ambiguous; {@link AirlockException.Kind#CANNOT_DECIDE} ({@link Reason#LAYOUT_MALFORMED},
   *     {@link Reason#BLOB_MISSING}, {@link Reason#BLOB_DIGEST_MISMATCH}) when the layout cannot be
   *     read or its image is damaged; nothing is changed then
   */
  public static Result sign(Request r) {
    try {
      return new Run(r).run();
    } catch (IOException e) {
      throw AirlockException.cannotDecide(Reason.LAYOUT_MALFORMED, r.layout() + ": " + e.getMessage(), e);
    } catch (OciException e) {
      throw AirlockException.cannotDecide(e.reason(), r.layout() + ": " + e.getMessage(), e);
    }
  }

  // ---------------------------------------------------------------------------------------------

  /** The image chosen in index.json. */
  private record Target(int index, ObjectNode entry, Digest digest, String mediaType, long size) {}

  private static final class Run {
    final Request req;
    final Path dir;
    final Path blobs;
    final Limits limits = Limits.defaults();
    final List<Path> temps = new ArrayList<>();
    ObjectNode index;

    Run(Request req) {
      this.req = req;
      this.dir = req.layout();
      this.blobs = dir.resolve("blobs").resolve("sha256");
    }

    Result run() throws IOException {
      Path header = dir.resolve("oci-layout");
      if (!Files.isRegularFile(header) || !Files.isRegularFile(dir.resolve("index.json"))) {
        throw AirlockException.cannotDecide(Reason.LAYOUT_MALFORMED,
            dir + " is not an OCI image layout (no oci-layout or index.json)");
      }
      Documents.layoutVersion(read(header), dir + "/oci-layout");
      byte[] indexBytes = read(dir.resolve("index.json"));
      ImageIndex.parse(indexBytes, null, dir + "/index.json"); // validates every descriptor
      JsonNode parsed = Json.parse(indexBytes, dir + "/index.json");
      if (!(parsed instanceof ObjectNode o) || !(o.get("manifests") instanceof ArrayNode)) {
        throw AirlockException.cannotDecide(Reason.LAYOUT_MALFORMED, dir + "/index.json has no manifests array");
      }
      index = o;
      Target t = target();
      // the digest we sign must be the digest of the bytes on disk (signatures bind to exact bytes)
      readBlob(t.digest(), t.size());
      String dockerRef = dockerReference(t);
      List<Written> written = new ArrayList<>();
      try {
        String predicateType;
        if (req.attestation() == null) {
          predicateType = null;
          written.add(legacy(t, "sig", simpleSigningLayer(t, dockerRef)));
          if (req.bundle()) {
            written.add(referrer(t, COSIGN_SIGN_PREDICATE, statement(t, dockerRef, COSIGN_SIGN_PREDICATE, F.objectNode())));
          }
        } else {
          predicateType = req.attestation().predicateType();
          JsonNode predicate = Json.parse(req.attestation().predicateJson(), "predicate");
          byte[] stmt = statement(t, dockerRef, predicateType, predicate);
          written.add(legacy(t, "att", attestationLayer(stmt, predicateType)));
          if (req.bundle()) {
            written.add(referrer(t, predicateType, stmt));
          }
        }
        commitIndex();
        return new Result(t.digest(), dockerRef, req.key().fingerprint(), predicateType, written);
      } finally {
        for (Path p : temps) {
          Files.deleteIfExists(p);
        }
      }
    }

    // ---- choosing the image ----------------------------------------------------------------

    Target target() throws IOException {
      ArrayNode ms = (ArrayNode) index.get("manifests");
      List<Target> images = new ArrayList<>();
      for (int i = 0; i < ms.size(); i++) {
        ObjectNode e = (ObjectNode) ms.get(i);
        String mt = e.path("mediaType").asText("");
        String refName = annotation(e, Annotations.REF_NAME);
        String kind = annotation(e, Annotations.COSIGN_KIND);
        if (!(MediaTypes.isIndex(mt) || MediaTypes.isManifest(mt)) || LEGACY_TAG.matcher(refName).matches()
            || kind.equals(Annotations.KIND_SIGS) || kind.equals(Annotations.KIND_ATTS)
            || kind.equals(Annotations.KIND_SBOMS) || e.hasNonNull("artifactType")) {
          continue;
        }
        Digest d = Digest.parse(e.path("digest").asText());
        if (MediaTypes.isManifest(mt) && Files.isRegularFile(blobPath(d))) {
          Manifest m = Manifest.parse(readBlob(d, e.path("size").asLong()), mt, "manifest " + d);
          if (m.subject().isPresent()) {
            continue; // an OCI 1.1 referrer, not an image
          }
        }
        images.add(new Target(i, e, d, mt, e.path("size").asLong()));
      }
      String ref = req.ref();
      List<Target> chosen = new ArrayList<>();
      for (Target t : images) {
        if (ref == null || matches(t, ref)) {
          if (chosen.stream().noneMatch(c -> c.digest().equals(t.digest()))) {
            chosen.add(t);
          }
        }
      }
      if (chosen.size() == 1) {
        return chosen.get(0);
      }
      List<String> names = new ArrayList<>();
      for (Target t : images) {
        String n = annotation(t.entry(), Annotations.CONTAINERD_IMAGE_NAME);
        names.add((n.isEmpty() ? annotation(t.entry(), Annotations.REF_NAME) : n) + " (" + t.digest() + ")");
      }
      if (images.isEmpty()) {
        throw AirlockException.usage(dir + " holds no image to sign");
      }
      throw AirlockException.usage(dir + (ref == null ? " holds " + images.size() + " images; name one as LAYOUT:REF"
          : ": '" + ref + "' " + (chosen.isEmpty() ? "names no image" : "names " + chosen.size() + " images"))
          + ". Images: " + String.join(", ", names));
    }

    static boolean matches(Target t, String ref) {
      if (ref.equals(t.digest().toString())) {
        return true;
      }
      String refName = annotation(t.entry(), Annotations.REF_NAME);
      String full = annotation(t.entry(), Annotations.CONTAINERD_IMAGE_NAME);
      if (ref.equals(refName) || ref.equals(full)) {
        return true;
      }
      if (!full.isEmpty() && ImageReference.isValid(full) && ImageReference.isValid(ref)) {
        return ImageReference.parse(full).equals(ImageReference.parse(ref));
      }
      return false;
    }

    /**
     * cosign writes the repository (no tag, no digest) as {@code docker-reference}; verifiers
     * ignore it. From {@code io.containerd.image.name}, else a full-reference ref-name, else the
     * layout's folder name (as the appliance names such an image, DESIGN.md 6a).
     */
    String dockerReference(Target t) {
      for (String s : List.of(annotation(t.entry(), Annotations.CONTAINERD_IMAGE_NAME),
          annotation(t.entry(), Annotations.REF_NAME))) {
        if (s.contains("/") && ImageReference.isValid(s)) {
          return ImageReference.parse(s).repository();
        }
      }
      Path name = dir.toAbsolutePath().normalize().getFileName();
      String folder = name == null ? "image" : name.toString().toLowerCase(java.util.Locale.ROOT);
      return ImageReference.isValid(folder) ? ImageReference.parse(folder).repository() : folder;
    }

    // ---- payloads ----------------------------------------------------------------------------

    /** A layer to add: media type, bytes, annotations. */
    record Layer(String mediaType, byte[] bytes, Map<String, String> annotations) {}

    Layer simpleSigningLayer(Target t, String dockerRef) {
      // cosign / containers-image simple signing: {"critical":{"identity":{"docker-reference":...},
      // "image":{"docker-manifest-digest":...},"type":"cosign container image signature"},"optional":null}
      ObjectNode p = F.objectNode();
      ObjectNode critical = p.putObject("critical");
      critical.putObject("identity").put("docker-reference", dockerRef);
      critical.putObject("image").put("docker-manifest-digest", t.digest().toString());
      critical.put("type", SIMPLE_SIGNING_TYPE);
      p.putNull("optional");
      byte[] payload = Json.write(p).getBytes(StandardCharsets.UTF_8);
      byte[] sig = req.key().sign(simpleSigningAlgorithm(req.key()), payload);
      Map<String, String> ann = new LinkedHashMap<>();
      ann.put(SIGNATURE_ANNOTATION, Base64.getEncoder().encodeToString(sig));
      return new Layer(MediaTypes.COSIGN_SIMPLE_SIGNING, payload, ann);
    }

    byte[] statement(Target t, String dockerRef, String predicateType, JsonNode predicate) {
      ObjectNode s = F.objectNode();
      s.put("_type", STATEMENT_V1);
      ObjectNode subject = s.putArray("subject").addObject();
      subject.put("name", dockerRef);
      subject.putObject("digest").put(t.digest().algorithm(), t.digest().hex());
      s.put("predicateType", predicateType);
      s.set("predicate", predicate);
      return Json.write(s).getBytes(StandardCharsets.UTF_8);
    }

    /** A DSSE envelope over the statement (DSSE protocol.md: the signature is over PAE(type, body)). */
    ObjectNode envelope(byte[] statement) {
      byte[] sig = req.key().sign(pae(IN_TOTO, statement));
      ObjectNode env = F.objectNode();
      env.put("payloadType", IN_TOTO);
      env.put("payload", Base64.getEncoder().encodeToString(statement));
      ObjectNode s = env.putArray("signatures").addObject();
      s.put("keyid", "");
      s.put("sig", Base64.getEncoder().encodeToString(sig));
      return env;
    }

    Layer attestationLayer(byte[] statement, String predicateType) {
      Map<String, String> ann = new LinkedHashMap<>();
      ann.put(SIGNATURE_ANNOTATION, ""); // cosign: empty on .att layers; the signature is in the envelope
      ann.put(PREDICATE_TYPE_ANNOTATION, predicateType);
      return new Layer(MediaTypes.DSSE_ENVELOPE, Json.write(envelope(statement)).getBytes(StandardCharsets.UTF_8), ann);
    }

    // ---- writing ----------------------------------------------------------------------------

    /** Adds a layer to the image's {@code sha256-<hex>.sig|.att} manifest (created if absent). */
    Written legacy(Target t, String suffix, Layer layer) throws IOException {
      String tag = "sha256-" + t.digest().hex() + "." + suffix;
      String kind = "sig".equals(suffix) ? Annotations.KIND_SIGS : Annotations.KIND_ATTS;
      ArrayNode ms = (ArrayNode) index.get("manifests");
      int at = -1;
      for (int i = 0; i < ms.size(); i++) {
        if (tag.equals(annotation(ms.get(i), Annotations.REF_NAME))) {
          at = i;
          break;
        }
      }
      if (at < 0 && cosignSaveImage() != null && cosignSaveImage().equals(t.digest())) {
        for (int i = 0; i < ms.size(); i++) {
          if (kind.equals(annotation(ms.get(i), Annotations.COSIGN_KIND))) {
            at = i;
            break;
          }
        }
      }
      ArrayNode layers = F.arrayNode();
      String manifestType = MediaTypes.OCI_MANIFEST;
      String configType = MediaTypes.OCI_CONFIG;
      if (at >= 0) {
        ObjectNode old = (ObjectNode) ms.get(at);
        Digest od = Digest.parse(old.path("digest").asText());
        byte[] mb = readBlob(od, old.path("size").asLong());
        Manifest.parse(mb, old.path("mediaType").asText(null), tag);
        JsonNode m = Json.parse(mb, tag);
        manifestType = m.path("mediaType").asText(old.path("mediaType").asText(manifestType));
        configType = m.path("config").path("mediaType").asText(configType);
        for (JsonNode l : m.path("layers")) {
          layers.add(l.deepCopy());
        }
      }
      Digest layerDigest = Digest.sha256(Hashing.sha256(layer.bytes()));
      for (JsonNode l : layers) {
        if (l.path("digest").asText().equals(layerDigest.toString())
            && layer.annotations().get(SIGNATURE_ANNOTATION).equals(annotation(l, SIGNATURE_ANNOTATION))) {
          // the same signer signed the same payload before (ECDSA with RFC 6979 and Ed25519 are
          // deterministic): nothing to add
          ObjectNode entry = (ObjectNode) ms.get(at);
          return new Written(suffix.equals("sig") ? "signature" : "attestation",
              Digest.parse(entry.path("digest").asText()), layerDigest, tag, layers.size(), true);
        }
      }
      writeBlob(layer.bytes());
      ObjectNode ld = layers.addObject();
      ld.put("mediaType", layer.mediaType());
      ld.put("digest", layerDigest.toString());
      ld.put("size", layer.bytes().length);
      ObjectNode la = ld.putObject("annotations");
      layer.annotations().forEach(la::put);
      // cosign's config for signature images: rootfs.diff_ids lists the (uncompressed) layers
      ObjectNode config = F.objectNode();
      config.put("architecture", "");
      config.put("created", "0001-01-01T00:00:00Z");
      config.putArray("history").addObject().put("created", "0001-01-01T00:00:00Z");
      config.put("os", "");
      ArrayNode diffIds = config.putObject("rootfs").put("type", "layers").putArray("diff_ids");
      layers.forEach(l -> diffIds.add(l.path("digest").asText()));
      config.putObject("config");
      byte[] configBytes = Json.write(config).getBytes(StandardCharsets.UTF_8);
      Digest cd = writeBlob(configBytes);
      ObjectNode m = F.objectNode();
      m.put("schemaVersion", 2);
      m.put("mediaType", manifestType);
      ObjectNode c = m.putObject("config");
      c.put("mediaType", configType);
      c.put("digest", cd.toString());
      c.put("size", configBytes.length);
      m.set("layers", layers);
      byte[] mb = Json.write(m).getBytes(StandardCharsets.UTF_8);
      Digest md = writeBlob(mb);
      ObjectNode entry = F.objectNode();
      entry.put("mediaType", manifestType);
      entry.put("digest", md.toString());
      entry.put("size", mb.length);
      if (at >= 0) {
        // keep the old entry's annotations (io.containerd.image.name, cosign save's kind)
        ObjectNode old = (ObjectNode) ms.get(at);
        if (old.has("annotations")) {
          entry.set("annotations", old.get("annotations").deepCopy());
        }
        ms.set(at, entry);
      } else {
        entry.putObject("annotations").put(Annotations.REF_NAME, tag);
        ms.add(entry);
      }
      return new Written(suffix.equals("sig") ? "signature" : "attestation", md, layerDigest, tag, layers.size(), false);
    }

    /** cosign save's single {@code kind=…/image} entry, or null. */
    Digest cosignSaveImage() {
      Digest found = null;
      for (JsonNode e : index.get("manifests")) {
        String k = annotation(e, Annotations.COSIGN_KIND);
        if (k.equals(Annotations.KIND_IMAGE) || k.equals(Annotations.KIND_IMAGE_INDEX)) {
          if (found != null) {
            return null;
          }
          found = Digest.parse(e.path("digest").asText());
        }
      }
      return found;
    }

    /** A Sigstore bundle v0.3 (DSSE, public-key hint, no log entry) as an OCI 1.1 referrer. */
    Written referrer(Target t, String predicateType, byte[] statement) throws IOException {
      ObjectNode bundle = F.objectNode();
      bundle.put("mediaType", BUNDLE_V03);
      bundle.putObject("verificationMaterial").putObject("publicKey").put("hint", req.key().hint());
      bundle.set("dsseEnvelope", envelope(statement));
      byte[] bb = Json.write(bundle).getBytes(StandardCharsets.UTF_8);
      Digest bd = writeBlob(bb);
      byte[] empty = "{}".getBytes(StandardCharsets.UTF_8);
      Digest ed = writeBlob(empty);
      ObjectNode m = F.objectNode();
      m.put("schemaVersion", 2);
      m.put("mediaType", MediaTypes.OCI_MANIFEST);
      m.put("artifactType", BUNDLE_V03);
      ObjectNode c = m.putObject("config");
      c.put("mediaType", MediaTypes.OCI_EMPTY);
      c.put("digest", ed.toString());
      c.put("size", empty.length);
      ObjectNode l = m.putArray("layers").addObject();
      l.put("mediaType", BUNDLE_V03);
      l.put("digest", bd.toString());
      l.put("size", bb.length);
      ObjectNode s = m.putObject("subject");
      s.put("mediaType", t.mediaType());
      s.put("digest", t.digest().toString());
      s.put("size", t.size());
      ObjectNode a = m.putObject("annotations");
      a.put(Annotations.BUNDLE_CONTENT, "dsse-envelope");
      a.put(Annotations.BUNDLE_PREDICATE_TYPE, predicateType);
      a.put("org.opencontainers.image.created", req.now().truncatedTo(ChronoUnit.SECONDS).toString());
      byte[] mb = Json.write(m).getBytes(StandardCharsets.UTF_8);
      Digest md = writeBlob(mb);
      ObjectNode entry = F.objectNode();
      entry.put("mediaType", MediaTypes.OCI_MANIFEST);
      entry.put("digest", md.toString());
      entry.put("size", mb.length);
      entry.put("artifactType", BUNDLE_V03);
      ((ArrayNode) index.get("manifests")).add(entry);
      return new Written("bundle", md, bd, null, 1, false);
    }

    void commitIndex() throws IOException {
      byte[] bytes = Json.write(index).getBytes(StandardCharsets.UTF_8);
      Path tmp = Files.createTempFile(dir, ".index.json.", ".tmp");
      temps.add(tmp);
      Files.write(tmp, bytes);
      move(tmp, dir.resolve("index.json"));
    }

    /** Writes a blob under its digest name via a temporary file and a rename; returns the digest. */
    Digest writeBlob(byte[] bytes) throws IOException {
      Digest d = Digest.sha256(Hashing.sha256(bytes));
      Path target = blobPath(d);
      if (Files.isRegularFile(target) && Files.size(target) == bytes.length
          && Digest.sha256(Hashing.sha256(Files.readAllBytes(target))).equals(d)) {
        return d;
      }
      Files.createDirectories(blobs);
      Path tmp = Files.createTempFile(blobs, ".blob.", ".tmp");
      temps.add(tmp);
      Files.write(tmp, bytes);
      move(tmp, target);
      return d;
    }

    static void move(Path from, Path to) throws IOException {
      try {
        Files.move(from, to, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      } catch (AtomicMoveNotSupportedException e) {
        Files.move(from, to, StandardCopyOption.REPLACE_EXISTING);
      }
    }

    Path blobPath(Digest d) {
      if (!"sha256".equals(d.algorithm())) {
        throw AirlockException.cannotDecide(Reason.LAYOUT_MALFORMED, "only sha256 blobs are supported, got " + d);
      }
      return blobs.resolve(d.hex());
    }

    /** A blob's bytes, checked against its digest and size (STYLE.md rule 12). */
    byte[] readBlob(Digest d, long size) throws IOException {
      if (size < 0 || size > limits.maxJsonBytes()) {
        throw AirlockException.cannotDecide(Reason.LIMIT_SIZE, d + ": " + size + " bytes exceeds the limit for a manifest");
      }
      byte[] b;
      try (InputStream in = Files.newInputStream(blobPath(d))) {
        b = in.readNBytes((int) size + 1);
      } catch (NoSuchFileException e) {
        throw AirlockException.cannotDecide(Reason.BLOB_MISSING, dir + ": blob " + d + " is missing");
      }
      if (b.length != size) {
        throw AirlockException.cannotDecide(Reason.BLOB_SIZE_MISMATCH, dir + ": blob " + d + " has "
            + (b.length > size ? "more than " : "") + b.length + " bytes, its descriptor says " + size);
      }
      Digest actual = Digest.sha256(Hashing.sha256(b));
      if (!actual.equals(d)) {
        throw AirlockException.cannotDecide(Reason.BLOB_DIGEST_MISMATCH, dir + ": blob " + d + " hashes to " + actual);
      }
      return b;
    }

    byte[] read(Path p) throws IOException {
      try (InputStream in = Files.newInputStream(p)) {
        byte[] b = in.readNBytes((int) limits.maxJsonBytes() + 1);
        if (b.length > limits.maxJsonBytes()) {
          throw AirlockException.cannotDecide(Reason.LIMIT_SIZE, p + " exceeds " + limits.maxJsonBytes() + " bytes");
        }
        return b;
      }
    }
  }

  static String annotation(JsonNode descriptor, String key) {
    JsonNode a = descriptor.path("annotations").path(key);
    return a.isTextual() ? a.asText() : "";
  }

  /**
   * The algorithm for a simple-signing layer. airlock's verifier reads a legacy {@code .sig}
   * signature of a P-384 key as ECDSA with SHA-256 (the hash cosign's sigstore LoadSignerVerifier
   * used with crypto.SHA256), so P-384 keys sign simple-signing payloads with SHA-256; every other
   * key with its usual hash.
   */
  static SignatureAlgorithm simpleSigningAlgorithm(SigningKey key) {
    SignatureAlgorithm a = key.algorithm();
    return a == SignatureAlgorithm.ECDSA_P384_SHA384 ? SignatureAlgorithm.ECDSA_P384_SHA256 : a;
  }

  /** DSSE v1 pre-authentication encoding: "DSSEv1" SP LEN(type) SP type SP LEN(body) SP body. */
  static byte[] pae(String payloadType, byte[] payload) {
    byte[] type = payloadType.getBytes(StandardCharsets.UTF_8);
    byte[] head = ("DSSEv1 " + type.length + " " + payloadType + " " + payload.length + " ")
        .getBytes(StandardCharsets.UTF_8);
    byte[] out = new byte[head.length + payload.length];
    System.arraycopy(head, 0, out, 0, head.length);
    System.arraycopy(payload, 0, out, head.length, payload.length);
    return out;
  }
}
