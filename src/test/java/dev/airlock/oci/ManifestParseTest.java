package dev.airlock.oci;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.airlock.core.Reason;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

/** Manifests and indexes: OCI and Docker media types accepted, malformed documents rejected. */
class ManifestParseTest {
  static final String D = "sha256:" + "a".repeat(64);
  static final String M = "{\"schemaVersion\":2,\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\","
      + "\"config\":{\"mediaType\":\"application/vnd.oci.image.config.v1+json\",\"digest\":\"" + D + "\",\"size\":2},"
      + "\"layers\":[{\"mediaType\":\"application/vnd.oci.image.layer.v1.tar+gzip\",\"digest\":\"" + D + "\",\"size\":10,"
      + "\"annotations\":{\"k\":\"v\"}}],"
      + "\"subject\":{\"mediaType\":\"application/vnd.oci.image.index.v1+json\",\"digest\":\"" + D + "\",\"size\":5}}";

  static byte[] b(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  @Test
  void parsesAnOciManifestWithSubject() {
    Manifest m = Manifest.parse(b(M), MediaTypes.OCI_MANIFEST, "m");
    assertEquals(1, m.layers().size());
    assertEquals("v", m.layers().get(0).annotations().get("k"));
    assertEquals(D, m.subject().orElseThrow().digest().toString());
  }

  @Test
  void parsesDockerTypes() {
    String docker = M.replace(MediaTypes.OCI_MANIFEST, MediaTypes.DOCKER_MANIFEST);
    assertEquals(MediaTypes.DOCKER_MANIFEST, Manifest.parse(b(docker), null, "m").mediaType());
    String list = "{\"schemaVersion\":2,\"mediaType\":\"" + MediaTypes.DOCKER_MANIFEST_LIST + "\",\"manifests\":[{"
        + "\"mediaType\":\"" + MediaTypes.DOCKER_MANIFEST + "\",\"digest\":\"" + D + "\",\"size\":1,"
        + "\"platform\":{\"os\":\"linux\",\"architecture\":\"arm\",\"variant\":\"v7\"}}]}";
    ImageIndex i = ImageIndex.parse(b(list), MediaTypes.DOCKER_MANIFEST_LIST, "i");
    assertEquals("linux/arm/v7", i.manifests().get(0).platform().orElseThrow().toString());
  }

  @ParameterizedTest
  @ValueSource(strings = {
    "\"schemaVersion\":2,|\"schemaVersion\":1,",
    "\"schemaVersion\":2,|",
    "\"size\":2}|\"size\":-2}",
    "\"size\":10,|",
    "\"digest\":\"sha256:aaaa|\"digest\":\"sha256:AAAA",
    "\"digest\":\"sha256:aaaa|\"digest\":\"md5:aaaa",
    "\"config\":{|\"manifests\":[],\"config\":{",
    "\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\"|\"mediaType\":\"application/vnd.oci.image.index.v1+json\"",
    "\"subject\":{|\"layers\":[],\"subject\":{",
    "{\"schemaVersion\"|[{\"schemaVersion\"",
  })
  void rejectsMalformedManifests(String edit) {
    String[] e = edit.split("\\|", -1);
    String doc = M.replaceFirst(java.util.regex.Pattern.quote(e[0]), java.util.regex.Matcher.quoteReplacement(e[1]));
    assertTrue(!doc.equals(M), "edit applied: " + edit);
    OciException x = assertThrows(OciException.class, () -> Manifest.parse(b(doc), MediaTypes.OCI_MANIFEST, "m.json"));
    assertEquals(Reason.MANIFEST_MALFORMED, x.reason());
    assertTrue(x.getMessage().startsWith("m.json"), x.getMessage());
  }

  @Test
  void truncatedManifestIsRejected() {
    for (int n : new int[] {0, 1, M.length() / 2, M.length() - 1}) {
      OciException x = assertThrows(OciException.class,
          () -> Manifest.parse(b(M.substring(0, n)), MediaTypes.OCI_MANIFEST, "m"));
      assertEquals(Reason.MANIFEST_MALFORMED, x.reason());
    }
  }

  @Test
  void indexNeedsManifestsAndNoLayers() {
    assertEquals(Reason.MANIFEST_MALFORMED, assertThrows(OciException.class,
        () -> ImageIndex.parse(b("{\"schemaVersion\":2}"), null, "i")).reason());
    assertEquals(Reason.MANIFEST_MALFORMED, assertThrows(OciException.class,
        () -> ImageIndex.parse(b("{\"schemaVersion\":2,\"manifests\":[],\"layers\":[]}"), null, "i")).reason());
    assertEquals(0, ImageIndex.parse(b("{\"schemaVersion\":2,\"manifests\":[]}"), null, "i").manifests().size());
  }

  /** Found by CI's fuzzing run (OciFuzzTest.dockerArchiveManifest): a null entry threw NullPointerException. */
  @ParameterizedTest
  @ValueSource(strings = {
      "[null,{\"Config\":\"c.json\",\"Layers\":[]}]",
      "[{\"Config\":\"c.json\",\"Layers\":[]},null]",
      "[1]", "[\"x\"]", "[[]]", "[true]"})
  void refusesADockerArchiveEntryThatIsNotAnObject(String json) {
    OciException e = assertThrows(OciException.class, () -> Documents.dockerManifest(b(json), "manifest.json"));
    assertEquals(Reason.LAYOUT_MALFORMED, e.reason());
    assertTrue(e.getMessage().startsWith("manifest.json: "), e.getMessage());
  }

  /** A document that is JSON null (or another scalar) is refused by every OCI reader, never bound to null. */
  @ParameterizedTest
  @ValueSource(strings = {"null", "1", "\"x\"", "true"})
  void refusesAScalarDocument(String json) {
    assertEquals(Reason.LAYOUT_MALFORMED,
        assertThrows(OciException.class, () -> Documents.layoutVersion(b(json), "oci-layout")).reason());
    assertEquals(Reason.LAYOUT_MALFORMED,
        assertThrows(OciException.class, () -> Documents.dockerManifest(b(json), "manifest.json")).reason());
    assertEquals(Reason.MANIFEST_MALFORMED,
        assertThrows(OciException.class, () -> Manifest.parse(b(json), null, "m")).reason());
    assertEquals(Reason.MANIFEST_MALFORMED,
        assertThrows(OciException.class, () -> ImageIndex.parse(b(json), null, "i")).reason());
  }
}
