package dev.airlock.lab;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.List;

/**
 * Writes a {@code trusted_root.json} for the lab (../shared/FORMATS.md section 4): tlogs (Rekor v1
 * and v2), ctlogs, certificateAuthorities (intermediate then root), timestampAuthorities (leaf then
 * root), each with a {@code validFor} window starting 30 days before the lab epoch.
 */
public final class TrustedRootWriter {
  public static final String MEDIA_TYPE_V01 = "application/vnd.dev.sigstore.trustedroot+json;version=0.1";
  public static final String MEDIA_TYPE_V02 = "application/vnd.dev.sigstore.trustedroot.v0.2+json";
  private static final ObjectMapper JSON = new ObjectMapper();

  private final SigstoreLab lab;
  private boolean v02;
  private boolean rekorV1 = true;
  private boolean rekorV2 = true;
  private boolean ctlog = true;
  private boolean ca = true;
  private boolean tsa = true;
  private Instant start;
  private Instant end;
  private final List<LabRekor> extraTlogs = new java.util.ArrayList<>();

  TrustedRootWriter(SigstoreLab lab) {
    this.lab = lab;
    this.start = lab.epoch().minusSeconds(30L * 24 * 3600);
  }

  /** Use the v0.2 media type and add v0.2 fields (operator, checkpointKeyId). */
  public TrustedRootWriter v02() {
    this.v02 = true;
    return this;
  }

  /** Leave authorities out (for "unknown log / untrusted CA" tests). */
  public TrustedRootWriter without(boolean noRekorV1, boolean noRekorV2, boolean noCtlog, boolean noCa, boolean noTsa) {
    rekorV1 = !noRekorV1;
    rekorV2 = !noRekorV2;
    ctlog = !noCtlog;
    ca = !noCa;
    tsa = !noTsa;
    return this;
  }

  /** Also lists another log instance (a second shard, another operator) under tlogs. */
  public TrustedRootWriter addTlog(LabRekor log) {
    extraTlogs.add(log);
    return this;
  }

  /** The validFor window of every authority ({@code end} null: open). */
  public TrustedRootWriter validFor(Instant from, Instant to) {
    this.start = from;
    this.end = to;
    return this;
  }

  public String json() {
    ObjectNode root = JSON.createObjectNode();
    root.put("mediaType", v02 ? MEDIA_TYPE_V02 : MEDIA_TYPE_V01);
    ArrayNode tlogs = root.putArray("tlogs");
    if (rekorV1) {
      tlogs.add(log(lab.rekorV1().baseUrl(), lab.rekorV1().keyPair().getPublic().getEncoded(),
          lab.rekorV1().keyDetails(), lab.rekorV1().logId(), null));
    }
    if (rekorV2) {
      tlogs.add(log(lab.rekorV2().baseUrl(), lab.rekorV2().keyPair().getPublic().getEncoded(),
          lab.rekorV2().keyDetails(), lab.rekorV2().logId(), lab.rekorV2().logId()));
    }
    for (LabRekor l : extraTlogs) {
      tlogs.add(log(l.baseUrl(), l.keyPair().getPublic().getEncoded(), l.keyDetails(), l.logId(),
          l.version() == LabRekor.Version.V2 ? l.logId() : null));
    }
    ArrayNode cas = root.putArray("certificateAuthorities");
    if (ca) {
      cas.add(authority("fulcio", lab.ca().uri(), lab.ca().chain()));
    }
    ArrayNode ct = root.putArray("ctlogs");
    if (ctlog) {
      ct.add(log(lab.ctLog().baseUrl(), lab.ctLog().keyPair().getPublic().getEncoded(), "PKIX_ECDSA_P256_SHA_256",
          lab.ctLog().logId(), null));
    }
    ArrayNode tsas = root.putArray("timestampAuthorities");
    if (tsa) {
      tsas.add(authority("tsa", lab.tsa().uri(), lab.tsa().chain()));
    }
    try {
      return JSON.writerWithDefaultPrettyPrinter().writeValueAsString(root);
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  public Path writeTo(Path file) throws IOException {
    Files.writeString(file, json());
    return file;
  }

  private ObjectNode log(String baseUrl, byte[] spki, String keyDetails, byte[] logId, byte[] checkpointKeyId) {
    ObjectNode n = JSON.createObjectNode();
    n.put("baseUrl", baseUrl);
    n.put("hashAlgorithm", "SHA2_256");
    ObjectNode pk = n.putObject("publicKey");
    pk.put("rawBytes", LabCrypto.b64(spki));
    pk.put("keyDetails", keyDetails);
    validFor(pk);
    n.putObject("logId").put("keyId", LabCrypto.b64(logId));
    if (v02) {
      if (checkpointKeyId != null) {
        n.putObject("checkpointKeyId").put("keyId", LabCrypto.b64(checkpointKeyId));
      }
      n.put("operator", "airlock-lab");
    }
    return n;
  }

  private ObjectNode authority(String what, String uri, List<X509Certificate> chain) {
    ObjectNode n = JSON.createObjectNode();
    n.putObject("subject").put("organization", "airlock-lab").put("commonName", "lab-" + what);
    n.put("uri", uri);
    ArrayNode certs = n.putObject("certChain").putArray("certificates");
    for (X509Certificate c : chain) {
      certs.addObject().put("rawBytes", LabCrypto.b64(Signer.der(c)));
    }
    validFor(n);
    if (v02) {
      n.put("operator", "airlock-lab");
    }
    return n;
  }

  private void validFor(ObjectNode n) {
    ObjectNode v = n.putObject("validFor");
    v.put("start", start.toString());
    if (end != null) {
      v.put("end", end.toString());
    }
  }
}
