package dev.airlock.lab;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.airlock.core.Reason;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Named mutations of a valid cosign legacy layer ({@link CosignLegacy.OciSignatureLayer}): payload,
 * signature annotation, certificate, Rekor bundle annotation (SET, body, integratedTime, logIndex,
 * logID) and RFC 3161 annotation, each labelled with the reason a verifier most likely gives.
 * Contract as in {@link BundleMutations}: every mutation MUST be denied.
 */
public final class CosignMutations {
  private static final ObjectMapper JSON = new ObjectMapper();

  /** One mutated layer. */
  public record LayerMutation(String name, CosignLegacy.OciSignatureLayer layer, Reason reason) {
    @Override
    public String toString() {
      return name + " -> " + reason;
    }
  }

  private final CosignLegacy.OciSignatureLayer layer;
  private final List<LayerMutation> out = new ArrayList<>();

  private CosignMutations(CosignLegacy.OciSignatureLayer layer) {
    this.layer = layer;
  }

  /** Mutations of {@code layer}; swaps take values from {@code other} (may be null). */
  public static List<LayerMutation> of(CosignLegacy.OciSignatureLayer layer, CosignLegacy.OciSignatureLayer other) {
    CosignMutations m = new CosignMutations(layer);
    m.all(other);
    return List.copyOf(m.out);
  }

  private void all(CosignLegacy.OciSignatureLayer other) {
    byte[] p = layer.payload();
    payload("payload/bitflip", BundleMutations.flip(p, p.length / 2));
    payload("payload/truncate", Arrays.copyOf(p, p.length - 1));
    payload("payload/extend", Arrays.copyOf(p, p.length + 1));
    Map<String, String> a = layer.annotations();
    boolean att = CosignLegacy.DSSE_ENVELOPE.equals(layer.mediaType());
    if (!att) {
      byte[] sig = LabCrypto.unb64(a.get(CosignLegacy.ANN_SIGNATURE));
      ann("signature/bitflip", Reason.SIGNATURE_INVALID, m -> m.put(CosignLegacy.ANN_SIGNATURE,
          LabCrypto.b64(BundleMutations.flip(sig, sig.length / 2))));
      ann("signature/truncate", Reason.SIGNATURE_INVALID, m -> m.put(CosignLegacy.ANN_SIGNATURE,
          LabCrypto.b64(Arrays.copyOf(sig, sig.length - 1))));
      ann("signature/extend", Reason.SIGNATURE_INVALID, m -> m.put(CosignLegacy.ANN_SIGNATURE,
          LabCrypto.b64(Arrays.copyOf(sig, sig.length + 1))));
    }
    if (a.containsKey(CosignLegacy.ANN_CERTIFICATE)) {
      ann("certificate/remove", Reason.CERTIFICATE_MISSING, m -> m.remove(CosignLegacy.ANN_CERTIFICATE));
      ann("certificate/garbage", Reason.CERTIFICATE_MALFORMED, m -> m.put(CosignLegacy.ANN_CERTIFICATE,
          "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n"));
    }
    if (a.containsKey(CosignLegacy.ANN_BUNDLE)) {
      ObjectNode b = read(a.get(CosignLegacy.ANN_BUNDLE));
      byte[] set = LabCrypto.unb64(b.get("SignedEntryTimestamp").asText());
      bundle("bundle.SignedEntryTimestamp/bitflip", Reason.TLOG_SET_INVALID,
          n -> n.put("SignedEntryTimestamp", LabCrypto.b64(BundleMutations.flip(set, set.length / 2))));
      bundle("bundle.Payload.integratedTime/plus-one", Reason.TLOG_SET_INVALID, n -> ((ObjectNode) n.get("Payload"))
          .put("integratedTime", n.at("/Payload/integratedTime").asLong() + 1));
      bundle("bundle.Payload.logIndex/plus-one", Reason.TLOG_SET_INVALID, n -> ((ObjectNode) n.get("Payload"))
          .put("logIndex", n.at("/Payload/logIndex").asLong() + 1));
      byte[] body = LabCrypto.unb64(b.at("/Payload/body").asText());
      bundle("bundle.Payload.body/bitflip", Reason.TLOG_SET_INVALID, n -> ((ObjectNode) n.get("Payload"))
          .put("body", LabCrypto.b64(BundleMutations.flip(body, body.length / 2))));
      byte[] logId = LabCrypto.unhexOrFail(b.at("/Payload/logID").asText());
      bundle("bundle.Payload.logID/bitflip", Reason.TLOG_UNKNOWN_LOG, n -> ((ObjectNode) n.get("Payload"))
          .put("logID", LabCrypto.hex(BundleMutations.flip(logId, 0))));
      if (other != null && other.annotations().containsKey(CosignLegacy.ANN_BUNDLE)) {
        String ob = other.annotations().get(CosignLegacy.ANN_BUNDLE);
        ann("bundle/swap", Reason.TLOG_BODY_MISMATCH, m -> m.put(CosignLegacy.ANN_BUNDLE, ob));
      }
    }
    if (a.containsKey(CosignLegacy.ANN_RFC3161)) {
      byte[] ts = LabCrypto.unb64(read(a.get(CosignLegacy.ANN_RFC3161)).get("SignedRFC3161Timestamp").asText());
      ann("rfc3161/bitflip-signature", Reason.TIMESTAMP_INVALID, m -> m.put(CosignLegacy.ANN_RFC3161,
          tsJson(BundleMutations.flip(ts, ts.length - 5))));
      ann("rfc3161/truncate", Reason.TIMESTAMP_MALFORMED, m -> m.put(CosignLegacy.ANN_RFC3161,
          tsJson(Arrays.copyOf(ts, ts.length - 1))));
      if (other != null && other.annotations().containsKey(CosignLegacy.ANN_RFC3161)) {
        String ot = other.annotations().get(CosignLegacy.ANN_RFC3161);
        ann("rfc3161/swap", Reason.TIMESTAMP_IMPRINT_MISMATCH, m -> m.put(CosignLegacy.ANN_RFC3161, ot));
      }
    }
    if (other != null && !att) {
      String os = other.annotations().get(CosignLegacy.ANN_SIGNATURE);
      if (!os.equals(a.get(CosignLegacy.ANN_SIGNATURE))) {
        ann("signature/swap", Reason.SIGNATURE_INVALID, m -> m.put(CosignLegacy.ANN_SIGNATURE, os));
      }
      if (other.annotations().containsKey(CosignLegacy.ANN_CERTIFICATE)
          && !other.annotations().get(CosignLegacy.ANN_CERTIFICATE).equals(a.get(CosignLegacy.ANN_CERTIFICATE))) {
        String oc = other.annotations().get(CosignLegacy.ANN_CERTIFICATE);
        ann("certificate/swap", Reason.SIGNATURE_INVALID, m -> m.put(CosignLegacy.ANN_CERTIFICATE, oc));
      }
    }
  }

  private void payload(String name, byte[] p) {
    out.add(new LayerMutation(name, new CosignLegacy.OciSignatureLayer(layer.mediaType(), p, layer.annotations(),
        layer.signature(), layer.entry()), Reason.SIGNATURE_INVALID));
  }

  private void ann(String name, Reason reason, Consumer<Map<String, String>> change) {
    Map<String, String> m = new HashMap<>(layer.annotations());
    change.accept(m);
    out.add(new LayerMutation(name, new CosignLegacy.OciSignatureLayer(layer.mediaType(), layer.payload(), m,
        layer.signature(), layer.entry()), reason));
  }

  private void bundle(String name, Reason reason, Consumer<ObjectNode> change) {
    ObjectNode b = read(layer.annotations().get(CosignLegacy.ANN_BUNDLE));
    change.accept(b);
    ann(name, reason, m -> m.put(CosignLegacy.ANN_BUNDLE, b.toString()));
  }

  private static String tsJson(byte[] ts) {
    return JSON.createObjectNode().put("SignedRFC3161Timestamp", LabCrypto.b64(ts)).toString();
  }

  private static ObjectNode read(String json) {
    try {
      return (ObjectNode) JSON.readTree(json);
    } catch (Exception e) {
      throw new IllegalArgumentException(e);
    }
  }
}
