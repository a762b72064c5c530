package dev.airlock.appliance;

import com.fasterxml.jackson.databind.JsonNode;
import dev.airlock.audit.AuditLog;
import dev.airlock.core.AirlockException;
import dev.airlock.db.Database;
import dev.airlock.db.Transaction;
import dev.airlock.core.Home;
import dev.airlock.core.json.AuditDetail;
import dev.airlock.core.json.Documents;
import dev.airlock.core.json.ExportDocument;
import dev.airlock.core.Limits;
import dev.airlock.core.Reason;
import dev.airlock.oci.ImageReference;
import dev.airlock.store.BlobStore;
import dev.airlock.store.ImageExporter;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * {@code export}: decided again now (DESIGN.md 6b), never on a stored decision alone. The image is
 * decided through {@link Decisions#decide} before the archive is written and once more in the
 * transaction that audits the release and renames the archive into place, so a policy or trust
 * change that commits in between cannot slip an image out. Only the reference that was asked for
 * (and admitted) is written into the archive.
 */
public final class ExportService {
  private ExportService() {}

  /** What was written. */
  public record Result(ExportDocument document, Decisions.Decision decision) {}

  public static Result export(Home home, String image, Path output, ImageExporter.Format format, AuditContext who)
      throws IOException {
    Database db = Database.open(home);
    BlobStore blobs = BlobStore.at(home);
    Decisions.Decision first = decide(db, image, output, blobs, who);
    List<String> names = names(image);
    Path temp = ImageExporter.prepareReleased(blobs, first.image(), names, output, format, Limits.defaults());
    String digest = first.image().digest().toString();
    String formatName = format == ImageExporter.Format.OCI ? "oci" : "docker-archive";
    String out = output.toAbsolutePath().toString();
    int blobCount = first.image().blobs().size();
    String[] policy = new String[1]; // the policy digest the release was decided under, in the transaction
    try {
      // the release, its audit event and the rename go together, decided once more under the state
      // of this transaction: if the event cannot be written or the decision changed, no archive appears
      db.transaction(tx -> {
        dev.airlock.core.TrustedTime time = tx.trustedNow(who.systemClock());
        Decisions.Decision now = Decisions.decide(tx, Decisions.Request.of(image), time, blobs);
        if (!now.releasable() || !now.image().digest().equals(first.image().digest())) {
          throw refusal(now);
        }
        policy[0] = now.policy().digest();
        tx.audit().append(who.event(time, "export", first.image().digest() + " " + image, "ok",
            List.of(), Documents.tree(new AuditDetail.Export(digest, image, formatName, out, blobCount, policy[0],
                now.verdict().document()))));
        ImageExporter.commit(temp, output);
        return null;
      });
    } finally {
      Files.deleteIfExists(temp);
    }
    return new Result(new ExportDocument(digest, image, formatName, out, blobCount, policy[0], names), first);
  }

  /** The first decision; a refusal is audited (with the verdict) and thrown. */
  private static Decisions.Decision decide(Database db, String image, Path output, BlobStore blobs,
      AuditContext who) {
    Decisions.Decision d;
    try {
      d = db.transaction(tx -> Decisions.decide(tx, Decisions.Request.of(image), tx.trustedNow(
          who.systemClock()), blobs));
    } catch (AirlockException e) {
      if (e.kind() == AirlockException.Kind.CANNOT_DECIDE || e.kind() == AirlockException.Kind.DENIED) {
        audit(db, image, output, who, e.reason(), null);
      }
      throw e;
    }
    if (!d.releasable()) {
      audit(db, image, output, who, d.stored() ? Reason.IMAGE_NOT_ADMITTED : Reason.IMAGE_NOT_STORED, d);
      throw refusal(d);
    }
    return d;
  }

  private static AirlockException refusal(Decisions.Decision d) {
    if (!d.stored()) {
      return AirlockException.denied(Reason.IMAGE_NOT_STORED, d.verdict().reference() + ": image not stored");
    }
    String reasons = String.join(", ", Decisions.reasonNames(d.verdict()));
    String why = d.admitted()
        ? "admitted only with warnings (" + String.join(", ", d.verdict().warnings()) + ") under a policy in enforce"
            + " mode or as a what-if; only images admitted under the installed policy are exported"
        : "denied now under policy '" + d.verdict().policyName() + "': " + reasons;
    return AirlockException.denied(Reason.IMAGE_NOT_ADMITTED, d.verdict().reference() + " (" + d.image().digest()
        + "): " + why);
  }

  private static void audit(Database db, String image, Path output, AuditContext who, Reason reason,
      Decisions.Decision d) {
    JsonNode detail = Documents.tree(new AuditDetail.ExportRefused(image, output.toAbsolutePath().toString(),
        d == null ? null : d.verdict().document()));
    List<String> reasons = d == null ? List.of(reason.name())
        : java.util.stream.Stream.concat(java.util.stream.Stream.of(reason.name()),
            Decisions.reasonNames(d.verdict()).stream()).distinct().toList();
    try {
      db.transaction(tx -> tx.audit().append(who.event(tx.trustedNow(who.systemClock()), "export",
          image, "refused", reasons, detail)));
    } catch (AirlockException e) {
      // the refusal stands; an unwritable audit log surfaces on the next state change
    }
  }

  /** The names written into the archive: the reference asked for, if it has a tag; none for a digest. */
  static List<String> names(String image) {
    String s = image.trim();
    if (s.startsWith("sha256:")) {
      return List.of();
    }
    ImageReference r = ImageReference.parse(s);
    if (r.digest().isPresent()) {
      return List.of();
    }
    return List.of((r.tag().isPresent() ? r : r.withTag("latest")).toString());
  }
}
