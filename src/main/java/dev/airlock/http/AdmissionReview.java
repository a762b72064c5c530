package dev.airlock.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.airlock.appliance.ServeBackend.ImageDecision;
import dev.airlock.core.AirlockException;
import dev.airlock.core.Json;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * A Kubernetes {@code admission.k8s.io/v1} {@code AdmissionReview} (Kubernetes docs, "Dynamic
 * Admission Control", "Request" and "Response"), read into the images it would run and answered
 * from the backend's decisions.
 *
 * <p>What runs: a Pod's {@code spec.containers}, {@code spec.initContainers} and
 * {@code spec.ephemeralContainers}; the pod template {@code spec.template.spec} of Deployment,
 * StatefulSet, DaemonSet, ReplicaSet, ReplicationController and Job; a CronJob's
 * {@code spec.jobTemplate.spec.template.spec}. A review with nothing to run (a DELETE or CONNECT, an
 * object of another kind or without a pod spec) is allowed without asking the backend: it starts no
 * container. A container without an image is malformed (the API server requires one).
 *
 * @param uid {@code request.uid}, echoed in the response as the API server requires
 * @param subject {@code "Kind namespace/name"} for the audit event
 * @param images every image the object would run, each once, in the order of the spec
 */
record AdmissionReview(String uid, String subject, List<String> images) {
  static final String API_VERSION = "admission.k8s.io/v1";
  static final String KIND = "AdmissionReview";

  /** Workload kinds whose pod template is {@code spec.template.spec}. */
  private static final Set<String> TEMPLATED = Set.of("Deployment", "StatefulSet", "DaemonSet", "ReplicaSet",
      "ReplicationController", "Job");

  /** A body that is not an AdmissionReview v1 request: answered 400 with this message. */
  static final class Malformed extends Exception {
    private static final long serialVersionUID = 1L;

    Malformed(String message) {
      super(message, null, false, false);
    }
  }

  static AdmissionReview parse(byte[] body) throws Malformed {
    JsonNode root;
    try {
      root = Json.parse(body, "AdmissionReview");
    } catch (AirlockException e) {
      throw new Malformed("the body is not valid JSON");
    }
    if (!root.isObject()) {
      throw new Malformed("the body is not a JSON object");
    }
    String apiVersion = root.path("apiVersion").asText("");
    String kind = root.path("kind").asText("");
    if (!API_VERSION.equals(apiVersion) || !KIND.equals(kind)) {
      throw new Malformed("expected apiVersion " + API_VERSION + " kind " + KIND + " (set the webhook's "
          + "admissionReviewVersions to [v1])");
    }
    JsonNode request = root.path("request");
    if (!request.isObject()) {
      throw new Malformed("request is missing");
    }
    JsonNode uidNode = request.path("uid");
    if (!uidNode.isTextual() || uidNode.asText().isBlank()) {
      throw new Malformed("request.uid is missing");
    }
    String objectKind = request.path("kind").path("kind").asText("");
    String namespace = request.path("namespace").asText("");
    String name = request.path("name").asText("");
    JsonNode object = request.path("object");
    if (name.isEmpty()) {
      // CREATE with metadata.generateName: the API server has not named the object yet
      name = object.path("metadata").path("name").asText("");
      if (name.isEmpty() && object.path("metadata").path("generateName").isTextual()) {
        name = object.path("metadata").path("generateName").asText() + "*";
      }
    }
    String subject = (objectKind.isEmpty() ? "object" : objectKind) + " "
        + (namespace.isEmpty() ? "" : namespace + "/") + name;
    String operation = request.path("operation").asText("");
    List<String> images = new ArrayList<>();
    if (!operation.equals("DELETE") && !operation.equals("CONNECT") && object.isObject()) {
      JsonNode podSpec = podSpec(objectKind, object);
      if (podSpec != null) {
        images.addAll(images(podSpec));
      }
    }
    return new AdmissionReview(uidNode.asText(), subject, List.copyOf(new LinkedHashSet<>(images)));
  }

  /** The pod spec of a kind that runs containers, or null: nothing of this object runs. */
  private static JsonNode podSpec(String kind, JsonNode object) {
    JsonNode spec;
    if (kind.equals("Pod")) {
      spec = object.path("spec");
    } else if (TEMPLATED.contains(kind)) {
      spec = object.path("spec").path("template").path("spec");
    } else if (kind.equals("CronJob")) {
      spec = object.path("spec").path("jobTemplate").path("spec").path("template").path("spec");
    } else {
      return null;
    }
    // the API server validates the object before validating webhooks see it, so a workload without
    // a pod spec does not occur; if one did, it would start no container
    return spec.isObject() ? spec : null;
  }

  private static List<String> images(JsonNode podSpec) throws Malformed {
    List<String> out = new ArrayList<>();
    for (String list : List.of("initContainers", "containers", "ephemeralContainers")) {
      JsonNode cs = podSpec.path(list);
      if (cs.isMissingNode() || cs.isNull()) {
        continue;
      }
      if (!cs.isArray()) {
        throw new Malformed("spec." + list + " is not a list");
      }
      for (JsonNode c : cs) {
        JsonNode image = c.path("image");
        if (!image.isTextual() || image.asText().isBlank()) {
          // the API server's validation requires an image; a container without one cannot be decided
          throw new Malformed("a container in spec." + list + " has no image");
        }
        out.add(image.asText());
      }
    }
    return out;
  }

  /**
   * The response review: allowed only if every image is allowed. A denial's {@code status.message}
   * lists each denied image with its reasons; {@code auditAnnotations} record the digest decided for
   * each image; a warning names each image that was asked for by tag and the digest it was decided
   * as.
   */
  static byte[] respond(String uid, List<ImageDecision> decisions) {
    ObjectNode root = Json.mapper().createObjectNode();
    root.put("apiVersion", API_VERSION);
    root.put("kind", KIND);
    ObjectNode response = root.putObject("response");
    response.put("uid", uid);
    List<String> denied = new ArrayList<>();
    ArrayNode warnings = Json.mapper().createArrayNode();
    StringBuilder digests = new StringBuilder();
    for (ImageDecision d : decisions) {
      if (!d.allowed()) {
        denied.add(d.image() + ": " + (d.reasons().isEmpty() ? "DENIED" : String.join(", ", d.reasons()))
            + (d.message() == null || d.message().isBlank() ? "" : " (" + d.message() + ")"));
      }
      if (d.digest() != null) {
        digests.append(digests.length() == 0 ? "" : " ").append(d.image()).append('=').append(d.digest());
        if (d.allowed() && !d.image().contains("@")) {
          warnings.add("airlock: " + d.image() + " was admitted as " + d.digest()
              + "; pin the digest so that every node runs the image that was decided");
        }
      }
    }
    boolean allowed = denied.isEmpty();
    response.put("allowed", allowed);
    if (!allowed) {
      ObjectNode status = response.putObject("status");
      status.put("code", 403);
      status.put("reason", "Forbidden");
      status.put("message", "airlock denied " + denied.size() + " of " + decisions.size() + " image(s): "
          + String.join("; ", denied));
    }
    if (!warnings.isEmpty()) {
      response.set("warnings", warnings);
    }
    if (digests.length() > 0) {
      ObjectNode ann = response.putObject("auditAnnotations");
      ann.put("decided-digests", digests.toString());
    }
    return Json.write(root).getBytes(StandardCharsets.UTF_8);
  }

  /** The response to a review with nothing to run: allowed, no backend call. */
  static byte[] allowNothingToRun(String uid) {
    return respond(uid, List.of());
  }
}
