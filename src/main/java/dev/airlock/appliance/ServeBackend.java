package dev.airlock.appliance;

import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * What {@code airlock serve} answers (DESIGN.md section 9), as the {@code http} edge sees it. Every
 * method decides now, through {@link Decisions#decide} under the installed trust and policy, and
 * never releases what {@code verify} would deny. The edge maps each {@link Answer} to a status and
 * a body; it holds no decision logic of its own.
 *
 * <p>Names: {@code name} is the repository path of the request as the client sent it
 * ({@code vendor.example/radiology/segmenter}, or {@code radiology/segmenter} with {@code ns}
 * {@code vendor.example}: containerd's mirror form); {@code ns} is null when absent. Both forms
 * address the image's full normalised name ({@code docker.io/library/ubuntu} for Docker Hub).
 *
 * <p>Audit: {@link #manifest}, {@link #verify} and {@link #admission} append one event each and
 * return only once it is durable; {@link #blob}, {@link #tags} and {@link #referrers} append none.
 */
public interface ServeBackend {

  /** Who asks: the client's address and, with client certificates, the certificate's subject. */
  record Client(String address, String certificateSubject) {
    public Client {
      Objects.requireNonNull(address, "address");
    }
  }

  /** An OCI error code of the distribution spec, with the HTTP status the edge sends. */
  enum ErrorCode {
    NAME_INVALID(400), NAME_UNKNOWN(404), MANIFEST_UNKNOWN(404), BLOB_UNKNOWN(404), DIGEST_INVALID(400),
    TAG_INVALID(400), DENIED(403), UNSUPPORTED(405);

    public final int status;

    ErrorCode(int status) {
      this.status = status;
    }
  }

  /** The answer to one request. */
  sealed interface Answer<T> {
    /** Served. */
    record Found<T>(T value) implements Answer<T> {}

    /**
     * Not served: a spec error code (404 unknown, 403 denied with the reasons, 400 invalid).
     *
     * @param reasons the decision's reason codes for {@code DENIED}, else empty
     */
    record Refused<T>(ErrorCode code, String message, List<String> reasons) implements Answer<T> {
      public Refused {
        reasons = List.copyOf(reasons);
      }
    }

    /** The appliance cannot decide (expired trust, no policy): 503 with code {@code DENIED}. */
    record CannotDecide<T>(String reason, String message) implements Answer<T> {}
  }

  /** A manifest or index: its exact bytes, media type and digest. */
  record Manifest(byte[] bytes, String mediaType, String digest) {}

  /** A blob in the content store. */
  record Blob(Path file, long size, String digest) {}

  /** {@code tags/list}: every tag of {@code name} whose image is admitted now, sorted (the spec's lexical order). */
  record Tags(String name, List<String> tags) {}

  /** GET/HEAD {@code /v2/<name>/manifests/<reference>}; audited once per call. */
  Answer<Manifest> manifest(String name, String ns, String reference, Client client);

  /** GET/HEAD {@code /v2/<name>/blobs/<digest>}: only blobs of images admitted now under {@code name}. */
  Answer<Blob> blob(String name, String ns, String digest);

  /** GET {@code /v2/<name>/tags/list}, before pagination (the edge applies {@code n}/{@code last}). */
  Answer<Tags> tags(String name, String ns);

  /**
   * GET {@code /v2/<name>/referrers/<digest>}: an OCI image index of the referrers of an image
   * admitted now, filtered by {@code artifactType} when it is not null.
   */
  Answer<Manifest> referrers(String name, String ns, String digest, String artifactType);

  /**
   * The verdict document of {@code GET /api/v1/verify?image=REF}.
   *
   * @param status 200 admit, 403 deny, 503 cannot decide, 400 malformed reference
   * @param documentJson the verdict document (DESIGN 5), or an error document for 400/503
   * @param reasons the reason codes for the metrics: the verdict's {@code reasons}, or an error
   *     document's reason; given with the document so that nobody re-parses it
   */
  record VerifyAnswer(int status, String documentJson, List<String> reasons) {
    public VerifyAnswer {
      reasons = List.copyOf(reasons);
    }
  }

  /** Decides {@code image} now; audited. */
  VerifyAnswer verify(String image, Client client);

  /**
   * One image of an admission review, decided.
   *
   * @param image the image as the pod spec names it
   * @param digest the digest that was decided (tags are resolved through the store), or null
   * @param allowed admitted now and releasable
   * @param reasons reason codes of a denial (or of "cannot decide")
   * @param message one line for the denial message
   */
  record ImageDecision(String image, String digest, boolean allowed, List<String> reasons, String message) {
    public ImageDecision {
      reasons = List.copyOf(reasons);
    }
  }

  /**
   * Decides every image of one admission review (each image once); audited as one event.
   *
   * @param subject what is admitted, for the audit event, e.g. {@code Pod default/mercure-worker}
   * @param uid the review's {@code request.uid}
   */
  List<ImageDecision> admission(List<String> images, String subject, String uid, Client client);

  /**
   * Readiness: ready when trust is installed and current, a policy is installed and no log alarm
   * is raised.
   *
   * @param reason why not ready (a reason code and a sentence), null when ready
   * @param trustExpires the earliest expiry of the installed TUF roles, if trust is installed
   */
  record Readiness(boolean ready, String reason, Optional<Instant> trustExpires) {}

  Readiness readiness();
}
