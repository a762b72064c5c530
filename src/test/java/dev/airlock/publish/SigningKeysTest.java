package dev.airlock.publish;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.airlock.core.AirlockException;
import dev.airlock.crypto.Keys;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.PrivateKey;
import java.util.List;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.x509.AlgorithmIdentifier;
import org.bouncycastle.openssl.PKCS8Generator;
import org.bouncycastle.openssl.jcajce.JcaPKCS8Generator;
import org.bouncycastle.openssl.jcajce.JceOpenSSLPKCS8EncryptorBuilder;
import org.bouncycastle.util.io.pem.PemWriter;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The publisher's private-key reader: PKCS#8 plain and PBES2-encrypted, and its refusals. */
class SigningKeysTest {
  @TempDir Path tmp;

  Path encrypted(KeyPair p, String password, ASN1ObjectIdentifier cipher, AlgorithmIdentifier prf) throws Exception {
    JceOpenSSLPKCS8EncryptorBuilder b = new JceOpenSSLPKCS8EncryptorBuilder(cipher);
    b.setPassword(password.toCharArray());
    b.setPRF(prf);
    b.setIterationCount(2048);
    b.setProvider(new org.bouncycastle.jce.provider.BouncyCastleProvider());
    StringWriter w = new StringWriter();
    try (PemWriter pw = new PemWriter(w)) {
      pw.writeObject(new JcaPKCS8Generator(p.getPrivate(), b.build()).generate());
    }
    Path f = tmp.resolve("k" + System.nanoTime() + ".pem");
    Files.writeString(f, w.toString());
    return f;
  }

  @Test
  void readsEncryptedPkcs8WithEveryAcceptedCipherAndPrf() throws Exception {
    KeyPair ed = Keys.generateEd25519();
    KeyPair ec = Keys.generateEc("secp256r1");
    for (ASN1ObjectIdentifier cipher : List.of(PKCS8Generator.AES_128_CBC, PKCS8Generator.AES_256_CBC)) {
      for (AlgorithmIdentifier prf : List.of(PKCS8Generator.PRF_HMACSHA1, PKCS8Generator.PRF_HMACSHA256,
          PKCS8Generator.PRF_HMACSHA512)) {
        for (KeyPair p : List.of(ed, ec)) {
          Path f = encrypted(p, "s3cret", cipher, prf);
          assertTrue(Files.readString(f).contains("ENCRYPTED PRIVATE KEY"));
          PrivateKey k = SigningKeys.load(f, List.of("wrong".toCharArray(), "s3cret".toCharArray()));
          assertArrayEquals(p.getPrivate().getEncoded(), k.getEncoded(), cipher + " " + prf);
          assertTrue(RoleKey.of(p.getPublic()).matches(k));
        }
      }
    }
  }

  @Test
  void refusesWhatItCannotOpen() throws Exception {
    KeyPair p = Keys.generateEd25519();
    Path enc = encrypted(p, "s3cret", PKCS8Generator.AES_256_CBC, PKCS8Generator.PRF_HMACSHA256);
    AirlockException none = assertThrows(AirlockException.class, () -> SigningKeys.load(enc, List.of()));
    assertEquals(AirlockException.Kind.USAGE, none.kind());
    assertTrue(none.getMessage().contains("the key is encrypted"), none.getMessage());
    AirlockException wrong = assertThrows(AirlockException.class,
        () -> SigningKeys.load(enc, List.of("nope".toCharArray(), "also nope".toCharArray())));
    assertTrue(wrong.getMessage().contains("no given password decrypts the key"), wrong.getMessage());
    Path pub = tmp.resolve("k.pub");
    Files.writeString(pub, Keys.toPem(p.getPublic()));
    AirlockException notPrivate = assertThrows(AirlockException.class, () -> SigningKeys.load(pub, List.of()));
    assertTrue(notPrivate.getMessage().contains("not a PEM PRIVATE KEY"), notPrivate.getMessage());
    Path plain = tmp.resolve("plain.pem");
    Files.writeString(plain, Keys.toPem(p.getPrivate()));
    assertArrayEquals(p.getPrivate().getEncoded(), SigningKeys.load(plain, List.of()).getEncoded());
    // a key that is not the role's does not match it
    assertTrue(!RoleKey.of(Keys.generateEd25519().getPublic()).matches(SigningKeys.load(plain, List.of())));
  }
}
