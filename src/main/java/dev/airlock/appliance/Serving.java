package dev.airlock.appliance;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.airlock.core.AirlockException;
import dev.airlock.core.Home;
import dev.airlock.core.Json;
import dev.airlock.core.json.ApiErrorDocument;
import dev.airlock.core.json.AuditDetail;
import dev.airlock.core.json.Documents;
import dev.airlock.core.json.VerdictDocument;
import dev.airlock.core.TrustedTime;
import dev.airlock.db.Database;
import dev.airlock.oci.AttachedSignature;
import dev.airlock.oci.Digest;
import dev.airlock.oci.ImageReference;
import dev.airlock.store.BlobStore;
import dev.airlock.store.StoredImage;
import dev.airlock.verify.Check;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * {@code airlock serve}'s answers (DESIGN.md section 9): the {@link ServeBackend} the http edge
 * calls. Every answer that releases an image comes from {@link Decisions#decide}, under the trust
 * and policy installed now; nothing is released that {@code verify} would deny.
 *
 * <p>Staying current: each request first reads the database's state version (one small query).
 * Every CLI transaction that changes state ({@code import}, {@code policy set}, {@code trust
 * update}, a checkpoint, a {@code verify}) bumps it before it commits, so a request that arrives
 * after such a command exited sees the new version, drops every derived view (the image index,
 * the decisions decided so far, the trusted-time high-water mark) and decides afresh. Within one
 * version a decision is reused only until its {@code validUntil} at the trusted now, the same bound
 * as the stored decision cache (DESIGN.md 6b). Serve decides in read-only transactions and writes
 * no decision cache; its own writes are audit events, which do not bump the version.
 *
 * <p>Audit: one event per manifest pull, verify call and admission review ({@link ServeAudit},
 * group commit); an answer is sent only after its event is durable.
 */
public final class Serving implements ServeBackend, AutoCloseable {
  private static final Pattern COSIGN_TAG = Pattern.compile("sha256-([0-9a-f]{64})\\.(sig|att|sbom)");
  private static final String OCI_INDEX = "application/vnd.oci.image.index.v1+json";
  private static final String OCI_MANIFEST = "application/vnd.oci.image.manifest.v1+json";

  private final Database db;
  private final BlobStore blobs;
  private final Clock clock;
  private final ServeAudit audit;
  private final Database.Holder hold;
  private final Object rebuild = new Object();
  private volatile ServeView view;

  private final AuditContext process;
  private volatile String listening;

  private Serving(Database db, BlobStore blobs, Clock clock, ServeAudit audit, Database.Holder hold,
      AuditContext process) {
    this.process = process;
    this.db = db;
    this.blobs = blobs;
    this.clock = clock;
    this.audit = audit;
    this.hold = hold;
  }

  /**
   * Opens the home for serving: holds the database open for the life of the server (other
   * processes reach it through the local channel, DESIGN.md 7) and starts the audit writer.
   *
   * @param who the serve process's account and host; each event names the client as its operator
   */
  public static Serving open(Home home, AuditContext who) {
    Database db = Database.open(home);
    Database.Holder hold = db.holdOpen();
    return new Serving(db, BlobStore.at(home), who.systemClock(), new ServeAudit(db, who), hold, who);
  }

  /**
   * Records that the server listens (audited as {@code serve.start} by the operator who started
   * it): the address, and whether TLS and client certificates are in force.
   */
  public void started(String address, boolean tls, boolean clientCertificates) {
    listening = address;
    JsonNode d = Documents.tree(new AuditDetail.ServeStart(address, tls, clientCertificates));
    db.transaction(tx -> tx.audit().append(process.event(tx.trustedNow(clock), "serve.start", address, "listening",
        List.of(), d)));
  }

  @Override
  public void close() {
    audit.close();
    if (listening != null) {
      try {
        db.transaction(tx -> tx.audit().append(process.event(tx.trustedNow(clock), "serve.stop", listening,
            "stopped", List.of(), JsonNodeFactory.instance.objectNode())));
      } catch (RuntimeException e) {
        // stopping anyway; the log shows a start without a stop
      }
      listening = null;
    }
    hold.close();
  }

  // ---------------------------------------------------------------- registry

  @Override
  public Answer<Manifest> manifest(String name, String ns, String reference, Client client) {
    ServeView v = view();
    Located at = locate(v, name, ns);
    if (at.repo() == null) {
      // an unknown repository is audited like any pull; a malformed name is the client's error
      return at.code() == ErrorCode.NAME_UNKNOWN
          ? audited(client, "serve.manifest", display(name, ns, reference), at.refusal(), null) : at.refusal();
    }
    ServeView.Repo repo = at.repo();
    String digest;
    StoredImage owner;
    String asked;
    if (reference.startsWith("sha256:")) {
      digest = reference;
      owner = repo.manifestOwner.get(digest);
      asked = owner == null ? null : repo.name + "@" + owner.digest();
    } else if (COSIGN_TAG.matcher(reference).matches() && repo.cosignTags.containsKey(reference)) {
      // a cosign .sig/.att/.sbom tag is served with the image it is about, decided by digest
      digest = repo.cosignTags.get(reference);
      owner = repo.manifestOwner.get(digest);
      asked = owner == null ? null : repo.name + "@" + owner.digest();
    } else {
      owner = repo.tags.get(reference);
      digest = owner == null ? null : owner.digest().toString();
      asked = repo.name + ":" + reference; // a tag is decided as that tag, under that tag's rule
    }
    String subject = repo.name + (reference.startsWith("sha256:") ? "@" : ":") + reference;
    if (owner == null) {
      return audited(client, "serve.manifest", subject, refused(ErrorCode.MANIFEST_UNKNOWN,
          "manifest " + reference + " is not known in " + repo.name), null);
    }
    Outcome o = decide(v, asked);
    Answer<Manifest> answer = o.release(() -> v.manifest(blobs, digest, repo));
    return audited(client, "serve.manifest", subject, answer, o);
  }

  @Override
  public Answer<Blob> blob(String name, String ns, String digest) {
    ServeView v = view();
    Located at = locate(v, name, ns);
    if (at.repo() == null) {
      return at.refusal();
    }
    ServeView.Repo repo = at.repo();
    List<StoredImage> owners = repo.blobOwners.getOrDefault(digest, List.of());
    if (owners.isEmpty()) {
      return refused(ErrorCode.BLOB_UNKNOWN, "blob " + digest + " is not known in " + repo.name);
    }
    Outcome denied = null;
    for (StoredImage owner : owners) {
      Outcome o = decide(v, repo.name + "@" + owner.digest());
      if (o.releasable()) {
        Digest d = Digest.parse(digest);
        return new Answer.Found<>(new Blob(blobs.path(d), repo.blobSizes.get(digest), digest));
      }
      if (denied == null || o.cannotDecide() != null) {
        denied = o;
      }
    }
    return denied.refusal();
  }

  @Override
  public Answer<Tags> tags(String name, String ns) {
    ServeView v = view();
    Located at = locate(v, name, ns);
    if (at.repo() == null) {
      return at.refusal();
    }
    ServeView.Repo repo = at.repo();
    TreeSet<String> out = new TreeSet<>();
    Outcome cannot = null;
    for (Map.Entry<String, StoredImage> e : repo.tags.entrySet()) {
      Outcome o = decide(v, repo.name + ":" + e.getKey());
      if (o.cannotDecide() != null) {
        cannot = o;
      } else if (o.releasable()) {
        out.add(e.getKey());
      }
    }
    for (Map.Entry<String, String> e : repo.cosignTags.entrySet()) {
      StoredImage owner = repo.manifestOwner.get(e.getValue());
      if (owner != null && decide(v, repo.name + "@" + owner.digest()).releasable()) {
        out.add(e.getKey());
      }
    }
    if (out.isEmpty() && cannot != null) {
      return cannot.refusal();
    }
    return new Answer.Found<>(new Tags(display(name, ns, null), List.copyOf(out)));
  }

  @Override
  public Answer<Manifest> referrers(String name, String ns, String digest, String artifactType) {
    ServeView v = view();
    Located at = locate(v, name, ns);
    if (at.repo() == null) {
      return at.refusal();
    }
    ServeView.Repo repo = at.repo();
    StoredImage subject = repo.images.get(digest);
    ArrayNode manifests = JsonNodeFactory.instance.arrayNode();
    if (subject != null) {
      Outcome o = decide(v, repo.name + "@" + digest);
      if (!o.releasable()) {
        return o.refusal();
      }
      Set<Digest> seen = new LinkedHashSet<>();
      for (AttachedSignature s : subject.signatures()) {
        if (s.kind() != AttachedSignature.Kind.BUNDLE || !s.subject().toString().equals(digest)
            || !seen.add(s.carrier())) {
          continue;
        }
        ObjectNode d = v.referrerDescriptor(blobs, s.carrier(), repo);
        if (d != null && (artifactType == null || artifactType.equals(d.path("artifactType").asText(null)))) {
          manifests.add(d);
        }
      }
    }
    // the spec: a known repository answers 200 with an index, empty when nothing refers to the digest
    ObjectNode index = JsonNodeFactory.instance.objectNode();
    index.put("schemaVersion", 2);
    index.put("mediaType", OCI_INDEX);
    index.set("manifests", manifests);
    byte[] bytes = Json.write(index).getBytes(StandardCharsets.UTF_8);
    return new Answer.Found<>(new Manifest(bytes, OCI_INDEX, Digest.sha256(dev.airlock.crypto.Hashing.sha256(bytes)).toString()));
  }

  // ---------------------------------------------------------------- verify API and admission

  @Override
  public VerifyAnswer verify(String image, Client client) {
    ServeView v = view();
    Outcome o;
    try {
      o = decide(v, canonical(image));
    } catch (AirlockException e) {
      ApiErrorDocument err = new ApiErrorDocument(e.reason() == null ? "USAGE" : e.reason().name(), e.getMessage());
      audit.record(client, "serve.verify", image, "usage-error", List.of(), Documents.tree(err));
      // the API's error document has no "reason" field, so its metrics count no reason (as before)
      return new VerifyAnswer(400, Documents.write(err), List.of());
    }
    if (o.cannotDecide() != null) {
      ApiErrorDocument err = new ApiErrorDocument(o.cannotDecide(), o.message());
      audit.record(client, "serve.verify", image, "cannot-decide", List.of(o.cannotDecide()), detail(client, o));
      return new VerifyAnswer(503, Documents.write(err), List.of());
    }
    VerdictDocument doc = o.verdict().document();
    audit.record(client, "serve.verify", image, o.verdict().decision().json(), o.reasons(), detail(client, o));
    return new VerifyAnswer(o.releasable() ? 200 : 403, Documents.write(doc), doc.reasons());
  }

  @Override
  public List<ImageDecision> admission(List<String> images, String subject, String uid, Client client) {
    ServeView v = view();
    List<ImageDecision> out = new ArrayList<>();
    List<AuditDetail.AdmissionImage> details = new ArrayList<>();
    Map<String, ImageDecision> seen = new LinkedHashMap<>();
    for (String image : images) {
      ImageDecision d = seen.computeIfAbsent(image, i -> admit(v, i));
      out.add(d);
    }
    boolean allowed = !out.isEmpty() && out.stream().allMatch(ImageDecision::allowed) || images.isEmpty();
    List<String> reasons = new ArrayList<>();
    for (ImageDecision d : seen.values()) {
      details.add(new AuditDetail.AdmissionImage(d.image(), d.digest(), d.allowed(), d.reasons()));
      d.reasons().stream().filter(x -> !reasons.contains(x)).forEach(reasons::add);
    }
    audit.record(client, "serve.admission", subject, allowed ? "allowed" : "denied", reasons,
        Documents.tree(new AuditDetail.Admission(uid, client(client), v.policyDigest, details)));
    return out;
  }

  private ImageDecision admit(ServeView v, String image) {
    Outcome o;
    try {
      o = decide(v, canonical(image));
    } catch (AirlockException e) {
      return new ImageDecision(image, null, false, List.of("REFERENCE_INVALID"), e.getMessage());
    }
    if (o.cannotDecide() != null) {
      return new ImageDecision(image, null, false, List.of(o.cannotDecide()), o.message());
    }
    return new ImageDecision(image, o.verdict().digest(), o.releasable(), o.releasable() ? List.of() : o.reasons(),
        o.message());
  }

  @Override
  public Readiness readiness() {
    ServeView v = view();
    return new Readiness(v.notReady == null, v.notReady, Optional.ofNullable(v.trustExpires));
  }

  // ---------------------------------------------------------------- decisions

  /** The current view: rebuilt when the state version moved. */
  private ServeView view() {
    long version = hold.stateVersion(); // one primary-key read on the held connection
    ServeView v = view;
    if (v != null && v.version == version) {
      return v;
    }
    synchronized (rebuild) {
      v = view;
      if (v != null && v.version == version) {
        return v;
      }
      v = db.readTransaction(tx -> ServeView.build(tx, version, clock));
      view = v;
      return v;
    }
  }

  /** Decides {@code reference} now, reusing a decision of this state version until its validUntil. */
  private Outcome decide(ServeView v, String reference) {
    TrustedTime time = v.now(clock);
    // a key file of the policy replaced on disk bumps no state version: it is checked each time
    String policyId;
    try {
      policyId = v.policy == null ? null : v.policy.cacheId();
    } catch (AirlockException e) {
      policyId = null; // an installed policy that no longer parses: decided (and refused) below
    }
    Outcome o = v.decisions.get(reference);
    if (o != null && o.currentAt(time.now()) && policyId != null && policyId.equals(o.policyId())) {
      return o;
    }
    try {
      Decisions.Decision d = db.readTransaction(tx -> Decisions.decide(tx, Decisions.Request.of(reference), time,
          blobs, false));
      o = Outcome.of(d, policyId);
      if (!d.stored()) {
        // not kept: a client naming endless images that are not stored (verify API, admission)
        // must not grow the memory of this view; the answer costs one indexed lookup anyway
        return o;
      }
    } catch (AirlockException e) {
      if (e.kind() != AirlockException.Kind.CANNOT_DECIDE) {
        throw e;
      }
      o = Outcome.cannot(e.reason().name(), e.getMessage(), policyId);
    }
    v.decisions.put(reference, o); // one per stored reference asked: bounded by the store
    return o;
  }

  /** A reference from a pod spec or the verify API, normalised as {@code verify} does. */
  private static String canonical(String image) {
    String s = image == null ? "" : image.strip();
    if (s.startsWith("sha256:")) {
      return s;
    }
    try {
      ImageReference r = ImageReference.parse(s);
      return r.toString();
    } catch (RuntimeException e) {
      throw AirlockException.usage("'" + image + "' is not an image reference or digest");
    }
  }

  private <T> Answer<T> audited(Client client, String action, String subject, Answer<T> answer, Outcome o) {
    String outcome;
    List<String> reasons;
    if (answer instanceof Answer.Found<T>) {
      outcome = "served";
      reasons = List.of();
    } else if (answer instanceof Answer.Refused<T> r) {
      outcome = r.code() == ErrorCode.DENIED ? "denied" : "unknown";
      reasons = r.reasons();
    } else {
      Answer.CannotDecide<T> c = (Answer.CannotDecide<T>) answer;
      outcome = "cannot-decide";
      reasons = List.of(c.reason());
    }
    audit.record(client, action, subject, outcome, reasons, detail(client, o));
    return answer;
  }

  private static JsonNode detail(Client client, Outcome o) {
    if (o == null) {
      return Documents.tree(new AuditDetail.ServeRequest(client(client), null, null));
    }
    return Documents.tree(new AuditDetail.ServeRequest(client(client),
        new AuditDetail.Decided(o.policyDigest(), o.verdict() == null ? null
            : new AuditDetail.DecidedVerdict(o.verdict().digest(), o.verdict().decision().json())),
        o.message() != null && !o.releasable() ? o.message() : null));
  }

  private static AuditDetail.Client client(Client client) {
    return new AuditDetail.Client(client.address(), client.certificateSubject());
  }

  /** The repository a request names, or why there is none (400 NAME_INVALID, 404 NAME_UNKNOWN). */
  private record Located(ServeView.Repo repo, ErrorCode code, String message) {
    <T> Answer<T> refusal() {
      return refused(code, message);
    }
  }

  private static Located locate(ServeView v, String name, String ns) {
    try {
      ServeView.Repo repo = v.repo(name, ns);
      return repo != null ? new Located(repo, null, null)
          : new Located(null, ErrorCode.NAME_UNKNOWN, "repository " + display(name, ns, null) + " is not known");
    } catch (AirlockException e) {
      return new Located(null, ErrorCode.NAME_INVALID, e.getMessage());
    }
  }

  private static <T> Answer<T> refused(ErrorCode code, String message) {
    return new Answer.Refused<>(code, message, List.of());
  }

  private static String display(String name, String ns, String reference) {
    String n = ns == null ? name : ns + "/" + name;
    return reference == null ? n : n + (reference.startsWith("sha256:") ? "@" : ":") + reference;
  }

  /** One decision as serve uses it. */
  record Outcome(dev.airlock.verify.Verdict verdict, boolean releasable, String policyDigest, String policyId,
      Instant validUntil, String cannotDecide, String message) {
    /** {@code policyId}: the installed policy's {@link PolicyChoice#cacheId()} when it was decided. */
    static Outcome of(Decisions.Decision d, String policyId) {
      dev.airlock.verify.Verdict v = d.verdict();
      String message;
      if (d.releasable()) {
        message = null;
      } else if (!v.admitted()) {
        // the failed checks behind the verdict's reasons (not every check that failed on the way)
        List<String> lines = v.checks().stream().filter(Check::failed)
            .filter(c -> c.reason() == null || v.reasons().contains(c.reason()))
            .map(c -> c.id() + ": " + (c.detail() != null ? c.detail() : c.reason() == null ? "failed" : c.reason().name()))
            .distinct().limit(3).toList();
        message = lines.isEmpty() ? "denied by the installed policy" : String.join("; ", lines);
      } else {
        message = "admitted only with warnings under an enforcing policy: " + String.join("; ", v.warnings());
      }
      return new Outcome(v, d.releasable(), d.policy() == null ? null : d.policy().digest(), policyId,
          v.validUntil(), null, message);
    }

    static Outcome cannot(String reason, String message, String policyId) {
      return new Outcome(null, false, null, policyId, null, reason, message);
    }

    boolean currentAt(Instant now) {
      return validUntil == null || now.isBefore(validUntil);
    }

    List<String> reasons() {
      if (cannotDecide != null) {
        return List.of(cannotDecide);
      }
      List<String> r = Decisions.reasonNames(verdict);
      if (r.isEmpty() && !releasable) {
        return List.of(dev.airlock.core.Reason.IMAGE_NOT_ADMITTED.name()); // admitted only with warnings under enforce
      }
      return r;
    }

    <T> Answer<T> refusal() {
      if (cannotDecide != null) {
        return new Answer.CannotDecide<>(cannotDecide, message);
      }
      return new Answer.Refused<>(ErrorCode.DENIED, message, reasons());
    }

    interface Content<T> {
      T get() throws IOException;
    }

    <T> Answer<T> release(Content<T> content) {
      if (!releasable) {
        return refusal();
      }
      try {
        return new Answer.Found<>(content.get());
      } catch (IOException e) {
        throw AirlockException.cannotDecide(dev.airlock.core.Reason.BLOB_MISSING,
            "the content store could not be read: " + e.getMessage(), e);
      }
    }
  }
}
