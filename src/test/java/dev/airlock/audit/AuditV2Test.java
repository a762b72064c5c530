package dev.airlock.audit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.airlock.db.Database;
import dev.airlock.db.Transaction;
import dev.airlock.core.Home;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.PublicKey;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Event format v2 on an upgraded appliance: the golden v1 home (written by the code before v2) is
 * migrated, gets v2 events, and is exported; the export holds v1 events then v2 events, verifies
 * on its own and against the golden v1 export as the previous one, and every edit of a v2 line
 * (new fields, versions, field list) is rejected.
 */
class AuditV2Test {
  static final Instant T = Instant.parse("2026-11-23T09:00:00Z");
  @TempDir Path dir;
  Home home;
  PublicKey key;
  Path v1Export;
  Path v2Export;
  List<String> lines;

  @BeforeEach
  void upgradedAppliance() throws Exception {
    home = AuditFixtures.v1Home(dir);
    v1Export = AuditFixtures.v1Export(dir);
    key = AuditKeys.loadPublic(AuditKeys.publicKeyFile(home));
    Database.setAfterCommit((h, t) -> AuditCheckpoint.refresh(h, t.audit()));
    Database db = Database.open(home); // applies V6 (and later migrations) to the old database
    assertTrue(db.schemaVersion() >= 6, "migrated past V6: " + db.schemaVersion());
    db.jdbcTransaction(tx -> {
      tx.audit().append(new AuditEvent(T, "alice", "testhost", "policy set", "policy.set", "policy hospital",
          "ok", List.of(), null, "airlock-svc", "alice", "change request CR-1234: new vendor key"));
      tx.audit().append(new AuditEvent(T.plusSeconds(1), "bob", "testhost", "images remove", "images.remove",
          "reg.example/ai/seg:2.1", "ok", List.of(), null, "bob", null, null));
      // the old constructor (other packages' code): no account, sudo user or reason
      tx.audit().append(new AuditEvent(T.plusSeconds(2), "carol", "testhost", "verify", "verify",
          "sha256:" + "ab".repeat(32), "admit", List.of(), null));
      return null;
    });
    v2Export = dir.resolve("v2-export.jsonl");
    db.jdbcTransaction(tx -> AuditExport.export(home, tx.audit(), v2Export, AuditExport.Format.JSONL, null, null,
        T.plusSeconds(3), d -> new AuditEvent(T.plusSeconds(3), "dave", "testhost", "audit export", "audit.export",
            v2Export.toString(), "ok", List.of(), d, "dave", "root-helper", "quarterly audit")));
    lines = Files.readAllLines(v2Export);
  }

  @AfterEach
  void noHook() {
    Database.setAfterCommit(null);
  }

  List<Integer> versions() throws Exception {
    return Database.open(home).jdbcTransaction(tx -> {
      List<Integer> out = new ArrayList<>();
      try (Statement s = tx.connection().createStatement(); ResultSet rs = s.executeQuery("SELECT format_version FROM audit_event ORDER BY seq")) {
        while (rs.next()) {
          out.add(rs.getInt(1));
        }
      }
      return out;
    });
  }

  @Test
  void v1ThenV2LogVerifiesInTheDatabase() throws Exception {
    assertEquals(List.of(1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 2, 2, 2, 2), versions());
    AuditVerifier.Report r = Database.open(home).jdbcTransaction(tx -> AuditVerifier.verify(home, tx.audit()));
    assertEquals(14, r.count());
    assertEquals(14, r.checkpointSize(), "the checkpoint was re-signed over the v2 events");
  }

  @Test
  void v2ExportOfAnUpgradedLogVerifiesAlsoAgainstTheOldV1Export() {
    assertTrue(lines.get(0).contains("\"mediaType\":\"" + AuditExport.MEDIA_TYPE + "\""));
    assertEquals("application/vnd.airlock.audit-export.v2+jsonl", AuditExport.MEDIA_TYPE);
    assertTrue(lines.get(1).startsWith("{\"type\":\"event\",\"version\":1,\"seq\":1,"), lines.get(1));
    assertTrue(lines.get(11).startsWith("{\"type\":\"event\",\"version\":2,\"seq\":11,"), lines.get(11));
    assertTrue(lines.get(11).contains("\"operator\":\"alice\",\"account\":\"airlock-svc\",\"sudoUser\":\"alice\","), lines.get(11));
    assertTrue(lines.get(11).contains("\"reason\":\"change request CR-1234: new vendor key\""), lines.get(11));
    assertTrue(lines.get(12).contains("\"sudoUser\":null,") && lines.get(12).contains("\"reason\":null,"), lines.get(12));
    assertTrue(lines.get(13).contains("\"account\":null,\"sudoUser\":null,"), lines.get(13));
    ExportVerifier.Report alone = ExportVerifier.verify(v2Export, key, null);
    assertEquals(13, alone.events());
    assertTrue(alone.complete());
    ExportVerifier.Report both = ExportVerifier.verify(v2Export, key, v1Export);
    assertEquals(9, both.previousSize());
    assertEquals(13, both.treeSize());
    // and the old export still verifies on its own, under v1 rules
    assertEquals(9, ExportVerifier.verify(v1Export, key, null).events());
    // the newer export cannot be the older one
    AuditTamperedException e = assertThrows(AuditTamperedException.class, () -> ExportVerifier.verify(v1Export, key, v2Export));
    assertEquals("AUDIT_CONSISTENCY_INVALID", e.reason().name());
  }

  @Test
  void theV2HashCoversTheNewFieldsAndTheVersion() {
    AuditLog.StoredEvent v2 = new AuditLog.StoredEvent(5, "2026-11-22T10:00:00Z", "op", "host", "cmd", "act", "subj",
        "ok", "[]", "{}", AuditLog.GENESIS, null, AuditLog.FORMAT_V2, null, null, null);
    AuditLog.StoredEvent v1 = new AuditLog.StoredEvent(5, "2026-11-22T10:00:00Z", "op", "host", "cmd", "act", "subj",
        "ok", "[]", "{}", AuditLog.GENESIS, null);
    assertNotEquals(v1.computedHash(), v2.computedHash(), "a v2 event never hashes like a v1 event");
    for (String[] f : new String[][] {{"a", null, null}, {null, "s", null}, {null, null, "r"}, {"", null, null},
        {null, "", null}, {null, null, ""}}) {
      AuditLog.StoredEvent x = new AuditLog.StoredEvent(5, v2.time(), "op", "host", "cmd", "act", "subj", "ok", "[]", "{}",
          AuditLog.GENESIS, null, AuditLog.FORMAT_V2, f[0], f[1], f[2]);
      assertNotEquals(v2.computedHash(), x.computedHash(), String.join("|", String.valueOf(f[0]), String.valueOf(f[1]),
          String.valueOf(f[2])));
    }
    // a v1 event with a v2 field, or an unknown version, is refused, not hashed without it
    AuditLog.StoredEvent bad = new AuditLog.StoredEvent(5, v2.time(), "op", "host", "cmd", "act", "subj", "ok", "[]",
        "{}", AuditLog.GENESIS, null, AuditLog.FORMAT_V1, null, null, "why");
    assertTrue(bad.formatProblem() != null);
    assertThrows(IllegalStateException.class, bad::canonical);
    AuditLog.StoredEvent v3 = new AuditLog.StoredEvent(5, v2.time(), "op", "host", "cmd", "act", "subj", "ok", "[]",
        "{}", AuditLog.GENESIS, null, 3, null, null, null);
    assertThrows(IllegalStateException.class, v3::canonical);
  }

  AuditTamperedException reject(int line, UnaryOperator<String> edit, String name) throws Exception {
    List<String> copy = new ArrayList<>(lines);
    String after = edit.apply(copy.get(line));
    assertNotEquals(copy.get(line), after, "the edit must change line " + line + ": " + name);
    copy.set(line, after);
    Path f = Files.write(dir.resolve(name + ".jsonl"), copy);
    return assertThrows(AuditTamperedException.class, () -> ExportVerifier.verify(f, key, null), name);
  }

  void rejected(int line, UnaryOperator<String> edit, String name, String reason, long seq) throws Exception {
    AuditTamperedException e = reject(line, edit, name);
    assertEquals(reason, e.reason().name(), name + ": " + e.getMessage());
    assertEquals(seq, e.seq(), name + ": " + e.getMessage());
  }

  /** Flips the lowest bit of the {@code at}-th character of the string value of {@code field}. */
  static UnaryOperator<String> flip(String field, int at) {
    return l -> {
      int start = l.indexOf("\"" + field + "\":\"");
      assertTrue(start > 0, "no string value of " + field + " in " + l);
      int i = start + field.length() + 4 + at;
      return l.substring(0, i) + (char) (l.charAt(i) ^ 1) + l.substring(i + 1);
    };
  }

  @Test
  void aBitFlipInEachNewFieldIsDetected() throws Exception {
    rejected(11, flip("account", 0), "flip-account", "AUDIT_EVENT_MODIFIED", 11);
    rejected(11, flip("account", 10), "flip-account-end", "AUDIT_EVENT_MODIFIED", 11);
    rejected(11, flip("sudoUser", 2), "flip-sudo", "AUDIT_EVENT_MODIFIED", 11);
    rejected(11, flip("reason", 0), "flip-reason", "AUDIT_EVENT_MODIFIED", 11);
    rejected(11, flip("reason", 20), "flip-reason-mid", "AUDIT_EVENT_MODIFIED", 11);
    rejected(12, flip("account", 1), "flip-account-bob", "AUDIT_EVENT_MODIFIED", 12);
    // null and the empty string are different values
    rejected(12, l -> l.replace("\"reason\":null", "\"reason\":\"\""), "null-to-empty", "AUDIT_EVENT_MODIFIED", 12);
    rejected(12, l -> l.replace("\"sudoUser\":null", "\"sudoUser\":\"root\""), "sudo-added", "AUDIT_EVENT_MODIFIED", 12);
    rejected(11, l -> l.replace("\"account\":\"airlock-svc\"", "\"account\":null"), "account-erased",
        "AUDIT_EVENT_MODIFIED", 11);
    rejected(11, l -> l.replace("\"reason\":\"change request CR-1234: new vendor key\"", "\"reason\":7"), "reason-number",
        "AUDIT_EXPORT_NOT_EXACT", 11);
  }

  @Test
  void theFieldListOfAV2LineIsExact() throws Exception {
    rejected(11, l -> l.replace(",\"hash\":", ",\"operatorNote\":\"x\",\"hash\":"), "added", "AUDIT_EXPORT_NOT_EXACT", 11);
    rejected(12, l -> l.replace("\"sudoUser\":null,", ""), "removed-null", "AUDIT_EXPORT_NOT_EXACT", 12);
    rejected(11, l -> l.replace("\"reason\":\"", "\"why\":\""), "renamed", "AUDIT_EXPORT_NOT_EXACT", 11);
    rejected(11, l -> l.replace("\"account\":\"airlock-svc\",\"sudoUser\":\"alice\"", "\"sudoUser\":\"alice\",\"account\":\"airlock-svc\""),
        "reordered", "AUDIT_EXPORT_NOT_EXACT", 11);
    AuditTamperedException dup = reject(11, l -> l.replace("\"sudoUser\":\"alice\"", "\"sudoUser\":\"alice\",\"sudoUser\":\"alice\""), "dup");
    assertEquals("AUDIT_EXPORT_MALFORMED", dup.reason().name(), dup.getMessage());
    // a v1 event in a v2 export has the v1 fields only
    rejected(3, l -> l.replace(",\"hash\":", ",\"reason\":null,\"hash\":"), "v1-with-reason", "AUDIT_EXPORT_NOT_EXACT", 3);
    rejected(3, l -> l.replace("\"version\":1,", ""), "v1-without-version", "AUDIT_EXPORT_NOT_EXACT", 3);
  }

  @Test
  void aWrongVersionNumberIsRejected() throws Exception {
    rejected(11, l -> l.replace("\"version\":2,", "\"version\":3,"), "v3", "AUDIT_EXPORT_NOT_EXACT", 11);
    rejected(11, l -> l.replace("\"version\":2,", "\"version\":0,"), "v0", "AUDIT_EXPORT_NOT_EXACT", 11);
    rejected(11, l -> l.replace("\"version\":2,", "\"version\":\"2\","), "v-text", "AUDIT_EXPORT_NOT_EXACT", 11);
    rejected(11, l -> l.replace("\"version\":2,", "\"version\":2.0,"), "v-float", "AUDIT_EXPORT_NOT_EXACT", 11);
    // v2 -> v1 with the v2 fields still there: not a v1 line
    rejected(12, l -> l.replace("\"version\":2,", "\"version\":1,"), "v2-as-v1", "AUDIT_EXPORT_NOT_EXACT", 12);
    // v2 -> v1 with the v2 fields (all null here) dropped: the v1 hash rules do not give its hash
    rejected(13, l -> l.replace("\"version\":2,", "\"version\":1,").replace("\"account\":null,\"sudoUser\":null,", "")
        .replace(",\"reason\":null", ""), "downgrade", "AUDIT_EVENT_MODIFIED", 13);
    // v1 -> v2 with null fields added: the v2 hash rules do not give its hash
    rejected(4, l -> l.replace("\"version\":1,", "\"version\":2,").replace(",\"host\":", ",\"account\":null,\"sudoUser\":null,\"host\":")
        .replace(",\"detail\":", ",\"reason\":null,\"detail\":"), "upgrade", "AUDIT_EVENT_MODIFIED", 4);
    // the export's own version: unknown, or claimed v1 (the header signature covers it)
    rejected(0, l -> l.replace("audit-export.v2+jsonl", "audit-export.v3+jsonl"), "export-v3", "AUDIT_EXPORT_MALFORMED", 0);
    rejected(0, l -> l.replace("audit-export.v2+jsonl", "audit-export.v1+jsonl"), "export-as-v1", "AUDIT_CHECKPOINT_INVALID", 0);
  }

  @Test
  void theDatabaseRefusesEditsOfTheNewColumnsAndTheVersion() throws Exception {
    for (String[] sql : new String[][] {
        {"UPDATE audit_event SET account = 'airlock-svd' WHERE seq = 11", "11"},
        {"UPDATE audit_event SET sudo_user = 'alicf' WHERE seq = 11", "11"},
        {"UPDATE audit_event SET reason = REPLACE(reason, '1234', '1235') WHERE seq = 11", "11"},
        {"UPDATE audit_event SET reason = '' WHERE seq = 12", "12"},
        {"UPDATE audit_event SET account = NULL WHERE seq = 12", "12"},
        {"UPDATE audit_event SET format_version = 1, account = NULL, sudo_user = NULL, reason = NULL WHERE seq = 13", "13"},
        {"UPDATE audit_event SET format_version = 2 WHERE seq = 4", "4"},
        {"UPDATE audit_event SET format_version = 3 WHERE seq = 12", "12"},
        // a v1 row cannot carry a v2 field its hash does not cover
        {"UPDATE audit_event SET reason = 'backdated excuse' WHERE seq = 5", "5"}}) {
      Path copy = dir.resolve("case" + Math.abs(sql[0].hashCode()));
      Home h = AuditFixtures.v1Home(copy);
      Database.open(h).jdbcTransaction(tx -> {
        tx.audit().append(new AuditEvent(T, "alice", "testhost", "policy set", "policy.set", "p", "ok", List.of(),
            JsonNodeFactory.instance.objectNode().put("x", 1), "airlock-svc", "alice", "CR-1234"));
        tx.audit().append(new AuditEvent(T, "bob", "testhost", "x", "x", "s", "ok", List.of(), null, "bob", null, null));
        tx.audit().append(new AuditEvent(T, "carol", "testhost", "x", "x", "s", "ok", List.of(), null));
        return null;
      });
      assertEquals(13, Database.open(h).jdbcTransaction(tx -> AuditVerifier.verify(h, tx.audit())).count(), "intact before " + sql[0]);
      Database.setAfterCommit(null);
      Database.open(h).jdbcTransaction(tx -> {
        try (Statement s = tx.connection().createStatement()) {
          s.execute(sql[0]);
        }
        return null;
      });
      AuditTamperedException e = assertThrows(AuditTamperedException.class,
          () -> Database.open(h).jdbcTransaction(tx -> AuditVerifier.verify(h, tx.audit())), sql[0]);
      assertEquals("AUDIT_EVENT_MODIFIED", e.reason().name(), sql[0] + ": " + e.getMessage());
      assertEquals(Long.parseLong(sql[1]), e.seq(), sql[0] + ": " + e.getMessage());
      Database.setAfterCommit((hm, t) -> AuditCheckpoint.refresh(hm, t.audit()));
    }
  }
}
