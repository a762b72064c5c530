package dev.airlock.store;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.airlock.core.AirlockException;
import dev.airlock.core.Json;
import dev.airlock.core.Reason;
import dev.airlock.oci.AttachedSignature;
import dev.airlock.oci.Descriptor;
import dev.airlock.oci.Digest;
import dev.airlock.oci.ImageCandidate;
import dev.airlock.oci.ImageReference;
import dev.airlock.oci.OciException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Image records (migration V4). Every method works in the caller's transaction, so the
 * caller appends the audit event in the same transaction (common rule: change and event commit
 * together). A reference names one image: recording an image with a reference moves the reference
 * away from the image that had it, as a registry tag moves.
 */
public interface ImageRepository {

  /**
   * Records (or refreshes) a stored image: references are added, platforms replaced, blobs and
   * signatures accumulated (a later medium may bring new attestations for a stored image); an
   * existing decision is kept (a re-import does not change a decision by itself).
   */
  void record(ImageCandidate c, Instant importedAt);

  /**
   * Records a decision made by the verification/policy glue.
   *
   * @param verdictJson the verdict document; its {@code reasons} array is kept for listings
   * @throws AirlockException IMAGE_NOT_STORED if there is no such image
   */
  void setDecision(Digest digest, String decision, String verdictJson, Instant at);

  /**
   * Finds a stored image by {@code sha256:…}, {@code repo@sha256:…}, or {@code repo[:tag]}
   * (normalised as docker does; a reference without tag also finds {@code :latest}).
   *
   * @throws OciException REFERENCE_INVALID when the text is no reference
   */
  Optional<StoredImage> find(String referenceOrDigest);

  /** Every blob digest some stored image references (its manifests, configs, layers, signatures). */
  java.util.Set<String> referencedBlobs();

  /**
   * Removes a stored image record with its references, platforms, blob list, signatures and
   * stored decisions. Blobs are not touched: the caller deletes those no other image references,
   * after the commit.
   *
   * @return false if no such image was stored
   */
  boolean remove(Digest digest);

  /** Every stored image, most recently imported first. */
  List<StoredImage> list();
}
