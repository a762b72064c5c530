package dev.airlock.verify;

import java.nio.charset.StandardCharsets;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.bouncycastle.asn1.ASN1Encodable;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.ASN1OctetString;
import org.bouncycastle.asn1.ASN1Primitive;
import org.bouncycastle.asn1.ASN1Sequence;
import org.bouncycastle.asn1.ASN1String;
import org.bouncycastle.asn1.ASN1TaggedObject;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;

/**
 * The identity claims of a Fulcio leaf certificate (FORMATS.md section 5; sigstore/fulcio
 * docs/oid-info.md): the SAN values (e-mail, URI, OtherName 1.3.6.1.4.1.57264.1.7), the OIDC issuer
 * (1.3.6.1.4.1.57264.1.8 as DER UTF8String, falling back to the deprecated raw-bytes .1.1) and the
 * other Fulcio extensions for policy.
 */
record FulcioCertificate(List<FulcioCertificate.San> sans, String issuer, Map<String, String> extensions) {
  /**
   * One subject alternative name with its GeneralName type (RFC 5280 4.2.1.6), kept so that a
   * matcher for one type (an e-mail domain) never matches a value of another (a URI or a Fulcio
   * username that happens to contain {@code @domain}).
   */
  record San(Type type, String value) {
    /** The SAN types a Fulcio certificate can carry; labels as cosign prints them. */
    enum Type {
      EMAIL("email"), URI("uri"), DNS("dns"), OTHERNAME_USERNAME("otherName");

      final String label;

      Type(String label) {
        this.label = label;
      }
    }

    @Override
    public String toString() {
      return type.label + ":" + value;
    }
  }

  static final String FULCIO_ARC = "1.3.6.1.4.1.57264.1.";
  static final String OTHERNAME_SAN = "1.3.6.1.4.1.57264.1.7";
  static final String ISSUER_V1 = "1.3.6.1.4.1.57264.1.1";
  static final String ISSUER_V2 = "1.3.6.1.4.1.57264.1.8";

  FulcioCertificate {
    sans = List.copyOf(sans);
    extensions = java.util.Collections.unmodifiableMap(new TreeMap<>(extensions));
  }

  static FulcioCertificate of(X509Certificate leaf) throws Denial {
    try {
      List<San> sans = new ArrayList<>();
      byte[] sanExt = leaf.getExtensionValue("2.5.29.17");
      if (sanExt != null) {
        GeneralNames names = GeneralNames.getInstance(ASN1OctetString.getInstance(sanExt).getOctets());
        for (GeneralName n : names.getNames()) {
          switch (n.getTagNo()) {
            case GeneralName.rfc822Name -> sans.add(new San(San.Type.EMAIL, ((ASN1String) n.getName()).getString()));
            case GeneralName.uniformResourceIdentifier ->
                sans.add(new San(San.Type.URI, ((ASN1String) n.getName()).getString()));
            case GeneralName.dNSName -> sans.add(new San(San.Type.DNS, ((ASN1String) n.getName()).getString()));
            case GeneralName.otherName -> {
              ASN1Sequence seq = ASN1Sequence.getInstance(n.getName());
              ASN1ObjectIdentifier oid = ASN1ObjectIdentifier.getInstance(seq.getObjectAt(0));
              if (oid.getId().equals(OTHERNAME_SAN)) {
                ASN1Encodable v = ASN1TaggedObject.getInstance(seq.getObjectAt(1)).getBaseObject();
                if (v instanceof ASN1String s) {
                  sans.add(new San(San.Type.OTHERNAME_USERNAME, s.getString()));
                }
              }
            }
            default -> { }
          }
        }
      }
      Map<String, String> ext = new TreeMap<>();
      for (String oid : leaf.getNonCriticalExtensionOIDs()) {
        if (oid.startsWith(FULCIO_ARC)) {
          ext.put(oid, extensionText(oid, leaf.getExtensionValue(oid)));
        }
      }
      String issuer = ext.containsKey(ISSUER_V2) ? ext.get(ISSUER_V2) : ext.get(ISSUER_V1);
      return new FulcioCertificate(sans, issuer, ext);
    } catch (RuntimeException e) {
      throw new Denial(dev.airlock.core.Reason.CERTIFICATE_MALFORMED,
          "leaf certificate extensions cannot be read: " + e.getMessage());
    }
  }

  /** .1 to .6 hold raw bytes; .8 onward a DER UTF8String (Fulcio certificate-specification.md). */
  private static String extensionText(String oid, byte[] extnValue) {
    byte[] raw = ASN1OctetString.getInstance(extnValue).getOctets();
    int arc = Integer.parseInt(oid.substring(FULCIO_ARC.length()).split("\\.")[0]);
    if (arc >= 8) {
      try {
        ASN1Primitive p = ASN1Primitive.fromByteArray(raw);
        if (p instanceof ASN1String s) {
          return s.getString();
        }
      } catch (java.io.IOException | RuntimeException e) {
        // fall through to raw bytes
      }
    }
    return new String(raw, StandardCharsets.UTF_8);
  }
}
