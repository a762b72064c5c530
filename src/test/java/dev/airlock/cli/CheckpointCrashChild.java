package dev.airlock.cli;

import dev.airlock.db.Database;
import dev.airlock.db.Transaction;
import dev.airlock.core.Home;
import dev.airlock.crypto.Hashing;
import dev.airlock.crypto.Keys;
import dev.airlock.crypto.SignatureAlgorithm;
import dev.airlock.oci.Digest;
import dev.airlock.tlog.CheckpointStore;
import dev.airlock.trust.TransparencyLog;
import dev.airlock.trust.TrustSnapshot;
import dev.airlock.trust.TrustedRoot;
import dev.airlock.trust.ValidityWindow;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.PublicKey;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * Child process of {@link CheckpointCrashTest}: imports checkpoints 1..N (each with its proof from
 * the previous size) one call at a time, continuing after the largest stored one, until killed.
 * Arguments: home, folder of files, N.
 */
public final class CheckpointCrashChild {
  private CheckpointCrashChild() {}

  public static void main(String[] args) throws Exception {
    Path home = Path.of(args[0]);
    Path files = Path.of(args[1]);
    int n = Integer.parseInt(args[2]);
    PublicKey key = Keys.parsePublicKey(Files.readAllBytes(files.resolve("log.pub")));
    TransparencyLog tlog = new TransparencyLog("https://crash.example", Keys.spkiSha256(key), null, key,
        SignatureAlgorithm.ED25519, ValidityWindow.ALWAYS);
    TrustedRoot root = new TrustedRoot("trusted_root.json", Digest.parse("sha256:" + Hashing.sha256Hex(new byte[0])),
        List.of(tlog), List.of(), List.of(), List.of());
    TrustSnapshot snapshot = TrustSnapshot.ofRoots("sha256:crash", Instant.EPOCH, List.of(root));
    Database db = Database.open(Home.at(home));
    long start = db.transaction(tx -> tx.checkpoints().list().stream().mapToLong(CheckpointStore.StoredCheckpoint::size)
        .max().orElse(0)) + 1;
    for (long size = start; size <= n; size++) {
      List<CheckpointStore.InputFile> in = new ArrayList<>();
      in.add(new CheckpointStore.InputFile("cp-" + size + ".checkpoint",
          Files.readAllBytes(files.resolve("cp-" + size + ".checkpoint"))));
      if (size > 1) {
        in.add(new CheckpointStore.InputFile("proof-" + size + ".proof.json",
            Files.readAllBytes(files.resolve("proof-" + size + ".proof.json"))));
      }
      dev.airlock.appliance.CheckpointService.importFiles(db, in, "cp-" + size, tx -> snapshot,
          new dev.airlock.appliance.AuditContext("crash", "crash", null, "child", "checkpoint import", null,
              java.time.Clock.fixed(Instant.EPOCH.plusSeconds(size), java.time.ZoneOffset.UTC)));
      if (size == start) {
        // warmed up (classes loaded, database open once): the parent kills from here on
        System.out.println("ready " + start);
        System.out.flush();
      }
    }
    System.out.println("done");
    System.out.flush();
  }
}
