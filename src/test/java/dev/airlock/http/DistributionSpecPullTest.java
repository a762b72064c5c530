package dev.airlock.http;

import static dev.airlock.http.ServeHarness.json;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The pull checks of the OCI distribution-spec conformance suite, {@code conformance/01_pull_test.go}
 * at tag v1.1.1 (opencontainers/distribution-spec), re-stated as JUnit tests; each test names the
 * {@code g.Specify} it mirrors. Assertions are the suite's, tightened where the appliance promises
 * more (the suite accepts a missing {@code Docker-Content-Digest}; the appliance always sends it).
 *
 * <p>The suite's "Setup" context pushes two configs, a layer and two manifests; the appliance is
 * read-only, so this test runs the suite's pre-populated mode ({@code OCI_TAG_NAME}, "Get tag name
 * from environment"): the content is {@link Content}, taken here from {@link FakeServeBackend}. To
 * point these tests at the real backend, build {@link Content} from an imported medium instead.
 * "Teardown" deletes; a registry may answer 405 there, and the appliance does.
 */
class DistributionSpecPullTest {
  /** What the suite's setup would have pushed: {@code configs[0]}, {@code manifests[0..1]}, the tag. */
  record Content(String name, String config0Digest, String layerDigest, List<String> manifestDigests, String tag,
      String dummyDigest) {}

  @TempDir
  static Path dir;
  static ServeHarness serve;
  static Content c;

  @BeforeAll
  static void start() throws Exception {
    FakeServeBackend backend = new FakeServeBackend(dir);
    c = new Content(FakeServeBackend.ADMITTED, backend.configDigest, backend.layerDigest,
        List.of(backend.manifests.get(0).digest(), backend.manifests.get(1).digest()), "v1", backend.unknownDigest);
    serve = ServeHarness.plain(backend);
  }

  @AfterAll
  static void stop() {
    serve.close();
  }

  static final String ACCEPT_MANIFEST = "application/vnd.oci.image.manifest.v1+json";

  String blob(String digest) {
    return "/v2/" + c.name() + "/blobs/" + digest;
  }

  String manifest(String reference) {
    return "/v2/" + c.name() + "/manifests/" + reference;
  }

  static Optional<String> digestHeader(HttpResponse<byte[]> r) {
    return r.headers().firstValue("Docker-Content-Digest");
  }

  // ---- g.Context("Pull blobs") ------------------------------------------------------------------

  /** Mirrors "HEAD request to nonexistent blob should result in 404 response" (dummyDigest). */
  @Test
  void headNonexistentBlobIs404() {
    assertEquals(404, serve.head(blob(c.dummyDigest())).statusCode());
  }

  /** Mirrors "HEAD request to existing blob should yield 200" and its Docker-Content-Digest check. */
  @Test
  void headExistingBlobIs200WithItsDigest() {
    HttpResponse<byte[]> r = serve.head(blob(c.config0Digest()));
    assertEquals(200, r.statusCode());
    assertEquals(c.config0Digest(), digestHeader(r).orElseThrow());
  }

  /** Mirrors "GET nonexistent blob should result in 404 response". */
  @Test
  void getNonexistentBlobIs404() {
    assertEquals(404, serve.get(blob(c.dummyDigest())).statusCode());
  }

  /** Mirrors "GET request to existing blob URL should yield 200" (for configs[0] and, beyond it, the layer). */
  @Test
  void getExistingBlobIs200() {
    HttpResponse<byte[]> r = serve.get(blob(c.config0Digest()));
    assertEquals(200, r.statusCode());
    assertEquals(c.config0Digest(), FakeServeBackend.sha256(r.body()));
    r = serve.get(blob(c.layerDigest()));
    assertEquals(200, r.statusCode());
    assertEquals(c.layerDigest(), FakeServeBackend.sha256(r.body()));
  }

  // ---- g.Context("Pull manifests") --------------------------------------------------------------

  /** Mirrors "HEAD request to nonexistent manifest should return 404" (reference nonexistentManifest). */
  @Test
  void headNonexistentManifestIs404() {
    assertEquals(404, serve.head(manifest(".INVALID_MANIFEST_NAME")).statusCode());
  }

  /** Mirrors "HEAD request to manifest[0] path (digest) should yield 200 response". */
  @Test
  void headManifest0ByDigestIs200() {
    HttpResponse<byte[]> r = serve.head(manifest(c.manifestDigests().get(0)), "Accept", ACCEPT_MANIFEST);
    assertEquals(200, r.statusCode());
    assertEquals(c.manifestDigests().get(0), digestHeader(r).orElseThrow());
  }

  /** Mirrors "HEAD request to manifest[1] path (digest) should yield 200 response". */
  @Test
  void headManifest1ByDigestIs200() {
    HttpResponse<byte[]> r = serve.head(manifest(c.manifestDigests().get(1)), "Accept", ACCEPT_MANIFEST);
    assertEquals(200, r.statusCode());
    assertEquals(c.manifestDigests().get(1), digestHeader(r).orElseThrow());
  }

  /** Mirrors "HEAD request to manifest path (tag) should yield 200 response" (the digest is manifests[0]'s). */
  @Test
  void headManifestByTagIs200() {
    HttpResponse<byte[]> r = serve.head(manifest(c.tag()), "Accept", ACCEPT_MANIFEST);
    assertEquals(200, r.statusCode());
    assertEquals(c.manifestDigests().get(0), digestHeader(r).orElseThrow());
  }

  /** Mirrors "GET nonexistent manifest should return 404". */
  @Test
  void getNonexistentManifestIs404() {
    assertEquals(404, serve.get(manifest(".INVALID_MANIFEST_NAME")).statusCode());
  }

  /** Mirrors "GET request to manifest[0] path (digest) should yield 200 response". */
  @Test
  void getManifest0ByDigestIs200() {
    HttpResponse<byte[]> r = serve.get(manifest(c.manifestDigests().get(0)), "Accept", ACCEPT_MANIFEST);
    assertEquals(200, r.statusCode());
    assertEquals(c.manifestDigests().get(0), FakeServeBackend.sha256(r.body()));
  }

  /** Mirrors "GET request to manifest[1] path (digest) should yield 200 response". */
  @Test
  void getManifest1ByDigestIs200() {
    HttpResponse<byte[]> r = serve.get(manifest(c.manifestDigests().get(1)), "Accept", ACCEPT_MANIFEST);
    assertEquals(200, r.statusCode());
    assertEquals(c.manifestDigests().get(1), FakeServeBackend.sha256(r.body()));
  }

  /** Mirrors "GET request to manifest path (tag) should yield 200 response". */
  @Test
  void getManifestByTagIs200() {
    HttpResponse<byte[]> r = serve.get(manifest(c.tag()), "Accept", ACCEPT_MANIFEST);
    assertEquals(200, r.statusCode());
    assertEquals(c.manifestDigests().get(0), FakeServeBackend.sha256(r.body()));
  }

  // ---- g.Context("Error codes") -----------------------------------------------------------------

  /**
   * Mirrors "400 response body should contain OCI-conforming JSON message": GET
   * {@code manifests/sha256:totallywrong} (with the suite's invalid body) is 400 or 404, and a 400
   * body's first error code is one of the spec's codes.
   */
  @Test
  void badDigestErrorBodyIsOciConforming() {
    HttpResponse<byte[]> r = serve.send("GET", manifest("sha256:totallywrong"),
        "blablabla".getBytes(StandardCharsets.UTF_8), "Content-Type", ACCEPT_MANIFEST);
    assertTrue(r.statusCode() == 400 || r.statusCode() == 404, Integer.toString(r.statusCode()));
    if (r.statusCode() == 400) {
      JsonNode errors = json(r).path("errors");
      assertFalse(errors.isEmpty());
      assertTrue(List.of("BLOB_UNKNOWN", "BLOB_UPLOAD_INVALID", "BLOB_UPLOAD_UNKNOWN", "DIGEST_INVALID",
          "MANIFEST_BLOB_UNKNOWN", "MANIFEST_INVALID", "MANIFEST_UNKNOWN", "MANIFEST_UNVERIFIED", "NAME_INVALID",
          "NAME_UNKNOWN", "SIZE_INVALID", "TAG_INVALID", "UNAUTHORIZED", "DENIED", "UNSUPPORTED")
          .contains(errors.path(0).path("code").asText()), errors.toString());
    }
  }

  // ---- g.Context("Teardown") --------------------------------------------------------------------

  /** Mirrors "Delete manifest[0] created in setup" and "Delete manifest[1] ...": 2xx or 405. */
  @Test
  void deleteManifestIs405() {
    for (String d : c.manifestDigests()) {
      assertEquals(405, serve.send("DELETE", manifest(d), null).statusCode());
    }
    // and nothing was deleted
    assertEquals(200, serve.head(manifest(c.manifestDigests().get(0))).statusCode());
  }

  /** Mirrors "Delete config[0] blob ...", "Delete config[1] blob ...", "Delete layer blob ...": 2xx, 404 or 405. */
  @Test
  void deleteBlobIs405() {
    for (String d : List.of(c.config0Digest(), c.layerDigest())) {
      assertEquals(405, serve.send("DELETE", blob(d), null).statusCode());
    }
    assertEquals(200, serve.head(blob(c.layerDigest())).statusCode());
  }

  // ---- the suite's checks once more in the containerd mirror form (DESIGN.md 9) ------------------

  /** "GET request to manifest path (tag)" and "GET request to existing blob URL" with {@code ?ns=}. */
  @Test
  void theNsFormPassesTheSameChecks() {
    int slash = c.name().indexOf('/');
    String host = c.name().substring(0, slash);
    String repo = c.name().substring(slash + 1);
    HttpResponse<byte[]> r = serve.get("/v2/" + repo + "/manifests/" + c.tag() + "?ns=" + host);
    assertEquals(200, r.statusCode());
    assertEquals(c.manifestDigests().get(0), digestHeader(r).orElseThrow());
    assertEquals(200, serve.get("/v2/" + repo + "/blobs/" + c.config0Digest() + "?ns=" + host).statusCode());
    assertEquals(404, serve.head("/v2/" + repo + "/blobs/" + c.dummyDigest() + "?ns=" + host).statusCode());
  }
}
