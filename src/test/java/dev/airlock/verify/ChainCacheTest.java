package dev.airlock.verify;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.airlock.crypto.Certificates;
import dev.airlock.crypto.InvalidSignatureException;
import dev.airlock.lab.LeafSpec;
import dev.airlock.lab.SigstoreLab;
import dev.airlock.testing.Bytes;
import java.security.cert.X509Certificate;
import org.junit.jupiter.api.Test;

/** The memo of verified bundle certificate links: it may skip work, never a rejection. */
class ChainCacheTest {
  private final SigstoreLab lab = SigstoreLab.create(31);

  @Test
  void remembersOnlyVerifiedLinksUnderTheSameKey() throws Exception {
    ChainCache cache = new ChainCache();
    X509Certificate leaf = lab.keyless(LeafSpec.email("a@lab.internal")).leaf();
    X509Certificate intermediate = lab.ca().intermediate();
    cache.verifyLink(leaf, intermediate.getPublicKey());
    cache.verifyLink(leaf, intermediate.getPublicKey());
    assertEquals(1, cache.rememberedLinks(), "the second check of the same link is answered from the memo");

    // the same certificate under another key is checked again, and fails
    assertThrows(InvalidSignatureException.class, () -> cache.verifyLink(leaf, lab.ca().root().getPublicKey()));
    assertThrows(InvalidSignatureException.class, () -> cache.verifyLink(leaf, leaf.getPublicKey()));
    assertEquals(1, cache.rememberedLinks(), "failures are not remembered");
  }

  @Test
  void aChangedCertificateIsCheckedAgainAndRejected() throws Exception {
    ChainCache cache = new ChainCache();
    X509Certificate leaf = lab.keyless(LeafSpec.email("b@lab.internal")).leaf();
    X509Certificate intermediate = lab.ca().intermediate();
    cache.verifyLink(leaf, intermediate.getPublicKey());
    byte[] der = leaf.getEncoded();
    int email = Bytes.indexOf(der, "b@lab.internal");
    // a bit of the signature value (the last bytes), and the email in the SAN ('b' becomes 'c')
    for (int at : new int[] {der.length - 3, email}) {
      byte[] m = der.clone();
      m[at] ^= 0x01;
      X509Certificate changed = Certificates.parseDer(m);
      assertThrows(InvalidSignatureException.class, () -> cache.verifyLink(changed, intermediate.getPublicKey()),
          "a certificate differing at byte " + at + " must be verified again");
    }
    assertEquals(1, cache.rememberedLinks());
  }

  @Test
  void isBounded() throws Exception {
    ChainCache cache = new ChainCache(8);
    X509Certificate intermediate = lab.ca().intermediate();
    for (int i = 0; i < 20; i++) {
      cache.verifyLink(lab.keyless(LeafSpec.email("x" + i + "@lab.internal")).leaf(), intermediate.getPublicKey());
    }
    assertEquals(8, cache.rememberedLinks());
    assertEquals(512, ChainCache.LINKS, "the bound documented in docs/verification.md");
  }
}
