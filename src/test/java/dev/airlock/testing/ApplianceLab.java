package dev.airlock.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.airlock.cli.Main;
import dev.airlock.lab.CosignLegacy;
import dev.airlock.lab.LabCrypto;
import dev.airlock.lab.LeafSpec;
import dev.airlock.lab.Signer;
import dev.airlock.lab.SigstoreLab;
import dev.airlock.lab.oci.OciLayoutWriter;
import dev.airlock.lab.tuf.TufRepoBuilder;
import dev.airlock.oci.Annotations;
import dev.airlock.oci.Descriptor;
import dev.airlock.oci.MediaTypes;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;
import java.util.stream.Stream;

/**
 * A throwaway appliance and a publisher with real keys, as an attacker who holds one medium or one
 * vendor key would face it: a lab Sigstore (CA, Rekor, TSA), a TUF repository whose targets are the
 * lab's trusted root and three signing keys ({@code vendor}, {@code qa}, {@code dev}), and media
 * builders that write OCI layouts with cosign {@code .sig}/{@code .att} manifests. Every command runs
 * through the real CLI ({@link Main#run}) with a clock the test moves.
 */
public final class ApplianceLab implements AutoCloseable {
  public static final Instant EPOCH = Instant.parse("2026-06-01T00:00:00Z");
  public static final String CI_IDENTITY = "https://ci.vendor.example/radiology/release@refs/tags/v4.0";
  public static final String ISSUER = LeafSpec.DEFAULT_ISSUER;
  public static final ObjectMapper JSON = new ObjectMapper();
  /** The repository the CLI tests decide most often. */
  public static final String SEG = "vendor.example/radiology/segmenter";
  /** A second repository of the vendor, under a laxer rule than {@link #SEG} in {@link #HOSPITAL}. */
  public static final String EXP = "vendor.example/radiology/experimental/x";
  /** The hospital's policy: the segmenter needs vendor AND qa; experimental images one dev key. */
  public static final String HOSPITAL = """
      apiVersion: airlock/v1
      kind: Policy
      name: hospital
      mode: enforce
      rejectMutableTags: true
      authorities:
        vendor: {key: {tuf: keys/vendor.pub}}
        qa: {key: {tuf: keys/qa.pub}}
        dev: {key: {tuf: keys/dev.pub}}
      images:
        - match: "vendor.example/radiology/segmenter"
          signatures: {threshold: 2, from: [vendor, qa]}
        - match: "vendor.example/radiology/experimental/**"
          signatures: {threshold: 1, from: [dev]}
      """;
  /** One key authority read from a file, {@code keys/it.pub} beside the policy, admits all of vendor.example. */
  public static final String FILE_KEY = """
      apiVersion: airlock/v1
      kind: Policy
      name: file-key
      mode: enforce
      authorities:
        it: {key: {file: keys/it.pub}}
      images:
        - match: "vendor.example/**"
          signatures: {threshold: 1, from: [it]}
      """;
  /** A policy in which the dev key alone admits everything of vendor.example. */
  public static final String ONE_DEV_KEY = """
      apiVersion: airlock/v1
      kind: Policy
      name: dev-for-all
      mode: enforce
      authorities:
        dev: {key: {tuf: keys/dev.pub}}
      images:
        - match: "vendor.example/**"
          signatures: {threshold: 1, from: [dev]}
      """;
  /** A policy in which the vendor's key alone admits everything of vendor.example. */
  public static final String ONE_VENDOR_KEY = """
      apiVersion: airlock/v1
      kind: Policy
      name: lax
      mode: enforce
      authorities:
        vendor: {key: {tuf: keys/vendor.pub}}
      images:
        - match: "vendor.example/**"
          signatures: {threshold: 1, from: [vendor]}
      """;

  public final Path dir;
  public final Path home;
  public final SigstoreLab lab;
  public final TufRepoBuilder tuf;
  public final Signer vendor;
  public final Signer qa;
  public final Signer dev;
  public final Signer ci;
  private final long seed;
  private int layouts;
  public Clock clock = Clock.fixed(EPOCH.plus(Duration.ofDays(1)), ZoneOffset.UTC);

  public ApplianceLab() {
    this(20261206L);
  }

  public ApplianceLab(long seed) {
    this.seed = seed;
    try {
      dir = Files.createTempDirectory("airlock-attack");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    home = dir.resolve("home");
    lab = SigstoreLab.create(seed, EPOCH, false, 3);
    vendor = lab.key(LabCrypto.KeyKind.ECDSA_P256, "vendor");
    qa = lab.key(LabCrypto.KeyKind.ECDSA_P256, "qa");
    dev = lab.key(LabCrypto.KeyKind.ECDSA_P256, "dev");
    ci = lab.keyless(LeafSpec.uri(CI_IDENTITY));
    tuf = new TufRepoBuilder(dir.resolve("publisher-tuf"), EPOCH);
    for (String role : TufRepoBuilder.ROLES) {
      tuf.expires(role, EPOCH.plus(Duration.ofDays(3650)));
    }
    tuf.target("trusted_root.json", lab.trustedRoot().validFor(EPOCH, null).json().getBytes(StandardCharsets.UTF_8),
        null);
    key("vendor", vendor);
    key("qa", qa);
    key("dev", dev);
    tuf.publishRoot();
    tuf.publish();
  }

  /** Adds (or replaces) the TUF key target {@code keys/NAME.pub}, valid for ten years. */
  public void key(String name, Signer s) {
    ObjectNode custom = JSON.createObjectNode();
    custom.put("validFrom", "2026-01-01");
    custom.put("validUntil", "2036-01-01");
    tuf.target("keys/" + name + ".pub", s.publicKeyPem().getBytes(StandardCharsets.US_ASCII), custom);
  }

  /** The public key PEM file of a signer, for cosign's {@code --key}. */
  public Path pubFile(String name, Signer s) {
    return write("keys/" + name + ".pub", s.publicKeyPem());
  }

  public Path write(String relative, String text) {
    Path p = dir.resolve(relative);
    try {
      Files.createDirectories(p.getParent());
      Files.writeString(p, text);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return p;
  }

  public Path policy(String name, String yaml) {
    return write("policies/" + name + ".yaml", yaml);
  }

  public void at(Instant t) {
    clock = Clock.fixed(t, ZoneOffset.UTC);
  }

  public record Run(int code, String out, String err) {
    public JsonNode json() {
      try {
        return JSON.readTree(out);
      } catch (IOException e) {
        throw new AssertionError("not JSON: " + out + err, e);
      }
    }

    /** Every reason code the output names (verdict reasons, check reasons, error reason). */
    public String all() {
      return out + "\n" + err;
    }

    @Override
    public String toString() {
      return "exit " + code + "\nstdout: " + out + "\nstderr: " + err;
    }
  }

  /**
   * {@link #run} through picocli always, never {@code cli.PlainLine}'s direct reading of a plain
   * verify command line: the two paths must decide and print alike.
   */
  public Run runWithPicocli(String... args) {
    List<String> all = new ArrayList<>(List.of("--home", home.toString(), "--operator", "attack-suite"));
    all.addAll(List.of(args));
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int code = Main.commandLine(clock, Map.of("HOSTNAME", "attack-lab", "USER", "tester"),
        new PrintWriter(out, true), new PrintWriter(err, true)).execute(all.toArray(new String[0]));
    return new Run(code, out.toString(), err.toString());
  }

  public Run run(String... args) {
    List<String> all = new ArrayList<>(List.of("--home", home.toString(), "--operator", "attack-suite"));
    all.addAll(List.of(args));
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int code = Main.run(all.toArray(new String[0]), clock, Map.of("HOSTNAME", "attack-lab", "USER", "tester"),
        new PrintWriter(out, true), new PrintWriter(err, true));
    return new Run(code, out.toString(), err.toString());
  }

  public Run init(Path policy) {
    Path root = write("root.json", new String(tuf.initialRoot(), StandardCharsets.UTF_8));
    return policy == null ? run("init", "--root", root.toString())
        : run("init", "--root", root.toString(), "--policy", policy.toString());
  }

  /** The blob files of the appliance's content store. */
  public TreeSet<String> storedBlobs() {
    TreeSet<String> out = new TreeSet<>();
    Path b = home.resolve("blobs/sha256");
    if (!Files.isDirectory(b)) {
      return out;
    }
    try (Stream<Path> s = Files.list(b)) {
      s.forEach(p -> out.add(p.getFileName().toString()));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out;
  }

  public MediumBuilder medium(String name) {
    return new MediumBuilder(dir.resolve("media").resolve(name));
  }

  /** One signature layer to attach: who signs, and whether it is logged. */
  public record Sig(Signer signer, boolean tlog) {}

  public static Sig logged(Signer s) {
    return new Sig(s, true);
  }

  public static Sig unlogged(Signer s) {
    return new Sig(s, false);
  }

  /** An attestation to attach: statement bytes by a signer. */
  public record Att(Signer signer, String predicateType, byte[] statement) {}

  /** A medium folder: optionally the publisher's TUF repository as it is now, and image layouts. */
  public final class MediumBuilder {
    final Path root;

    MediumBuilder(Path root) {
      this.root = root;
      try {
        Files.createDirectories(root);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }

    /** Copies the publisher's TUF repository (metadata and targets) into {@code tuf/}. */
    public MediumBuilder withTuf() {
      copyTree(tuf.metadataDir().getParent(), root.resolve("tuf"));
      return this;
    }

    /**
     * An image layout under {@code images/FOLDER} listed under each of {@code references}, with a
     * cosign {@code .sig} manifest holding one layer per signature over the same simple-signing
     * payload (co-signatures) and an {@code .att} manifest with the attestations.
     *
     * @param image the image manifest to reuse (the same digest on another medium), or null for a new one
     */
    public Descriptor image(String folder, Descriptor image, List<String> references, List<Sig> sigs,
        List<Att> atts) {
      return imageMadeBy(folder, w -> image == null ? w.image(1, 256) : copied(image, w), references, sigs, atts);
    }

    /** As above, with the image manifest (or index) made by {@code make} in the layout. */
    public Descriptor imageMadeBy(String folder, java.util.function.Function<OciLayoutWriter, Descriptor> make,
        List<String> references, List<Sig> sigs, List<Att> atts) {
      OciLayoutWriter w = new OciLayoutWriter(root.resolve("images").resolve(folder), seed + layouts++);
      Descriptor img = make.apply(w);
      for (String ref : references) {
        w.list(img, Map.of(Annotations.CONTAINERD_IMAGE_NAME, ref));
      }
      String repo = references.get(0).replaceAll("[:@][^/]*$", "");
      if (!sigs.isEmpty()) {
        byte[] payload = CosignLegacy.simpleSigningPayload(repo, img.digest().toString(), Map.of());
        List<Descriptor> layers = new ArrayList<>();
        for (Sig s : sigs) {
          CosignLegacy.OciSignatureLayer l = lab.cosign().signature(s.signer(), payload, s.tlog(), false);
          Descriptor d = w.blob(l.payload(), l.mediaType());
          layers.add(new Descriptor(d.mediaType(), d.digest(), d.size(), l.annotations(), Optional.empty(),
              Optional.empty()));
        }
        attach(w, img, repo, "sig", layers);
      }
      if (!atts.isEmpty()) {
        List<Descriptor> layers = new ArrayList<>();
        for (Att a : atts) {
          CosignLegacy.OciSignatureLayer l = lab.cosign().attestation(a.signer(), a.statement(), a.predicateType(),
              true, false);
          Descriptor d = w.blob(l.payload(), l.mediaType());
          layers.add(new Descriptor(d.mediaType(), d.digest(), d.size(), l.annotations(), Optional.empty(),
              Optional.empty()));
        }
        attach(w, img, repo, "att", layers);
      }
      w.writeIndex();
      return img;
    }

    public Descriptor image(String folder, List<String> references, Sig... sigs) {
      return image(folder, (Descriptor) null, references, List.of(sigs), List.of());
    }

    private void attach(OciLayoutWriter w, Descriptor img, String repo, String suffix, List<Descriptor> layers) {
      Descriptor config = w.blob(("{\"architecture\":\"\",\"os\":\"\",\"rootfs\":{\"type\":\"layers\",\"diff_ids\":[]},"
          + "\"nonce\":\"" + suffix + layouts + "\"}").getBytes(StandardCharsets.UTF_8), MediaTypes.OCI_CONFIG);
      Descriptor m = w.manifest(config, layers, null, Map.of(), null, MediaTypes.OCI_MANIFEST);
      String tag = OciLayoutWriter.legacyTag(img, suffix);
      w.list(m, Map.of(Annotations.CONTAINERD_IMAGE_NAME, repo + ":" + tag, Annotations.REF_NAME, tag));
    }

    /** Copies the blobs of an image written by another layout writer (same digest on a later medium). */
    private Descriptor copied(Descriptor img, OciLayoutWriter w) {
      Path src = Optional.ofNullable(blobHomes.get(img.digest().toString())).orElseThrow();
      copyTree(src, w.dir().resolve("blobs/sha256"));
      return img;
    }

    public Path path() {
      return root;
    }
  }

  /** Where the blobs of each image written so far live (for re-listing an image on a later medium). */
  private final Map<String, Path> blobHomes = new LinkedHashMap<>();

  /** Remembers the layout folder of an image so that a later medium can carry the same digest. */
  public void remember(Descriptor img, Path mediumRoot, String folder) {
    blobHomes.put(img.digest().toString(), mediumRoot.resolve("images").resolve(folder).resolve("blobs/sha256"));
  }

  public static void copyTree(Path from, Path to) {
    try (Stream<Path> s = Files.walk(from)) {
      for (Path p : s.toList()) {
        Path t = to.resolve(from.relativize(p).toString());
        if (Files.isDirectory(p)) {
          Files.createDirectories(t);
        } else if (!Files.exists(t)) {
          Files.createDirectories(t.getParent());
          Files.copy(p, t);
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public void close() {
    try (Stream<Path> s = Files.walk(dir)) {
      for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    } catch (IOException e) {
      // a temp folder left behind is not a test failure
    }
  }
}
