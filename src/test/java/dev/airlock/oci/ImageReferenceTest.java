package dev.airlock.oci;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.airlock.core.Reason;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** Docker's normalisation rules (distribution/reference normalize.go), as a table. */
class ImageReferenceTest {
  static final String D = "sha256:" + "ab".repeat(32);

  @ParameterizedTest
  @CsvSource({
    "ubuntu, docker.io/library/ubuntu, docker.io/library/ubuntu",
    "ubuntu:22.04, docker.io/library/ubuntu:22.04, docker.io/library/ubuntu",
    "library/ubuntu, docker.io/library/ubuntu, docker.io/library/ubuntu",
    "docker.io/ubuntu, docker.io/library/ubuntu, docker.io/library/ubuntu",
    "index.docker.io/library/ubuntu:1, docker.io/library/ubuntu:1, docker.io/library/ubuntu",
    "bitnami/redis:7, docker.io/bitnami/redis:7, docker.io/bitnami/redis",
    "localhost/x, localhost/x, localhost/x",
    "localhost:5000/x, localhost:5000/x, localhost:5000/x",
    "localhost:5000/x:1, localhost:5000/x:1, localhost:5000/x",
    "reg.example/a/b:1.0, reg.example/a/b:1.0, reg.example/a/b",
    "reg.example:443/a/b_c/d-e.f, reg.example:443/a/b_c/d-e.f, reg.example:443/a/b_c/d-e.f",
    "Reg.Example/app, Reg.Example/app, Reg.Example/app",
    "[::1]:5000/app:v, [::1]:5000/app:v, [::1]:5000/app",
  })
  void normalises(String in, String normalised, String repository) {
    ImageReference r = ImageReference.parse(in);
    assertEquals(normalised, r.toString());
    assertEquals(repository, r.repository());
  }

  @Test
  void tagAndDigest() {
    ImageReference r = ImageReference.parse("reg.example/a/b:1.0@" + D);
    assertEquals("reg.example/a/b:1.0@" + D, r.toString());
    assertEquals("1.0", r.tag().orElseThrow());
    assertEquals(D, r.digest().orElseThrow().toString());
    assertFalse(r.isMutable());
  }

  @Test
  void noTagStaysDistinguishableFromLatest() {
    ImageReference none = ImageReference.parse("ubuntu");
    ImageReference latest = ImageReference.parse("ubuntu:latest");
    assertTrue(none.tag().isEmpty());
    assertEquals("latest", latest.tag().orElseThrow());
    assertTrue(none.isMutable());
    assertTrue(latest.isMutable());
    assertFalse(ImageReference.parse("ubuntu:22.04").isMutable());
    assertFalse(ImageReference.parse("ubuntu@" + D).isMutable());
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "upper/Case", "Ubuntu", "a//b", "a/b:", "a:b:c", "a@sha256:12", "-a", "a/-b",
      "reg.example/a b", "a:" + "x" + "0123456789012345678901234567890123456789012345678901234567890123456789"
          + "01234567890123456789012345678901234567890123456789012345678901234567890", "a@md5:abc"})
  void rejects(String s) {
    OciException e = assertThrows(OciException.class, () -> ImageReference.parse(s));
    assertEquals(Reason.REFERENCE_INVALID, e.reason());
  }
}
