package dev.airlock.audit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.airlock.core.Json;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The fast canonical encoder of events equals RFC 8785 (JsonCanonicalizer) on awkward input. */
class AuditCanonicalTest {
  @Test
  void fastEncoderEqualsJcs() {
    for (String s : List.of("plain", "quote\"back\\slash", "ctl\u0001\u001f\b\f\n\r\t", "ümlaut €", "emoji \ud83d\ude00",
        "<html>&amp;", "\u2028\u2029", "")) {
      ObjectNode detail = JsonNodeFactory.instance.objectNode();
      detail.put("z", s);
      detail.put("a", 12345);
      detail.putArray("list").add(s).add(true);
      AuditLog.StoredEvent e = new AuditLog.StoredEvent(42, "2026-11-22T10:00:00Z", s, "host " + s, "cmd",
          "act", "subj" + s, "ok", AuditLog.reasonsJson(List.of("A", "B")), Json.canonicalString(detail),
          AuditLog.GENESIS, null);
      ObjectNode n = JsonNodeFactory.instance.objectNode();
      n.put("seq", 42);
      n.put("time", "2026-11-22T10:00:00Z");
      n.put("operator", s);
      n.put("host", "host " + s);
      n.put("command", "cmd");
      n.put("action", "act");
      n.put("subject", "subj" + s);
      n.put("outcome", "ok");
      n.putArray("reasons").add("A").add("B");
      n.set("detail", detail);
      assertArrayEquals(Json.canonical(n), e.canonical(), s);
    }
  }

  /** v2 adds account, sudoUser, reason (null as JSON null) and the version; still RFC 8785. */
  @Test
  void fastEncoderEqualsJcsForV2() {
    String[][] cases = {{"svc", "alice", "CR-1 \"quoted\" \u2028 ü\n"}, {null, null, null}, {"", "", ""},
        {"root", null, "why\u0001"}};
    for (String[] c : cases) {
      ObjectNode detail = JsonNodeFactory.instance.objectNode().put("k", "v");
      AuditLog.StoredEvent e = new AuditLog.StoredEvent(7, "2026-11-22T10:00:00Z", "op", "host", "cmd", "act", "subj",
          "ok", AuditLog.reasonsJson(List.of("A")), Json.canonicalString(detail), AuditLog.GENESIS, null,
          AuditLog.FORMAT_V2, c[0], c[1], c[2]);
      ObjectNode n = JsonNodeFactory.instance.objectNode();
      n.put("version", 2);
      n.put("seq", 7);
      n.put("time", "2026-11-22T10:00:00Z");
      n.put("operator", "op");
      n.put("account", c[0]);
      n.put("sudoUser", c[1]);
      n.put("host", "host");
      n.put("command", "cmd");
      n.put("action", "act");
      n.put("subject", "subj");
      n.put("outcome", "ok");
      n.putArray("reasons").add("A");
      n.put("reason", c[2]);
      n.set("detail", detail);
      assertArrayEquals(Json.canonical(n), e.canonical(), String.join("|", String.valueOf(c[0]), String.valueOf(c[2])));
    }
  }
}
