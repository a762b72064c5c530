package dev.airlock.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.airlock.core.AirlockException;
import dev.airlock.core.Limits;
import dev.airlock.core.Reason;
import dev.airlock.crypto.SigningKey;
import dev.airlock.publish.KeyFiles;
import dev.airlock.publish.LayoutSigner;
import dev.airlock.publish.PredicateTypes;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "sign", mixinStandardHelpOptions = true,
    description = {
      "Sign an image of an OCI layout with a key (publisher side), the way cosign does: a simple-signing",
      "layer in the image's sha256-<hex>.sig manifest; with --attest, an in-toto attestation (DSSE) in",
      "its .att manifest; with --bundle, also a Sigstore bundle as an OCI 1.1 referrer. Further signers",
      "add layers beside the existing ones. No transparency log is used: the hospital's policy must say",
      "'tlog: false' for this key's authority."
    })
final class SignCommand extends BaseCommand {
  @Parameters(paramLabel = "LAYOUT[:REF]",
      description = "The OCI layout folder, optionally followed by :REF (a tag, a full reference or a digest)"
          + " when it holds several images.")
  String target;

  @Option(names = "--key", paramLabel = "KEY", required = true,
      description = "Private key: airlock keygen's NAME.key or cosign's cosign.key.")
  Path key;

  @Mixin PasswordOptions password;

  @Option(names = "--attest", paramLabel = "PREDICATE.json", description = "Attest this predicate instead of signing.")
  Path attest;

  @Option(names = "--type", paramLabel = "TYPE",
      description = "Predicate type of --attest: slsaprovenance, slsaprovenance1, spdxjson, cyclonedx, vuln, openvex,"
          + " link, custom, or a URI.")
  String type;

  @Option(names = "--bundle", description = "Also write a Sigstore bundle (v0.3) referrer, as cosign v3 does.")
  boolean bundle;

  @Override
  protected ExitCode execute() {
    if (type != null && attest == null) {
      throw AirlockException.usage("--type applies to --attest");
    }
    LayoutSigner.Attestation attestation = null;
    if (attest != null) {
      if (type == null) {
        throw AirlockException.usage("--attest needs --type (" + String.join(", ", PredicateTypes.SHORT_NAMES.keySet())
            + ", or a URI)");
      }
      String uri;
      try {
        uri = PredicateTypes.resolve(type);
      } catch (IllegalArgumentException e) {
        throw AirlockException.usage(e.getMessage());
      }
      attestation = new LayoutSigner.Attestation(uri, readPredicate(attest));
    }
    String[] layoutAndRef = splitTarget(target);
    byte[] pw = password.read(root().env(), "Enter the password for " + key + ": ", false);
    SigningKey signingKey;
    try {
      signingKey = KeyFiles.open(key, pw);
    } finally {
      Arrays.fill(pw, (byte) 0);
    }
    LayoutSigner.Result r = LayoutSigner.sign(new LayoutSigner.Request(Path.of(layoutAndRef[0]), layoutAndRef[1],
        signingKey, attestation, bundle, systemClock().instant()));
    emit(toJson(r, signingKey), human(r, signingKey));
    return ExitCode.OK;
  }

  /** LAYOUT or LAYOUT:REF: the layout is the longest prefix before a ':' that is an OCI layout folder. */
  static String[] splitTarget(String t) {
    if (Files.isDirectory(Path.of(t))) {
      return new String[] {t, null};
    }
    for (int i = t.indexOf(':'); i > 0; i = t.indexOf(':', i + 1)) {
      String dir = t.substring(0, i);
      if (Files.isRegularFile(Path.of(dir, "oci-layout"))) {
        String ref = t.substring(i + 1);
        return new String[] {dir, ref.isEmpty() ? null : ref};
      }
    }
    throw AirlockException.usage(t + ": no OCI layout folder (with an oci-layout file) at that path");
  }

  private static byte[] readPredicate(Path p) {
    long max = Limits.defaults().maxJsonBytes();
    try (InputStream in = Files.newInputStream(p)) {
      byte[] b = in.readNBytes((int) max + 1);
      if (b.length > max) {
        throw AirlockException.denied(Reason.LIMIT_SIZE, p + ": larger than " + max + " bytes");
      }
      return b;
    } catch (IOException e) {
      throw AirlockException.usage("cannot read --attest " + p + ": " + e.getMessage());
    }
  }

  private static ObjectNode toJson(LayoutSigner.Result r, SigningKey k) {
    ObjectNode n = JsonNodeFactory.instance.objectNode();
    n.put("image", r.image().toString());
    n.put("dockerReference", r.dockerReference());
    n.put("key", r.keyFingerprint());
    n.put("keyType", k.describe());
    if (r.predicateType() != null) {
      n.put("predicateType", r.predicateType());
    }
    ArrayNode w = n.putArray("written");
    for (LayoutSigner.Written x : r.written()) {
      ObjectNode o = w.addObject();
      o.put("kind", x.kind());
      o.put("manifest", x.carrier().toString());
      o.put("layer", x.layer().toString());
      if (x.tag() != null) {
        o.put("tag", x.tag());
      }
      o.put("layers", x.layers());
      o.put("alreadyPresent", x.alreadyPresent());
    }
    return n;
  }

  private static String human(LayoutSigner.Result r, SigningKey k) {
    StringBuilder sb = new StringBuilder();
    sb.append(r.predicateType() == null ? "Signed " : "Attested ").append(r.dockerReference()).append('@')
        .append(r.image()).append(" with key ").append(r.keyFingerprint()).append(" (").append(k.describe()).append(")\n");
    if (r.predicateType() != null) {
      sb.append("  predicate type: ").append(r.predicateType()).append('\n');
    }
    for (LayoutSigner.Written x : r.written()) {
      sb.append("  ").append(x.kind()).append(": layer ").append(x.layer());
      if (x.tag() != null) {
        sb.append(" in ").append(x.tag()).append(" (").append(x.layers()).append(x.layers() == 1 ? " layer" : " layers")
            .append(x.alreadyPresent() ? ", already present: unchanged" : "").append(')');
      } else {
        sb.append(" in referrer manifest ").append(x.carrier());
      }
      sb.append('\n');
    }
    return sb.toString();
  }
}
