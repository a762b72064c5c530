package dev.airlock.db;

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
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import dev.airlock.store.*;

/**
 * H2 implementation of {@link ImageRepository}: the SQL moved here from {@code store.ImageStore} unchanged in
 * semantics and order. Every method works in the caller's transaction (the connection of one
 * {@link Transaction}).
 */
final class H2Images implements ImageRepository {
  private final Connection connection;

  H2Images(Connection connection) {
    this.connection = connection;
  }

  /**
   * Records (or refreshes) a stored image: references are added, platforms replaced, blobs and
   * signatures accumulated (a later medium may bring new attestations for a stored image); an
   * existing decision is kept (a re-import does not change a decision by itself).
   */
  @Override
  public void record(ImageCandidate c, Instant importedAt) {
    Sql.run(connection, tx -> {
      if (c.problem().isPresent()) {
        throw new IllegalArgumentException("a rejected image is not recorded: " + c.digest());
      }
      String digest = c.digest().toString();
      // portable upsert (no vendor MERGE): update the row if there is one, else insert it; the
      // decision columns are not named, so an existing decision is kept as before
      int updated;
      try (PreparedStatement p = tx.prepareStatement(
          "UPDATE image SET media_type = ?, size = ?, source = ?, imported_at = ? WHERE digest = ?")) {
        p.setString(1, c.image().mediaType());
        p.setLong(2, c.image().size());
        p.setString(3, c.source());
        p.setTimestamp(4, Timestamp.from(importedAt));
        p.setString(5, digest);
        updated = p.executeUpdate();
      }
      if (updated == 0) {
        try (PreparedStatement p = tx.prepareStatement(
            "INSERT INTO image(digest, media_type, size, source, imported_at) VALUES (?,?,?,?,?)")) {
          p.setString(1, digest);
          p.setString(2, c.image().mediaType());
          p.setLong(3, c.image().size());
          p.setString(4, c.source());
          p.setTimestamp(5, Timestamp.from(importedAt));
          p.executeUpdate();
        }
      }
      // new material (a later medium's signatures or scans) makes every stored decision of the image stale
      new H2Decisions(tx).forget(digest);
      // platforms follow from the image's exact bytes; blobs and signatures accumulate over
      // imports, so a later medium that brings only a new attestation keeps the earlier signatures
      try (PreparedStatement p = tx.prepareStatement("DELETE FROM image_platform WHERE digest = ?")) {
        p.setString(1, digest);
        p.executeUpdate();
      }
      java.util.Set<String> haveBlobs = strings(tx, "SELECT blob_digest FROM image_blob WHERE digest = ?", digest);
      // A signature is its layer AND its annotations: co-signatures over one simple-signing payload
      // share the layer blob and differ only in the signature annotation (DESIGN.md 6a: co-signatures
      // by different signers are all kept).
      java.util.Set<String> haveSigs = strings(tx,
          "SELECT kind || ' ' || carrier_digest || ' ' || layer_digest || ' ' || layer_annotations"
              + " FROM image_signature WHERE digest = ?", digest);
      for (ImageReference r : c.references().stream().distinct().toList()) {
        try (PreparedStatement p = tx.prepareStatement("DELETE FROM image_reference WHERE reference = ?")) {
          p.setString(1, r.toString());
          p.executeUpdate();
        }
        try (PreparedStatement p = tx.prepareStatement(
            "INSERT INTO image_reference(digest, reference, repository) VALUES (?,?,?)")) {
          p.setString(1, digest);
          p.setString(2, r.toString());
          p.setString(3, r.repository());
          p.executeUpdate();
        }
      }
      int i = 0;
      for (Descriptor d : c.platforms()) {
        try (PreparedStatement p = tx.prepareStatement("INSERT INTO image_platform(digest, position, child_digest,"
            + " media_type, size, platform) VALUES (?,?,?,?,?,?)")) {
          p.setString(1, digest);
          p.setInt(2, i++);
          p.setString(3, d.digest().toString());
          p.setString(4, d.mediaType());
          p.setLong(5, d.size());
          p.setString(6, d.platform().map(Object::toString).orElse(null));
          p.executeUpdate();
        }
      }
      i = haveBlobs.size();
      for (Descriptor d : c.blobs()) {
        if (!haveBlobs.add(d.digest().toString())) {
          continue;
        }
        try (PreparedStatement p = tx.prepareStatement(
            "INSERT INTO image_blob(digest, position, blob_digest, media_type, size) VALUES (?,?,?,?,?)")) {
          p.setString(1, digest);
          p.setInt(2, i++);
          p.setString(3, d.digest().toString());
          p.setString(4, d.mediaType());
          p.setLong(5, d.size());
          p.executeUpdate();
        }
      }
      i = haveSigs.size();
      for (AttachedSignature s : c.signatures()) {
        ObjectNode ann = JsonNodeFactory.instance.objectNode();
        s.layer().annotations().forEach(ann::put);
        String annotations = Json.write(ann);
        if (!haveSigs.add(s.kind().name() + " " + s.carrier() + " " + s.layer().digest() + " " + annotations)) {
          continue;
        }
        try (PreparedStatement p = tx.prepareStatement("INSERT INTO image_signature(digest, position, kind,"
            + " subject_digest, carrier_digest, layer_media_type, layer_digest, layer_size, layer_annotations)"
            + " VALUES (?,?,?,?,?,?,?,?,?)")) {
          p.setString(1, digest);
          p.setInt(2, i++);
          p.setString(3, s.kind().name());
          p.setString(4, s.subject().toString());
          p.setString(5, s.carrier().toString());
          p.setString(6, s.layer().mediaType());
          p.setString(7, s.layer().digest().toString());
          p.setLong(8, s.layer().size());
          p.setString(9, annotations);
          p.executeUpdate();
        }
      }
    });
  }

  private static java.util.Set<String> strings(Connection tx, String sql, String digest) throws SQLException {
    java.util.Set<String> out = new java.util.HashSet<>();
    try (PreparedStatement p = tx.prepareStatement(sql)) {
      p.setString(1, digest);
      try (java.sql.ResultSet rs = p.executeQuery()) {
        while (rs.next()) {
          out.add(rs.getString(1));
        }
      }
    }
    return out;
  }

  /**
   * Records a decision made by the verification/policy glue.
   *
   * @param verdictJson the verdict document; its {@code reasons} array is kept for listings
   * @throws AirlockException IMAGE_NOT_STORED if there is no such image
   */
  @Override
  public void setDecision(Digest digest, String decision, String verdictJson, Instant at) {
    Sql.run(connection, tx -> {
      List<String> reasons = new ArrayList<>();
      JsonNode v = Json.parse(verdictJson.getBytes(StandardCharsets.UTF_8), "verdict");
      for (JsonNode r : v.path("reasons")) {
        reasons.add(r.asText());
      }
      try (PreparedStatement p = tx.prepareStatement(
          "UPDATE image SET decision = ?, reasons = ?, verdict = ?, decided_at = ? WHERE digest = ?")) {
        p.setString(1, decision);
        p.setString(2, String.join(",", reasons));
        p.setString(3, verdictJson);
        p.setTimestamp(4, Timestamp.from(at));
        p.setString(5, digest.toString());
        if (p.executeUpdate() != 1) {
          throw AirlockException.denied(Reason.IMAGE_NOT_STORED, digest + ": image not stored");
        }
      }
    });
  }

  /**
   * Finds a stored image by {@code sha256:…}, {@code repo@sha256:…}, or {@code repo[:tag]}
   * (normalised as docker does; a reference without tag also finds {@code :latest}).
   *
   * @throws OciException REFERENCE_INVALID when the text is no reference
   */
  @Override
  public Optional<StoredImage> find(String referenceOrDigest) {
    return Sql.call(connection, tx -> {
      String s = referenceOrDigest.trim();
      if (s.startsWith("sha256:")) {
        Digest d;
        try {
          d = Digest.parse(s);
        } catch (IllegalArgumentException e) {
          throw new OciException(Reason.REFERENCE_INVALID, "invalid digest '" + s + "': " + e.getMessage());
        }
        return load(tx, d.toString());
      }
      ImageReference r = ImageReference.parse(s);
      if (r.digest().isPresent()) {
        return load(tx, r.digest().get().toString());
      }
      List<String> candidates = new ArrayList<>(List.of(r.toString()));
      if (r.tag().isEmpty()) {
        candidates.add(r.withTag("latest").toString());
      }
      for (String ref : candidates) {
        try (PreparedStatement p = tx.prepareStatement(
            "SELECT r.digest FROM image_reference r JOIN image i ON i.digest = r.digest WHERE r.reference = ?"
                + " ORDER BY i.imported_at DESC")) {
          p.setString(1, ref);
          try (ResultSet rs = p.executeQuery()) {
            if (rs.next()) {
              return load(tx, rs.getString(1));
            }
          }
        }
      }
      return Optional.empty();
    });
  }

  /** Every blob digest some stored image references (its manifests, configs, layers, signatures). */
  @Override
  public java.util.Set<String> referencedBlobs() {
    return Sql.call(connection, tx -> {
      java.util.Set<String> out = new java.util.HashSet<>();
      try (PreparedStatement p = tx.prepareStatement("SELECT blob_digest FROM image_blob UNION SELECT layer_digest"
          + " FROM image_signature UNION SELECT digest FROM image");
          ResultSet rs = p.executeQuery()) {
        while (rs.next()) {
          out.add(rs.getString(1));
        }
      }
      return out;
    });
  }

  /** Every stored image, most recently imported first. */
  @Override
  public List<StoredImage> list() {
    return Sql.call(connection, tx -> {
      List<String> digests = new ArrayList<>();
      try (PreparedStatement p = tx.prepareStatement("SELECT digest FROM image ORDER BY imported_at DESC, digest");
          ResultSet rs = p.executeQuery()) {
        while (rs.next()) {
          digests.add(rs.getString(1));
        }
      }
      List<StoredImage> out = new ArrayList<>();
      for (String d : digests) {
        load(tx, d).ifPresent(out::add);
      }
      return out;
    });
  }

  private static Optional<StoredImage> load(Connection tx, String digest) throws SQLException {
    Descriptor image;
    String source;
    Instant imported;
    String decision;
    String reasons;
    String verdict;
    Timestamp decided;
    try (PreparedStatement p = tx.prepareStatement("SELECT media_type, size, source, imported_at, decision,"
        + " reasons, verdict, decided_at FROM image WHERE digest = ?")) {
      p.setString(1, digest);
      try (ResultSet rs = p.executeQuery()) {
        if (!rs.next()) {
          return Optional.empty();
        }
        image = Descriptor.of(rs.getString(1), Digest.parse(digest), rs.getLong(2));
        source = rs.getString(3);
        imported = rs.getTimestamp(4).toInstant();
        decision = rs.getString(5);
        reasons = rs.getString(6);
        verdict = rs.getString(7);
        decided = rs.getTimestamp(8);
      }
    }
    List<String> refs = new ArrayList<>();
    try (PreparedStatement p = tx.prepareStatement(
        "SELECT reference FROM image_reference WHERE digest = ? ORDER BY reference")) {
      p.setString(1, digest);
      try (ResultSet rs = p.executeQuery()) {
        while (rs.next()) {
          refs.add(rs.getString(1));
        }
      }
    }
    List<Descriptor> platforms = new ArrayList<>();
    try (PreparedStatement p = tx.prepareStatement("SELECT child_digest, media_type, size, platform"
        + " FROM image_platform WHERE digest = ? ORDER BY position")) {
      p.setString(1, digest);
      try (ResultSet rs = p.executeQuery()) {
        while (rs.next()) {
          platforms.add(new Descriptor(rs.getString(2), Digest.parse(rs.getString(1)), rs.getLong(3), Map.of(),
              Optional.ofNullable(rs.getString(4)).map(H2Images::platform), Optional.empty()));
        }
      }
    }
    List<Descriptor> blobs = new ArrayList<>();
    try (PreparedStatement p = tx.prepareStatement(
        "SELECT blob_digest, media_type, size FROM image_blob WHERE digest = ? ORDER BY position")) {
      p.setString(1, digest);
      try (ResultSet rs = p.executeQuery()) {
        while (rs.next()) {
          blobs.add(Descriptor.of(rs.getString(2), Digest.parse(rs.getString(1)), rs.getLong(3)));
        }
      }
    }
    List<AttachedSignature> sigs = new ArrayList<>();
    try (PreparedStatement p = tx.prepareStatement("SELECT kind, subject_digest, carrier_digest,"
        + " layer_media_type, layer_digest, layer_size, layer_annotations FROM image_signature"
        + " WHERE digest = ? ORDER BY position")) {
      p.setString(1, digest);
      try (ResultSet rs = p.executeQuery()) {
        while (rs.next()) {
          Map<String, String> ann = new LinkedHashMap<>();
          JsonNode a = Json.parse(rs.getString(7).getBytes(StandardCharsets.UTF_8), "annotations");
          for (Iterator<Map.Entry<String, JsonNode>> it = a.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            ann.put(e.getKey(), e.getValue().asText());
          }
          sigs.add(new AttachedSignature(AttachedSignature.Kind.valueOf(rs.getString(1)),
              Digest.parse(rs.getString(2)), Digest.parse(rs.getString(3)),
              new Descriptor(rs.getString(4), Digest.parse(rs.getString(5)), rs.getLong(6), ann,
                  Optional.empty(), Optional.empty())));
        }
      }
    }
    return Optional.of(new StoredImage(image, refs, platforms, blobs, sigs, source, imported,
        Optional.ofNullable(decision), reasons == null || reasons.isEmpty() ? List.of() : List.of(reasons.split(",")),
        Optional.ofNullable(verdict), Optional.ofNullable(decided).map(Timestamp::toInstant)));
  }

  private static dev.airlock.oci.Platform platform(String s) {
    String[] p = s.split("/", 3);
    return new dev.airlock.oci.Platform(p[0], p.length > 1 ? p[1] : "", p.length > 2 ? p[2] : null, null, null);
  }

  @Override
  public boolean remove(Digest digest) {
    return Sql.call(connection, c -> {
      new H2Decisions(c).forget(digest.toString());
      try (java.sql.PreparedStatement p = c.prepareStatement("DELETE FROM image WHERE digest = ?")) {
        p.setString(1, digest.toString());
        return p.executeUpdate() == 1; // references, platforms, blobs and signatures cascade (V4)
      }
    });
  }
}
