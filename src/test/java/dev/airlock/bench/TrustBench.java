package dev.airlock.bench;

import dev.airlock.db.Database;
import dev.airlock.db.Transaction;
import dev.airlock.core.Home;
import dev.airlock.crypto.Hashing;
import dev.airlock.crypto.Keys;
import dev.airlock.testing.Corpus;
import dev.airlock.tlog.Checkpoint;
import dev.airlock.tlog.CheckpointRefusedException;
import dev.airlock.tlog.CheckpointStore;
import dev.airlock.tlog.CheckpointVerifier;
import dev.airlock.tlog.LogKey;
import dev.airlock.tlog.MerkleTree;
import dev.airlock.tlog.NoteSigner;
import dev.airlock.tlog.SignedNote;
import dev.airlock.trust.TrustLab;
import dev.airlock.trust.tuf.TufInstaller;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.Stream;

/**
 * {@code scripts/bench trust} (issue 4, "Show when resolving"), in one run:
 * <ol>
 *   <li>installing the real Sigstore root-signing repository of the corpus
 *       ({@code tuf-chain/root-signing.production-2026-08}: pinned root v12, rotation through v13-v15,
 *       timestamp, snapshot, targets, download of trusted_root.json) through {@link TufInstaller}
 *       into a fresh home at the case's {@code now}: cold (first in the JVM) and warm (median of 5,
 *       each into a fresh home);</li>
 *   <li>importing 1,000 checkpoints with 999 consistency proofs of a lab log (ECDSA P-256 like
 *       Rekor) in one {@link CheckpointStore#importFiles} call, in one transaction of a fresh
 *       database; with, as the reference, the bare parse + signature verification of the same 1,000
 *       notes by {@link CheckpointVerifier} (the import's floor), reported as a ratio.</li>
 * </ol>
 * Not a unit test. Usage: {@code scripts/bench trust [checkpoints] [repeats]}.
 */
public final class TrustBench {
  private TrustBench() {}

  static final String CASE = "cases/tuf-chain/root-signing.production-2026-08";
  static final Instant CASE_NOW = Instant.parse("2026-08-22T00:00:00Z");

  public static void main(String[] args) throws Exception {
    int n = args.length > 0 ? Integer.parseInt(args[0]) : 1000;
    int repeats = args.length > 1 ? Integer.parseInt(args[1]) : 5;
    Path tmp = Files.createTempDirectory("airlock-bench-trust-");
    try {
      System.out.println("airlock trust benchmark (" + Runtime.getRuntime().availableProcessors() + " CPUs, java "
          + System.getProperty("java.version") + ", work dir " + tmp + ")");
      tufInstall(tmp, repeats);
      checkpoints(tmp, n, repeats);
    } finally {
      deleteTree(tmp);
    }
  }

  // ---- (a) the real root-signing repository through TufInstaller ----

  static void tufInstall(Path tmp, int repeats) throws IOException {
    Path caseDir = Corpus.root().resolve(CASE);
    byte[] pinned = Files.readAllBytes(caseDir.resolve("trusted/root.json"));
    Path repository = caseDir.resolve("repository");
    Clock clock = Clock.fixed(CASE_NOW, ZoneOffset.UTC);
    double[] ms = new double[repeats + 1];
    TufInstaller.Result last = null;
    for (int i = 0; i <= repeats; i++) {
      Home home = TrustLab.home(tmp.resolve("tuf-home-" + i), pinned, CASE_NOW);
      long t0 = System.nanoTime();
      last = dev.airlock.appliance.TrustService.install(home, repository, clock, false);
      ms[i] = (System.nanoTime() - t0) / 1e6;
      if (last.snapshot().roots().isEmpty() || last.snapshot().tufRootVersion() != 15) {
        throw new IllegalStateException("unexpected install: root v" + last.snapshot().tufRootVersion());
      }
    }
    double[] warm = Arrays.copyOfRange(ms, 1, ms.length);
    System.out.printf("TUF install of the real Sigstore root-signing repository (%s, now %s):%n", CASE, CASE_NOW);
    System.out.printf("  pinned root v12 -> root v%d, timestamp v%d, snapshot v%d, targets v%d; snapshot %s "
            + "(%d trusted root, %d tlogs, %d CAs)%n",
        last.tuf().rootVersion(), last.tuf().timestampVersion(), last.tuf().snapshotVersion(),
        last.tuf().targetsVersion(), last.snapshot().id(), last.snapshot().roots().size(),
        last.snapshot().roots().get(0).tlogs().size(), last.snapshot().roots().get(0).certificateAuthorities().size());
    System.out.printf("  cold (first in this JVM): %.1f ms; warm: median %.1f ms of %d fresh homes (min %.1f, max %.1f)%n",
        ms[0], median(warm), warm.length, Arrays.stream(warm).min().orElse(0), Arrays.stream(warm).max().orElse(0));
  }

  // ---- (b) 1,000 checkpoints and 999 proofs in one importFiles call ----

  static void checkpoints(Path tmp, int n, int repeats) throws Exception {
    KeyPair kp = Keys.generateEc("secp256r1");
    String origin = "bench.example/log";
    LogKey key = new LogKey(origin, kp.getPublic());
    MerkleTree tree = new MerkleTree();
    SplittableRandom random = new SplittableRandom(4);
    List<CheckpointStore.InputFile> files = new ArrayList<>();
    List<byte[]> notes = new ArrayList<>();
    long previous = 0;
    long g0 = System.nanoTime();
    for (int i = 1; i <= n; i++) {
      int grow = 1 + random.nextInt(16);
      for (int k = 0; k < grow; k++) {
        tree.append(("entry " + tree.size()).getBytes(StandardCharsets.UTF_8));
      }
      long size = tree.size();
      String body = new Checkpoint(origin, size, tree.root(), List.of()).toBody();
      byte[] note = NoteSigner.note(body, NoteSigner.signatureLine(origin, key, kp.getPrivate(), body));
      notes.add(note);
      files.add(new CheckpointStore.InputFile("cp-" + i + ".checkpoint", note));
      if (previous > 0) {
        StringBuilder json = new StringBuilder("{\"origin\":\"" + origin + "\",\"oldSize\":" + previous
            + ",\"newSize\":" + size + ",\"hashes\":[");
        List<byte[]> proof = tree.consistencyProof(previous, size);
        for (int h = 0; h < proof.size(); h++) {
          json.append(h == 0 ? "" : ",").append('"').append(Hashing.hex(proof.get(h))).append('"');
        }
        files.add(new CheckpointStore.InputFile("cp-" + i + ".proof.json",
            json.append("]}").toString().getBytes(StandardCharsets.UTF_8)));
      }
      previous = size;
    }
    System.out.printf("checkpoints: lab log (ECDSA P-256), %d checkpoints up to tree size %d, %d proofs "
        + "(generated in %.0f ms, not counted)%n", n, tree.size(), files.size() - n, (System.nanoTime() - g0) / 1e6);

    Instant now = CASE_NOW;
    double[] importMs = new double[repeats + 1];
    for (int i = 0; i <= repeats; i++) {
      Home home = Home.at(Files.createDirectories(tmp.resolve("cp-home-" + i)));
      Database.create(home);
      long t0 = System.nanoTime();
      CheckpointStore.ImportResult r = Database.open(home).transaction(tx -> {
        try {
          return tx.checkpoints().importFiles(files, List.of(key), List.of(), now);
        } catch (CheckpointRefusedException e) {
          throw new IllegalStateException("import refused: " + e.getMessage(), e);
        }
      });
      importMs[i] = (System.nanoTime() - t0) / 1e6;
      if (r.added().size() != n || r.proofsStored() != n - 1) {
        throw new IllegalStateException("import stored " + r.added().size() + " checkpoints and "
            + r.proofsStored() + " proofs");
      }
    }
    double[] verifyMs = new double[repeats + 1];
    for (int i = 0; i <= repeats; i++) {
      long t0 = System.nanoTime();
      for (byte[] note : notes) {
        CheckpointVerifier.verify(SignedNote.parse(note), List.of(key), List.of());
      }
      verifyMs[i] = (System.nanoTime() - t0) / 1e6;
    }
    double[] warmImport = Arrays.copyOfRange(importMs, 1, importMs.length);
    double[] warmVerify = Arrays.copyOfRange(verifyMs, 1, verifyMs.length);
    System.out.printf("  import (one CheckpointStore.importFiles call + commit, fresh database): cold %.0f ms; "
        + "warm median %.0f ms of %d (%.2f ms per checkpoint)%n", importMs[0], median(warmImport), warmImport.length,
        median(warmImport) / n);
    System.out.printf("  reference, bare parse + signature verification of the %d notes (CheckpointVerifier): "
        + "warm median %.0f ms (%.3f ms per note)%n", n, median(warmVerify), median(warmVerify) / n);
    System.out.printf("  ratio import / bare verification (warm medians): %.1fx%n", median(warmImport) / median(warmVerify));
  }

  static double median(double[] v) {
    double[] s = v.clone();
    Arrays.sort(s);
    return s.length % 2 == 1 ? s[s.length / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
  }

  static void deleteTree(Path p) throws IOException {
    try (Stream<Path> s = Files.walk(p)) {
      for (Path x : s.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(x);
      }
    }
  }
}
