package dev.airlock.http;

import static dev.airlock.http.FakeServeBackend.ADMITTED;
import static dev.airlock.http.ServeHarness.errorCode;
import static dev.airlock.http.ServeHarness.json;
import static dev.airlock.http.ServeHarness.text;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.InputStream;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * {@code POST /admission} with AdmissionReview requests shaped as the Kubernetes API server sends
 * them ({@code src/test/resources/admission/}, admission.k8s.io/v1, Kubernetes docs "Dynamic
 * Admission Control").
 */
class AdmissionTest {
  @TempDir
  static Path dir;
  static FakeServeBackend backend;
  static ServeHarness serve;

  @BeforeAll
  static void start() throws Exception {
    backend = new FakeServeBackend(dir);
    serve = ServeHarness.plain(backend, ServeOptions.DEFAULT_LIMITS.withMaxAdmissionBodyBytes(64 * 1024));
  }

  @AfterAll
  static void stop() {
    serve.close();
  }

  @BeforeEach
  void forget() {
    backend.lastAdmissionImages = null;
    backend.lastAdmissionSubject = null;
    backend.lastAdmissionUid = null;
  }

  static byte[] fixture(String name) {
    try (InputStream in = AdmissionTest.class.getResourceAsStream("/admission/" + name)) {
      assertNotNull(in, name);
      return in.readAllBytes();
    } catch (IOException e) {
      throw new AssertionError(e);
    }
  }

  static String uidOf(byte[] review) {
    try {
      return ServeHarness.JSON.readTree(review).path("request").path("uid").asText();
    } catch (IOException e) {
      throw new AssertionError(e);
    }
  }

  HttpResponse<byte[]> post(byte[] body) {
    return serve.send("POST", "/admission", body, "Content-Type", "application/json");
  }

  /** The response review, checked for the shape the API server requires. */
  static JsonNode response(HttpResponse<byte[]> r, String uid) {
    assertEquals(200, r.statusCode(), text(r));
    assertEquals("application/json", r.headers().firstValue("Content-Type").orElseThrow());
    JsonNode review = json(r);
    assertEquals("admission.k8s.io/v1", review.path("apiVersion").asText());
    assertEquals("AdmissionReview", review.path("kind").asText());
    assertEquals(uid, review.path("response").path("uid").asText());
    assertTrue(review.path("response").path("allowed").isBoolean());
    return review.path("response");
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', value = {
      // fixture | allowed | subject | images
      "pod-create.json | true | Pod mercure/mercure-worker-7d9f8b6c5d-* | " + ADMITTED + ":v1 " + ADMITTED
          + "@sha256:abababababababababababababababababababababababababababababababab",
      "pod-ephemeral.json | false | Pod mercure/mercure-worker-7d9f8b6c5d-x8k2p | " + ADMITTED + ":v1 " + ADMITTED
          + "@sha256:abababababababababababababababababababababababababababababababab"
          + " vendor.example/radiology/unsigned:debug",
      "deployment.json | true | Deployment mercure/mercure-worker | " + ADMITTED + ":v1",
      "statefulset.json | true | StatefulSet mercure/mercure-db | " + ADMITTED + ":1.0",
      "daemonset.json | false | DaemonSet mercure/mercure-node-agent | vendor.example/radiology/unsigned:v1",
      "replicaset.json | true | ReplicaSet mercure/mercure-worker-7d9f8b6c5d | " + ADMITTED + ":v1",
      "job.json | true | Job mercure/mercure-anonymize | " + ADMITTED + ":v2",
      "cronjob.json | false | CronJob mercure/mercure-cleanup | vendor.example/radiology/expired:v1",
  })
  void everyWorkloadKindIsDecidedImageByImage(String fixture, boolean allowed, String subject, String images) {
    byte[] body = fixture(fixture);
    JsonNode resp = response(post(body), uidOf(body));
    assertEquals(allowed, resp.path("allowed").asBoolean(), resp.toString());
    assertEquals(List.of(images.split(" ")), backend.lastAdmissionImages);
    assertEquals(subject, backend.lastAdmissionSubject);
    assertEquals(uidOf(body), backend.lastAdmissionUid);
    assertEquals("127.0.0.1", backend.lastClient.address());
    if (allowed) {
      assertTrue(resp.path("status").isMissingNode(), resp.toString());
    } else {
      assertEquals(403, resp.path("status").path("code").asInt());
      String message = resp.path("status").path("message").asText();
      for (String image : images.split(" ")) {
        if (!image.startsWith(ADMITTED)) {
          assertTrue(message.contains(image), message);
        }
      }
    }
  }

  @Test
  void aDenialListsEachDeniedImageWithItsReasons() {
    byte[] body = fixture("pod-ephemeral.json");
    JsonNode resp = response(post(body), uidOf(body));
    assertFalse(resp.path("allowed").asBoolean());
    String message = resp.path("status").path("message").asText();
    assertTrue(message.contains("vendor.example/radiology/unsigned:debug: THRESHOLD_NOT_MET, NO_SIGNATURES"),
        message);
    assertFalse(message.contains(ADMITTED + ":v1"), "admitted images are not listed as denied: " + message);
  }

  @Test
  void cannotDecideDeniesWithTheReason() {
    byte[] body = fixture("cronjob.json");
    JsonNode resp = response(post(body), uidOf(body));
    assertFalse(resp.path("allowed").asBoolean());
    assertTrue(resp.path("status").path("message").asText().contains("TUF_EXPIRED"), resp.toString());
  }

  @Test
  void decidedDigestsAreAnnotatedAndTagsWarned() {
    byte[] body = fixture("deployment.json");
    JsonNode resp = response(post(body), uidOf(body));
    String digest = backend.manifests.get(0).digest();
    assertEquals(ADMITTED + ":v1=" + digest, resp.path("auditAnnotations").path("decided-digests").asText());
    assertTrue(resp.path("warnings").path(0).asText().contains(digest), resp.toString());
  }

  @Test
  void deleteAndObjectsWithoutAPodSpecAreAllowedWithoutAskingTheBackend() {
    for (String f : List.of("pod-delete.json", "configmap.json")) {
      byte[] body = fixture(f);
      JsonNode resp = response(post(body), uidOf(body));
      assertTrue(resp.path("allowed").asBoolean(), f);
      assertEquals(null, backend.lastAdmissionImages, f + ": nothing to run, nothing to decide");
    }
  }

  @Test
  void aPodWithoutSpecIsAllowedWithoutAskingTheBackend() throws Exception {
    com.fasterxml.jackson.databind.node.ObjectNode review =
        (com.fasterxml.jackson.databind.node.ObjectNode) ServeHarness.JSON.readTree(fixture("pod-create.json"));
    ((com.fasterxml.jackson.databind.node.ObjectNode) review.path("request").path("object")).remove("spec");
    byte[] body = ServeHarness.JSON.writeValueAsBytes(review);
    assertTrue(response(post(body), uidOf(body)).path("allowed").asBoolean());
    assertEquals(null, backend.lastAdmissionImages);
  }

  @Test
  void unknownApiVersionIs400() {
    HttpResponse<byte[]> r = post(fixture("pod-v1beta1.json"));
    assertEquals(400, r.statusCode());
    assertTrue(text(r).contains("admission.k8s.io/v1"), text(r));
    assertEquals(null, backend.lastAdmissionImages);
  }

  @Test
  void missingUidIs400() {
    HttpResponse<byte[]> r = post(fixture("pod-missing-uid.json"));
    assertEquals(400, r.statusCode());
    assertTrue(text(r).contains("request.uid"), text(r));
  }

  @Test
  void malformedJsonIs400WithoutAStackTrace() {
    for (String bad : List.of("{", "[]", "null", "{\"apiVersion\":\"admission.k8s.io/v1\",\"kind\":\"AdmissionReview\"}",
        "{\"apiVersion\":\"admission.k8s.io/v1\",\"apiVersion\":\"x\"}", "\u0000\u0001")) {
      HttpResponse<byte[]> r = post(bad.getBytes(StandardCharsets.UTF_8));
      assertEquals(400, r.statusCode(), bad);
      assertEquals("BAD_REQUEST", errorCode(r));
      assertFalse(text(r).contains("Exception") || text(r).contains("com.fasterxml"), text(r));
    }
    String kindless = new String(fixture("deployment.json"), StandardCharsets.UTF_8)
        .replace("\"containers\": [", "\"containers\": 7, \"x\": [");
    assertEquals(400, post(kindless.getBytes(StandardCharsets.UTF_8)).statusCode());
  }

  @Test
  void anOversizedBodyIs413() {
    byte[] big = new byte[64 * 1024 + 1];
    java.util.Arrays.fill(big, (byte) ' ');
    HttpResponse<byte[]> r = post(big);
    assertEquals(413, r.statusCode());
  }

  @Test
  void onlyPostIsAccepted() {
    HttpResponse<byte[]> r = serve.get("/admission");
    assertEquals(405, r.statusCode());
    assertEquals("UNSUPPORTED", errorCode(r));
  }
}
