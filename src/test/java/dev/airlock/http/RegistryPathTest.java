package dev.airlock.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.airlock.http.RegistryPath.Kind;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** The /v2 path grammar (distribution-spec v1.1 name and tag rules), without a server. */
class RegistryPathTest {
  static final String D = "sha256:" + "0123456789abcdef".repeat(4);

  @ParameterizedTest
  @CsvSource({
      "/v2/, BASE, , ",
      "/v2, BASE, , ",
      "/v2/a/manifests/latest, MANIFEST, a, latest",
      "/v2/vendor.example/radiology/seg/manifests/2.1, MANIFEST, vendor.example/radiology/seg, 2.1",
      "/v2/registry.local:5000/team/app/manifests/v1, MANIFEST, registry.local:5000/team/app, v1",
      "/v2/a__b/c-d/e--f/manifests/_x, MANIFEST, a__b/c-d/e--f, _x",
      "/v2/a/blobs/manifests/b/manifests/v1, MANIFEST, a/blobs/manifests/b, v1",
      "/v2/a/manifests/b/blobs/" + "sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"
          + ", BLOB, a/manifests/b, sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef",
      "/v2/tags/tags/list, TAGS, tags, ",
      "/v2/a/manifests/tags/list, TAGS, a/manifests, ",
      "/v2/a/referrers/sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef, REFERRERS, a, "
          + "sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef",
  })
  void parses(String path, Kind kind, String name, String reference) throws Exception {
    RegistryPath p = RegistryPath.parse(path);
    assertEquals(kind, p.kind());
    assertEquals(name, p.name());
    assertEquals(reference, p.reference());
  }

  @ParameterizedTest
  @CsvSource({
      "/v2/a/../b/manifests/v1, NAME_INVALID, 400",
      "/v2/a/%2e%2e/b/manifests/v1, NAME_INVALID, 400",
      "/v2/a%2Fb/manifests/v1, NAME_INVALID, 400",
      "/v2//a/manifests/v1, NAME_INVALID, 400",
      "/v2/a//b/manifests/v1, NAME_INVALID, 400",
      "/v2/a/b//manifests/v1, NAME_INVALID, 400",
      "/v2/A/manifests/v1, NAME_INVALID, 400",
      "/v2/a./manifests/v1, NAME_INVALID, 400",
      "/v2/a___b/manifests/v1, NAME_INVALID, 400",
      "/v2/a/b:5000/manifests/v1, NAME_INVALID, 400",
      "/v2/manifests/v1, NAME_UNKNOWN, 404",
      "/v2/a/manifests/, MANIFEST_UNKNOWN, 404",
      "/v2/a/manifests/.hidden, MANIFEST_UNKNOWN, 404",
      "/v2/a/manifests/a/b, MANIFEST_UNKNOWN, 404",
      "/v2/a/manifests/sha256:abc, DIGEST_INVALID, 400",
      "/v2/a/blobs/sha512:abc, DIGEST_INVALID, 400",
      "/v2/a/blobs/latest, DIGEST_INVALID, 400",
      "/v2/a/referrers/latest, DIGEST_INVALID, 400",
      "/v2/a/tags/list/, NAME_UNKNOWN, 404",
      "/v2/a, NAME_UNKNOWN, 404",
      "/v3/a/manifests/v1, NAME_UNKNOWN, 404",
  })
  void refuses(String path, String code, int status) {
    RegistryPath.Invalid e = assertThrows(RegistryPath.Invalid.class, () -> RegistryPath.parse(path));
    assertEquals(code, e.code, path);
    assertEquals(status, e.status, path);
  }

  @Test
  void tagsAreAtMost128Characters() throws Exception {
    RegistryPath.parse("/v2/a/manifests/" + "t".repeat(128));
    assertEquals(404, assertThrows(RegistryPath.Invalid.class,
        () -> RegistryPath.parse("/v2/a/manifests/" + "t".repeat(129))).status);
  }

  @Test
  void namesAreAtMost255Characters() throws Exception {
    String name = "a".repeat(127) + "/" + "b".repeat(127);
    assertEquals(255, name.length());
    RegistryPath.parse("/v2/" + name + "/tags/list");
    assertEquals("NAME_INVALID", assertThrows(RegistryPath.Invalid.class,
        () -> RegistryPath.parse("/v2/" + name + "c/tags/list")).code);
  }

  @ParameterizedTest
  @ValueSource(strings = {"vendor.example", "docker.io", "registry.local:5000", "10.0.0.1:443", "Example.COM"})
  void nsIsARegistryHost(String ns) throws Exception {
    RegistryPath.checkNs(ns);
  }

  @ParameterizedTest
  @ValueSource(strings = {"a/b", "host:port", "-x", "a b", "x:123456", "a%2Fb", ".."})
  void nsRefusesAnythingElse(String ns) {
    assertEquals("NAME_INVALID", assertThrows(RegistryPath.Invalid.class, () -> RegistryPath.checkNs(ns)).code);
  }

  @Test
  void digestReference() throws Exception {
    assertEquals(true, RegistryPath.parse("/v2/a/manifests/" + D).isDigestReference());
    assertEquals(false, RegistryPath.parse("/v2/a/manifests/v1").isDigestReference());
  }
}
