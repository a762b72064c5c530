package dev.airlock.lab;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import dev.airlock.core.Reason;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Consumer;

/**
 * Named mutations of a valid Sigstore bundle: bit flip, truncation, extension and swap-with-another-
 * valid-value of every security-relevant field (STYLE.md rule 14). Each is labelled with the
 * reason code a verifier most likely gives; the contract is that the verifier MUST deny every
 * mutation, and SHOULD give {@link Mutation#reason()} (several checks may fail at once, e.g. a
 * flipped signature also breaks the tlog body binding, so tests may accept any deny for
 * mutations marked {@code exact == false}).
 */
public final class BundleMutations {
  private static final ObjectMapper JSON = new ObjectMapper();

  /**
   * One mutated bundle.
   *
   * @param name e.g. "messageSignature.signature/bitflip"
   * @param json the mutated bundle JSON
   * @param reason the reason code the verifier should give
   * @param exact true when no other check can fail first, so the reason should match exactly
   */
  public record Mutation(String name, String json, Reason reason, boolean exact) {
    @Override
    public String toString() {
      return name + " -> " + reason;
    }
  }

  private final ObjectNode original;
  private final ObjectNode other;
  private final List<Mutation> out = new ArrayList<>();

  private BundleMutations(String json, String otherJson) {
    this.original = (ObjectNode) read(json);
    this.other = otherJson == null ? null : (ObjectNode) read(otherJson);
  }

  /** Mutations of {@code bundle}; swaps take values from {@code other} (may be null: no swaps). */
  public static List<Mutation> of(LabBundle bundle, LabBundle other) {
    return of(bundle.json(), other == null ? null : other.json());
  }

  /** As {@link #of(LabBundle, LabBundle)} on JSON text. */
  public static List<Mutation> of(String json, String otherJson) {
    BundleMutations m = new BundleMutations(json, otherJson);
    m.all();
    return List.copyOf(m.out);
  }

  /** Also puts the lab's self-signed root at the end of an x509CertificateChain (if the bundle has one). */
  public static List<Mutation> of(SigstoreLab lab, LabBundle bundle, LabBundle other) {
    List<Mutation> all = new ArrayList<>(of(bundle, other));
    BundleMutations m = new BundleMutations(bundle.json(), null);
    if (m.original.at("/verificationMaterial/x509CertificateChain/certificates").isArray()) {
      m.add("x509CertificateChain/append-root", Reason.CERTIFICATE_ROOT_IN_BUNDLE, true, b ->
          ((ArrayNode) b.at("/verificationMaterial/x509CertificateChain/certificates")).addObject()
              .put("rawBytes", LabCrypto.b64(Signer.der(lab.ca().root()))));
      all.addAll(m.out);
    }
    return List.copyOf(all);
  }

  private void all() {
    boolean v2 = isRekorV2();
    add("mediaType/unknown", Reason.MEDIA_TYPE_UNSUPPORTED, true,
        b -> b.put("mediaType", "application/vnd.dev.sigstore.bundle.v9.9+json"));
    // signature content
    if (has("/messageSignature")) {
      bytes("/messageSignature/signature", Reason.SIGNATURE_INVALID, Reason.SIGNATURE_MALFORMED, false);
      bytes("/messageSignature/messageDigest/digest", Reason.MESSAGE_DIGEST_MISMATCH, Reason.MESSAGE_DIGEST_MISMATCH, false);
    }
    if (has("/dsseEnvelope")) {
      bytes("/dsseEnvelope/payload", Reason.SIGNATURE_INVALID, Reason.SIGNATURE_INVALID, false);
      bytes("/dsseEnvelope/signatures/0/sig", Reason.SIGNATURE_INVALID, Reason.SIGNATURE_MALFORMED, false);
      add("dsseEnvelope.payloadType/other", Reason.DSSE_PAYLOAD_TYPE_UNSUPPORTED, false,
          b -> ((ObjectNode) b.get("dsseEnvelope")).put("payloadType", "application/json"));
      add("dsseEnvelope.signatures/second", Reason.DSSE_MALFORMED, true,
          b -> ((ArrayNode) b.at("/dsseEnvelope/signatures")).add(b.at("/dsseEnvelope/signatures/0").deepCopy()));
      add("dsseEnvelope.signatures/none", Reason.DSSE_MALFORMED, true,
          b -> ((ArrayNode) b.at("/dsseEnvelope/signatures")).removeAll());
    }
    // verification material
    if (has("/verificationMaterial/certificate")) {
      certificate("/verificationMaterial/certificate/rawBytes");
    }
    if (has("/verificationMaterial/x509CertificateChain")) {
      certificate("/verificationMaterial/x509CertificateChain/certificates/0/rawBytes");
      add("x509CertificateChain/empty", Reason.CERTIFICATE_MISSING, false,
          b -> ((ArrayNode) b.at("/verificationMaterial/x509CertificateChain/certificates")).removeAll());
    }
    // tlog entries
    if (b0().at("/verificationMaterial/tlogEntries/0").isObject()) {
      String e = "/verificationMaterial/tlogEntries/0";
      bytes(e + "/canonicalizedBody", Reason.TLOG_BODY_MISMATCH, Reason.TLOG_BODY_MISMATCH, false);
      bytes(e + "/logId/keyId", Reason.TLOG_UNKNOWN_LOG, Reason.TLOG_UNKNOWN_LOG, true);
      number(e + "/logIndex", v2 ? Reason.INCLUSION_PROOF_INVALID : Reason.TLOG_SET_INVALID, false);
      if (has(e + "/inclusionPromise")) {
        bytes(e + "/inclusionPromise/signedEntryTimestamp", Reason.TLOG_SET_INVALID, Reason.TLOG_SET_INVALID, true);
        number(e + "/integratedTime", Reason.TLOG_SET_INVALID, false);
        if (!has(e + "/inclusionProof")) {
          add("inclusionPromise/remove", Reason.TLOG_SET_MISSING, false,
              b -> ((ObjectNode) b.at(e)).remove("inclusionPromise"));
        }
      }
      if (has(e + "/inclusionProof")) {
        String p = e + "/inclusionProof";
        bytes(p + "/rootHash", Reason.INCLUSION_ROOT_MISMATCH, Reason.INCLUSION_PROOF_INVALID, false);
        number(p + "/treeSize", Reason.INCLUSION_PROOF_INVALID, false);
        number(p + "/logIndex", Reason.INCLUSION_PROOF_INVALID, false);
        bytes(p + "/hashes/0", Reason.INCLUSION_ROOT_MISMATCH, Reason.INCLUSION_PROOF_INVALID, true);
        add("inclusionProof.hashes/drop-last", Reason.INCLUSION_PROOF_INVALID, false,
            b -> ((ArrayNode) b.at(p + "/hashes")).remove(b.at(p + "/hashes").size() - 1));
        add("inclusionProof.hashes/extra", Reason.INCLUSION_PROOF_INVALID, false,
            b -> ((ArrayNode) b.at(p + "/hashes")).add(LabCrypto.b64(new byte[32])));
        add("inclusionProof.hashes/swap-first-two", Reason.INCLUSION_ROOT_MISMATCH, false, b -> {
          ArrayNode h = (ArrayNode) b.at(p + "/hashes");
          if (h.size() > 1) {
            JsonNode x = h.get(0);
            h.set(0, h.get(1));
            h.set(1, x);
          }
        });
        add("inclusionProof/remove", Reason.INCLUSION_PROOF_MISSING, false,
            b -> ((ObjectNode) b.at(e)).remove("inclusionProof"));
        checkpoint(p + "/checkpoint/envelope");
      }
      add("tlogEntries/remove-all", Reason.TLOG_ENTRY_MISSING, false,
          b -> ((ArrayNode) b.at("/verificationMaterial/tlogEntries")).removeAll());
    }
    if (has("/verificationMaterial/timestampVerificationData/rfc3161Timestamps/0")) {
      String t = "/verificationMaterial/timestampVerificationData/rfc3161Timestamps/0/signedTimestamp";
      byte[] ts = LabCrypto.unb64(b0().at(t).asText());
      // Flip a byte inside the CMS signature value (near the end), keeping the DER well-formed.
      add("rfc3161Timestamp/bitflip-signature", Reason.TIMESTAMP_INVALID, false,
          b -> set(b, t, LabCrypto.b64(flip(ts, ts.length - 5))));
      add("rfc3161Timestamp/truncate", Reason.TIMESTAMP_MALFORMED, true,
          b -> set(b, t, LabCrypto.b64(Arrays.copyOf(ts, ts.length - 1))));
      add("rfc3161Timestamp/extend", Reason.TIMESTAMP_MALFORMED, false,
          b -> set(b, t, LabCrypto.b64(Arrays.copyOf(ts, ts.length + 1))));
      swap(t, Reason.TIMESTAMP_IMPRINT_MISMATCH, true);
    }
    // swaps with another valid bundle
    swap("/messageSignature/signature", Reason.SIGNATURE_INVALID, false);
    swap("/messageSignature/messageDigest/digest", Reason.MESSAGE_DIGEST_MISMATCH, false);
    swap("/dsseEnvelope/payload", Reason.SIGNATURE_INVALID, false);
    swap("/dsseEnvelope/signatures/0/sig", Reason.SIGNATURE_INVALID, false);
    swap("/verificationMaterial/certificate/rawBytes", Reason.SIGNATURE_INVALID, false);
    swap("/verificationMaterial/x509CertificateChain/certificates/0/rawBytes", Reason.SIGNATURE_INVALID, false);
    swap("/verificationMaterial/tlogEntries/0", Reason.TLOG_BODY_MISMATCH, true);
    swap("/verificationMaterial/tlogEntries/0/canonicalizedBody", Reason.TLOG_BODY_MISMATCH, false);
    swap("/verificationMaterial/tlogEntries/0/inclusionPromise/signedEntryTimestamp", Reason.TLOG_SET_INVALID, true);
    swap("/verificationMaterial/tlogEntries/0/inclusionProof/checkpoint/envelope", Reason.CHECKPOINT_MISMATCH, false);
  }

  private void certificate(String path) {
    byte[] der = LabCrypto.unb64(b0().at(path).asText());
    // The last bytes are the issuer's signature: the DER stays parseable, the chain breaks.
    add(path + "/bitflip-signature", Reason.CERTIFICATE_CHAIN_UNTRUSTED, false,
        b -> set(b, path, LabCrypto.b64(flip(der, der.length - 3))));
    add(path + "/truncate", Reason.CERTIFICATE_MALFORMED, false,
        b -> set(b, path, LabCrypto.b64(Arrays.copyOf(der, der.length - 1))));
    add(path + "/extend", Reason.CERTIFICATE_MALFORMED, false,
        b -> set(b, path, LabCrypto.b64(Arrays.copyOf(der, der.length + 1))));
  }

  private void checkpoint(String path) {
    String note = b0().at(path).asText();
    String[] lines = note.split("\n", -1);
    // lines: origin, size, root, "", signature line, ""
    add("checkpoint/root-line-changed", Reason.CHECKPOINT_SIGNATURE_INVALID, false, b -> {
      String[] l = lines.clone();
      l[2] = LabCrypto.b64(flip(LabCrypto.unb64(l[2]), 0));
      set(b, path, String.join("\n", l));
    });
    add("checkpoint/size-line-changed", Reason.CHECKPOINT_SIGNATURE_INVALID, false, b -> {
      String[] l = lines.clone();
      l[1] = Long.toString(Long.parseLong(l[1]) + 1);
      set(b, path, String.join("\n", l));
    });
    int sigLine = note.lastIndexOf("\u2014 ");
    String sigText = note.substring(sigLine, note.length() - 1);
    String[] parts = sigText.split(" ");
    byte[] sig = LabCrypto.unb64(parts[2]);
    add("checkpoint/signature-bitflip", Reason.CHECKPOINT_SIGNATURE_INVALID, true, b ->
        set(b, path, note.substring(0, sigLine) + parts[0] + " " + parts[1] + " "
            + LabCrypto.b64(flip(sig, sig.length - 2)) + "\n"));
    add("checkpoint/key-hint-changed", Reason.CHECKPOINT_UNKNOWN_LOG, false, b ->
        set(b, path, note.substring(0, sigLine) + parts[0] + " " + parts[1] + " "
            + LabCrypto.b64(flip(sig, 0)) + "\n"));
    add("checkpoint/signer-name-changed", Reason.CHECKPOINT_UNKNOWN_LOG, false, b ->
        set(b, path, note.substring(0, sigLine) + parts[0] + " other.lab.internal " + parts[2] + "\n"));
    add("checkpoint/no-signature", Reason.CHECKPOINT_MALFORMED, false,
        b -> set(b, path, note.substring(0, sigLine)));
  }

  private boolean isRekorV2() {
    JsonNode v = b0().at("/verificationMaterial/tlogEntries/0/kindVersion/version");
    return !b0().at("/verificationMaterial/tlogEntries/0/integratedTime").isTextual()
        && !b0().at("/verificationMaterial/tlogEntries/0/inclusionPromise").isObject()
        && v.isTextual();
  }

  /** Bit flip ({@code reason}), truncation and extension ({@code lengthReason}: wrong length). */
  private void bytes(String path, Reason reason, Reason lengthReason, boolean exact) {
    if (!has(path)) {
      return;
    }
    byte[] v = LabCrypto.unb64(b0().at(path).asText());
    add(path + "/bitflip", reason, exact, b -> set(b, path, LabCrypto.b64(flip(v, v.length / 2))));
    add(path + "/truncate", lengthReason, false, b -> set(b, path, LabCrypto.b64(Arrays.copyOf(v, v.length - 1))));
    add(path + "/extend", lengthReason, false, b -> set(b, path, LabCrypto.b64(Arrays.copyOf(v, v.length + 1))));
  }

  private void number(String path, Reason reason, boolean exact) {
    if (!has(path)) {
      return;
    }
    long v = Long.parseLong(b0().at(path).asText());
    add(path + "/plus-one", reason, exact, b -> set(b, path, Long.toString(v + 1)));
    if (v > 0) {
      add(path + "/minus-one", reason, exact, b -> set(b, path, Long.toString(v - 1)));
    }
  }

  private void swap(String path, Reason reason, boolean exact) {
    if (other == null || !has(path) || other.at(path).isMissingNode() || other.at(path).equals(b0().at(path))) {
      return;
    }
    JsonNode replacement = other.at(path).deepCopy();
    add(path + "/swap", reason, exact, b -> setNode(b, path, replacement));
  }

  private void add(String name, Reason reason, boolean exact, Consumer<ObjectNode> change) {
    ObjectNode copy = original.deepCopy();
    change.accept(copy);
    try {
      out.add(new Mutation(name, JSON.writerWithDefaultPrettyPrinter().writeValueAsString(copy), reason, exact));
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  private ObjectNode b0() {
    return original;
  }

  private boolean has(String path) {
    return !original.at(path).isMissingNode();
  }

  private static void set(ObjectNode root, String path, String value) {
    setNode(root, path, TextNode.valueOf(value));
  }

  private static void setNode(ObjectNode root, String path, JsonNode value) {
    int slash = path.lastIndexOf('/');
    JsonNode parent = root.at(path.substring(0, slash));
    String last = path.substring(slash + 1);
    if (parent instanceof ArrayNode a) {
      a.set(Integer.parseInt(last), value);
    } else {
      ((ObjectNode) parent).set(last, value);
    }
  }

  static byte[] flip(byte[] v, int i) {
    byte[] c = v.clone();
    c[i] ^= 0x01;
    return c;
  }

  private static JsonNode read(String json) {
    try {
      return JSON.readTree(json);
    } catch (Exception e) {
      throw new IllegalArgumentException("not JSON", e);
    }
  }
}
