package dev.airlock.audit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.PublicKey;
import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The export format is exact (docs/auditor-guide.md, section 3b): a line with a field its
 * version does not define, without one it requires, or written in any other way than the appliance
 * writes it, is tampering, even when the hashed content is intact. Each case mutates the golden v1
 * export (written by the code before format v2) and expects rejection.
 */
class ExportExactnessTest {
  @TempDir Path dir;
  PublicKey key;
  List<String> lines;

  @BeforeEach
  void golden() throws Exception {
    Path export = AuditFixtures.v1Export(dir);
    key = AuditKeys.loadPublic(AuditFixtures.copy("home/audit.pub", dir.resolve("audit.pub")));
    lines = Files.readAllLines(export);
  }

  @Test
  void goldenV1ExportStillVerifies() {
    ExportVerifier.Report r = ExportVerifier.verify(dir.resolve("v1-export.jsonl"), key, null);
    assertEquals(9, r.events());
    assertEquals(9, r.treeSize());
    assertTrue(r.complete());
  }

  AuditTamperedException reject(int line, UnaryOperator<String> edit, String name) throws Exception {
    List<String> copy = new ArrayList<>(lines);
    String before = copy.get(line);
    String after = edit.apply(before);
    assertTrue(!after.equals(before), "the edit must change line " + line + ": " + name);
    copy.set(line, after);
    Path f = Files.write(dir.resolve(name + ".jsonl"), copy);
    return assertThrows(AuditTamperedException.class, () -> ExportVerifier.verify(f, key, null), name);
  }

  void notExact(int line, UnaryOperator<String> edit, String name, long seq) throws Exception {
    AuditTamperedException e = reject(line, edit, name);
    assertEquals("AUDIT_EXPORT_NOT_EXACT", e.reason().name(), name + ": " + e.getMessage());
    assertEquals(seq, e.seq(), name + ": " + e.getMessage());
  }

  @Test
  void addedFieldInAnEventIsTampering() throws Exception {
    notExact(3, l -> l.replace(",\"hash\":", ",\"operatorNote\":\"x\",\"hash\":"), "added", 3);
    notExact(3, l -> l.substring(0, l.length() - 1) + ",\"operatorNote\":\"x\"}", "added-last", 3);
    notExact(3, l -> l.replace("{\"type\":\"event\",", "{\"type\":\"event\",\"operatorNote\":null,"), "added-null", 3);
  }

  @Test
  void removedFieldInAnEventIsTampering() throws Exception {
    notExact(4, l -> l.replace("\"host\":\"testhost\",", ""), "removed", 4);
    notExact(4, l -> l.replace(",\"inclusionProof\":", ",\"x\":").replaceAll(",\"x\":\\[[^]]*]", ""), "removed-proof", 4);
  }

  @Test
  void renamedFieldInAnEventIsTampering() throws Exception {
    notExact(5, l -> l.replace("\"operator\":", "\"operater\":"), "renamed", 5);
    notExact(5, l -> l.replace("\"type\":\"event\"", "\"type\":\"Event\""), "renamed-type", 0);
  }

  @Test
  void reorderedKeysInAnEventAreTampering() throws Exception {
    notExact(6, l -> l.replace("\"host\":\"testhost\",\"command\":\"verify\"", "\"command\":\"verify\",\"host\":\"testhost\""),
        "reordered", 6);
    // the hashed detail is the same canonical JSON, but the line is not what the appliance wrote
    notExact(6, l -> l.replaceFirst("\"detail\":\\{\"n\":([0-9]+),(\"note\":\"[^\"]*\\\\\"[0-9]+\\\\\"\")}",
        "\"detail\":{$2,\"n\":$1}"), "reordered-detail", 6);
  }

  @Test
  void duplicatedKeyInAnEventIsRejected() throws Exception {
    AuditTamperedException e = reject(6, l -> l.replace("\"outcome\":\"admit\"", "\"outcome\":\"admit\",\"outcome\":\"admit\""), "dup");
    assertEquals("AUDIT_EXPORT_MALFORMED", e.reason().name(), e.getMessage());
    assertTrue(e.getMessage().contains("line 7"), e.getMessage());
  }

  @Test
  void anyOtherSpellingOfAnEventLineIsTampering() throws Exception {
    notExact(2, l -> l.replace("\"seq\":2,", "\"seq\": 2,"), "space", 2);
    notExact(2, l -> l.replace("\"seq\":2,", "\"seq\":\"2\","), "seq-text", 0);
    notExact(2, l -> l.replace("\"host\":\"testhost\"", "\"host\":\"test\\u0068ost\""), "escape", 2);
    notExact(2, l -> l + " ", "trailing-space", 2);
  }

  @Test
  void unknownOrMissingHeaderFieldsAreTampering() throws Exception {
    notExact(0, l -> l.replace(",\"signature\":", ",\"operatorNote\":\"x\",\"signature\":"), "hdr-added", 0);
    notExact(0, l -> l.replaceFirst(",\"keyName\":\"[^\"]*\"", ""), "hdr-removed", 0);
    notExact(0, l -> l.replace("\"exportedAt\":", "\"exportedOn\":"), "hdr-renamed", 0);
    notExact(0, l -> l.replace("\"consistency\":[]",
        "\"consistency\":[{\"fromSize\":1,\"fromRoot\":\"" + "00".repeat(32) + "\",\"proof\":[],\"note\":\"x\"}]"),
        "proof-added", 0);
    notExact(0, l -> l.replace("\"consistency\":[]", "\"consistency\":[{\"fromSize\":1,\"proof\":[]}]"),
        "proof-removed", 0);
  }

  @Test
  void extraLinesInTheCheckpointAreTampering() throws Exception {
    // a second signature line (as a witness would add) is not part of the audit checkpoint format
    notExact(0, l -> l.replaceFirst("(\\\\n\u2014 airlock-audit-[0-9a-f]+ [^\\\\]+\\\\n)\",", "$1\u2014 witness AAAA\\\\n\","),
        "cp-witness", 0);
    notExact(0, l -> l.replaceFirst("\"checkpoint\":\"(airlock audit [0-9a-f]+\\\\n[0-9]+\\\\n[^\\\\]+\\\\n)",
        "\"checkpoint\":\"$1extension line\\\\n"), "cp-extension", 0);
  }

  @Test
  void blankLinesAreTampering() throws Exception {
    List<String> copy = new ArrayList<>(lines);
    copy.add(4, "");
    Path f = Files.write(dir.resolve("blank.jsonl"), copy);
    AuditTamperedException e = assertThrows(AuditTamperedException.class, () -> ExportVerifier.verify(f, key, null));
    assertEquals("AUDIT_EXPORT_NOT_EXACT", e.reason().name(), e.getMessage());
  }
}
