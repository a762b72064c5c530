package dev.airlock.cli;

import static dev.airlock.cli.AuditHarness.run;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.airlock.audit.AuditCheckpoint;
import dev.airlock.audit.AuditFixtures;
import dev.airlock.audit.AuditKeys;
import dev.airlock.audit.AuditLog;
import dev.airlock.audit.AuditTree;
import dev.airlock.audit.AuditVerifier;
import dev.airlock.db.Database;
import dev.airlock.db.Transaction;
import dev.airlock.core.Home;
import dev.airlock.crypto.Hashing;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** audit verify / export on a real H2 file: each kind of tampering names the first bad event. */
class AuditCommandTest {
  @TempDir Path dir;

  static AuditHarness.Run verify(Home home) {
    return run("--home", home.root().toString(), "--json", "audit", "verify");
  }

  static void assertBad(AuditHarness.Run r, String reason, long seq) {
    assertEquals(1, r.code(), r.err());
    assertEquals(reason, r.json().get("reason").asText(), r.err());
    if (seq > 0) {
      assertTrue(r.err().contains("event " + seq + " "), "names event " + seq + ": " + r.err());
    }
    assertEquals(1, r.err().strip().lines().count(), r.err());
  }

  @Test
  void intactLogVerifies() throws Exception {
    Home home = AuditHarness.initHome(dir, 9);
    AuditHarness.Run r = verify(home);
    assertEquals(0, r.code(), r.err());
    assertEquals(10, r.json().get("events").asLong());
    // the verification itself was recorded
    assertEquals(0, verify(home).code());
    assertEquals(12, AuditHarness.count(home, "SELECT COUNT(*) FROM audit_event"));
  }

  @Test
  void modifiedEventIsNamed() throws Exception {
    Home home = AuditHarness.initHome(dir, 9);
    AuditHarness.sql(home, "UPDATE audit_event SET outcome = 'forged' WHERE seq = 4");
    assertBad(verify(home), "AUDIT_EVENT_MODIFIED", 4);
  }

  @Test
  void modifiedDetailIsNamed() throws Exception {
    Home home = AuditHarness.initHome(dir, 9);
    AuditHarness.sql(home, "UPDATE audit_event SET detail = REPLACE(detail, 'test', 'tost') WHERE seq = 6");
    assertBad(verify(home), "AUDIT_EVENT_MODIFIED", 6);
  }

  @Test
  void deletedEventIsNamed() throws Exception {
    Home home = AuditHarness.initHome(dir, 9);
    AuditHarness.sql(home, "DELETE FROM audit_event WHERE seq = 5");
    assertBad(verify(home), "AUDIT_EVENT_MISSING", 5);
  }

  @Test
  void deletedAndRenumberedEventIsNamed() throws Exception {
    Home home = AuditHarness.initHome(dir, 9);
    AuditHarness.sql(home, "DELETE FROM audit_event WHERE seq = 5",
        "UPDATE audit_event SET seq = seq - 1 WHERE seq > 5 ORDER BY seq");
    assertBad(verify(home), "AUDIT_EVENT_MISSING", 5);
  }

  @Test
  void insertedEventIsNamed() throws Exception {
    Home home = AuditHarness.initHome(dir, 9);
    List<AuditLog.StoredEvent> rows = rows(home);
    AuditLog.StoredEvent e2 = rows.get(1);
    // a forged event with a correct chain hash after event 2; the rest shifted up by one
    AuditLog.StoredEvent forged = new AuditLog.StoredEvent(3, e2.time(), "mallory", "testhost", "verify", "verify",
        "sha256:" + "cd".repeat(32), "admit", "[]", "{}", e2.hash(), null);
    String hash = forged.computedHash();
    AuditHarness.sql(home, "UPDATE audit_event SET seq = seq + 1000 WHERE seq >= 3",
        "UPDATE audit_event SET seq = seq - 999 WHERE seq >= 1000",
        "INSERT INTO audit_event(" + dev.airlock.db.AuditRows.COLUMNS + ") VALUES (3, '" + e2.time() + "', 'mallory', 'testhost', 'verify', 'verify', 'sha256:"
            + "cd".repeat(32) + "', 'admit', '[]', '{}', '" + e2.hash() + "', '" + hash + "', 1, NULL, NULL, NULL)",
        "UPDATE audit_head SET seq = seq + 1");
    assertBad(verify(home), "AUDIT_EVENT_INSERTED", 3);
  }

  @Test
  void reorderedEventsAreNamed() throws Exception {
    Home home = AuditHarness.initHome(dir, 9);
    AuditHarness.sql(home, "UPDATE audit_event SET seq = -1 WHERE seq = 6", "UPDATE audit_event SET seq = 6 WHERE seq = 7",
        "UPDATE audit_event SET seq = 7 WHERE seq = -1");
    assertBad(verify(home), "AUDIT_EVENT_REORDERED", 6);
  }

  @Test
  void truncatedTailIsDetected() throws Exception {
    Home home = AuditHarness.initHome(dir, 9);
    AuditHarness.sql(home, "DELETE FROM audit_event WHERE seq > 7");
    assertBad(verify(home), "AUDIT_TRUNCATED", 8);
  }

  /** The attacker also rewinds the head row consistently: the signed checkpoint file still shows it. */
  @Test
  void truncatedTailWithRewoundHeadIsDetectedByTheCheckpoint() throws Exception {
    Home home = AuditHarness.initHome(dir, 9);
    List<AuditLog.StoredEvent> rows = rows(home).subList(0, 7);
    AuditTree.Frontier f = AuditTree.Frontier.empty();
    rows.forEach(r -> f.append(r.leafHash()));
    AuditHarness.sql(home, "DELETE FROM audit_event WHERE seq > 7",
        "UPDATE audit_head SET seq = 7, hash = '" + rows.get(6).hash() + "', frontier = '" + f.toHex() + "'");
    assertBad(verify(home), "AUDIT_TRUNCATED", 8);
    // re-growing the truncated log past the checkpoint does not get it re-signed
    AuditHarness.append(home, 5, Instant.parse("2026-11-24T00:00:00Z"));
    assertBad(verify(home), "AUDIT_CHECKPOINT_INVALID", 0);
    // and without the checkpoint file the log cannot be shown complete
    Files.delete(AuditCheckpoint.file(home));
    AuditHarness.Run r = verify(home);
    assertEquals(1, r.code(), r.out() + r.err());
    assertBad(r, "AUDIT_CHECKPOINT_INVALID", 0);
  }

  @Test
  void exportVerifiesOnAnotherMachineWithOnlyThePublicKey() throws Exception {
    Home home = AuditHarness.initHome(dir.resolve("a"), 20);
    Path export = dir.resolve("audit.jsonl");
    AuditHarness.Run e = run("--home", home.root().toString(), "--json", "audit", "export", "-o", export.toString());
    assertEquals(0, e.code(), e.err());
    assertEquals(21, e.json().get("events").asLong());
    Path pub = Files.copy(AuditKeys.publicKeyFile(home), dir.resolve("appliance-a.pub"));
    Home other = AuditHarness.initHome(dir.resolve("b"), 0);
    AuditHarness.Run v = run("--home", other.root().toString(), "--json", "audit", "verify", export.toString(), "--key", pub.toString());
    assertEquals(0, v.code(), v.err());
    assertEquals(21, v.json().get("events").asLong());
    assertTrue(v.json().get("complete").asBoolean());
    // no home at all
    AuditHarness.Run v2 = run("--home", dir.resolve("nowhere").toString(), "audit", "verify", export.toString(), "--key", pub.toString());
    assertEquals(0, v2.code(), v2.err());
    assertFalse(Files.exists(dir.resolve("nowhere")));
    // the other appliance's key does not verify it
    AuditHarness.Run wrong = run("--json", "audit", "verify", export.toString(), "--key", AuditKeys.publicKeyFile(other).toString());
    assertBad(wrong, "AUDIT_CHECKPOINT_INVALID", 0);
    // exporting was audited
    assertEquals(1, AuditHarness.count(home, "SELECT COUNT(*) FROM audit_event WHERE action = 'audit.export'"));
  }

  @Test
  void tamperedExportsAreRejected() throws Exception {
    Home home = AuditHarness.initHome(dir, 12);
    Path export = dir.resolve("audit.jsonl");
    assertEquals(0, run("--home", home.root().toString(), "audit", "export", "-o", export.toString()).code());
    Path pub = AuditKeys.publicKeyFile(home);
    List<String> lines = Files.readAllLines(export);
    // modified event content
    List<String> mod = new ArrayList<>(lines);
    mod.set(5, mod.get(5).replace("\"outcome\":\"admit\"", "\"outcome\":\"deny\"").replace("\"outcome\":\"deny\",\"reasons\":[\"THRESHOLD_NOT_MET\"]", "\"outcome\":\"admit\",\"reasons\":[]"));
    assertBad(verifyExport(mod, pub, "mod"), "AUDIT_EVENT_MODIFIED", 5);
    // dropped event line
    List<String> drop = new ArrayList<>(lines);
    drop.remove(7);
    assertBad(verifyExport(drop, pub, "drop"), "AUDIT_EVENT_MISSING", 7);
    // swapped lines
    List<String> swap = new ArrayList<>(lines);
    swap.set(3, lines.get(4));
    swap.set(4, lines.get(3));
    assertBad(verifyExport(swap, pub, "swap"), "AUDIT_EVENT_REORDERED", 3);
    // truncated file
    assertBad(verifyExport(lines.subList(0, 10), pub, "trunc"), "AUDIT_EVENT_MISSING", 0);
    // inclusion proof changed
    List<String> proof = new ArrayList<>(lines);
    String l = proof.get(2);
    int i = l.indexOf("\"inclusionProof\":[\"") + 19;
    proof.set(2, l.substring(0, i) + (l.charAt(i) == '0' ? '1' : '0') + l.substring(i + 1));
    assertBad(verifyExport(proof, pub, "proof"), "AUDIT_INCLUSION_INVALID", 2);
    // header changed (claims a --since filter, which would excuse missing events)
    List<String> hdr = new ArrayList<>(lines);
    hdr.set(0, hdr.get(0).replace("\"eventCount\"", "\"since\":\"2026-11-22T10:00:05Z\",\"eventCount\""));
    assertBad(verifyExport(hdr, pub, "hdr"), "AUDIT_CHECKPOINT_INVALID", 0);
    // not an export
    assertBad(verifyExport(List.of("{\"hello\":1}"), pub, "junk"), "AUDIT_EXPORT_MALFORMED", 0);
  }

  /** Issue 12 item 11: a field added to one event line (hash intact) used to verify. */
  @Test
  void addedFieldInAnExportedEventIsTampering() throws Exception {
    Home home = AuditHarness.initHome(dir, 4);
    Path export = dir.resolve("audit.jsonl");
    assertEquals(0, run("--home", home.root().toString(), "audit", "export", "-o", export.toString()).code());
    Path pub = AuditKeys.publicKeyFile(home);
    List<String> lines = new ArrayList<>(Files.readAllLines(export));
    assertEquals(0, verifyExport(lines, pub, "intact").code());
    lines.set(3, lines.get(3).replace(",\"hash\":", ",\"operatorNote\": \"x\",\"hash\":"));
    assertBad(verifyExport(lines, pub, "note"), "AUDIT_EXPORT_NOT_EXACT", 3);
  }

  /**
   * An appliance upgraded to event format v2: its old database (golden, written by the code before
   * v2) still verifies after the migration, and after v2 events are appended; the new export
   * verifies against the export the auditor took before the upgrade.
   */
  @Test
  void upgradedApplianceV1ThenV2VerifiesAndExtendsTheOldExport() throws Exception {
    Home home = AuditFixtures.v1Home(dir);
    Path v1 = AuditFixtures.v1Export(dir);
    String h = home.root().toString();
    String pub = AuditKeys.publicKeyFile(home).toString();
    AuditHarness.Run before = verify(home);
    assertEquals(0, before.code(), before.err());
    assertEquals(10, before.json().get("events").asLong());
    AuditHarness.append(home, "policy hospital", "airlock", "alice", "CR-77: vendor key rotation");
    AuditHarness.append(home, 2, Instant.parse("2026-11-23T00:00:00Z"));
    AuditHarness.Run after = verify(home);
    assertEquals(0, after.code(), after.err());
    assertEquals(14, after.json().get("events").asLong());
    assertEquals(List.of(1, 2), AuditCommandTest.versions(home));
    Path v2 = dir.resolve("v2.jsonl");
    assertEquals(0, run("--home", h, "audit", "export", "-o", v2.toString()).code());
    assertTrue(Files.readString(v2).contains("\"account\":\"airlock\",\"sudoUser\":\"alice\""));
    AuditHarness.Run ok = run("--json", "audit", "verify", v2.toString(), "--key", pub, "--previous", v1.toString());
    assertEquals(0, ok.code(), ok.err());
    assertEquals(9, ok.json().get("previousTreeSize").asLong());
    assertEquals(15, ok.json().get("treeSize").asLong());
    // the old export alone, as before
    assertEquals(0, run("audit", "verify", v1.toString(), "--key", pub).code());
    // a bit flip in the reason of the v2 event, in the new export, is detected
    List<String> lines = new ArrayList<>(Files.readAllLines(v2));
    lines.set(12, lines.get(12).replace("CR-77", "CR-76"));
    assertBad(verifyExport(lines, AuditKeys.publicKeyFile(home), "flip"), "AUDIT_EVENT_MODIFIED", 12);
    // and in the database
    AuditHarness.sql(home, "UPDATE audit_event SET sudo_user = 'alicE' WHERE seq = 12");
    assertBad(verify(home), "AUDIT_EVENT_MODIFIED", 12);
  }

  static List<Integer> versions(Home home) {
    return Database.open(home).jdbcTransaction(tx -> {
      List<Integer> out = new ArrayList<>();
      try (Statement s = tx.connection().createStatement();
          ResultSet rs = s.executeQuery("SELECT DISTINCT format_version FROM audit_event ORDER BY 1")) {
        while (rs.next()) {
          out.add(rs.getInt(1));
        }
      }
      return out;
    });
  }

  AuditHarness.Run verifyExport(List<String> lines, Path pub, String name) throws Exception {
    Path f = Files.write(dir.resolve(name + ".jsonl"), lines);
    return run("--json", "audit", "verify", f.toString(), "--key", pub.toString());
  }

  @Test
  void partialExportVerifiesAsPartial() throws Exception {
    Home home = AuditHarness.initHome(dir, 20);
    Path export = dir.resolve("part.jsonl");
    AuditHarness.Run e = run("--home", home.root().toString(), "--json", "audit", "export", "-o", export.toString(),
        "--since", "2026-11-22T10:00:05Z", "--until", "2026-11-22T10:00:09Z");
    assertEquals(0, e.code(), e.err());
    // init event is at 10:00:00 too (fixed clock); events 10:00:05..09 are seq 7..11
    assertEquals(5, e.json().get("events").asLong());
    AuditHarness.Run v = run("--json", "audit", "verify", export.toString(), "--key", AuditKeys.publicKeyFile(home).toString());
    assertEquals(0, v.code(), v.err());
    assertFalse(v.json().get("complete").asBoolean());
    assertEquals(2, run("--home", home.root().toString(), "audit", "export", "-o", export.toString(), "--since", "yesterday").code());
  }

  @Test
  void consistencyBetweenTwoExports() throws Exception {
    Home home = AuditHarness.initHome(dir, 5);
    Path e1 = dir.resolve("visit1.jsonl");
    Path e2 = dir.resolve("visit2.jsonl");
    Path e3 = dir.resolve("visit3.jsonl");
    String h = home.root().toString();
    String pub = AuditKeys.publicKeyFile(home).toString();
    assertEquals(0, run("--home", h, "audit", "export", "-o", e1.toString()).code());
    AuditHarness.append(home, 7, Instant.parse("2026-11-23T00:00:00Z"));
    assertEquals(0, run("--home", h, "audit", "export", "-o", e2.toString()).code());
    AuditHarness.Run ok = run("--json", "audit", "verify", e2.toString(), "--key", pub, "--previous", e1.toString());
    assertEquals(0, ok.code(), ok.err());
    assertEquals(6, ok.json().get("previousTreeSize").asLong());
    assertEquals(14, ok.json().get("treeSize").asLong());
    // older as newer: the log cannot shrink
    assertBad(run("--json", "audit", "verify", e1.toString(), "--key", pub, "--previous", e2.toString()),
        "AUDIT_CONSISTENCY_INVALID", 0);
    // a tampered older export is not accepted as the baseline
    List<String> old = new ArrayList<>(Files.readAllLines(e1));
    old.set(3, old.get(3).replace("tester", "nobody"));
    Path bad = Files.write(dir.resolve("visit1-altered.jsonl"), old);
    assertBad(run("--json", "audit", "verify", e2.toString(), "--key", pub, "--previous", bad.toString()),
        "AUDIT_EVENT_MODIFIED", 3);
    // an attacker with the database AND the private key rewrites event 3 and re-signs everything:
    // the database and the new export look fine on their own, but not against the auditor's old export
    rewriteEvent(home, 3);
    AuditHarness.Run local = verify(home);
    assertEquals(0, local.code(), "a full rewrite with the key is not detectable locally: " + local.err());
    // the new export carries consistency proofs from the checkpoints handed out before: they fail
    assertEquals(0, run("--home", h, "audit", "export", "-o", e3.toString()).code());
    assertBad(run("--json", "audit", "verify", e3.toString(), "--key", pub), "AUDIT_CONSISTENCY_INVALID", 0);
    // the attacker also erases the record of earlier checkpoints: the export verifies on its own,
    // but not against the auditor's earlier export
    AuditHarness.sql(home, "DELETE FROM audit_checkpoint");
    Path e4 = dir.resolve("visit4.jsonl");
    assertEquals(0, run("--home", h, "audit", "export", "-o", e4.toString()).code());
    assertEquals(0, run("audit", "verify", e4.toString(), "--key", pub).code());
    assertBad(run("--json", "audit", "verify", e4.toString(), "--key", pub, "--previous", e1.toString()),
        "AUDIT_CONSISTENCY_INVALID", 0);
  }

  @Test
  void csvAndHtmlExports() throws Exception {
    Home home = AuditHarness.initHome(dir, 0);
    AuditHarness.append(home, "=HYPERLINK(\"x\",\"y\"),<script>");
    AuditHarness.append(home, 2, Instant.parse("2026-11-22T10:00:00Z"));
    AuditHarness.append(home, "policy p", "svc-airlock", "alice", "=cmd|' /C calc'!A0 <b>why</b>");
    Path csv = dir.resolve("a.csv");
    Path html = dir.resolve("a.html");
    assertEquals(0, run("--home", home.root().toString(), "audit", "export", "-o", csv.toString(), "--format", "csv").code());
    assertEquals(0, run("--home", home.root().toString(), "audit", "export", "-o", html.toString(), "--format", "html").code());
    List<String> rows = Files.readAllLines(csv);
    assertEquals("seq,version,time,operator,account,sudoUser,host,command,action,subject,outcome,reasons,reason,detail,hash",
        rows.get(0));
    assertEquals(6, rows.size()); // header and 5 events (the export's own event comes after)
    assertTrue(rows.get(2).contains(",\"'=HYPERLINK(\"\"x\"\",\"\"y\"\"),<script>\","), rows.get(2));
    // v2: version, account, sudo user and reason (a formula-like reason is defused); null is empty
    assertTrue(rows.get(2).startsWith("\"2\",\"2\",\"2026-11-22T10:00:00Z\",\"tester\",\"\",\"\",\"testhost\","), rows.get(2));
    assertTrue(rows.get(5).startsWith("\"5\",\"2\",\"2026-11-22T10:00:00Z\",\"tester\",\"svc-airlock\",\"alice\",\"testhost\","),
        rows.get(5));
    assertTrue(rows.get(5).contains(",\"\",\"'=cmd|' /C calc'!A0 <b>why</b>\",\"{}\","), rows.get(5));
    String page = Files.readString(html);
    assertTrue(page.startsWith("<!DOCTYPE html>"));
    assertTrue(page.contains("&lt;script&gt;"));
    // each event's full record, folded: account, sudo user and the reason given
    assertTrue(page.contains("<dt>account</dt><dd>svc-airlock</dd><dt>sudo user</dt><dd>alice</dd>"), page);
    assertTrue(page.contains("<dt>reason given</dt>"), page);
    assertTrue(page.contains("=cmd|&#39; /C calc&#39;!A0 &lt;b&gt;why&lt;/b&gt;"), page);
    assertTrue(page.contains("<i>(none)</i>"), "a v2 event without a reason says so");
    assertFalse(page.contains("<b>"));
    // the page's own inline script only (sorting, filtering): nothing injected, nothing external
    assertEquals(1, page.split("<script", -1).length - 1, "one script element, the page's own");
    assertTrue(page.contains("Content-Security-Policy\" content=\"default-src 'none';"), "the page fetches nothing");
    assertFalse(page.contains("http://") || page.contains("https://") || page.contains("src="));
  }

  @Test
  void failedAuditWriteIsExit4AndRollsBack() throws Exception {
    Home home = AuditHarness.initHome(dir, 2);
    AuditHarness.sql(home, "ALTER TABLE audit_event ADD CONSTRAINT no_more_events CHECK (seq <= 3)");
    Path out = dir.resolve("e.jsonl");
    AuditHarness.Run r = run("--home", home.root().toString(), "--json", "audit", "export", "-o", out.toString());
    assertEquals(4, r.code(), r.err());
    assertEquals("AUDIT_WRITE_FAILED", r.json().get("reason").asText());
    assertFalse(Files.exists(out), "the export is not published without its audit event");
    assertEquals(0, AuditHarness.count(home, "SELECT COUNT(*) FROM audit_checkpoint"));
    try (var s = Files.list(dir)) {
      assertTrue(s.noneMatch(p -> p.getFileName().toString().contains(".tmp")));
    }
  }

  @Test
  void usageErrors() {
    assertEquals(2, run("audit", "verify", "x.jsonl").code());
    assertEquals(2, run("--home", dir.toString(), "audit", "verify", "--key", "k.pub").code());
    AuditHarness.Run r = run("--home", dir.resolve("none").toString(), "--json", "audit", "verify");
    assertEquals(3, r.code());
    assertEquals("HOME_NOT_INITIALISED", r.json().get("reason").asText());
  }

  static List<AuditLog.StoredEvent> rows(Home home) {
    return Database.open(home).jdbcTransaction(tx -> {
      List<AuditLog.StoredEvent> out = new ArrayList<>();
      try (Statement s = tx.connection().createStatement(); ResultSet rs = s.executeQuery(
          "SELECT " + dev.airlock.db.AuditRows.COLUMNS + " FROM audit_event ORDER BY seq")) {
        while (rs.next()) {
          out.add(dev.airlock.db.AuditRows.read(rs));
        }
      }
      return out;
    });
  }

  /** Rewrites event {@code seq}'s operator and recomputes every later hash, the head and the checkpoint. */
  static void rewriteEvent(Home home, long seq) throws Exception {
    List<AuditLog.StoredEvent> rows = rows(home);
    Database.setAfterCommit(null);
    Database.open(home).jdbcTransaction(tx -> {
      String prev = AuditLog.GENESIS;
      AuditTree.Frontier f = AuditTree.Frontier.empty();
      for (AuditLog.StoredEvent r : rows) {
        AuditLog.StoredEvent n = new AuditLog.StoredEvent(r.seq(), r.time(), r.seq() == seq ? "someone-else" : r.operator(),
            r.host(), r.command(), r.action(), r.subject(), r.outcome(), r.reasonsJson(), r.detailJson(), prev, null,
            r.version(), r.account(), r.sudoUser(), r.reason());
        String hash = n.computedHash();
        try (PreparedStatement p = tx.connection().prepareStatement("UPDATE audit_event SET operator = ?, prev_hash = ?, hash = ? WHERE seq = ?")) {
          p.setString(1, n.operator());
          p.setString(2, prev);
          p.setString(3, hash);
          p.setLong(4, r.seq());
          p.executeUpdate();
        }
        f.append(n.leafHash());
        prev = hash;
      }
      try (PreparedStatement p = tx.connection().prepareStatement("UPDATE audit_head SET hash = ?, frontier = ?")) {
        p.setString(1, prev);
        p.setString(2, f.toHex());
        p.executeUpdate();
      }
      String id = tx.audit().applianceId();
      AuditCheckpoint.write(home, AuditCheckpoint.sign(id, rows.size(), f.root(), AuditKeys.loadPrivate(home),
          AuditKeys.loadPublic(AuditKeys.publicKeyFile(home))), f);
      return null;
    });
    assertEquals(Hashing.hex(new byte[0]).length(), 0);
    JsonNode unused = null;
    assertEquals(null, unused);
    assertTrue(StandardCharsets.UTF_8 != null);
  }
}
