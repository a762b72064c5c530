package dev.airlock.appliance;

import com.fasterxml.jackson.databind.JsonNode;
import dev.airlock.audit.AuditLog;
import dev.airlock.db.Database;
import dev.airlock.db.Transaction;
import dev.airlock.core.Home;
import dev.airlock.core.json.AuditDetail;
import dev.airlock.core.json.Documents;
import dev.airlock.core.json.VerdictDocument;
import dev.airlock.store.BlobStore;
import dev.airlock.verify.Verdict;

/**
 * {@code verify IMAGE}: one call of {@link Decisions#decide} and its audit event, in one
 * transaction. A what-if ({@code --policy}) or a decision with cosign's flags is audited as such and
 * stores nothing that {@code export}, {@code images} or {@code serve} use.
 */
public final class VerifyService {
  private VerifyService() {}

  /**
   * @param document the verdict document (with {@code whatIf} or {@code flags} marked)
   * @param note for people: why the stored decision differed, or null
   */
  public record Result(Decisions.Decision decision, VerdictDocument document, String note) {}

  public static Result verify(Home home, Decisions.Request request, AuditContext who) {
    Database db = Database.open(home);
    BlobStore blobs = BlobStore.at(home);
    try {
      return decide(db, blobs, request, who);
    } catch (dev.airlock.core.AirlockException e) {
      if (e.kind() == dev.airlock.core.AirlockException.Kind.CANNOT_DECIDE) {
        // a decision that could not be made is evidence too
        try {
          db.transaction(tx -> {
            JsonNode d = Documents.tree(new AuditDetail.Message(e.getMessage()));
            tx.audit().append(who.event(tx.trustedNow(who.systemClock()), "verify", request.reference(),
                "cannot-decide", java.util.List.of(e.reason().name()), d));
            return null;
          });
        } catch (dev.airlock.core.AirlockException ignored) {
          // the database itself is what failed; the original error is reported
        }
      }
      throw e;
    }
  }

  private static Result decide(Database db, BlobStore blobs, Decisions.Request request, AuditContext who) {
    return db.transaction(tx -> {
      dev.airlock.core.TrustedTime time = tx.trustedNow(who.systemClock());
      Decisions.Decision d = Decisions.decide(tx, request, time, blobs);
      Verdict v = d.verdict();
      VerdictDocument doc = v.document();
      String action = "verify";
      if (request.whatIf() != null) {
        doc = doc.withWhatIf(request.whatIf().origin());
        action = "verify.what-if";
      } else if (request.flags().requires()) {
        doc = doc.withFlags(request.flags().describe());
      }
      String note = null;
      if (d.stored() && d.cached()) {
        doc = doc.withCached(true);
      }
      if (request.whatIf() != null) {
        note = "what-if under " + request.whatIf().origin() + ": nothing of this decision is stored";
      }
      String subject = d.stored() ? d.image().digest() + " " + request.reference() : request.reference();
      tx.audit().append(who.event(time, action, subject, v.decision().json(), Decisions.reasonNames(v), Documents.tree(doc)));
      return new Result(d, doc, note);
    });
  }
}
