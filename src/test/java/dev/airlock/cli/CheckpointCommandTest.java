package dev.airlock.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.airlock.db.Database;
import dev.airlock.db.Transaction;
import dev.airlock.core.Home;
import dev.airlock.crypto.Hashing;
import dev.airlock.crypto.Keys;
import dev.airlock.crypto.SignatureAlgorithm;
import dev.airlock.oci.Digest;
import dev.airlock.tlog.CheckpointStore;
import dev.airlock.tlog.LogKey;
import dev.airlock.trust.KeyAuthority;
import dev.airlock.trust.TransparencyLog;
import dev.airlock.trust.TrustSnapshot;
import dev.airlock.trust.TrustedRoot;
import dev.airlock.trust.ValidityWindow;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.PublicKey;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** checkpoint show / clear-alarm / import file handling, in process. */
class CheckpointCommandTest {
  @TempDir Path dir;

  private CliContractTest.Run run(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int code = Main.run(args, CliContractTest.CLOCK, Map.of(), new PrintWriter(out, true), new PrintWriter(err, true));
    return new CliContractTest.Run(code, out.toString(), err.toString());
  }

  private Path home() {
    Path h = dir.resolve("home");
    Database.create(Home.at(h));
    return h;
  }

  @Test
  void showAndClearAlarmAreAudited() {
    Path h = home();
    Database db = Database.open(Home.at(h));
    db.jdbcTransaction(tx -> tx.checkpoints().raiseAlarm(new CheckpointStore.Fork("log.example", 7, "aa".repeat(32), "bb".repeat(32), new byte[] {1}),
        Instant.parse("2026-11-01T00:00:00Z")));
    CliContractTest.Run show = run("--home", h.toString(), "--json", "checkpoint", "show");
    assertEquals(0, show.code(), show.err());
    assertTrue(show.out().contains("\"origin\":\"log.example\"") && show.out().contains("\"alarms\":[{"), show.out());
    CliContractTest.Run human = run("--home", h.toString(), "checkpoint", "show");
    assertTrue(human.out().contains("FORK ALARM"), human.out());

    CliContractTest.Run wrong = run("--home", h.toString(), "checkpoint", "clear-alarm", "other.example",
        "--reason", "x");
    assertEquals(2, wrong.code(), wrong.err());
    CliContractTest.Run clear = run("--home", h.toString(), "--operator", "alice", "checkpoint", "clear-alarm",
        "log.example", "--reason", "investigated: test fork");
    assertEquals(0, clear.code(), clear.err());
    assertEquals(0, (int) db.jdbcTransaction(tx -> tx.checkpoints().openAlarms().size()));
    String audited = db.jdbcTransaction(tx -> {
      try (PreparedStatement p = tx.connection().prepareStatement(
          "SELECT action, operator, detail FROM audit_event ORDER BY seq DESC LIMIT 1");
          ResultSet rs = p.executeQuery()) {
        rs.next();
        return rs.getString(1) + " " + rs.getString(2) + " " + rs.getString(3);
      }
    });
    assertTrue(audited.startsWith("checkpoint.clear-alarm alice") && audited.contains("investigated: test fork"),
        audited);
    CliContractTest.Run again = run("--home", h.toString(), "checkpoint", "clear-alarm", "log.example",
        "--reason", "again");
    assertEquals(2, again.code());
  }

  @Test
  void missingFileIsCannotDecideAndHugeFileIsRefused() throws Exception {
    Path h = home();
    CliContractTest.Run missing = run("--home", h.toString(), "--json", "checkpoint", "import",
        dir.resolve("nope.checkpoint").toString());
    assertEquals(3, missing.code(), missing.err());
    assertTrue(missing.out().contains("MEDIUM_UNREADABLE"), missing.out());
    Path huge = dir.resolve("huge.checkpoint");
    Files.write(huge, new byte[10 * 1024 * 1024]);
    CliContractTest.Run big = run("--home", h.toString(), "--json", "checkpoint", "import", huge.toString());
    assertEquals(1, big.code(), big.err());
    assertTrue(big.out().contains("LIMIT_SIZE"), big.out());
  }

  @Test
  void keysComeFromTrustedRootLogsAndWitnessTargets() {
    PublicKey rekor = Keys.generateEc("secp256r1").getPublic();
    PublicKey witness = Keys.generateEd25519().getPublic();
    PublicKey signer = Keys.generateEc("secp256r1").getPublic();
    TransparencyLog tlog = new TransparencyLog("https://rekor.example", Keys.spkiSha256(rekor), null, rekor,
        SignatureAlgorithm.ECDSA_P256_SHA256, ValidityWindow.ALWAYS);
    TrustedRoot root = new TrustedRoot("trusted_root.json", Digest.parse("sha256:" + Hashing.sha256Hex(new byte[0])),
        List.of(tlog, tlog), List.of(), List.of(), List.of());
    TrustSnapshot s = new TrustSnapshot("sha256:x", 1, Instant.EPOCH, List.of(root),
        Map.of("keys/witness-a.pub", new KeyAuthority("keys/witness-a.pub", witness, ValidityWindow.ALWAYS),
            "keys/qa.pub", new KeyAuthority("keys/qa.pub", signer, ValidityWindow.ALWAYS)),
        Map.of());
    List<LogKey> logs = CheckpointCommand.logKeys(s);
    assertEquals(1, logs.size());
    assertEquals(null, logs.get(0).name());
    assertEquals(rekor, logs.get(0).key());
    List<LogKey> witnesses = CheckpointCommand.witnessKeys(s);
    assertEquals(1, witnesses.size());
    assertEquals(witness, witnesses.get(0).key());
  }

  @Test
  void importServiceStoresAuditsAndRecordsForkAlarmsDespiteTheRollback() throws Exception {
    Path h = home();
    Database db = Database.open(Home.at(h));
    java.security.KeyPair kp = Keys.generateEd25519();
    TransparencyLog tlog = new TransparencyLog("https://log.example", Keys.spkiSha256(kp.getPublic()), null,
        kp.getPublic(), SignatureAlgorithm.ED25519, ValidityWindow.ALWAYS);
    TrustedRoot root = new TrustedRoot("trusted_root.json", Digest.parse("sha256:" + Hashing.sha256Hex(new byte[0])),
        List.of(tlog), List.of(), List.of(), List.of());
    TrustSnapshot snapshot = TrustSnapshot.ofRoots("sha256:snap", Instant.EPOCH, List.of(root));
    dev.airlock.tlog.MerkleTree honest = new dev.airlock.tlog.MerkleTree();
    dev.airlock.tlog.MerkleTree evil = new dev.airlock.tlog.MerkleTree();
    for (int i = 0; i < 10; i++) {
      honest.append(new byte[] {(byte) i});
      evil.append(new byte[] {(byte) (i == 9 ? 99 : i)});
    }
    LogKey named = new LogKey("log.example", kp.getPublic());
    java.util.function.BiFunction<dev.airlock.tlog.MerkleTree, Integer, CheckpointStore.InputFile> note = (t, size) -> {
      String body = new dev.airlock.tlog.Checkpoint("log.example - 42", size, t.root(size), List.of()).toBody();
      return new CheckpointStore.InputFile("cp" + size + ".checkpoint", dev.airlock.tlog.NoteSigner.note(body,
          dev.airlock.tlog.NoteSigner.signatureLine("log.example", named, kp.getPrivate(), body)));
    };
    dev.airlock.appliance.AuditContext audit = new dev.airlock.appliance.AuditContext("bob", "bob", null, "host1",
        "checkpoint import", null, java.time.Clock.fixed(Instant.parse("2026-11-22T10:00:00Z"), java.time.ZoneOffset.UTC));
    CheckpointStore.ImportResult r = dev.airlock.appliance.CheckpointService.importFiles(db, List.of(note.apply(honest, 10)), "files", tx -> snapshot, audit);
    assertEquals(1, r.added().size());
    assertEquals("ok", lastAudit(db).split(" ")[1]);

    dev.airlock.core.AirlockException fork = org.junit.jupiter.api.Assertions.assertThrows(
        dev.airlock.core.AirlockException.class,
        () -> dev.airlock.appliance.CheckpointService.importFiles(db, List.of(note.apply(evil, 10)), "files", tx -> snapshot, audit));
    assertEquals(dev.airlock.core.AirlockException.Kind.DENIED, fork.kind());
    assertEquals(dev.airlock.core.Reason.CHECKPOINT_FORK, fork.reason());
    assertEquals(1, (int) db.jdbcTransaction(tx -> tx.checkpoints().openAlarms().size()));
    assertTrue(lastAudit(db).startsWith("checkpoint.import refused [\"CHECKPOINT_FORK\"]"), lastAudit(db));
    assertEquals(1, (int) db.jdbcTransaction(tx -> tx.checkpoints().list().size()));

    db.jdbcTransaction(tx -> tx.checkpoints().clearAlarms("log.example - 42", "bob", "test", Instant.EPOCH));
    dev.airlock.core.AirlockException unproven = org.junit.jupiter.api.Assertions.assertThrows(
        dev.airlock.core.AirlockException.class,
        () -> dev.airlock.appliance.CheckpointService.importFiles(db, List.of(note.apply(honest, 5), note.apply(honest, 9)), "files", tx -> snapshot,
            audit));
    assertEquals(dev.airlock.core.Reason.CHECKPOINT_ROLLBACK, unproven.reason());
    assertEquals(1, (int) db.jdbcTransaction(tx -> tx.checkpoints().list().size()));
    assertEquals(0, (int) db.jdbcTransaction(tx -> tx.checkpoints().openAlarms().size()));
  }

  private static String lastAudit(Database db) {
    return db.jdbcTransaction(tx -> {
      try (PreparedStatement p = tx.connection().prepareStatement(
          "SELECT action, outcome, reasons FROM audit_event ORDER BY seq DESC LIMIT 1");
          ResultSet rs = p.executeQuery()) {
        rs.next();
        return rs.getString(1) + " " + rs.getString(2) + " " + rs.getString(3);
      }
    });
  }
}
