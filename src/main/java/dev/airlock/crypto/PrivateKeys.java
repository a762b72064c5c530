package dev.airlock.crypto;

import com.fasterxml.jackson.databind.JsonNode;
import dev.airlock.core.AirlockException;
import dev.airlock.core.Json;
import java.io.IOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.MessageDigest;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Base64;
import java.util.Locale;
import org.bouncycastle.asn1.ASN1Encoding;
import org.bouncycastle.asn1.ASN1Integer;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.ASN1OctetString;
import org.bouncycastle.asn1.ASN1Sequence;
import org.bouncycastle.asn1.DERNull;
import org.bouncycastle.asn1.DEROctetString;
import org.bouncycastle.asn1.nist.NISTObjectIdentifiers;
import org.bouncycastle.asn1.pkcs.EncryptedPrivateKeyInfo;
import org.bouncycastle.asn1.pkcs.EncryptionScheme;
import org.bouncycastle.asn1.pkcs.KeyDerivationFunc;
import org.bouncycastle.asn1.pkcs.PBES2Parameters;
import org.bouncycastle.asn1.pkcs.PBKDF2Params;
import org.bouncycastle.asn1.pkcs.PKCSObjectIdentifiers;
import org.bouncycastle.asn1.x509.AlgorithmIdentifier;
import org.bouncycastle.crypto.BufferedBlockCipher;
import org.bouncycastle.crypto.Digest;
import org.bouncycastle.crypto.InvalidCipherTextException;
import org.bouncycastle.crypto.digests.SHA256Digest;
import org.bouncycastle.crypto.digests.SHA384Digest;
import org.bouncycastle.crypto.digests.SHA512Digest;
import org.bouncycastle.crypto.engines.AESEngine;
import org.bouncycastle.crypto.engines.XSalsa20Engine;
import org.bouncycastle.crypto.generators.PKCS5S2ParametersGenerator;
import org.bouncycastle.crypto.generators.SCrypt;
import org.bouncycastle.crypto.macs.Poly1305;
import org.bouncycastle.crypto.modes.CBCBlockCipher;
import org.bouncycastle.crypto.paddings.PKCS7Padding;
import org.bouncycastle.crypto.paddings.PaddedBufferedBlockCipher;
import org.bouncycastle.crypto.params.AsymmetricKeyParameter;
import org.bouncycastle.crypto.params.ECNamedDomainParameters;
import org.bouncycastle.crypto.params.ECPrivateKeyParameters;
import org.bouncycastle.crypto.params.ECPublicKeyParameters;
import org.bouncycastle.crypto.params.Ed25519PrivateKeyParameters;
import org.bouncycastle.crypto.params.KeyParameter;
import org.bouncycastle.crypto.params.ParametersWithIV;
import org.bouncycastle.crypto.params.RSAKeyParameters;
import org.bouncycastle.crypto.params.RSAPrivateCrtKeyParameters;
import org.bouncycastle.crypto.util.PrivateKeyFactory;
import org.bouncycastle.crypto.util.SubjectPublicKeyInfoFactory;
import org.bouncycastle.math.ec.ECPoint;
import org.bouncycastle.math.ec.FixedPointCombMultiplier;
import org.bouncycastle.util.io.pem.PemObject;
import org.bouncycastle.util.io.pem.PemReader;

/**
 * Password-protected private key files, the publisher's signing keys (DESIGN.md section 10):
 * <ul>
 *   <li>writes and reads PKCS#8 {@code ENCRYPTED PRIVATE KEY} (RFC 5958 section 3,
 *       EncryptedPrivateKeyInfo) under PBES2 (RFC 8018 section 6.2): PBKDF2 with HMAC-SHA-256
 *       (RFC 8018 section 5.2, appendix B.1.2) and AES-256-CBC (RFC 8018 appendix B.2.5), as
 *       {@code openssl pkcs8 -topk8 -v2 aes-256-cbc -v2prf hmacWithSHA256} writes it; reads also the
 *       scrypt KDF (RFC 7914 section 7) and AES-128/192-CBC;
 *   <li>reads cosign's {@code ENCRYPTED SIGSTORE PRIVATE KEY} (and the older
 *       {@code ENCRYPTED COSIGN PRIVATE KEY}): a PEM whose body is JSON
 *       {@code {"kdf":{"name":"scrypt","params":{"N","r","p"},"salt"},"cipher":{"name":"nacl/secretbox","nonce"},"ciphertext"}}
 *       (secure-systems-lab/go-securesystemslib encrypted/encrypted.go); the key is scrypt of the
 *       password, the ciphertext a NaCl secretbox (XSalsa20-Poly1305, tag first) of PKCS#8 DER.
 * </ul>
 * Key-derivation parameters read from a file are bounded ({@link #MAX_PBKDF2_ITERATIONS},
 * {@link #MAX_SCRYPT_MEMORY}) so a hostile key file cannot stall or exhaust the machine.
 */
public final class PrivateKeys {
  private PrivateKeys() {}

  public static final String PKCS8_ENCRYPTED = "ENCRYPTED PRIVATE KEY";
  public static final String SIGSTORE = "ENCRYPTED SIGSTORE PRIVATE KEY";
  public static final String COSIGN = "ENCRYPTED COSIGN PRIVATE KEY";

  /** PBKDF2-HMAC-SHA-256 iterations written by keygen (OWASP Password Storage Cheat Sheet, 2023). */
  public static final int PBKDF2_ITERATIONS = 600_000;
  static final int MAX_PBKDF2_ITERATIONS = 10_000_000;
  /** scrypt memory 128 * N * r * p bytes at most 256 MiB when reading. */
  static final long MAX_SCRYPT_MEMORY = 256L * 1024 * 1024;
  /** A key file is small; anything larger is not a key. */
  public static final int MAX_KEY_FILE_BYTES = 64 * 1024;

  private static final ASN1ObjectIdentifier ID_SCRYPT = new ASN1ObjectIdentifier("1.3.6.1.4.1.11591.4.11");

  /** Why a private key file cannot be used. */
  public enum Problem {
    /** The password does not open the file (or the file was altered: the two cannot be told apart). */
    WRONG_PASSWORD,
    /** Not a readable key file. */
    MALFORMED,
    /** Readable, but an algorithm or parameter outside what airlock accepts. */
    UNSUPPORTED,
    /** An unencrypted private key: refused, signing keys are stored encrypted. */
    NOT_ENCRYPTED
  }

  /** A private key file cannot be used; {@link #problem()} says why. */
  public static final class KeyFileException extends Exception {
    private static final long serialVersionUID = 1L;
    private final Problem problem;

    KeyFileException(Problem problem, String message) {
      super(message);
      this.problem = problem;
    }

    KeyFileException(Problem problem, String message, Throwable cause) {
      super(message, cause);
      this.problem = problem;
    }

    public Problem problem() {
      return problem;
    }
  }

  // ---- writing ---------------------------------------------------------------------------------

  /**
   * PEM {@code ENCRYPTED PRIVATE KEY} of {@code key}: PBES2, PBKDF2-HMAC-SHA-256 with
   * {@link #PBKDF2_ITERATIONS} iterations and a random 16-byte salt, AES-256-CBC with a random IV.
   *
   * @param password UTF-8 password bytes; must not be empty
   */
  public static String encryptPkcs8(PrivateKey key, byte[] password) {
    return encryptPkcs8(key, password, PBKDF2_ITERATIONS, new SecureRandom());
  }

  static String encryptPkcs8(PrivateKey key, byte[] password, int iterations, SecureRandom random) {
    if (password == null || password.length == 0) {
      throw new IllegalArgumentException("an empty password does not protect a key");
    }
    byte[] pkcs8 = key.getEncoded();
    if (pkcs8 == null) {
      throw new IllegalArgumentException("the private key has no PKCS#8 encoding");
    }
    byte[] salt = new byte[16];
    byte[] iv = new byte[16];
    random.nextBytes(salt);
    random.nextBytes(iv);
    byte[] aesKey = pbkdf2(new SHA256Digest(), password, salt, iterations, 32);
    byte[] encrypted;
    try {
      encrypted = aesCbc(true, aesKey, iv, pkcs8);
    } catch (InvalidCipherTextException e) {
      throw new IllegalStateException(e);
    } finally {
      Arrays.fill(aesKey, (byte) 0);
      Arrays.fill(pkcs8, (byte) 0);
    }
    PBKDF2Params kdfParams = new PBKDF2Params(salt, iterations,
        new AlgorithmIdentifier(PKCSObjectIdentifiers.id_hmacWithSHA256, DERNull.INSTANCE));
    PBES2Parameters pbes2 = new PBES2Parameters(
        new KeyDerivationFunc(PKCSObjectIdentifiers.id_PBKDF2, kdfParams),
        new EncryptionScheme(NISTObjectIdentifiers.id_aes256_CBC, new DEROctetString(iv)));
    EncryptedPrivateKeyInfo info = new EncryptedPrivateKeyInfo(
        new AlgorithmIdentifier(PKCSObjectIdentifiers.id_PBES2, pbes2), encrypted);
    try {
      return Keys.pem(PKCS8_ENCRYPTED, info.getEncoded(ASN1Encoding.DER));
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  // ---- reading ---------------------------------------------------------------------------------

  /**
   * Opens a password-protected private key file: PKCS#8 {@code ENCRYPTED PRIVATE KEY} or cosign's
   * {@code ENCRYPTED SIGSTORE|COSIGN PRIVATE KEY}. The key must be on the verification allow-list
   * (EC P-256/P-384/P-521, RSA 2048 to 4096 bits, Ed25519).
   *
   * @throws KeyFileException {@link Problem#WRONG_PASSWORD} when the password does not open it
   */
  public static SigningKey open(byte[] file, byte[] password) throws KeyFileException {
    if (file == null || file.length == 0) {
      throw new KeyFileException(Problem.MALFORMED, "empty key file");
    }
    if (file.length > MAX_KEY_FILE_BYTES) {
      throw new KeyFileException(Problem.MALFORMED, "a key file is at most " + MAX_KEY_FILE_BYTES + " bytes");
    }
    PemObject pem = firstPem(file);
    byte[] pkcs8;
    String format;
    switch (pem.getType()) {
      case PKCS8_ENCRYPTED -> {
        pkcs8 = decryptPkcs8(pem.getContent(), password);
        format = "pkcs8";
      }
      case SIGSTORE, COSIGN -> {
        pkcs8 = decryptCosign(pem.getContent(), password);
        format = "cosign";
      }
      case "PRIVATE KEY", "EC PRIVATE KEY", "RSA PRIVATE KEY" -> throw new KeyFileException(Problem.NOT_ENCRYPTED,
          "the private key is not encrypted; encrypt it (airlock keygen writes encrypted keys, or "
              + "openssl pkcs8 -topk8 -v2 aes-256-cbc -v2prf hmacWithSHA256)");
      default -> throw new KeyFileException(Problem.MALFORMED,
          "PEM type '" + pem.getType() + "' is not a private key (expected " + PKCS8_ENCRYPTED + " or " + SIGSTORE + ")");
    }
    try {
      return fromPkcs8(pkcs8, format);
    } catch (KeyFileException e) {
      if (format.equals("pkcs8") && e.problem() == Problem.MALFORMED) {
        // AES-CBC is not authenticated: about one wrong password in 256 passes the padding check
        // and decrypts to bytes that are no PKCS#8 key. Decrypted by the right password, a
        // well-formed file parses; so this is a wrong password, or a damaged file.
        throw new KeyFileException(Problem.WRONG_PASSWORD,
            "wrong password (or the key file is damaged): the decrypted key does not parse", e);
      }
      throw e;
    } finally {
      Arrays.fill(pkcs8, (byte) 0);
    }
  }

  private static PemObject firstPem(byte[] file) throws KeyFileException {
    try (PemReader r = new PemReader(new java.io.StringReader(new String(file, StandardCharsets.US_ASCII)))) {
      PemObject o = r.readPemObject();
      if (o == null) {
        throw new KeyFileException(Problem.MALFORMED, "no PEM block");
      }
      return o;
    } catch (IOException | RuntimeException e) {
      throw new KeyFileException(Problem.MALFORMED, "malformed PEM: " + e.getMessage(), e);
    }
  }

  /** RFC 8018 section 6.2.2 (PBES2 decryption) over RFC 5958 EncryptedPrivateKeyInfo. */
  static byte[] decryptPkcs8(byte[] der, byte[] password) throws KeyFileException {
    return decryptPkcs8(der, password, false);
  }

  /**
   * {@link #decryptPkcs8(byte[], byte[])}, optionally also with PBKDF2's default PRF, HMAC-SHA-1
   * (what OpenSSL 1.0's {@code pkcs8 -topk8 -v2} wrote): the publisher reads TUF role keys that
   * trust administrators made years ago; cosign key files never use it.
   *
   * @return the PKCS#8 DER of the private key
   */
  public static byte[] decryptPkcs8(byte[] der, byte[] password, boolean acceptHmacSha1) throws KeyFileException {
    EncryptedPrivateKeyInfo info;
    PBES2Parameters pbes2;
    try {
      info = EncryptedPrivateKeyInfo.getInstance(der);
      if (!PKCSObjectIdentifiers.id_PBES2.equals(info.getEncryptionAlgorithm().getAlgorithm())) {
        throw new KeyFileException(Problem.UNSUPPORTED, "encryption " + info.getEncryptionAlgorithm().getAlgorithm()
            + " is not PBES2 (older PKCS#5 v1.5 / PKCS#12 schemes are refused)");
      }
      pbes2 = PBES2Parameters.getInstance(info.getEncryptionAlgorithm().getParameters());
    } catch (IllegalArgumentException | IllegalStateException | ClassCastException | NullPointerException e) {
      throw new KeyFileException(Problem.MALFORMED, "not a DER EncryptedPrivateKeyInfo: " + e.getMessage(), e);
    }
    EncryptionScheme scheme = pbes2.getEncryptionScheme();
    int keyLen;
    ASN1ObjectIdentifier enc = scheme.getAlgorithm();
    if (NISTObjectIdentifiers.id_aes256_CBC.equals(enc)) {
      keyLen = 32;
    } else if (NISTObjectIdentifiers.id_aes192_CBC.equals(enc)) {
      keyLen = 24;
    } else if (NISTObjectIdentifiers.id_aes128_CBC.equals(enc)) {
      keyLen = 16;
    } else {
      throw new KeyFileException(Problem.UNSUPPORTED, "cipher " + enc + " is not AES-CBC");
    }
    byte[] iv;
    try {
      iv = ASN1OctetString.getInstance(scheme.getParameters()).getOctets();
    } catch (RuntimeException e) {
      throw new KeyFileException(Problem.MALFORMED, "AES-CBC without an IV", e);
    }
    if (iv.length != 16) {
      throw new KeyFileException(Problem.MALFORMED, "AES-CBC IV of " + iv.length + " bytes");
    }
    byte[] key = deriveKey(pbes2.getKeyDerivationFunc(), password, keyLen, acceptHmacSha1);
    try {
      return aesCbc(false, key, iv, info.getEncryptedData());
    } catch (InvalidCipherTextException | RuntimeException e) {
      // a wrong key yields a wrong last block: the padding check fails (about 255 in 256 times;
      // the other times the PKCS#8 parse of open() fails, and open() says wrong password too)
      throw new KeyFileException(Problem.WRONG_PASSWORD, "wrong password (or the key file is damaged)", e);
    } finally {
      Arrays.fill(key, (byte) 0);
    }
  }

  private static byte[] deriveKey(KeyDerivationFunc kdf, byte[] password, int keyLen, boolean acceptHmacSha1)
      throws KeyFileException {
    ASN1ObjectIdentifier alg = kdf.getAlgorithm();
    if (PKCSObjectIdentifiers.id_PBKDF2.equals(alg)) {
      PBKDF2Params p;
      try {
        p = PBKDF2Params.getInstance(kdf.getParameters());
      } catch (RuntimeException e) {
        throw new KeyFileException(Problem.MALFORMED, "malformed PBKDF2 parameters", e);
      }
      Digest prf;
      ASN1ObjectIdentifier prfOid = p.getPrf().getAlgorithm();
      if (PKCSObjectIdentifiers.id_hmacWithSHA256.equals(prfOid)) {
        prf = new SHA256Digest();
      } else if (PKCSObjectIdentifiers.id_hmacWithSHA384.equals(prfOid)) {
        prf = new SHA384Digest();
      } else if (PKCSObjectIdentifiers.id_hmacWithSHA512.equals(prfOid)) {
        prf = new SHA512Digest();
      } else if (acceptHmacSha1 && PKCSObjectIdentifiers.id_hmacWithSHA1.equals(prfOid)) {
        prf = new org.bouncycastle.crypto.digests.SHA1Digest();
      } else {
        throw new KeyFileException(Problem.UNSUPPORTED, "PBKDF2 PRF " + prfOid + " is not HMAC-SHA-256/384/512"
            + (p.isDefaultPrf() ? " (HMAC-SHA-1 is refused)" : ""));
      }
      BigInteger it = p.getIterationCount();
      if (it.signum() <= 0 || it.compareTo(BigInteger.valueOf(MAX_PBKDF2_ITERATIONS)) > 0) {
        throw new KeyFileException(Problem.UNSUPPORTED, "PBKDF2 iteration count " + it + " outside 1.." + MAX_PBKDF2_ITERATIONS);
      }
      checkKeyLength(p.getKeyLength(), keyLen);
      return pbkdf2(prf, password, p.getSalt(), it.intValue(), keyLen);
    }
    if (ID_SCRYPT.equals(alg)) {
      // RFC 7914 section 7: scrypt-params ::= SEQUENCE { salt OCTET STRING, costParameter INTEGER,
      //   blockSize INTEGER, parallelizationParameter INTEGER, keyLength INTEGER OPTIONAL }
      byte[] salt;
      BigInteger n;
      BigInteger r;
      BigInteger pp;
      BigInteger len = null;
      try {
        ASN1Sequence s = ASN1Sequence.getInstance(kdf.getParameters());
        if (s.size() < 4 || s.size() > 5) {
          throw new IllegalArgumentException("scrypt-params has " + s.size() + " elements");
        }
        salt = ASN1OctetString.getInstance(s.getObjectAt(0)).getOctets();
        n = ASN1Integer.getInstance(s.getObjectAt(1)).getValue();
        r = ASN1Integer.getInstance(s.getObjectAt(2)).getValue();
        pp = ASN1Integer.getInstance(s.getObjectAt(3)).getValue();
        if (s.size() == 5) {
          len = ASN1Integer.getInstance(s.getObjectAt(4)).getValue();
        }
      } catch (RuntimeException e) {
        throw new KeyFileException(Problem.MALFORMED, "malformed scrypt parameters: " + e.getMessage(), e);
      }
      checkKeyLength(len, keyLen);
      return scrypt(password, salt, n, r, pp, keyLen);
    }
    throw new KeyFileException(Problem.UNSUPPORTED, "key derivation " + alg + " is not PBKDF2 or scrypt");
  }

  private static void checkKeyLength(BigInteger declared, int expected) throws KeyFileException {
    if (declared != null && declared.intValue() != expected) {
      throw new KeyFileException(Problem.MALFORMED, "KDF key length " + declared + " does not fit the cipher (" + expected + ")");
    }
  }

  /** scrypt with bounded cost: N a power of two above 1, memory 128 * N * r * p at most 256 MiB. */
  static byte[] scrypt(byte[] password, byte[] salt, BigInteger n, BigInteger r, BigInteger p, int keyLen)
      throws KeyFileException {
    if (n.compareTo(BigInteger.ONE) <= 0 || n.bitCount() != 1 || n.bitLength() > 31
        || r.signum() <= 0 || r.bitLength() > 16 || p.signum() <= 0 || p.bitLength() > 16) {
      throw new KeyFileException(Problem.UNSUPPORTED, "scrypt parameters N=" + n + " r=" + r + " p=" + p + " are not allowed");
    }
    long memory = 128L * n.longValue() * r.longValue() * p.longValue();
    if (memory > MAX_SCRYPT_MEMORY) {
      throw new KeyFileException(Problem.UNSUPPORTED, "scrypt parameters N=" + n + " r=" + r + " p=" + p
          + " need more than " + MAX_SCRYPT_MEMORY / (1024 * 1024) + " MiB");
    }
    if (salt == null || salt.length == 0) {
      throw new KeyFileException(Problem.MALFORMED, "scrypt without a salt");
    }
    return SCrypt.generate(password, salt, n.intValue(), r.intValue(), p.intValue(), keyLen);
  }

  static byte[] pbkdf2(Digest prf, byte[] password, byte[] salt, int iterations, int keyLen) {
    PKCS5S2ParametersGenerator g = new PKCS5S2ParametersGenerator(prf);
    g.init(password, salt, iterations);
    return ((KeyParameter) g.generateDerivedParameters(keyLen * 8)).getKey();
  }

  private static byte[] aesCbc(boolean encrypt, byte[] key, byte[] iv, byte[] in) throws InvalidCipherTextException {
    BufferedBlockCipher c = new PaddedBufferedBlockCipher(CBCBlockCipher.newInstance(AESEngine.newInstance()),
        new PKCS7Padding());
    c.init(encrypt, new ParametersWithIV(new KeyParameter(key), iv));
    byte[] out = new byte[c.getOutputSize(in.length)];
    int n = c.processBytes(in, 0, in.length, out, 0);
    n += c.doFinal(out, n);
    return n == out.length ? out : Arrays.copyOf(out, n);
  }

  /**
   * cosign's encrypted key (go-securesystemslib encrypted.Decrypt): scrypt(password, salt, N, r, p)
   * gives the 32-byte secretbox key; NaCl secretbox open (XSalsa20 keystream: its first 32 bytes are
   * the Poly1305 key, the rest encrypts; the 16-byte tag comes first and covers the ciphertext).
   */
  static byte[] decryptCosign(byte[] jsonBytes, byte[] password) throws KeyFileException {
    JsonNode j;
    try {
      j = Json.parse(jsonBytes, "cosign private key");
    } catch (AirlockException e) {
      throw new KeyFileException(Problem.MALFORMED, "cosign key body is not JSON: " + e.getMessage(), e);
    }
    JsonNode kdf = j.path("kdf");
    JsonNode cipher = j.path("cipher");
    if (!"scrypt".equals(kdf.path("name").asText(null))) {
      throw new KeyFileException(Problem.UNSUPPORTED, "cosign key KDF '" + kdf.path("name").asText("") + "' is not scrypt");
    }
    if (!"nacl/secretbox".equals(cipher.path("name").asText(null))) {
      throw new KeyFileException(Problem.UNSUPPORTED, "cosign key cipher '" + cipher.path("name").asText("")
          + "' is not nacl/secretbox");
    }
    JsonNode params = kdf.path("params");
    for (String k : new String[] {"N", "r", "p"}) {
      if (!params.path(k).canConvertToLong()) {
        throw new KeyFileException(Problem.MALFORMED, "cosign key: kdf.params." + k + " is missing");
      }
    }
    byte[] salt = b64(kdf.path("salt"), "kdf.salt");
    byte[] nonce = b64(cipher.path("nonce"), "cipher.nonce");
    byte[] box = b64(j.path("ciphertext"), "ciphertext");
    if (nonce.length != 24) {
      throw new KeyFileException(Problem.MALFORMED, "secretbox nonce of " + nonce.length + " bytes (expected 24)");
    }
    if (box.length < 16) {
      throw new KeyFileException(Problem.MALFORMED, "secretbox shorter than its tag");
    }
    byte[] key = scrypt(password, salt, BigInteger.valueOf(params.path("N").asLong()),
        BigInteger.valueOf(params.path("r").asLong()), BigInteger.valueOf(params.path("p").asLong()), 32);
    try {
      return secretboxOpen(key, nonce, box);
    } finally {
      Arrays.fill(key, (byte) 0);
    }
  }

  /** NaCl crypto_secretbox_open (XSalsa20-Poly1305), box = tag(16) || ciphertext. */
  static byte[] secretboxOpen(byte[] key, byte[] nonce, byte[] box) throws KeyFileException {
    XSalsa20Engine x = new XSalsa20Engine();
    x.init(false, new ParametersWithIV(new KeyParameter(key), nonce));
    byte[] polyKey = new byte[32];
    x.processBytes(new byte[32], 0, 32, polyKey, 0);
    Poly1305 mac = new Poly1305();
    mac.init(new KeyParameter(polyKey));
    mac.update(box, 16, box.length - 16);
    byte[] tag = new byte[16];
    mac.doFinal(tag, 0);
    Arrays.fill(polyKey, (byte) 0);
    if (!MessageDigest.isEqual(tag, Arrays.copyOfRange(box, 0, 16))) {
      throw new KeyFileException(Problem.WRONG_PASSWORD, "wrong password (or the key file is damaged)");
    }
    byte[] plain = new byte[box.length - 16];
    x.processBytes(box, 16, plain.length, plain, 0);
    return plain;
  }

  private static byte[] b64(JsonNode n, String what) throws KeyFileException {
    if (!n.isTextual()) {
      throw new KeyFileException(Problem.MALFORMED, "cosign key: " + what + " is missing");
    }
    try {
      return Base64.getDecoder().decode(n.asText());
    } catch (IllegalArgumentException e) {
      throw new KeyFileException(Problem.MALFORMED, "cosign key: " + what + " is not base64", e);
    }
  }

  // ---- the decrypted key -----------------------------------------------------------------------

  /**
   * The key pair of PKCS#8 DER: the JDK private key and its public key, derived from the private
   * key (EC: d * G; Ed25519: RFC 8032 section 5.1.5; RSA: modulus and public exponent of the CRT
   * form) and checked against the verification allow-list.
   */
  static SigningKey fromPkcs8(byte[] pkcs8, String format) throws KeyFileException {
    PrivateKey priv;
    try {
      priv = Keys.parsePkcs8(pkcs8);
    } catch (Keys.KeyException e) {
      // the decryption check passed, so this is the content, not the password (cosign's SEC 1
      // "EC PRIVATE KEY" inside an encrypted file, for example, is not PKCS#8)
      throw new KeyFileException(Problem.MALFORMED, "the decrypted key is not a PKCS#8 EC, RSA or Ed25519 key: "
          + e.getMessage(), e);
    }
    byte[] spki;
    try {
      AsymmetricKeyParameter p = PrivateKeyFactory.createKey(pkcs8);
      AsymmetricKeyParameter pub;
      if (p instanceof ECPrivateKeyParameters ec) {
        if (!(ec.getParameters() instanceof ECNamedDomainParameters named)) {
          throw new KeyFileException(Problem.UNSUPPORTED, "EC key without a named curve");
        }
        ECPoint q = new FixedPointCombMultiplier().multiply(named.getG(), ec.getD()).normalize();
        pub = new ECPublicKeyParameters(q, named);
      } else if (p instanceof Ed25519PrivateKeyParameters ed) {
        pub = ed.generatePublicKey();
      } else if (p instanceof RSAPrivateCrtKeyParameters rsa) {
        pub = new RSAKeyParameters(false, rsa.getModulus(), rsa.getPublicExponent());
      } else {
        throw new KeyFileException(Problem.UNSUPPORTED, "key type " + p.getClass().getSimpleName() + " is not supported");
      }
      spki = SubjectPublicKeyInfoFactory.createSubjectPublicKeyInfo(pub).getEncoded(ASN1Encoding.DER);
    } catch (IOException | RuntimeException e) {
      throw new KeyFileException(Problem.MALFORMED, "unreadable private key: " + e.getMessage(), e);
    }
    PublicKey pub;
    try {
      pub = Keys.parseSpki(spki);
    } catch (Keys.KeyException e) {
      throw new KeyFileException(e.unsupported() ? Problem.UNSUPPORTED : Problem.MALFORMED,
          "the key is not allowed for signing: " + e.getMessage(), e);
    }
    return new SigningKey(priv, pub, format);
  }

  /** A key pair as a {@link SigningKey} (keygen, tests). */
  public static SigningKey of(KeyPair pair) {
    try {
      return fromPkcs8(pair.getPrivate().getEncoded(), "generated");
    } catch (KeyFileException e) {
      throw new IllegalArgumentException(e.getMessage(), e);
    }
  }

  /** The PEM type of the first block of a file, upper-case, or null (for messages). */
  public static String pemType(byte[] file) {
    try {
      return firstPem(file).getType().toUpperCase(Locale.ROOT);
    } catch (KeyFileException e) {
      return null;
    }
  }
}
