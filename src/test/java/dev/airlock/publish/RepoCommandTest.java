package dev.airlock.publish;

import static dev.airlock.publish.RepoLab.airlock;
import static dev.airlock.publish.RepoLab.args;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.airlock.trust.TrustLab;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code airlock repo ...} end to end, and the appliance installing what it writes. */
class RepoCommandTest {
  static final Instant T0 = Instant.parse("2026-11-22T10:00:00Z");
  static final ObjectMapper M = new ObjectMapper();

  @TempDir Path tmp;
  Path keys;
  Path repo;

  @BeforeEach
  void init() {
    keys = tmp.resolve("keys");
    repo = tmp.resolve("repo");
    RepoLab.Run r = airlock(T0, RepoLab.initArgs(keys, repo).toArray(new String[0]));
    assertEquals(0, r.code(), r.toString());
    assertTrue(Files.isRegularFile(repo.resolve("metadata/1.root.json")));
  }

  List<String> content() {
    return RepoLab.contentKeys(keys);
  }

  List<String> withKeys(String... cmd) {
    List<String> a = new ArrayList<>(List.of(cmd));
    a.addAll(content());
    return a;
  }

  @Test
  void writtenRepositoryInstallsOnTheAppliance() throws Exception {
    Path tr = tmp.resolve("trusted_root.json");
    Files.write(tr, TrustLab.productionTrustedRoot());
    assertEquals(0, airlock(T0, args(withKeys("repo", "add-trusted-root", repo.toString(), tr.toString()))).code());
    Path[] vendor = RepoLab.keyFiles(keys, "vendor", true);
    RepoLab.Run add = airlock(T0, args(withKeys("repo", "add-key", repo.toString(), "vendor", vendor[1].toString(),
        "--valid-from", "2026-11-01", "--valid-until", "2027-10-31")));
    assertEquals(0, add.code(), add.toString());
    assertTrue(add.out().contains("added key authority keys/vendor.pub valid 2026-11-01 .. 2027-10-31"), add.out());
    Path policy = tmp.resolve("policy.yaml");
    Files.writeString(policy, "apiVersion: airlock/v1\nkind: Policy\nname: hospital\n"
        + "authorities:\n  vendor: {key: {tuf: \"keys/vendor.pub\"}}\n"
        + "images:\n  - match: \"reg.example/**\"\n    signatures: {threshold: 1, from: [vendor]}\n");
    RepoLab.Run sp = airlock(T0, args(withKeys("repo", "set-policy", repo.toString(), policy.toString())));
    assertEquals(0, sp.code(), sp.toString());

    RepoLab.Run st = airlock(T0, "--json", "repo", "status", repo.toString());
    assertEquals(0, st.code(), st.toString());
    JsonNode doc = M.readTree(st.out());
    assertEquals(4, doc.path("roles").path("targets").path("version").asInt(), "init + three changes");
    assertEquals(2, doc.path("roles").path("root").path("threshold").asInt());
    assertEquals(3, doc.path("roles").path("root").path("keys").size());
    assertEquals(3, doc.path("targets").size());
    assertEquals(T0.plus(35, ChronoUnit.DAYS).toString(), doc.path("roles").path("timestamp").path("expires").asText());

    // the appliance: init --root 1.root.json, trust update DIR
    Path home = tmp.resolve("home");
    RepoLab.Run in = airlock(T0, "--home", home.toString(), "init", "--root", repo.resolve("metadata/1.root.json").toString());
    assertEquals(0, in.code(), in.toString());
    RepoLab.Run up = airlock(T0, "--home", home.toString(), "--json", "trust", "update", repo.toString());
    assertEquals(0, up.code(), up.toString());
    RepoLab.Run show = airlock(T0, "--home", home.toString(), "--json", "trust", "show");
    JsonNode cur = M.readTree(show.out()).path("current");
    assertEquals("keys/vendor.pub", cur.path("keyAuthorities").get(0).path("name").asText());
    assertEquals("2026-11-01T00:00:00Z", cur.path("keyAuthorities").get(0).path("validFor").path("start").asText());
    assertEquals("policy/airlock.yaml", cur.path("policies").get(0).path("path").asText());
    assertEquals(1, cur.path("trustedRoots").size());

    // remove-key, publish: the appliance follows
    assertEquals(0, airlock(T0, args(withKeys("repo", "remove-key", repo.toString(), "vendor"))).code());
    Instant later = T0.plus(20, ChronoUnit.DAYS);
    RepoLab.Run pub = airlock(later, "repo", "publish", repo.toString(), "--key", keys.resolve("online.pem").toString());
    assertEquals(0, pub.code(), pub.toString());
    RepoLab.Run up2 = airlock(later, "--home", home.toString(), "--json", "trust", "update", repo.toString());
    assertEquals(0, up2.code(), up2.toString());
    JsonNode cur2 = M.readTree(airlock(later, "--home", home.toString(), "--json", "trust", "show").out()).path("current");
    assertEquals(0, cur2.path("keyAuthorities").size());
  }

  @Test
  void rotateRootIsFollowedByTheAppliance() throws Exception {
    Path tr = tmp.resolve("trusted_root.json");
    Files.write(tr, TrustLab.productionTrustedRoot());
    assertEquals(0, airlock(T0, args(withKeys("repo", "add-trusted-root", repo.toString(), tr.toString()))).code());
    Path home = tmp.resolve("home");
    assertEquals(0, airlock(T0, "--home", home.toString(), "init", "--root",
        repo.resolve("metadata/1.root.json").toString()).code());
    Path[] n1 = RepoLab.keyFiles(keys, "newroot1", false);
    Path[] n2 = RepoLab.keyFiles(keys, "newroot2", false);
    Path[] t2 = RepoLab.keyFiles(keys, "targets2", false);
    // old threshold (root1, root2) and new threshold (newroot1, newroot2); targets move to a new key
    RepoLab.Run rot = airlock(T0, "repo", "rotate-root", repo.toString(),
        "--root-key", n1[1].toString(), "--root-key", n2[1].toString(), "--root-threshold", "2",
        "--targets-key", t2[1].toString(),
        "--key", keys.resolve("root1.pem").toString(), "--key", keys.resolve("root2.pem").toString(),
        "--key", n1[0].toString(), "--key", n2[0].toString(), "--key", t2[0].toString(),
        "--key", keys.resolve("online.pem").toString());
    assertEquals(0, rot.code(), rot.toString());
    assertTrue(Files.isRegularFile(repo.resolve("metadata/2.root.json")));
    RepoLab.Run up = airlock(T0, "--home", home.toString(), "trust", "update", repo.toString());
    assertEquals(0, up.code(), up.toString());
    JsonNode cur = M.readTree(airlock(T0, "--home", home.toString(), "--json", "trust", "show").out()).path("current");
    assertEquals(2, cur.path("tuf").path("root").path("version").asInt());

    // the old targets key no longer signs
    Path[] k = RepoLab.keyFiles(keys, "k", false);
    RepoLab.Run old = airlock(T0, args(withKeys("repo", "add-key", repo.toString(), "k", k[1].toString())));
    assertEquals(1, old.code(), old.toString());
    assertTrue(old.err().contains("targets (4.targets.json) needs signatures from 1 of its keys"), old.err());
  }

  @Test
  void tooFewKeysIsRefusedAndNothingIsWritten() throws Exception {
    List<String> before = files(repo);
    Path[] n1 = RepoLab.keyFiles(keys, "newroot1", false);
    // only one of the two old root keys: the old root's threshold of 2 is not met
    RepoLab.Run rot = airlock(T0, "repo", "rotate-root", repo.toString(), "--root-key", n1[1].toString(),
        "--root-threshold", "1", "--key", keys.resolve("root1.pem").toString(), "--key", n1[0].toString());
    assertEquals(1, rot.code(), rot.toString());
    assertTrue(rot.err().contains("the old root (v1) needs signatures from 2 of its keys"), rot.err());
    assertEquals(before, files(repo));
    assertTrue(siblingsOf(repo).equals(List.of("keys", "repo")), "no temporary folder left: " + siblingsOf(repo));

    // the targets role without its key
    Path[] k = RepoLab.keyFiles(keys, "k", false);
    RepoLab.Run add = airlock(T0, "repo", "add-key", repo.toString(), "k", k[1].toString(),
        "--key", keys.resolve("online.pem").toString());
    assertEquals(1, add.code(), add.toString());
    assertEquals(before, files(repo));
  }

  @Test
  void keyPastItsWindowIsRefused() throws Exception {
    List<String> before = files(repo);
    Path[] k = RepoLab.keyFiles(keys, "old", true);
    RepoLab.Run r = airlock(T0, args(withKeys("repo", "add-key", repo.toString(), "old", k[1].toString(),
        "--valid-from", "2025-01-01", "--valid-until", "2026-11-21")));
    assertEquals(1, r.code(), r.toString());
    assertTrue(r.err().contains("keys/old.pub: its window ended at 2026-11-21T23:59:59.999999999Z"), r.err());
    RepoLab.Run inverted = airlock(T0, args(withKeys("repo", "add-key", repo.toString(), "old", k[1].toString(),
        "--valid-from", "2027-02-01", "--valid-until", "2027-01-01")));
    assertEquals(2, inverted.code(), inverted.toString());
    assertEquals(before, files(repo));
  }

  @Test
  void expiredRoleOnPublishIsRefused() throws Exception {
    List<String> before = files(repo);
    Instant late = T0.plus(91, ChronoUnit.DAYS);
    RepoLab.Run r = airlock(late, "repo", "publish", repo.toString(), "--key", keys.resolve("online.pem").toString());
    assertEquals(1, r.code(), r.toString());
    assertTrue(r.err().contains("targets v1 expired at " + T0.plus(90, ChronoUnit.DAYS)), r.err());
    assertEquals(before, files(repo));
    // re-signing targets too renews it
    RepoLab.Run ok = airlock(late, args(withKeys("repo", "publish", repo.toString(), "--targets")));
    assertEquals(0, ok.code(), ok.toString());
    // an expired root is refused the same way
    RepoLab.Run root = airlock(T0.plus(366, ChronoUnit.DAYS), args(withKeys("repo", "publish", repo.toString(), "--targets")));
    assertEquals(1, root.code(), root.toString());
    assertTrue(root.err().contains("root v1 expired"), root.err());
  }

  @Test
  void encryptedKeysNeedTheirPassword() throws Exception {
    Path enc = tmp.resolve("targets.enc.pem");
    Path pw = tmp.resolve("pw");
    Files.writeString(pw, "correct horse\n");
    Process p = new ProcessBuilder("openssl", "pkcs8", "-topk8", "-v2", "aes-256-cbc", "-in",
        keys.resolve("targets.pem").toString(), "-out", enc.toString(), "-passout", "file:" + pw)
        .redirectErrorStream(true).start();
    assertEquals(0, p.waitFor(), new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8));
    assertTrue(Files.readString(enc).contains("ENCRYPTED PRIVATE KEY"));
    Path[] k = RepoLab.keyFiles(keys, "k", false);
    String online = keys.resolve("online.pem").toString();
    RepoLab.Run none = airlock(T0, "repo", "add-key", repo.toString(), "k", k[1].toString(), "--key", enc.toString(),
        "--key", online);
    assertEquals(2, none.code(), none.toString());
    assertTrue(none.err().contains("the key is encrypted"), none.err());
    Path wrong = tmp.resolve("wrong");
    Files.writeString(wrong, "battery staple\n");
    RepoLab.Run bad = airlock(T0, "repo", "add-key", repo.toString(), "k", k[1].toString(), "--key", enc.toString(),
        "--key", online, "--password-file", wrong.toString());
    assertEquals(2, bad.code(), bad.toString());
    RepoLab.Run ok = airlock(T0, java.util.Map.of("PW", "correct horse"), "repo", "add-key", repo.toString(), "k",
        k[1].toString(), "--key", enc.toString(), "--key", online, "--password-file", wrong.toString(),
        "--password-env", "PW");
    assertEquals(0, ok.code(), ok.toString());
  }

  static List<String> files(Path dir) throws Exception {
    try (Stream<Path> s = Files.walk(dir)) {
      List<String> out = new ArrayList<>();
      for (Path p : s.sorted().toList()) {
        out.add(dir.relativize(p) + (Files.isRegularFile(p) ? " " + dev.airlock.crypto.Hashing.sha256Hex(Files.readAllBytes(p)) : ""));
      }
      return out;
    }
  }

  static List<String> siblingsOf(Path dir) throws Exception {
    try (Stream<Path> s = Files.list(dir.getParent())) {
      return s.map(p -> p.getFileName().toString()).sorted().toList();
    }
  }
}
