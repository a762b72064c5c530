package dev.airlock.audit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.airlock.core.AirlockException;
import dev.airlock.core.Home;
import dev.airlock.core.Json;
import dev.airlock.core.Reason;
import dev.airlock.core.json.AuditDetail;
import dev.airlock.core.json.Documents;
import dev.airlock.crypto.Hashing;
import dev.airlock.crypto.Keys;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.function.Function;

/**
 * Writes audit exports. {@code jsonl} is the evidence format (docs/auditor-guide.md):
 *
 * <ol>
 *   <li>a header line: appliance id, audit public key, a signed checkpoint of the whole log at
 *       export time, the filter, the number and a digest of the exported events, consistency proofs
 *       from every checkpoint this appliance handed out before, and an Ed25519 signature over the
 *       header (so a dropped event line or a changed filter shows);
 *   <li>one line per selected event with its format version, its chain hash and an inclusion
 *       proof to the checkpoint.
 * </ol>
 *
 * The lines are written by {@link #eventLine} and {@link #headerFields}, which the verifier uses
 * to check that an export is exactly what was written.
 *
 * {@code csv} and {@code html} are for reading; they carry the same events and checkpoint but no
 * proofs. Every export is itself an audit event, appended in the same transaction.
 */
public final class AuditExport {
  /**
   * The export format written now (v2): every event line states its event format version. Read
   * also: {@link #MEDIA_TYPE_V1}, the exports written before event format v2 (all events v1, no
   * version field); each is verified under the rules of its own version.
   */
  public static final String MEDIA_TYPE = "application/vnd.airlock.audit-export.v2+jsonl";
  /** The export format written before event format v2. */
  public static final String MEDIA_TYPE_V1 = "application/vnd.airlock.audit-export.v1+jsonl";
  private static final int BATCH = 10_000;

  private AuditExport() {}

  /** Export formats. */
  public enum Format { JSONL, CSV, HTML }

  /**
   * What was exported.
   *
   * @param checkpoint the signed checkpoint of the whole log (before the export's own event)
   * @param events number of exported events
   * @param exportEventSeq sequence number of the export's audit event
   */
  public record Result(AuditCheckpoint checkpoint, long events, long exportEventSeq) {}

  /**
   * Exports events with {@code since <= time <= until} (either may be null) to {@code out} and
   * records the export with the event {@code auditEvent.apply(detail)}. The file appears only if
   * the event was appended (temp file, renamed last).
   */
  public static Result export(Home home, AuditStore store, Path out, Format format, Instant since,
      Instant until, Instant now, Function<JsonNode, AuditEvent> auditEvent) throws IOException {
    AuditLog.Head head = store.head(true);
    long n = head.seq();
    if (n > Integer.MAX_VALUE / AuditTree.H) {
      throw AirlockException.cannotDecide(Reason.LIMIT_EXCEEDED, "the log has too many events to export at once");
    }
    byte[] leaves = new byte[(int) (n * AuditTree.H)];
    List<AuditLog.StoredEvent> selected = new ArrayList<>();
    long last = 0;
    while (true) {
      int got = 0;
      for (AuditLog.StoredEvent e : store.events(last, n, BATCH)) {
        got++;
        if (e.seq() != last + 1) {
          throw AuditVerifier.tampered(Reason.AUDIT_EVENT_MISSING, last + 1,
              "event " + (last + 1) + " is missing; run 'airlock audit verify'");
        }
        if (e.formatProblem() != null) {
          throw AuditVerifier.tampered(Reason.AUDIT_EVENT_MODIFIED, e.seq(),
              "event " + e.seq() + " " + e.formatProblem() + "; run 'airlock audit verify'");
        }
        last = e.seq();
        System.arraycopy(e.leafHash(), 0, leaves, (int) ((last - 1) * AuditTree.H), AuditTree.H);
        Instant t;
        try {
          t = Instant.parse(e.time());
        } catch (java.time.format.DateTimeParseException ex) {
          throw AuditVerifier.tampered(Reason.AUDIT_EVENT_MODIFIED, e.seq(),
              "event " + e.seq() + " has an invalid time; run 'airlock audit verify'");
        }
        if ((since == null || !t.isBefore(since)) && (until == null || !t.isAfter(until))) {
          selected.add(e);
        }
      }
      if (got < BATCH) {
        break;
      }
    }
    if (last != n) {
      throw AuditVerifier.tampered(Reason.AUDIT_TRUNCATED, last + 1,
          "the head row says " + n + " events, the log has " + last + "; run 'airlock audit verify'");
    }
    AuditTree tree = AuditTree.ofOwned(leaves);
    if (!MessageDigest.isEqual(tree.root(), head.root())) {
      throw AuditVerifier.tampered(Reason.AUDIT_CHECKPOINT_INVALID, 0,
          "the events do not match the head row's Merkle state; run 'airlock audit verify'");
    }
    String applianceId = store.applianceId();
    PublicKey pub = AuditVerifier.applianceKey(store);
    PrivateKey priv = AuditKeys.loadPrivate(home);
    AuditCheckpoint cp = AuditCheckpoint.sign(applianceId, n, tree.root(), priv, pub);

    // consistency proofs from every checkpoint handed out before (their sizes are in the table)
    ArrayNode consistency = JsonNodeFactory.instance.arrayNode();
    for (AuditStore.IssuedCheckpoint issued : store.issuedCheckpoints(n)) {
      long m = issued.size();
      ObjectNode c = consistency.addObject();
      c.put("fromSize", m);
      c.put("fromRoot", issued.rootHex());
      ArrayNode proof = c.putArray("proof");
      tree.consistencyProof(m, n).forEach(h -> proof.add(Hashing.hex(h)));
    }
    store.recordCheckpoint(n, Hashing.hex(tree.root()), cp.note(), now);

    Path abs = out.toAbsolutePath();
    Path tmp = abs.resolveSibling("." + abs.getFileName() + ".tmp");
    try {
      try (BufferedWriter w = Files.newBufferedWriter(tmp, StandardCharsets.UTF_8)) {
        switch (format) {
          case JSONL -> writeJsonl(w, cp, applianceId, pub, priv, since, until, now, selected, tree, consistency);
          case CSV -> writeCsv(w, selected);
          case HTML -> AuditHtml.write(w, cp, applianceId, pub, since, until, now, selected);
          default -> throw new IllegalStateException();
        }
      }
      String fileSha256;
      try (var in = Files.newInputStream(tmp)) {
        fileSha256 = Hashing.hex(Hashing.sha256(in));
      }
      JsonNode detail = Documents.tree(new AuditDetail.AuditExported(abs.getFileName().toString(),
          format.name().toLowerCase(java.util.Locale.ROOT), selected.size(), n, Hashing.hex(tree.root()), fileSha256,
          since == null ? null : since.toString(), until == null ? null : until.toString()));
      long seq = AuditLog.append(store, auditEvent.apply(detail));
      Files.move(tmp, abs, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
      return new Result(cp, selected.size(), seq);
    } finally {
      Files.deleteIfExists(tmp);
    }
  }

  private static void writeJsonl(Writer w, AuditCheckpoint cp, String applianceId, PublicKey pub,
      PrivateKey priv, Instant since, Instant until, Instant now, List<AuditLog.StoredEvent> events,
      AuditTree tree, ArrayNode consistency) throws IOException {
    MessageDigest eventsDigest = Hashing.sha256();
    for (AuditLog.StoredEvent e : events) {
      eventsDigest.update(Hashing.unhex(e.hash()));
    }
    ObjectNode h = JsonNodeFactory.instance.objectNode();
    h.put("type", "header");
    h.put("mediaType", MEDIA_TYPE);
    h.put("applianceId", applianceId);
    h.put("origin", cp.origin());
    h.put("keyName", AuditCheckpoint.keyName(cp.origin()));
    h.put("publicKey", Keys.toPem(pub));
    h.put("checkpoint", cp.note());
    h.put("treeSize", cp.size());
    h.put("rootHash", Hashing.hex(cp.root()));
    h.put("exportedAt", now.toString());
    if (since != null) {
      h.put("since", since.toString());
    }
    if (until != null) {
      h.put("until", until.toString());
    }
    h.put("eventCount", events.size());
    h.put("eventsDigest", Hashing.hex(eventsDigest.digest()));
    h.set("consistency", consistency);
    byte[] sig = dev.airlock.crypto.Signatures.sign(priv, dev.airlock.crypto.SignatureAlgorithm.ED25519, Json.canonical(h));
    h.put("signature", Base64.getEncoder().encodeToString(sig));
    w.write(Json.write(h));
    w.write('\n');
    for (AuditLog.StoredEvent e : events) {
      w.write(eventLine(e, tree.inclusionProof(e.seq() - 1, tree.size()), EXPORT_V2));
      w.write('\n');
    }
  }

  /**
   * The header's fields in the order they are written; {@code since} and {@code until} only for a
   * selection. The export is exact (docs/auditor-guide.md, section 3b): {@link ExportVerifier}
   * refuses a header with any other field list.
   */
  static List<String> headerFields(boolean since, boolean until) {
    List<String> f = new ArrayList<>(List.of("type", "mediaType", "applianceId", "origin", "keyName",
        "publicKey", "checkpoint", "treeSize", "rootHash", "exportedAt"));
    if (since) {
      f.add("since");
    }
    if (until) {
      f.add("until");
    }
    f.addAll(List.of("eventCount", "eventsDigest", "consistency", "signature"));
    return f;
  }

  /** The fields of one entry of the header's {@code consistency} array, in order. */
  static final List<String> CONSISTENCY_FIELDS = List.of("fromSize", "fromRoot", "proof");

  /** Export format versions (the header's media type). */
  static final int EXPORT_V1 = 1;
  static final int EXPORT_V2 = 2;

  /** The export format version of a header media type, or 0 if it is not one airlock reads. */
  static int exportVersion(String mediaType) {
    if (MEDIA_TYPE.equals(mediaType)) {
      return EXPORT_V2;
    }
    return MEDIA_TYPE_V1.equals(mediaType) ? EXPORT_V1 : 0;
  }

  private static final List<String> EVENT_FIELDS_EXPORT_V1 = List.of("type", "seq", "time", "operator",
      "host", "command", "action", "subject", "outcome", "reasons", "detail", "prevHash", "hash",
      "inclusionProof");
  private static final List<String> EVENT_FIELDS_V1 = List.of("type", "version", "seq", "time", "operator",
      "host", "command", "action", "subject", "outcome", "reasons", "detail", "prevHash", "hash",
      "inclusionProof");
  private static final List<String> EVENT_FIELDS_V2 = List.of("type", "version", "seq", "time", "operator",
      "account", "sudoUser", "host", "command", "action", "subject", "outcome", "reasons", "reason", "detail",
      "prevHash", "hash", "inclusionProof");

  /**
   * The fields of an event line, in the order they are written: in an export v1 (no
   * {@code version}: every event is v1); in an export v2, those of the event's own format version.
   */
  static List<String> eventFields(int exportVersion, int eventVersion) {
    if (exportVersion == EXPORT_V1) {
      return EVENT_FIELDS_EXPORT_V1;
    }
    return eventVersion == AuditLog.FORMAT_V1 ? EVENT_FIELDS_V1 : EVENT_FIELDS_V2;
  }

  /**
   * One event line (without its newline) exactly as the appliance writes it in an export of
   * {@code exportVersion}. The verifier renders every line it reads again and compares the bytes,
   * so the line format has one definition.
   */
  static String eventLine(AuditLog.StoredEvent e, List<byte[]> inclusionProof, int exportVersion) {
    if (exportVersion == EXPORT_V1 && e.version() != AuditLog.FORMAT_V1) {
      throw new IllegalArgumentException("an export v1 holds only format v1 events");
    }
    boolean v2 = e.version() == AuditLog.FORMAT_V2;
    StringBuilder sb = new StringBuilder(512 + e.detailJson().length());
    sb.append("{\"type\":\"event\"");
    if (exportVersion != EXPORT_V1) {
      sb.append(",\"version\":").append(e.version());
    }
    sb.append(",\"seq\":").append(e.seq());
    field(sb, "time", e.time());
    field(sb, "operator", e.operator());
    if (v2) {
      field(sb, "account", e.account());
      field(sb, "sudoUser", e.sudoUser());
    }
    field(sb, "host", e.host());
    field(sb, "command", e.command());
    field(sb, "action", e.action());
    field(sb, "subject", e.subject());
    field(sb, "outcome", e.outcome());
    sb.append(",\"reasons\":").append(e.reasonsJson());
    if (v2) {
      field(sb, "reason", e.reason());
    }
    sb.append(",\"detail\":").append(e.detailJson());
    field(sb, "prevHash", e.prevHash());
    field(sb, "hash", e.hash());
    sb.append(",\"inclusionProof\":[");
    for (int i = 0; i < inclusionProof.size(); i++) {
      sb.append(i == 0 ? "\"" : ",\"").append(Hashing.hex(inclusionProof.get(i))).append('"');
    }
    return sb.append("]}").toString();
  }

  private static void field(StringBuilder sb, String name, String value) {
    sb.append(",\"").append(name).append("\":");
    AuditLog.Canonical.stringOrNull(value, sb);
  }

  static final String[] CSV_COLUMNS = {"seq", "version", "time", "operator", "account", "sudoUser", "host",
      "command", "action", "subject", "outcome", "reasons", "reason", "detail", "hash"};

  private static void writeCsv(Writer w, List<AuditLog.StoredEvent> events) throws IOException {
    w.write(String.join(",", CSV_COLUMNS));
    w.write("\r\n");
    for (AuditLog.StoredEvent e : events) {
      // null (v1 events, or not recorded) is an empty cell
      String[] v = {Long.toString(e.seq()), Integer.toString(e.version()), e.time(), e.operator(),
          orEmpty(e.account()), orEmpty(e.sudoUser()), e.host(), e.command(), e.action(), e.subject(), e.outcome(),
          String.join(" ", e.reasons()), orEmpty(e.reason()), e.detailJson(), e.hash()};
      for (int i = 0; i < v.length; i++) {
        if (i > 0) {
          w.write(',');
        }
        w.write(csvCell(v[i]));
      }
      w.write("\r\n");
    }
  }

  private static String orEmpty(String s) {
    return s == null ? "" : s;
  }

  /**
   * RFC 4180 quoting; a cell a spreadsheet would run as a formula (leading = + - @ tab CR) gets a
   * leading apostrophe (OWASP "CSV injection").
   */
  static String csvCell(String s) {
    String v = s;
    if (!v.isEmpty() && "=+-@\t\r".indexOf(v.charAt(0)) >= 0) {
      v = "'" + v;
    }
    return "\"" + v.replace("\"", "\"\"") + "\"";
  }

  static String esc(String s) {
    StringBuilder sb = new StringBuilder(s.length() + 16);
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '<' -> sb.append("&lt;");
        case '>' -> sb.append("&gt;");
        case '&' -> sb.append("&amp;");
        case '"' -> sb.append("&quot;");
        case '\'' -> sb.append("&#39;");
        default -> sb.append(c);
      }
    }
    return sb.toString();
  }
}
