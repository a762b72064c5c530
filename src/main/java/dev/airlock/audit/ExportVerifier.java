package dev.airlock.audit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.airlock.core.AirlockException;
import dev.airlock.core.Json;
import dev.airlock.core.Limits;
import dev.airlock.core.Reason;
import dev.airlock.crypto.Hashing;
import dev.airlock.crypto.InvalidSignatureException;
import dev.airlock.crypto.Keys;
import dev.airlock.crypto.SignatureAlgorithm;
import dev.airlock.crypto.Signatures;
import dev.airlock.merkle.Merkle;
import dev.airlock.merkle.MerkleProofException;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.PublicKey;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Checks a JSONL audit export with only the appliance's audit public key (no database): the
 * checkpoint signature, the header signature (filter, event count and digest), every event hash,
 * the chain between consecutive exported events, every inclusion proof, and the consistency proofs
 * the export carries; with a previous export, that the log only grew since.
 *
 * <p>Each file is read under the rules of its own export version (header {@code mediaType}) and
 * each event under those of its own event format version, so an export written before event
 * format v2 still verifies, also as the previous export of a newer one. The format is exact
 * (docs/auditor-guide.md, section 3b): a field a line's version does not define, a missing,
 * reordered or mistyped one, or any other spelling of the line is {@link
 * Reason#AUDIT_EXPORT_NOT_EXACT}, because the hashes cover an event's content but not its line.
 */
public final class ExportVerifier {
  private ExportVerifier() {}

  /**
   * A verified export.
   *
   * @param applianceId from the checkpoint origin
   * @param treeSize size of the signed checkpoint
   * @param rootHash its root (hex)
   * @param events number of events checked
   * @param complete the export holds every event 1..treeSize (no filter)
   * @param previousSize tree size of the previous export shown consistent, or -1
   */
  public record Report(String applianceId, long treeSize, String rootHash, long events, boolean complete,
      long previousSize) {}

  /** Parsed and verified export (kept for the consistency check). */
  record Parsed(Report report, byte[] root, Map<Long, String> eventHashes, Map<Long, ConsistencyEntry> proofs) {}

  record ConsistencyEntry(long fromSize, byte[] fromRoot, List<byte[]> proof) {}

  /**
   * Verifies {@code export} (and {@code previous}, if not null) under {@code key}.
   *
   * @throws AuditTamperedException with the reason and the first bad event
   * @throws AirlockException CANNOT_DECIDE when a file cannot be read
   */
  public static Report verify(Path export, PublicKey key, Path previous) {
    readingFormat(export);
    if (previous != null) {
      readingFormat(previous);
    }
    Parsed now = parse(export, key);
    if (previous == null) {
      return now.report();
    }
    Parsed old = parse(previous, key);
    if (!old.report().applianceId().equals(now.report().applianceId())) {
      throw tampered(Reason.AUDIT_CONSISTENCY_INVALID, 0, previous + " is an export of appliance "
          + old.report().applianceId() + ", " + export + " of " + now.report().applianceId());
    }
    long m = old.report().treeSize();
    long n = now.report().treeSize();
    if (m > n) {
      // most often the two files were given the wrong way round; say so, and what it would mean if not
      throw tampered(Reason.AUDIT_CONSISTENCY_INVALID, n + 1, previous + " (given as --previous) covers " + m
          + " events but " + export + " only " + n + ": if the files are swapped, run 'airlock audit verify "
          + previous + " --key KEY --previous " + export + "' (--previous names the OLDER export); if not, the log"
          + " shrank");
    }
    if (m > 0) {
      if (m == n) {
        if (!MessageDigest.isEqual(old.root(), now.root())) {
          throw tampered(Reason.AUDIT_CONSISTENCY_INVALID, 0, "both exports cover " + m + " events but their roots differ");
        }
      } else {
        ConsistencyEntry c = now.proofs().get(m);
        if (c == null) {
          throw tampered(Reason.AUDIT_CONSISTENCY_INVALID, 0, export + " carries no consistency proof from tree size "
              + m + " (the size of " + previous + "); the appliance has no record of that checkpoint");
        }
        if (!MessageDigest.isEqual(c.fromRoot(), old.root())) {
          throw tampered(Reason.AUDIT_CONSISTENCY_INVALID, 0, "the log of size " + m + " that " + export
              + " extends is not the one " + previous + " saw: events were changed or dropped");
        }
      }
    }
    for (Map.Entry<Long, String> e : old.eventHashes().entrySet()) {
      String h = now.eventHashes().get(e.getKey());
      if (h != null && !h.equals(e.getValue())) {
        throw tampered(Reason.AUDIT_CONSISTENCY_INVALID, e.getKey(), "event " + e.getKey() + " differs between "
            + previous + " and " + export);
      }
    }
    Report r = now.report();
    return new Report(r.applianceId(), r.treeSize(), r.rootHash(), r.events(), r.complete(), m);
  }

  static Parsed parse(Path file, PublicKey key) {
    String what = file.toString();
    long maxLine = Limits.defaults().maxJsonBytes();
    try (BufferedReader in = new BufferedReader(new InputStreamReader(Files.newInputStream(file),
        StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
            .onUnmappableCharacter(CodingErrorAction.REPORT)), 1 << 16)) {
      String headerLine = readLine(in, maxLine, what);
      if (headerLine == null) {
        throw malformed(what, "empty file");
      }
      JsonNode header = Json.parse(headerLine.getBytes(StandardCharsets.UTF_8), what + " header");
      if (!header.isObject() || !"header".equals(header.path("type").textValue())
          || !header.path("mediaType").asText().startsWith("application/vnd.airlock.audit-export.")) {
        throw malformed(what, "first line is not an airlock audit export header (" + AuditExport.MEDIA_TYPE + ")");
      }
      // each export is read under the rules of its own version (docs/auditor-guide.md, section 3a)
      int exportVersion = AuditExport.exportVersion(header.path("mediaType").textValue());
      if (exportVersion == 0) {
        throw malformed(what, "media type " + header.path("mediaType").asText() + " is not one this airlock reads ("
            + AuditExport.MEDIA_TYPE_V1 + ", " + AuditExport.MEDIA_TYPE + ")");
      }
      checkHeaderExact((ObjectNode) header, headerLine, what);
      checkHeaderSignature((ObjectNode) header, key, what);
      AuditCheckpoint cp = AuditCheckpoint.verify(text(header, "checkpoint", what), key, what + " checkpoint");
      if (header.path("treeSize").asLong(-1) != cp.size()
          || !Hashing.hex(cp.root()).equals(header.path("rootHash").asText())
          || !cp.origin().equals(header.path("origin").asText())) {
        throw tampered(Reason.AUDIT_CHECKPOINT_INVALID, 0, what + ": header treeSize/rootHash/origin differ from the signed checkpoint");
      }
      boolean filtered = header.has("since") || header.has("until");
      Map<Long, ConsistencyEntry> proofs = new HashMap<>();
      for (JsonNode c : header.path("consistency")) {
        long from = c.path("fromSize").asLong(-1);
        byte[] fromRoot = hex(c.path("fromRoot").asText(), what);
        List<byte[]> proof = hexList(c.path("proof"), what);
        try {
          Merkle.verifyConsistency(from, cp.size(), fromRoot, cp.root(), proof);
        } catch (MerkleProofException e) {
          throw tampered(Reason.AUDIT_CONSISTENCY_INVALID, 0, what + ": consistency proof from size " + from + ": " + e.getMessage());
        }
        proofs.put(from, new ConsistencyEntry(from, fromRoot, proof));
      }
      MessageDigest eventsDigest = Hashing.sha256();
      Map<Long, String> hashes = new HashMap<>();
      long count = 0;
      long prevSeq = 0;
      long pendingGap = 0;
      String prevHash = null;
      String line;
      while ((line = readLine(in, maxLine, what)) != null) {
        long lineNo = count + 2;
        if (line.isEmpty()) {
          throw notExact(0, what + ": line " + lineNo + " is blank; an export has no blank lines");
        }
        JsonNode e = Json.parse(line.getBytes(StandardCharsets.UTF_8), what + " line " + lineNo);
        if (!e.isObject() || !"event".equals(e.path("type").textValue())) {
          throw notExact(0, what + ": line " + lineNo + " is not an event line (\"type\":\"event\")");
        }
        JsonNode seqNode = e.get("seq");
        if (seqNode == null || !seqNode.isIntegralNumber() || !seqNode.canConvertToLong() || seqNode.longValue() < 1) {
          throw notExact(0, what + ": line " + lineNo + ": seq must be a positive integer");
        }
        long seq = seqNode.longValue();
        String where = what + ": event " + seq;
        int version = AuditLog.FORMAT_V1;
        if (exportVersion != AuditExport.EXPORT_V1) {
          JsonNode v = e.get("version");
          if (v == null || !v.isIntegralNumber()
              || (v.intValue() != AuditLog.FORMAT_V1 && v.intValue() != AuditLog.FORMAT_V2) || !v.canConvertToInt()) {
            throw notExact(seq, where + ": version must be " + AuditLog.FORMAT_V1 + " or " + AuditLog.FORMAT_V2
                + " (the event format versions an export v" + exportVersion + " holds), not " + v);
          }
          version = v.intValue();
        }
        exactFields(e, AuditExport.eventFields(exportVersion, version), where, seq);
        if (seq <= prevSeq) {
          long first = pendingGap > 0 ? pendingGap : seq;
          throw tampered(Reason.AUDIT_EVENT_REORDERED, first, what + ": event " + first + " is out of order (event "
              + seq + " comes after event " + prevSeq + ")");
        }
        if (seq > cp.size()) {
          throw tampered(Reason.AUDIT_EVENT_INSERTED, seq, what + ": event " + seq + " is beyond the checkpoint's " + cp.size() + " events");
        }
        AuditLog.StoredEvent s = new AuditLog.StoredEvent(seq, eventText(e, "time", where, seq),
            eventText(e, "operator", where, seq), eventText(e, "host", where, seq), eventText(e, "command", where, seq),
            eventText(e, "action", where, seq), eventText(e, "subject", where, seq), eventText(e, "outcome", where, seq),
            Json.canonicalString(textArray(e, "reasons", where, seq)), Json.canonicalString(object(e, "detail", where, seq)),
            eventText(e, "prevHash", where, seq), eventText(e, "hash", where, seq), version,
            optionalText(e, "account", where, seq), optionalText(e, "sudoUser", where, seq),
            optionalText(e, "reason", where, seq));
        textArray(e, "inclusionProof", where, seq);
        byte[] canonical = s.canonical();
        if (!s.hash().equals(Hashing.hex(AuditLog.chainHash(hex(s.prevHash(), what), canonical)))) {
          throw tampered(Reason.AUDIT_EVENT_MODIFIED, seq, what + ": event " + seq + " was modified: its content does not match its hash");
        }
        if (seq == 1 && !s.prevHash().equals(AuditLog.GENESIS)) {
          throw tampered(Reason.AUDIT_EVENT_MODIFIED, seq, what + ": event 1 does not start the chain");
        }
        if (prevHash != null && seq == prevSeq + 1 && !s.prevHash().equals(prevHash)) {
          throw tampered(Reason.AUDIT_EVENT_MODIFIED, seq, what + ": event " + seq + " does not link to event " + prevSeq);
        }
        List<byte[]> inclusion = hexList(e.path("inclusionProof"), what);
        byte[] root;
        try {
          root = Merkle.rootFromInclusion(seq - 1, cp.size(), Merkle.leafHash(canonical), inclusion);
        } catch (MerkleProofException ex) {
          throw tampered(Reason.AUDIT_INCLUSION_INVALID, seq, what + ": event " + seq + ": " + ex.getMessage());
        }
        if (!MessageDigest.isEqual(root, cp.root())) {
          throw tampered(Reason.AUDIT_INCLUSION_INVALID, seq, what + ": event " + seq
              + " is not in the signed log (its inclusion proof leads to another root)");
        }
        // Exactness: the hash covers the event's content, not the line's spelling. A line that
        // says the same in other bytes (spacing, escapes, key order inside detail) was edited.
        if (!AuditExport.eventLine(s, inclusion, exportVersion).equals(line)) {
          throw notExact(seq, where + " is not written exactly as the appliance writes it "
              + "(spacing, escapes or key order differ)");
        }
        if (!filtered && seq != prevSeq + 1 && pendingGap == 0) {
          pendingGap = prevSeq + 1; // missing, unless it turns up later (then: reordered)
        }
        eventsDigest.update(hex(s.hash(), what));
        hashes.put(seq, s.hash());
        prevSeq = seq;
        prevHash = s.hash();
        count++;
      }
      if (pendingGap > 0) {
        throw tampered(Reason.AUDIT_EVENT_MISSING, pendingGap, what + ": event " + pendingGap + " is missing from the export");
      }
      if (count != header.path("eventCount").asLong(-1)
          || !Hashing.hex(eventsDigest.digest()).equals(header.path("eventsDigest").asText())) {
        throw tampered(Reason.AUDIT_EVENT_MISSING, 0, what + ": the export's events differ from what its signed header lists ("
            + header.path("eventCount").asLong(-1) + " events); lines were dropped, added or changed");
      }
      if (!filtered && count != cp.size()) {
        throw tampered(Reason.AUDIT_TRUNCATED, count + 1, what + ": the export ends at event " + count
            + " but the checkpoint covers " + cp.size());
      }
      String id = cp.origin().substring("airlock audit ".length());
      return new Parsed(new Report(id, cp.size(), Hashing.hex(cp.root()), count, !filtered, -1), cp.root(), hashes, proofs);
    } catch (IOException e) {
      throw AirlockException.cannotDecide(Reason.MEDIUM_UNREADABLE, what + ": cannot read: " + e.getMessage(), e);
    } catch (AirlockException e) {
      if (e instanceof AuditTamperedException || e.kind() == AirlockException.Kind.CANNOT_DECIDE) {
        throw e;
      }
      throw tampered(e.reason() == Reason.JSON_MALFORMED ? Reason.AUDIT_EXPORT_MALFORMED : e.reason(), 0, e.getMessage());
    }
  }

  /**
   * The header is exact: exactly the fields {@link AuditExport#headerFields} lists, in that order,
   * each of its type, the consistency entries likewise, the checkpoint a note of exactly the form
   * {@link AuditCheckpoint#sign} writes, and the line itself byte for byte what the appliance
   * writes. Checked before the signature, so an edited header is reported as what it is.
   */
  private static void checkHeaderExact(ObjectNode header, String headerLine, String what) {
    String where = what + ": header";
    exactFields(header, AuditExport.headerFields(header.has("since"), header.has("until")), where, 0);
    for (String f : List.of("applianceId", "origin", "keyName", "publicKey", "checkpoint", "rootHash", "exportedAt",
        "since", "until", "eventsDigest", "signature")) {
      if (header.has(f) && !header.get(f).isTextual()) {
        throw notExact(0, where + ": " + f + " must be a string");
      }
    }
    for (String f : List.of("treeSize", "eventCount")) {
      if (!header.get(f).isIntegralNumber() || !header.get(f).canConvertToLong() || header.get(f).longValue() < 0) {
        throw notExact(0, where + ": " + f + " must be a non-negative integer");
      }
    }
    for (String f : List.of("exportedAt", "since", "until")) {
      if (header.has(f)) {
        try {
          java.time.Instant.parse(header.get(f).textValue());
        } catch (java.time.format.DateTimeParseException e) {
          throw notExact(0, where + ": " + f + " is not an ISO-8601 instant");
        }
      }
    }
    String origin = header.get("origin").textValue();
    if (!AuditCheckpoint.keyName(origin).equals(header.get("keyName").textValue())
        || !origin.equals(AuditCheckpoint.origin(header.get("applianceId").textValue()))) {
      throw notExact(0, where + ": applianceId, origin and keyName do not belong together");
    }
    JsonNode consistency = header.get("consistency");
    if (!consistency.isArray()) {
      throw notExact(0, where + ": consistency must be an array");
    }
    long lastFrom = 0;
    int index = 0;
    for (JsonNode c : consistency) {
      String cw = where + ": consistency entry " + ++index;
      if (!c.isObject()) {
        throw notExact(0, where + ": a consistency entry must be an object");
      }
      exactFields(c, AuditExport.CONSISTENCY_FIELDS, cw, 0);
      JsonNode from = c.get("fromSize");
      if (!from.isIntegralNumber() || !from.canConvertToLong() || from.longValue() <= lastFrom) {
        throw notExact(0, cw + ": fromSize must be a positive integer, the entries in increasing order");
      }
      lastFrom = from.longValue();
      if (!c.get("fromRoot").isTextual() || !c.get("proof").isArray()) {
        throw notExact(0, cw + ": fromRoot must be a string and proof an array");
      }
      textArray(c, "proof", cw, 0);
    }
    checkpointExact(header.get("checkpoint").textValue(), header.get("keyName").textValue(), where);
    if (!Json.write(header).equals(headerLine)) {
      throw notExact(0, where + " is not written exactly as the appliance writes it (spacing, escapes or number form differ)");
    }
  }

  /**
   * The appliance's checkpoint is a signed note with exactly three text lines (origin, size, root;
   * no C2SP extension lines) and exactly one signature line, by its own key name: a witness line or
   * an extension line is not part of the format.
   */
  private static void checkpointExact(String note, String keyName, String where) {
    String[] l = note.split("\n", -1);
    if (l.length != 6 || !l[3].isEmpty() || !l[5].isEmpty() || !l[4].startsWith("\u2014 " + keyName + " ")
        || l[4].indexOf(' ', keyName.length() + 3) >= 0) {
      throw notExact(0, where + ": the checkpoint must be the origin, size and root lines, a blank line and "
          + "one signature line by " + keyName + " (no other lines)");
    }
  }

  /** {@code n}'s field names must be exactly {@code expected}, in that order. */
  private static void exactFields(JsonNode n, List<String> expected, String where, long seq) {
    List<String> actual = new ArrayList<>();
    n.fieldNames().forEachRemaining(actual::add);
    if (actual.equals(expected)) {
      return;
    }
    for (String a : actual) {
      if (!expected.contains(a)) {
        throw notExact(seq, where + " has a field the format does not define: " + a);
      }
    }
    for (String x : expected) {
      if (!actual.contains(x)) {
        throw notExact(seq, where + " lacks the field " + x);
      }
    }
    throw notExact(seq, where + ": fields out of order (expected " + String.join(",", expected) + ")");
  }

  private static String eventText(JsonNode n, String field, String where, long seq) {
    JsonNode f = n.get(field);
    if (!f.isTextual()) {
      throw notExact(seq, where + ": " + field + " must be a string");
    }
    return f.textValue();
  }

  /** A v2 field: a string or null; absent (a v1 event) is null, the field list was checked. */
  private static String optionalText(JsonNode n, String field, String where, long seq) {
    JsonNode f = n.get(field);
    if (f == null || f.isNull()) {
      return null;
    }
    if (!f.isTextual()) {
      throw notExact(seq, where + ": " + field + " must be a string or null");
    }
    return f.textValue();
  }

  private static JsonNode textArray(JsonNode n, String field, String where, long seq) {
    JsonNode f = n.get(field);
    if (!f.isArray()) {
      throw notExact(seq, where + ": " + field + " must be an array of strings");
    }
    for (JsonNode x : f) {
      if (!x.isTextual()) {
        throw notExact(seq, where + ": " + field + " must be an array of strings");
      }
    }
    return f;
  }

  private static JsonNode object(JsonNode n, String field, String where, long seq) {
    JsonNode f = n.get(field);
    if (!f.isObject()) {
      throw notExact(seq, where + ": " + field + " must be an object");
    }
    return f;
  }

  private static AuditTamperedException notExact(long seq, String message) {
    return tampered(Reason.AUDIT_EXPORT_NOT_EXACT, seq, message);
  }

  private static void checkHeaderSignature(ObjectNode header, PublicKey key, String what) {
    ObjectNode unsigned = header.deepCopy();
    JsonNode sig = unsigned.remove("signature");
    if (sig == null || !sig.isTextual()) {
      throw malformed(what, "header has no signature");
    }
    try {
      Signatures.verify(key, SignatureAlgorithm.ED25519, Json.canonical(unsigned), Base64.getDecoder().decode(sig.textValue()));
    } catch (InvalidSignatureException | IllegalArgumentException e) {
      throw tampered(Reason.AUDIT_CHECKPOINT_INVALID, 0, what + ": the header signature does not verify under the given key");
    }
    String pem = header.path("publicKey").asText();
    try {
      if (!MessageDigest.isEqual(Keys.parsePublicKey(pem.getBytes(StandardCharsets.US_ASCII)).getEncoded(), key.getEncoded())) {
        throw tampered(Reason.AUDIT_CHECKPOINT_INVALID, 0, what + ": the export names another public key than the one given");
      }
    } catch (Keys.KeyException e) {
      throw malformed(what, "publicKey is not a PEM key");
    }
  }

  private static String readLine(BufferedReader in, long max, String what) throws IOException {
    StringBuilder sb = new StringBuilder();
    int c;
    boolean any = false;
    while ((c = in.read()) >= 0) {
      any = true;
      if (c == '\n') {
        return sb.toString();
      }
      if (sb.length() >= max) {
        throw malformed(what, "a line is longer than " + max + " bytes");
      }
      sb.append((char) c);
    }
    return any ? sb.toString() : null;
  }

  private static String text(JsonNode n, String field, String what) {
    JsonNode f = n.get(field);
    if (f == null || !f.isTextual()) {
      throw malformed(what, "missing text field " + field);
    }
    return f.textValue();
  }

  private static byte[] hex(String h, String what) {
    try {
      byte[] b = Hashing.unhex(h);
      if (b.length != 32) {
        throw new IllegalArgumentException();
      }
      return b;
    } catch (IllegalArgumentException e) {
      throw malformed(what, "not a 32-byte hex hash: " + h);
    }
  }

  private static List<byte[]> hexList(JsonNode arr, String what) {
    if (!arr.isArray() || arr.size() > 64) {
      throw malformed(what, "a proof must be an array of at most 64 hashes");
    }
    List<byte[]> out = new ArrayList<>();
    for (JsonNode h : arr) {
      out.add(hex(h.asText(), what));
    }
    return out;
  }

  private static AuditTamperedException malformed(String what, String problem) {
    return tampered(Reason.AUDIT_EXPORT_MALFORMED, 0, what + ": " + problem);
  }

  /**
   * A CSV or HTML export is for reading: it carries no checkpoint and no proofs, so it is no
   * evidence and cannot be verified. Said plainly, instead of a JSON parse error on its first line.
   */
  private static void readingFormat(Path file) {
    byte[] head;
    try (java.io.InputStream in = java.nio.file.Files.newInputStream(file)) {
      head = in.readNBytes(64);
    } catch (java.io.IOException e) {
      return; // parse() reports an unreadable file
    }
    String start = new String(head, java.nio.charset.StandardCharsets.UTF_8).stripLeading()
        .toLowerCase(java.util.Locale.ROOT);
    String format = start.startsWith("<!doctype html") || start.startsWith("<html") ? "an HTML"
        : start.startsWith("seq,") || start.startsWith("\"seq\",") ? "a CSV" : null;
    if (format != null) {
      throw tampered(Reason.AUDIT_EXPORT_MALFORMED, 0, file + " is " + format + " export, written for reading: it"
          + " carries no signed checkpoint or proofs, so it is no evidence. Only a JSONL export is verified:"
          + " 'airlock audit export -o FILE.jsonl', then 'airlock audit verify FILE.jsonl --key KEY'");
    }
  }

  private static AuditTamperedException tampered(Reason r, long seq, String message) {
    return new AuditTamperedException(r, seq, message);
  }
}
