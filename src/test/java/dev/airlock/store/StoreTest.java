package dev.airlock.store;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.airlock.db.Database;
import dev.airlock.db.Transaction;
import dev.airlock.core.Home;
import dev.airlock.core.Limits;
import dev.airlock.core.Reason;
import dev.airlock.crypto.Hashing;
import dev.airlock.lab.oci.OciLayoutWriter;
import dev.airlock.media.ImageSource;
import dev.airlock.media.Medium;
import dev.airlock.oci.Annotations;
import dev.airlock.oci.Descriptor;
import dev.airlock.oci.Digest;
import dev.airlock.oci.ImageCandidate;
import dev.airlock.oci.MediaTypes;
import dev.airlock.oci.Platform;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The content store: verified, atomic, all-or-nothing per image; and the image records. */
class StoreTest {
  @TempDir Path tmp;

  Home home() throws IOException {
    return Home.at(Files.createDirectories(tmp.resolve("home")));
  }

  static List<Path> visibleBlobs(Home home) throws IOException {
    Path dir = home.blobs().resolve("sha256");
    if (!Files.isDirectory(dir)) {
      return List.of();
    }
    try (Stream<Path> s = Files.list(dir)) {
      return s.toList();
    }
  }

  static List<ImageCandidate> scan(Medium m) throws IOException {
    List<ImageCandidate> all = new ArrayList<>();
    for (ImageSource s : m.images()) {
      all.addAll(s.scan(Limits.defaults()));
    }
    return all;
  }

  @Test
  void putVerifiesDigestAndSize() throws IOException {
    BlobStore store = BlobStore.at(home());
    byte[] data = "content".getBytes();
    Digest d = Digest.sha256(Hashing.sha256(data));
    assertTrue(store.put(new ByteArrayInputStream(data), d, data.length, "x"));
    assertFalse(store.put(new ByteArrayInputStream(data), d, data.length, "x"), "present: not copied again");
    try (InputStream in = store.open(d)) {
      assertArrayEquals(data, in.readAllBytes());
    }
    byte[] flipped = data.clone();
    flipped[0] ^= 1;
    Digest d2 = Digest.sha256(Hashing.sha256("other".getBytes()));
    BlobException e = assertThrows(BlobException.class,
        () -> store.put(new ByteArrayInputStream(flipped), d2, 7, "x"));
    assertEquals(Reason.BLOB_DIGEST_MISMATCH, e.reason());
    assertTrue(e.getMessage().contains("expected " + d2) && e.getMessage().contains("got sha256:"), e.getMessage());
    e = assertThrows(BlobException.class, () -> store.put(new ByteArrayInputStream(data), d2, data.length - 1, "x"));
    assertEquals(Reason.BLOB_SIZE_MISMATCH, e.reason());
    e = assertThrows(BlobException.class, () -> store.put(new ByteArrayInputStream(data), d2, data.length + 1, "x"));
    assertEquals(Reason.BLOB_SIZE_MISMATCH, e.reason());
    assertEquals(1, visibleBlobs(Home.at(tmp.resolve("home"))).size());
    try (Stream<Path> s = Files.list(tmp.resolve("home/blobs/tmp"))) {
      assertEquals(0, s.count(), "failed copies leave no temporary files");
    }
  }

  @Test
  void interruptedCopyLeavesNoVisibleBlob() throws IOException {
    Home home = home();
    BlobStore store = BlobStore.at(home);
    byte[] data = new byte[3 << 20];
    new java.util.Random(1).nextBytes(data);
    Digest d = Digest.sha256(Hashing.sha256(data));
    InputStream dying = new InputStream() {
      int n;

      @Override
      public int read() throws IOException {
        throw new IOException("device removed");
      }

      @Override
      public int read(byte[] b, int off, int len) throws IOException {
        if (n > (2 << 20)) {
          throw new IOException("device removed");
        }
        int k = Math.min(len, 4096);
        System.arraycopy(data, n, b, off, k);
        n += k;
        return k;
      }
    };
    assertThrows(IOException.class, () -> store.put(dying, d, data.length, "x"));
    assertFalse(store.has(d));
    assertEquals(List.of(), visibleBlobs(home));
    // a crash after staging and before publishing: the temporary file is invisible, then swept
    BlobStore.Staged s = store.stage(new ByteArrayInputStream(data), d, data.length, "x");
    assertFalse(store.has(d));
    assertEquals(1, store.sweepTemporary());
    s.close();
  }

  /** The blob as a file in the home's staging area (an unpacked archive) and on a medium folder. */
  private Path fileIn(Path dir, byte[] data) throws IOException {
    Files.createDirectories(dir);
    return Files.write(dir.resolve("blob-" + java.util.UUID.randomUUID()), data);
  }

  private static long tmpFiles(Home home) throws IOException {
    try (Stream<Path> s = Files.list(home.blobs().resolve("tmp"))) {
      return s.count();
    }
  }

  @Test
  void stagedArchiveFileIsLinkedNotCopiedAndVerifiedFirst() throws IOException {
    Home home = home();
    BlobStore store = BlobStore.at(home);
    byte[] data = new byte[(9 << 20) + 12345]; // several buffers
    new java.util.Random(7).nextBytes(data);
    Digest d = Digest.sha256(Hashing.sha256(data));
    Path staged = fileIn(home.staging().resolve("x"), data);
    try (BlobStore.Staged s = store.stageFile(staged, true, d, data.length, "x")) {
      assertFalse(store.has(d), "staged is not visible");
      store.publish(List.of(s));
    }
    assertTrue(store.has(d));
    assertTrue(Files.isSameFile(staged, store.path(d)), "the unpacked file itself became the blob: written once");
    try (InputStream in = store.open(d)) {
      assertArrayEquals(data, in.readAllBytes());
    }
    assertEquals(0, tmpFiles(home));
  }

  @Test
  void stagedArchiveFileThatDoesNotMatchIsRejectedAndNeverVisible() throws IOException {
    Home home = home();
    BlobStore store = BlobStore.at(home);
    byte[] data = new byte[3 << 20];
    new java.util.Random(8).nextBytes(data);
    Digest d = Digest.sha256(Hashing.sha256(data));
    byte[] flipped = data.clone();
    flipped[data.length / 2] ^= 1;
    byte[] truncated = java.util.Arrays.copyOf(data, data.length - 1);
    byte[] extended = java.util.Arrays.copyOf(data, data.length + 1);
    for (boolean linkable : new boolean[] {true, false}) {
      Path dir = linkable ? home.staging().resolve("x") : tmp.resolve("medium");
      BlobException e = assertThrows(BlobException.class,
          () -> store.stageFile(fileIn(dir, flipped), linkable, d, data.length, "flipped"));
      assertEquals(Reason.BLOB_DIGEST_MISMATCH, e.reason());
      assertTrue(e.getMessage().contains("expected " + d) && e.getMessage().contains("got sha256:"), e.getMessage());
      e = assertThrows(BlobException.class,
          () -> store.stageFile(fileIn(dir, truncated), linkable, d, data.length, "truncated"));
      assertEquals(Reason.BLOB_SIZE_MISMATCH, e.reason());
      e = assertThrows(BlobException.class,
          () -> store.stageFile(fileIn(dir, extended), linkable, d, data.length, "extended"));
      assertEquals(Reason.BLOB_SIZE_MISMATCH, e.reason());
      assertThrows(java.nio.file.NoSuchFileException.class,
          () -> store.stageFile(dir.resolve("absent"), linkable, d, data.length, "absent"));
      assertFalse(store.has(d));
      assertEquals(List.of(), visibleBlobs(home));
      assertEquals(0, tmpFiles(home), "a rejected blob leaves no temporary file (linked: " + linkable + ")");
    }
  }

  @Test
  void crashBetweenCopyAndCommitLeavesNoVisibleBlob() throws IOException {
    Home home = home();
    BlobStore store = BlobStore.at(home);
    byte[] data = new byte[(3 << 20) + 1];
    new java.util.Random(9).nextBytes(data);
    Digest d = Digest.sha256(Hashing.sha256(data));
    // copied and verified from a medium folder and from an
    // unpacked archive, then the process dies before publish: nothing is visible, both are swept
    store.stageFile(fileIn(tmp.resolve("medium"), data), false, d, data.length, "folder");
    store.stageFile(fileIn(home.staging().resolve("x"), data), true, d, data.length, "archive");
    assertFalse(store.has(d));
    assertEquals(List.of(), visibleBlobs(home));
    assertEquals(2, store.sweepTemporary());
    assertEquals(0, tmpFiles(home));
  }

  @Test
  void folderFileIsCopiedNotLinked() throws IOException {
    Home home = home();
    BlobStore store = BlobStore.at(home);
    byte[] data = "a layer on a USB stick".getBytes();
    Digest d = Digest.sha256(Hashing.sha256(data));
    Path onMedium = fileIn(tmp.resolve("medium"), data);
    try (BlobStore.Staged s = store.stageFile(onMedium, false, d, data.length, "x")) {
      store.publish(List.of(s));
    }
    assertFalse(Files.isSameFile(onMedium, store.path(d)), "a medium's file is never linked into the store");
    assertArrayEquals(data, Files.readAllBytes(store.path(d)));
  }

  @Test
  void storedBlobIsVerifiedAgainWhenRead() throws IOException {
    Home home = home();
    BlobStore store = BlobStore.at(home);
    byte[] data = new byte[5000];
    Digest d = Digest.sha256(Hashing.sha256(data));
    store.put(new ByteArrayInputStream(data), d, data.length, "x");
    byte[] changed = data.clone();
    changed[4999] = 1;
    Files.write(store.path(d), changed);
    try (InputStream in = store.open(d)) {
      BlobException e = assertThrows(BlobException.class, in::readAllBytes);
      assertEquals(Reason.BLOB_DIGEST_MISMATCH, e.reason());
    }
  }

  /** Two images sharing nothing; the second has a corrupt layer on the medium. */
  @Test
  void corruptBlobRejectsOnlyItsImageAndPublishesNothingOfIt() throws IOException {
    Path dir = tmp.resolve("medium/images/app");
    OciLayoutWriter w = new OciLayoutWriter(dir, 11);
    Descriptor good = w.image(2, 4000);
    Descriptor bad = w.image(3, 4000);
    Descriptor sig = w.legacyAttachment(good, "sig");
    w.list(good, Map.of(Annotations.REF_NAME, "good")).list(bad, Map.of(Annotations.REF_NAME, "bad"))
        .list(sig, Map.of(Annotations.REF_NAME, OciLayoutWriter.legacyTag(good, "sig"))).writeIndex();
    byte[] manifest = Files.readAllBytes(w.blobPath(bad.digest()));
    Digest layer = Digest.parse(dev.airlock.core.Json.parse(manifest, "m").path("layers").get(2).path("digest").asText());
    byte[] b = Files.readAllBytes(w.blobPath(layer));
    b[100] ^= 0x01; // one bit flipped
    Files.write(w.blobPath(layer), b);
    Home home = home();
    BlobStore store = BlobStore.at(home);
    try (Medium m = Medium.open(tmp.resolve("medium"), home, Limits.defaults());
        ImageImporter importer = new ImageImporter(store, Limits.defaults(), 2, null)) {
      List<ImageCandidate> cs = scan(m);
      ImportedImage rg = null;
      ImportedImage rb = null;
      for (ImageCandidate c : cs) {
        ImportedImage r = importer.importImage(c);
        if (c.digest().equals(good.digest())) {
          rg = r;
        } else {
          rb = r;
        }
      }
      assertTrue(rg.stored());
      assertFalse(rb.stored());
      assertEquals(Reason.BLOB_DIGEST_MISMATCH, rb.problem().orElseThrow().reason());
      assertTrue(rb.problem().get().message().contains(layer.hex()), rb.problem().get().message());
      for (Descriptor d : rg.candidate().blobs()) {
        assertTrue(store.has(d.digest()), "good image blob " + d.digest());
      }
      for (Descriptor d : rb.candidate().blobs()) {
        assertFalse(store.has(d.digest()), "nothing of the bad image is published: " + d.digest());
      }
      assertEquals(rg.candidate().blobs().size(), visibleBlobs(home).size());
      ImportedImage again = importer.importImage(rg.candidate());
      assertTrue(again.stored());
      assertEquals(0, again.copiedBytes(), "blobs already present are not copied again");
    }
  }

  @Test
  void sizeMismatchAgainstTheDescriptorRejectsTheImage() throws IOException {
    Path dir = tmp.resolve("medium/images/app");
    OciLayoutWriter w = new OciLayoutWriter(dir, 12);
    Descriptor img = w.image(1, 1000);
    w.list(img, Map.of()).writeIndex();
    byte[] manifest = Files.readAllBytes(w.blobPath(img.digest()));
    Digest layer = Digest.parse(dev.airlock.core.Json.parse(manifest, "m").path("layers").get(0).path("digest").asText());
    Files.write(w.blobPath(layer), new byte[] {1}, java.nio.file.StandardOpenOption.APPEND);
    Home home = home();
    try (Medium m = Medium.open(tmp.resolve("medium"), home, Limits.defaults());
        ImageImporter importer = new ImageImporter(BlobStore.at(home), Limits.defaults(), 2, null)) {
      ImportedImage r = importer.importImage(scan(m).get(0));
      assertEquals(Reason.BLOB_SIZE_MISMATCH, r.problem().orElseThrow().reason());
      assertEquals(List.of(), visibleBlobs(home));
    }
  }

  private static List<Descriptor> c0(StoredImage s) {
    return s.blobs().stream().distinct().toList();
  }

  /** A second medium with only a new attestation for a stored image adds it; nothing is lost. */
  @Test
  void signaturesAccumulateOverImports() throws IOException {
    Home home = home();
    Database db = Database.create(home);
    Instant t = Instant.parse("2026-11-22T10:00:00Z");
    Path first = tmp.resolve("m1/images/app");
    OciLayoutWriter w1 = new OciLayoutWriter(first, 21);
    Descriptor img = w1.image(1, 100);
    w1.referrerBundle(img, "https://sigstore.dev/cosign/sign/v1");
    w1.list(img, Map.of(Annotations.CONTAINERD_IMAGE_NAME, "reg.example/app:1")).writeIndex();
    // the second medium: the same image bytes, and only a later attestation
    Path second = tmp.resolve("m2/images/app");
    java.nio.file.Files.createDirectories(second);
    copyTree(first, second);
    OciLayoutWriter w2 = new OciLayoutWriter(second, 22);
    try (java.util.stream.Stream<Path> blobs = java.nio.file.Files.list(second.resolve("blobs/sha256"))) {
      // drop the first medium's referrer so that the second carries only the new one
      for (Path b : blobs.toList()) {
        String text = new String(java.nio.file.Files.readAllBytes(b), java.nio.charset.StandardCharsets.ISO_8859_1);
        if (text.contains("\"subject\"")) {
          java.nio.file.Files.delete(b);
        }
      }
    }
    w2.referrerBundle(img, "https://cosign.sigstore.dev/attestation/vuln/v1");
    w2.list(img, Map.of(Annotations.CONTAINERD_IMAGE_NAME, "reg.example/app:1")).writeIndex();
    for (Path medium : List.of(tmp.resolve("m1"), tmp.resolve("m2"))) {
      try (Medium m = Medium.open(medium, home, Limits.defaults());
          ImageImporter importer = new ImageImporter(BlobStore.at(home), Limits.defaults(), 2, null)) {
        ImageCandidate c = scan(m).get(0);
        assertEquals(1, c.signatures().size(), medium.toString());
        assertTrue(importer.importImage(c).stored());
        db.transaction(tx -> {
          tx.images().record(c, t);
          return null;
        });
      }
    }
    StoredImage s = db.transaction(tx -> tx.images().find("reg.example/app:1")).orElseThrow();
    assertEquals(2, s.signatures().size(), "the first medium's signature is kept: " + s.signatures());
  }

  private static void copyTree(Path from, Path to) throws IOException {
    try (java.util.stream.Stream<Path> all = java.nio.file.Files.walk(from)) {
      for (Path p : all.toList()) {
        Path q = to.resolve(from.relativize(p).toString());
        if (java.nio.file.Files.isDirectory(p)) {
          java.nio.file.Files.createDirectories(q);
        } else {
          java.nio.file.Files.copy(p, q, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        }
      }
    }
  }

  @Test
  void imageRecordsRoundTrip() throws IOException {
    Path dir = tmp.resolve("medium/images/seg");
    OciLayoutWriter w = new OciLayoutWriter(dir, 13);
    Descriptor a = w.image(1, 100);
    Descriptor b = w.image(1, 100);
    Descriptor idx = w.index(List.of(a, b), List.of(new Platform("linux", "amd64", null, null, null),
        new Platform("linux", "arm64", "v8", null, null)));
    w.referrerBundle(idx, "https://sigstore.dev/cosign/sign/v1");
    w.list(idx, Map.of(Annotations.CONTAINERD_IMAGE_NAME, "reg.example/ai/seg:2.1")).writeIndex();
    Home home = home();
    Database db = Database.create(home);
    Instant t = Instant.parse("2026-11-22T10:00:00Z");
    try (Medium m = Medium.open(tmp.resolve("medium"), home, Limits.defaults());
        ImageImporter importer = new ImageImporter(BlobStore.at(home), Limits.defaults(), 2, null)) {
      ImageCandidate c = scan(m).get(0);
      assertTrue(importer.importImage(c).stored());
      db.transaction(tx -> {
        tx.images().record(c, t);
        return null;
      });
    }
    StoredImage s = db.transaction(tx -> tx.images().find("reg.example/ai/seg:2.1")).orElseThrow();
    assertEquals(idx.digest(), s.digest());
    assertEquals(MediaTypes.OCI_INDEX, s.image().mediaType());
    assertEquals(List.of("reg.example/ai/seg:2.1"), s.references());
    assertEquals(List.of("linux/amd64", "linux/arm64/v8"),
        s.platforms().stream().map(p -> p.platform().orElseThrow().toString()).toList());
    assertEquals(1, s.signatures().size());
    assertEquals(dev.airlock.oci.AttachedSignature.Kind.BUNDLE, s.signatures().get(0).kind());
    assertEquals(idx.digest(), s.signatures().get(0).subject());
    assertEquals(c0(s).size(), s.blobs().size());
    assertTrue(s.decision().isEmpty());
    assertEquals(t, s.importedAt());
    assertEquals(s.digest(), db.transaction(tx -> tx.images().find(idx.digest().toString())).orElseThrow().digest());
    assertEquals(s.digest(), db.transaction(tx -> tx.images().find("reg.example/ai/seg@" + idx.digest())).orElseThrow().digest());
    assertTrue(db.transaction(tx -> tx.images().find("reg.example/ai/seg:9")).isEmpty());
    db.transaction(tx -> {
      tx.images().setDecision(idx.digest(), "admit", "{\"decision\":\"admit\",\"reasons\":[]}", t.plusSeconds(5));
      return null;
    });
    StoredImage decided = db.transaction(q -> q.images().list()).get(0);
    assertTrue(decided.admitted());
    assertEquals(t.plusSeconds(5), decided.decidedAt().orElseThrow());
    db.transaction(tx -> {
      tx.images().setDecision(idx.digest(), "deny", "{\"decision\":\"deny\",\"reasons\":[\"NO_SIGNATURES\"]}", t);
      return null;
    });
    assertEquals(List.of("NO_SIGNATURES"), db.transaction(q -> q.images().list()).get(0).reasons());
    Digest unknown = Digest.parse("sha256:" + "1".repeat(64));
    dev.airlock.core.AirlockException e = assertThrows(dev.airlock.core.AirlockException.class,
        () -> db.transaction(tx -> {
          tx.images().setDecision(unknown, "admit", "{}", t);
          return null;
        }));
    assertEquals(Reason.IMAGE_NOT_STORED, e.reason());
  }
}
