package dev.airlock.crypto;

import java.io.IOException;
import java.math.BigInteger;
import java.security.PublicKey;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import org.bouncycastle.asn1.ASN1Encodable;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.edec.EdECObjectIdentifiers;
import org.bouncycastle.asn1.pkcs.PKCSObjectIdentifiers;
import org.bouncycastle.asn1.sec.SECObjectIdentifiers;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;
import org.bouncycastle.asn1.x9.X9ObjectIdentifiers;
import org.bouncycastle.crypto.params.AsymmetricKeyParameter;
import org.bouncycastle.crypto.params.ECPublicKeyParameters;
import org.bouncycastle.crypto.params.Ed25519PublicKeyParameters;
import org.bouncycastle.crypto.params.RSAKeyParameters;
import org.bouncycastle.crypto.util.PublicKeyFactory;

/**
 * A JCA {@link PublicKey} as Bouncy Castle lightweight key parameters, converted once from its
 * DER SubjectPublicKeyInfo and kept in a small LRU cache keyed by those bytes.
 *
 * <p>Why a cache: BC's ECDSA verification ({@code ECAlgorithms.implShamirsTrickWNaf}) stores the
 * wNAF precomputation of the public point on the {@code ECPoint} object and widens it after the
 * point has been used a few times; that only pays off when the same key always yields the same
 * {@link ECPublicKeyParameters} object. Log keys, CA keys and TSA keys are reused for every
 * bundle. The cached parameter objects are immutable (BC synchronises the point's precomputation
 * table itself), so they are shared between threads.
 *
 * <p>The conversion is also the allow-list check of the key's encoding: EC keys must name P-256,
 * P-384 or P-521 by OID (RFC 5480 section 2.1.1: {@code namedCurve}; explicit and implicit
 * parameters are refused); RSA keys use {@code rsaEncryption} or {@code id-RSASSA-PSS}; Ed25519
 * uses {@code id-Ed25519} (RFC 8410). BC rejects EC points not on the curve, RSA moduli that are
 * even or have small factors, and invalid Ed25519 encodings.
 */
final class KeyParams {
  /** The kinds of keys the allow-list knows. */
  enum Kind { EC, RSA, ED25519 }

  /**
   * One converted key.
   *
   * @param curve the JCA name of the named curve ("secp256r1", "secp384r1", "secp521r1") for EC
   *     keys, else null
   */
  record Entry(Kind kind, String curve, AsymmetricKeyParameter params) {}

  /** The key cannot be used: malformed ({@code unsupported} false) or outside the allow-list. */
  static final class Refused extends Exception {
    private static final long serialVersionUID = 1L;
    final boolean unsupported;

    Refused(String message, boolean unsupported, Throwable cause) {
      super(message, cause);
      this.unsupported = unsupported;
    }
  }

  static final int CAPACITY = 64;

  /** Access-ordered, so the eldest entry is the least recently used one. Guarded by itself. */
  private static final Map<Spki, Entry> CACHE = new LinkedHashMap<>(2 * CAPACITY, 0.75f, true) {
    private static final long serialVersionUID = 1L;

    @Override
    protected boolean removeEldestEntry(Map.Entry<Spki, Entry> eldest) {
      return size() > CAPACITY;
    }
  };

  private KeyParams() {}

  /** The converted key; the same {@link Entry} object for the same SPKI while it is cached. */
  static Entry of(PublicKey key) throws Refused {
    byte[] spki = key == null ? null : key.getEncoded();
    if (spki == null) {
      throw new Refused("key " + (key == null ? "null" : key.getAlgorithm()) + " has no X.509 encoding", false, null);
    }
    return ofSpki(spki);
  }

  /** As {@link #of(PublicKey)} from the DER SubjectPublicKeyInfo bytes (not kept: copied). */
  static Entry ofSpki(byte[] spki) throws Refused {
    Spki k = new Spki(spki.clone());
    synchronized (CACHE) {
      Entry e = CACHE.get(k);
      if (e != null) {
        return e;
      }
    }
    Entry fresh = convert(k.der);
    synchronized (CACHE) {
      // another thread may have converted the same key meanwhile: keep the first object
      Entry e = CACHE.putIfAbsent(k, fresh);
      return e != null ? e : fresh;
    }
  }

  /** The key if it converts, else null (for yes/no questions such as "is this Ed25519?"). */
  static Entry orNull(PublicKey key) {
    try {
      return of(key);
    } catch (Refused e) {
      return null;
    }
  }

  static int size() {
    synchronized (CACHE) {
      return CACHE.size();
    }
  }

  private static Entry convert(byte[] der) throws Refused {
    SubjectPublicKeyInfo info;
    try {
      info = SubjectPublicKeyInfo.getInstance(der);
    } catch (RuntimeException e) {
      throw new Refused("not a DER SubjectPublicKeyInfo", false, e);
    }
    if (info == null) {
      throw new Refused("empty SubjectPublicKeyInfo", false, null);
    }
    ASN1ObjectIdentifier oid = info.getAlgorithm().getAlgorithm();
    Kind kind;
    String curve = null;
    if (oid.equals(X9ObjectIdentifiers.id_ecPublicKey)) {
      kind = Kind.EC;
      ASN1Encodable p = info.getAlgorithm().getParameters();
      if (!(p instanceof ASN1ObjectIdentifier named)) {
        throw new Refused("EC key without a named curve (explicit or implicit parameters are not allowed)", true, null);
      }
      curve = curveName(named);
      if (curve == null) {
        throw new Refused("EC key on curve " + named + "; allowed are P-256, P-384, P-521", true, null);
      }
    } else if (oid.equals(PKCSObjectIdentifiers.rsaEncryption) || oid.equals(PKCSObjectIdentifiers.id_RSASSA_PSS)) {
      kind = Kind.RSA;
      checkRsaSize(info);
    } else if (oid.equals(EdECObjectIdentifiers.id_Ed25519)) {
      kind = Kind.ED25519;
    } else {
      throw new Refused("key algorithm " + oid + " is not allowed", true, null);
    }
    AsymmetricKeyParameter params;
    try {
      params = PublicKeyFactory.createKey(info);
    } catch (IOException | RuntimeException e) {
      throw new Refused("invalid " + kind + " public key: " + e.getMessage(), false, e);
    }
    boolean fits = switch (kind) {
      case EC -> params instanceof ECPublicKeyParameters;
      case RSA -> params instanceof RSAKeyParameters r && !r.isPrivate();
      case ED25519 -> params instanceof Ed25519PublicKeyParameters;
    };
    if (!fits) {
      throw new Refused("unexpected " + kind + " key parameters " + params.getClass().getSimpleName(), false, null);
    }
    return new Entry(kind, curve, params);
  }

  /**
   * The RSA allow-list (SignatureAlgorithm: 2048 to 4096 bits; public exponent at least 3), checked
   * before BC validates the modulus (a Miller-Rabin test, costly for huge moduli).
   */
  private static void checkRsaSize(SubjectPublicKeyInfo info) throws Refused {
    org.bouncycastle.asn1.pkcs.RSAPublicKey rsa;
    try {
      rsa = org.bouncycastle.asn1.pkcs.RSAPublicKey.getInstance(info.parsePublicKey());
    } catch (IOException | RuntimeException e) {
      throw new Refused("invalid RSA public key: " + e.getMessage(), false, e);
    }
    int bits = rsa.getModulus().bitLength();
    if (bits < 2048 || bits > 4096) {
      throw new Refused("RSA key of " + bits + " bits; allowed are 2048 to 4096", true, null);
    }
    if (rsa.getPublicExponent().compareTo(BigInteger.valueOf(3)) < 0) {
      throw new Refused("RSA public exponent too small", true, null);
    }
  }

  /** JCA names of the allowed named curves (RFC 5480 section 2.1.1.1), else null. */
  static String curveName(ASN1ObjectIdentifier oid) {
    if (oid.equals(SECObjectIdentifiers.secp256r1)) {
      return "secp256r1";
    } else if (oid.equals(SECObjectIdentifiers.secp384r1)) {
      return "secp384r1";
    } else if (oid.equals(SECObjectIdentifiers.secp521r1)) {
      return "secp521r1";
    }
    return null;
  }

  /** SPKI bytes as a map key (content equality, hash computed once). */
  private static final class Spki {
    final byte[] der;
    final int hash;

    Spki(byte[] der) {
      this.der = der;
      this.hash = Arrays.hashCode(der);
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof Spki s && s.hash == hash && Arrays.equals(s.der, der);
    }

    @Override
    public int hashCode() {
      return hash;
    }
  }
}
