package dev.airlock.trust;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.airlock.cli.Main;
import dev.airlock.db.Database;
import dev.airlock.db.Transaction;
import dev.airlock.core.Home;
import dev.airlock.crypto.Keys;
import dev.airlock.lab.tuf.TufRepoBuilder;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code airlock trust update} and {@code trust show}, in process, against lab TUF repositories. */
class TrustCliTest {
  static final Instant T0 = Instant.parse("2026-11-22T10:00:00Z");
  static final ObjectMapper M = new ObjectMapper();

  record Run(int code, String out, String err) {
    JsonNode json() throws Exception {
      return M.readTree(out);
    }
  }

  @TempDir Path tmp;
  Path medium;
  Home home;
  TufRepoBuilder repo;

  @BeforeEach
  void setUp() {
    medium = tmp.resolve("medium");
    repo = new TufRepoBuilder(medium, T0);
    repo.target("trusted_root.json", TrustLab.productionTrustedRoot(), null);
    repo.target("keys/release.pub", Keys.toPem(Keys.generateEd25519().getPublic()).getBytes(StandardCharsets.US_ASCII),
        M.createObjectNode().put("validFrom", "2026-06-01T00:00:00Z").put("validUntil", "2027-06-01"));
    repo.target("policy/airlock.yaml", "apiVersion: airlock/v1\nkind: Policy\nname: from-tuf\n"
        .getBytes(StandardCharsets.UTF_8), null);
    repo.publishRoot();
    repo.publish();
    home = TrustLab.home(tmp.resolve("home"), repo.initialRoot(), T0);
  }

  Run run(Instant now, String... args) {
    List<String> all = new ArrayList<>(List.of("--home", home.root().toString()));
    all.addAll(List.of(args));
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int code = Main.run(all.toArray(new String[0]), Clock.fixed(now, ZoneOffset.UTC), Map.of("HOSTNAME", "lab"),
        new PrintWriter(out, true), new PrintWriter(err, true));
    return new Run(code, out.toString(), err.toString());
  }

  List<String[]> auditEvents() {
    return Database.open(home).jdbcTransaction(tx -> {
      List<String[]> out = new ArrayList<>();
      try (PreparedStatement p = tx.connection().prepareStatement(
          "SELECT action, outcome, reasons, operator, host FROM audit_event ORDER BY seq");
          ResultSet rs = p.executeQuery()) {
        while (rs.next()) {
          out.add(new String[] {rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4), rs.getString(5)});
        }
      }
      return out;
    });
  }

  @Test
  void updateThenShow() throws Exception {
    Run u = run(T0, "--json", "--operator", "alice", "trust", "update", medium.toString());
    assertEquals(0, u.code(), u.err());
    JsonNode doc = u.json();
    assertEquals("application/vnd.airlock.trust-update.v1+json", doc.path("mediaType").asText());
    assertTrue(doc.path("snapshot").path("id").asText().startsWith("sha256:"));
    assertEquals(3, doc.path("added").size());
    assertFalse(doc.path("expiredTimestampAccepted").asBoolean());
    List<String[]> events = auditEvents();
    assertEquals(2, events.size(), "trust.update and the TUF policy's policy.install");
    assertEquals("policy.install", events.get(1)[0]);
    assertEquals("trust.update", events.get(0)[0]);
    assertEquals("ok", events.get(0)[1]);
    assertEquals("alice", events.get(0)[3]);
    assertEquals("lab", events.get(0)[4]);

    Run s = run(T0, "--json", "trust", "show");
    assertEquals(0, s.code(), s.err());
    JsonNode cur = s.json().path("current");
    assertEquals(1, cur.path("tuf").path("root").path("version").asInt());
    assertTrue(cur.path("tuf").path("root").has("expires"));
    JsonNode root = cur.path("trustedRoots").get(0);
    assertTrue(root.path("tlogs").size() > 0 && root.path("ctlogs").size() > 0);
    assertTrue(root.path("certificateAuthorities").size() > 0 && root.path("timestampAuthorities").size() > 0);
    assertTrue(root.path("tlogs").get(0).path("validFor").has("start"));
    JsonNode key = cur.path("keyAuthorities").get(0);
    assertEquals("keys/release.pub", key.path("name").asText());
    assertEquals("2026-06-01T00:00:00Z", key.path("validFor").path("start").asText());
    assertEquals("2027-06-01T23:59:59.999999999Z", key.path("validFor").path("end").asText());
    assertEquals("policy/airlock.yaml", cur.path("policies").get(0).path("path").asText());
    assertEquals(1, s.json().path("history").size());

    Run h = run(T0, "trust", "show");
    assertEquals(0, h.code());
    assertTrue(h.out().contains("TUF root v1") && h.out().contains("key keys/release.pub"), h.out());
    assertTrue(h.out().contains("tlog https://"), h.out());
  }

  @Test
  void expiredTimestampIsExit3UnlessAcceptedByName() throws Exception {
    Instant later = T0.plus(8, ChronoUnit.DAYS);
    Run refused = run(later, "--json", "trust", "update", medium.toString());
    assertEquals(3, refused.code(), refused.err());
    assertEquals("TUF_EXPIRED", refused.json().path("reason").asText());
    assertTrue(refused.json().path("message").asText().contains("timestamp.json: expired at "
        + T0.plus(1, ChronoUnit.DAYS)), refused.out());
    assertEquals("refused", auditEvents().get(0)[1]);
    assertEquals("[\"TUF_EXPIRED\"]", auditEvents().get(0)[2]);
    assertEquals(3, run(later, "trust", "show").code()); // nothing installed

    Run accepted = run(later, "--json", "trust", "update", "--accept-expired-timestamp", medium.toString());
    assertEquals(0, accepted.code(), accepted.err());
    assertTrue(accepted.json().path("expiredTimestampAccepted").asBoolean());
    Run show = run(later, "trust", "show");
    assertTrue(show.out().contains("--accept-expired-timestamp"), show.out());
    Run showJson = run(later, "--json", "trust", "show");
    if (showJson.code() != 0) {
      System.out.println("DEBUG " + dump());
    }
    assertTrue(showJson.json().path("current").path("expiredTimestampAccepted").asBoolean(),
        showJson.code() + " " + showJson.out() + showJson.err());
  }

  @Test
  void tufDeliveredPolicyIsInstalledOnceAndAudited() throws Exception {
    assertEquals(0, run(T0, "trust", "update", medium.toString()).code());
    Run show = run(T0, "policy", "show");
    assertEquals(0, show.code(), show.err());
    assertTrue(show.out().contains("policy 'from-tuf'") && show.out().contains("installed by tuf"), show.out());
    assertTrue(auditEvents().stream().anyMatch(e -> e[0].equals("policy.install")));
    long installs = auditEvents().stream().filter(e -> e[0].equals("policy.install")).count();
    assertEquals(0, run(T0.plusSeconds(60), "trust", "update", medium.toString()).code());
    assertEquals(installs, auditEvents().stream().filter(e -> e[0].equals("policy.install")).count(),
        "the same TUF policy is not installed again");
  }

  @Test
  void clockBehindIsReportedAndAudited() throws Exception {
    assertEquals(0, run(T0.plusSeconds(3600), "trust", "update", medium.toString()).code());
    Run behind = run(T0, "--json", "trust", "update", medium.toString());
    assertEquals(0, behind.code(), behind.err());
    assertTrue(behind.err().contains("CLOCK_BEHIND"), behind.err());
    assertTrue(behind.json().path("clock").path("systemClockBehind").asBoolean());
    assertEquals(T0.plusSeconds(3600).toString(), behind.json().path("clock").path("trustedTime").asText());
    List<String[]> updates = auditEvents().stream().filter(e -> e[0].equals("trust.update")).toList();
    assertEquals("[\"CLOCK_BEHIND\"]", updates.get(1)[2]);
  }

  @Test
  void refusedUpdatesExitWithTheirKind() throws Exception {
    Run missing = run(T0, "--json", "trust", "update", tmp.resolve("nope").toString());
    assertEquals(3, missing.code());
    assertEquals("MEDIUM_UNREADABLE", missing.json().path("reason").asText());
    repo.role("root", 1, List.of(TufRepoBuilder.Key.ed25519()));
    repo.publishRoot(repo.keys("root")); // not signed by the trusted root's key
    Run unsigned = run(T0, "--json", "trust", "update", medium.toString());
    assertEquals(1, unsigned.code(), unsigned.err());
    assertEquals("TUF_SIGNATURE_THRESHOLD", unsigned.json().path("reason").asText());
    assertTrue(unsigned.json().path("message").asText().contains("2.root.json"), unsigned.out());
    assertFalse(unsigned.err().contains("\tat "), "no stack trace: " + unsigned.err());
  }

  @Test
  void showWithoutTrustIsExit3() {
    Run r = run(T0, "trust", "show");
    assertEquals(3, r.code());
    assertTrue(r.err().contains("TRUST_NOT_INSTALLED") || r.err().contains("no trust installed"), r.err());
  }

  @Test
  void repeatedShowsAreStable() {
    assertEquals(0, run(T0, "trust", "update", medium.toString()).code());
    for (int i = 0; i < 40; i++) {
      Run r = run(T0, "--json", "trust", "show");
      assertEquals(0, r.code(), i + ": " + r.out() + r.err());
    }
  }

  String dump() {
    StringBuilder b = new StringBuilder();
    try (var c = java.sql.DriverManager.getConnection("jdbc:h2:file:" + home.databaseBase() + ";FILE_LOCK=FS", "airlock", "");
        var st = c.createStatement()) {
      try (var rs = st.executeQuery("SELECT TABLE_NAME FROM INFORMATION_SCHEMA.TABLES WHERE TABLE_SCHEMA='PUBLIC'")) {
        while (rs.next()) {
          b.append(rs.getString(1)).append(' ');
        }
      }
      try (var rs = st.executeQuery("SELECT version, name FROM schema_version")) {
        while (rs.next()) {
          b.append(rs.getInt(1)).append(rs.getString(2)).append(' ');
        }
      }
    } catch (Exception e) {
      b.append(e);
    }
    return b.toString();
  }
}
