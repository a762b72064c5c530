package dev.airlock.http;

import static dev.airlock.http.FakeServeBackend.ADMITTED;
import static dev.airlock.http.ServeHarness.errorCode;
import static dev.airlock.http.ServeHarness.json;
import static dev.airlock.http.ServeHarness.rawBody;
import static dev.airlock.http.ServeHarness.rawStatus;
import static dev.airlock.http.ServeHarness.text;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The /v2 routes of DESIGN.md section 9 over a real socket, against {@link FakeServeBackend}. */
class RegistryRoutesTest {
  @TempDir
  static Path dir;
  static FakeServeBackend backend;
  static ServeHarness serve;

  @BeforeAll
  static void start() throws Exception {
    backend = new FakeServeBackend(dir);
    serve = ServeHarness.plain(backend);
  }

  @AfterAll
  static void stop() {
    serve.close();
  }

  static String manifestPath(String reference) {
    return "/v2/" + ADMITTED + "/manifests/" + reference;
  }

  @Test
  void baseAnswersEmptyObjectWithApiVersionHeader() {
    HttpResponse<byte[]> r = serve.get("/v2/");
    assertEquals(200, r.statusCode());
    assertEquals("{}", text(r));
    assertEquals("registry/2.0", r.headers().firstValue("Docker-Distribution-API-Version").orElseThrow());
  }

  @Test
  void manifestByTagIsTheExactBytesWithDigestTypeLengthAndEtag() {
    var m = backend.manifests.get(0);
    HttpResponse<byte[]> r = serve.get(manifestPath("v1"));
    assertEquals(200, r.statusCode());
    assertArrayEquals(m.bytes(), r.body());
    assertEquals(m.mediaType(), r.headers().firstValue("Content-Type").orElseThrow());
    assertEquals(m.digest(), r.headers().firstValue("Docker-Content-Digest").orElseThrow());
    assertEquals(Long.toString(m.bytes().length), r.headers().firstValue("Content-Length").orElseThrow());
    assertEquals("\"" + m.digest() + "\"", r.headers().firstValue("ETag").orElseThrow());
  }

  @Test
  void manifestByDigestAndHeadWithoutBody() {
    var m = backend.manifests.get(1);
    HttpResponse<byte[]> r = serve.head(manifestPath(m.digest()));
    assertEquals(200, r.statusCode());
    assertEquals(0, r.body().length);
    assertEquals(m.digest(), r.headers().firstValue("Docker-Content-Digest").orElseThrow());
    assertEquals(Long.toString(m.bytes().length), r.headers().firstValue("Content-Length").orElseThrow());
    assertArrayEquals(m.bytes(), serve.get(manifestPath(m.digest())).body());
  }

  @Test
  void nsFormAddressesTheSameImageAndReachesTheBackend() {
    HttpResponse<byte[]> r = serve.get("/v2/radiology/segmenter/manifests/v2?ns=vendor.example");
    assertEquals(200, r.statusCode(), text(r));
    assertArrayEquals(backend.manifests.get(1).bytes(), r.body());
    assertTrue(backend.calls.contains("manifest(radiology/segmenter,vendor.example,v2)"), backend.calls.toString());
  }

  @Test
  void deniedManifestIs403DeniedWithTheReasons() {
    HttpResponse<byte[]> r = serve.get("/v2/" + FakeServeBackend.DENIED + "/manifests/v1");
    assertEquals(403, r.statusCode());
    JsonNode e = json(r).path("errors").path(0);
    assertEquals("DENIED", e.path("code").asText());
    assertEquals("denied by the installed policy", e.path("message").asText());
    List<String> reasons = new ArrayList<>();
    e.path("detail").path("reasons").forEach(x -> reasons.add(x.asText()));
    assertEquals(FakeServeBackend.DENY_REASONS, reasons);
    assertEquals("application/json", r.headers().firstValue("Content-Type").orElseThrow());
  }

  @Test
  void cannotDecideIs503DeniedWithTheReason() {
    HttpResponse<byte[]> r = serve.get("/v2/" + FakeServeBackend.UNDECIDABLE + "/manifests/v1");
    assertEquals(503, r.statusCode());
    JsonNode e = json(r).path("errors").path(0);
    assertEquals("DENIED", e.path("code").asText());
    assertEquals(FakeServeBackend.CANNOT_DECIDE_REASON, e.path("detail").path("reason").asText());
    assertEquals(503, serve.get("/v2/" + FakeServeBackend.UNDECIDABLE + "/tags/list").statusCode());
  }

  @Test
  void unknownRepositoryAndManifestAre404() {
    HttpResponse<byte[]> r = serve.get("/v2/vendor.example/nothing/manifests/v1");
    assertEquals(404, r.statusCode());
    assertEquals("NAME_UNKNOWN", errorCode(r));
    r = serve.get(manifestPath("v9"));
    assertEquals(404, r.statusCode());
    assertEquals("MANIFEST_UNKNOWN", errorCode(r));
  }

  @Test
  void blobStreamsWithDigestTypeAndAcceptRanges() {
    HttpResponse<byte[]> r = serve.get("/v2/" + ADMITTED + "/blobs/" + backend.layerDigest);
    assertEquals(200, r.statusCode());
    assertArrayEquals(backend.layer, r.body());
    assertEquals("application/octet-stream", r.headers().firstValue("Content-Type").orElseThrow());
    assertEquals(backend.layerDigest, r.headers().firstValue("Docker-Content-Digest").orElseThrow());
    assertEquals("bytes", r.headers().firstValue("Accept-Ranges").orElseThrow());
    assertEquals(Long.toString(backend.layer.length), r.headers().firstValue("Content-Length").orElseThrow());
  }

  @Test
  void blobHeadHasLengthAndNoBody() {
    HttpResponse<byte[]> r = serve.head("/v2/" + ADMITTED + "/blobs/" + backend.layerDigest);
    assertEquals(200, r.statusCode());
    assertEquals(0, r.body().length);
    assertEquals(Long.toString(backend.layer.length), r.headers().firstValue("Content-Length").orElseThrow());
  }

  @Test
  void rangeIs206WithContentRange() {
    String path = "/v2/" + ADMITTED + "/blobs/" + backend.layerDigest;
    int size = backend.layer.length;
    HttpResponse<byte[]> r = serve.get(path, "Range", "bytes=100-1099");
    assertEquals(206, r.statusCode());
    assertArrayEquals(Arrays.copyOfRange(backend.layer, 100, 1100), r.body());
    assertEquals("bytes 100-1099/" + size, r.headers().firstValue("Content-Range").orElseThrow());
    r = serve.get(path, "Range", "bytes=" + (size - 10) + "-");
    assertEquals(206, r.statusCode());
    assertArrayEquals(Arrays.copyOfRange(backend.layer, size - 10, size), r.body());
    r = serve.get(path, "Range", "bytes=-5");
    assertEquals(206, r.statusCode());
    assertArrayEquals(Arrays.copyOfRange(backend.layer, size - 5, size), r.body());
    // a last byte past the end is cut to the end (RFC 9110 section 14.1.2)
    r = serve.get(path, "Range", "bytes=0-99999999");
    assertEquals(206, r.statusCode());
    assertEquals(size, r.body().length);
  }

  @Test
  void unsatisfiableRangeIs416() {
    HttpResponse<byte[]> r = serve.get("/v2/" + ADMITTED + "/blobs/" + backend.layerDigest, "Range",
        "bytes=" + backend.layer.length + "-");
    assertEquals(416, r.statusCode());
    assertEquals("bytes */" + backend.layer.length, r.headers().firstValue("Content-Range").orElseThrow());
  }

  @Test
  void unknownBlobIs404() {
    HttpResponse<byte[]> r = serve.get("/v2/" + ADMITTED + "/blobs/" + backend.unknownDigest);
    assertEquals(404, r.statusCode());
    assertEquals("BLOB_UNKNOWN", errorCode(r));
  }

  @Test
  void tagsListIsSortedAndPaginatedWithLink() {
    HttpResponse<byte[]> r = serve.get("/v2/" + ADMITTED + "/tags/list");
    assertEquals(200, r.statusCode());
    assertEquals(List.copyOf(backend.tags.keySet()), tags(r));
    assertEquals(ADMITTED, json(r).path("name").asText());
    assertTrue(r.headers().firstValue("Link").isEmpty());

    List<String> all = new ArrayList<>();
    String next = "/v2/" + ADMITTED + "/tags/list?n=3";
    int pages = 0;
    while (next != null) {
      r = serve.get(next);
      assertEquals(200, r.statusCode());
      List<String> page = tags(r);
      assertTrue(page.size() <= 3, page.toString());
      all.addAll(page);
      next = r.headers().firstValue("Link").map(l -> l.substring(1, l.indexOf('>'))).orElse(null);
      if (next != null) {
        assertTrue(r.headers().firstValue("Link").orElseThrow().endsWith("; rel=\"next\""));
      }
      pages++;
    }
    assertEquals(List.copyOf(backend.tags.keySet()), all);
    assertEquals(3, pages);

    r = serve.get("/v2/" + ADMITTED + "/tags/list?last=b");
    assertEquals(List.of("c", "latest", "v1", "v2"), tags(r));
    r = serve.get("/v2/" + ADMITTED + "/tags/list?n=0");
    assertEquals(List.of(), tags(r));
    assertEquals(400, serve.get("/v2/" + ADMITTED + "/tags/list?n=-1").statusCode());
  }

  @Test
  void tagsLinkKeepsTheNsForm() {
    HttpResponse<byte[]> r = serve.get("/v2/radiology/segmenter/tags/list?n=2&ns=vendor.example");
    assertEquals(200, r.statusCode(), text(r));
    assertEquals("</v2/radiology/segmenter/tags/list?n=2&last=1.0.1&ns=vendor.example>; rel=\"next\"",
        r.headers().firstValue("Link").orElseThrow());
  }

  static List<String> tags(HttpResponse<byte[]> r) {
    List<String> out = new ArrayList<>();
    json(r).path("tags").forEach(t -> out.add(t.asText()));
    return out;
  }

  @Test
  void referrersIsAnIndexAndSaysWhichFilterItApplied() {
    String path = "/v2/" + ADMITTED + "/referrers/" + backend.manifests.get(0).digest();
    HttpResponse<byte[]> r = serve.get(path);
    assertEquals(200, r.statusCode());
    assertEquals("application/vnd.oci.image.index.v1+json", r.headers().firstValue("Content-Type").orElseThrow());
    assertEquals(2, json(r).path("manifests").size());
    assertTrue(r.headers().firstValue("OCI-Filters-Applied").isEmpty());
    r = serve.get(path + "?artifactType=" + FakeServeBackend.ARTIFACT_SBOM.replace("+", "%2B"));
    assertEquals(200, r.statusCode());
    assertEquals("artifactType", r.headers().firstValue("OCI-Filters-Applied").orElseThrow());
    assertEquals(1, json(r).path("manifests").size());
    assertEquals(FakeServeBackend.ARTIFACT_SBOM, json(r).path("manifests").path(0).path("artifactType").asText());
    assertEquals(400, serve.get("/v2/" + ADMITTED + "/referrers/v1").statusCode());
  }

  @ParameterizedTest
  @ValueSource(strings = {"PUT", "POST", "PATCH", "DELETE"})
  void everyWriteMethodIs405Unsupported(String method) {
    for (String path : List.of(manifestPath("v1"), "/v2/" + ADMITTED + "/blobs/uploads/",
        "/v2/" + ADMITTED + "/blobs/" + backend.layerDigest, "/v2/" + ADMITTED + "/tags/list", "/v2/")) {
      HttpResponse<byte[]> r = serve.send(method, path, "{}".getBytes(java.nio.charset.StandardCharsets.UTF_8),
          "Content-Type", "application/vnd.oci.image.manifest.v1+json");
      assertEquals(405, r.statusCode(), method + " " + path);
      assertEquals("UNSUPPORTED", errorCode(r), method + " " + path);
    }
    assertTrue(backend.calls.stream().noneMatch(c -> c.contains("uploads")));
  }

  @ParameterizedTest
  @ValueSource(strings = {
      "/v2/vendor.example/../radiology/segmenter/manifests/v1",
      "/v2/vendor.example/radiology%2Fsegmenter/manifests/v1",
      "/v2/vendor.example%2f..%2fx/manifests/v1",
      "/v2/vendor.example//segmenter/manifests/v1",
      "/v2/Vendor.example/radiology/segmenter/manifests/v1",
      "/v2/vendor.example/radiology/segmenter./manifests/v1",
      "/v2/vendor.example/radio%0alogy/tags/list",
      "/v2/-vendor/x/blobs/sha256:0000000000000000000000000000000000000000000000000000000000000000",
  })
  void badNamesAre400NameInvalid(String path) {
    String r = serve.rawGet(path);
    assertEquals(400, rawStatus(r), r);
    assertTrue(rawBody(r).contains("\"NAME_INVALID\""), r);
  }

  @Test
  void anEncodedNulIsRefusedBeforeRouting() {
    // Jetty refuses %00 in any path with its own 400 (JsonErrorHandler's body) before a route sees it
    String r = serve.rawGet("/v2/vendor.example/radio%00logy/manifests/v1");
    assertEquals(400, rawStatus(r), r);
    assertTrue(rawBody(r).startsWith("{\"errors\":[{\"code\":"), r);
    assertTrue(backend.calls.stream().noneMatch(c -> c.contains("radio\u0000") || c.contains("radio%00")),
        backend.calls.toString());
  }

  @Test
  void hugeNameIs400NameInvalid() {
    String name = "a".repeat(200) + "/" + "b".repeat(200);
    HttpResponse<byte[]> r = serve.get("/v2/" + name + "/manifests/v1");
    assertEquals(400, r.statusCode());
    assertEquals("NAME_INVALID", errorCode(r));
  }

  @Test
  void badReferencesAndDigests() {
    // no tag of this form can exist: 404 as the conformance suite expects
    assertEquals(404, serve.get(manifestPath(".INVALID_MANIFEST_NAME")).statusCode());
    HttpResponse<byte[]> r = serve.get(manifestPath("sha256:totallywrong"));
    assertEquals(400, r.statusCode());
    assertEquals("DIGEST_INVALID", errorCode(r));
    r = serve.get("/v2/" + ADMITTED + "/blobs/sha256:ABCDEF");
    assertEquals(400, r.statusCode());
    assertEquals("DIGEST_INVALID", errorCode(r));
    r = serve.get("/v2/" + ADMITTED + "/manifests/v1?ns=bad%20host");
    assertEquals(400, r.statusCode());
    assertEquals("NAME_INVALID", errorCode(r));
  }

  @Test
  void theNameIsEverythingBeforeTheLastRouteMarker() {
    serve.get("/v2/vendor.example/blobs/manifests/x/manifests/v1");
    assertTrue(backend.calls.contains("manifest(vendor.example/blobs/manifests/x,null,v1)"), backend.calls.toString());
  }

  @Test
  void unknownPathsAre404() {
    for (String path : List.of("/", "/v3/", "/v2/vendor.example/x", "/v2/vendor.example/x/blobs", "/index.html")) {
      HttpResponse<byte[]> r = serve.get(path);
      assertEquals(404, r.statusCode(), path);
      assertEquals("NAME_UNKNOWN", errorCode(r), path);
    }
  }

  @Test
  void aBackendFailureIs500WithoutClassNamesOrStackTrace() {
    HttpResponse<byte[]> r = serve.get("/v2/" + FakeServeBackend.BROKEN + "/manifests/v1");
    assertEquals(500, r.statusCode());
    String body = text(r);
    assertEquals("INTERNAL_ERROR", errorCode(r));
    assertFalse(body.contains("java.") || body.contains("dev.airlock") || body.contains("Exception")
        || body.contains("\tat "), body);
    assertTrue(serve.err().contains("IllegalStateException"), serve.err());
  }
}
