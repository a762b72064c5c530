package dev.airlock.bench;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.airlock.core.Home;
import dev.airlock.core.Json;
import dev.airlock.core.Limits;
import dev.airlock.crypto.Hashing;
import dev.airlock.media.ImageSource;
import dev.airlock.media.Medium;
import dev.airlock.oci.Digest;
import dev.airlock.oci.ImageCandidate;
import dev.airlock.oci.MediaTypes;
import dev.airlock.store.BlobStore;
import dev.airlock.store.ImageImporter;
import dev.airlock.store.ImportedImage;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.Stream;

/**
 * {@code scripts/bench import}: the real {@code airlock import} command against standard tools,
 * see {@link CommandBench}. {@code scripts/bench import api}: generates a medium of random layers
 * (default 2 GiB: 16 x 128 MiB)
 * as an OCI layout in a temp folder, imports it through the media and store APIs, then hashes the
 * same layer files with {@code openssl dgst -sha256} in the same run, and prints MB/s, the ratio
 * and the peak RSS. Run it with {@code -Xmx256m} to show the import streams.
 *
 * <p>Usage: {@code java -Xmx256m -cp target/classes:target/test-classes:<deps> dev.airlock.bench.ImportBench
 * api [totalMiB] [layers] [threads]}
 */
public final class ImportBench {
  private ImportBench() {}

  public static void main(String[] args) throws Exception {
    if (args.length > 0 && args[0].equals("api")) {
      api(java.util.Arrays.copyOfRange(args, 1, args.length));
    } else {
      CommandBench.run(args);
    }
  }

  /** The store's copy path in process (no JVM start, no TUF, no database): MB/s against openssl. */
  static void api(String[] args) throws Exception {
    long totalMiB = args.length > 0 ? Long.parseLong(args[0]) : 2048;
    int layers = args.length > 1 ? Integer.parseInt(args[1]) : 16;
    int threads = args.length > 2 ? Integer.parseInt(args[2]) : 2;
    Path work = Files.createTempDirectory("airlock-bench");
    try {
      Path layout = work.resolve("medium");
      List<Path> files = generate(layout, totalMiB, layers);
      long bytes = 0;
      for (Path f : files) {
        bytes += Files.size(f);
      }
      Home home = Home.at(Files.createDirectories(work.resolve("home")));
      long t0 = System.nanoTime();
      int stored = 0;
      try (Medium m = Medium.open(layout, home, Limits.defaults());
          ImageImporter importer = new ImageImporter(BlobStore.at(home), Limits.defaults(), threads, null)) {
        for (ImageSource s : m.images()) {
          for (ImageCandidate c : s.scan(Limits.defaults())) {
            ImportedImage r = importer.importImage(c);
            if (!r.stored()) {
              throw new IllegalStateException("import failed: " + r.problem());
            }
            stored++;
          }
        }
      }
      double airlockSec = (System.nanoTime() - t0) / 1e9;
      List<String> cmd = new ArrayList<>(List.of("openssl", "dgst", "-sha256"));
      files.forEach(f -> cmd.add(f.toString()));
      long t1 = System.nanoTime();
      Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
      int rc = p.waitFor();
      double opensslSec = (System.nanoTime() - t1) / 1e9;
      double mb = bytes / 1e6;
      long t2 = System.nanoTime();
      hashOnly(files, threads);
      double hashSec = (System.nanoTime() - t2) / 1e9;
      // the same work with standard tools: a durable copy (cp, then sync) of the same files into
      // the same file system; the disk's write speed bounds any import that must persist the bytes
      Path copyDir = Files.createDirectories(work.resolve("cp-reference"));
      List<String> cp = new ArrayList<>(List.of("cp"));
      files.forEach(f -> cp.add(f.toString()));
      cp.add(copyDir.toString());
      long t3 = System.nanoTime();
      int cpRc = new ProcessBuilder(cp).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD)
          .start().waitFor();
      int syncRc = new ProcessBuilder("sync").start().waitFor();
      double cpSec = (System.nanoTime() - t3) / 1e9;
      System.out.printf(java.util.Locale.ROOT, "medium: %d layers, %.1f MB, %d image(s) stored, %d copy threads%n",
          layers, mb, stored, threads);
      System.out.printf(java.util.Locale.ROOT, "airlock import (hash + copy + fsync + rename): %.2f s, %.1f MB/s%n",
          airlockSec, mb / airlockSec);
      System.out.printf(java.util.Locale.ROOT, "openssl dgst -sha256 (hash only, rc=%d):        %.2f s, %.1f MB/s%n",
          rc, opensslSec, mb / opensslSec);
      System.out.printf(java.util.Locale.ROOT, "airlock hashing path only (%d threads, no copy):  %.2f s, %.1f MB/s%n",
          threads, hashSec, mb / hashSec);
      System.out.printf(java.util.Locale.ROOT, "cp + sync (durable copy only, rc=%d/%d):           %.2f s, %.1f MB/s%n",
          cpRc, syncRc, cpSec, mb / cpSec);
      System.out.printf(java.util.Locale.ROOT, "ratio import/openssl: %.2fx; ratio hashing/openssl: %.2fx; "
          + "ratio import/(cp+sync): %.2fx%n", opensslSec / airlockSec, opensslSec / hashSec, cpSec / airlockSec);
      System.out.printf(java.util.Locale.ROOT, "max heap: %d MiB; peak RSS (VmHWM): %s%n",
          Runtime.getRuntime().maxMemory() >> 20, peakRss());
    } finally {
      try (Stream<Path> s = Files.walk(work)) {
        s.sorted(Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
      }
    }
  }

  /** The store's hashing path without the copy: SHA-256 over 1 MiB reads, {@code threads} at once. */
  static void hashOnly(List<Path> files, int threads) throws Exception {
    java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(threads);
    try {
      List<java.util.concurrent.Future<?>> fs = new ArrayList<>();
      for (Path f : files) {
        fs.add(pool.submit(() -> {
          MessageDigest md = Hashing.sha256();
          byte[] buf = new byte[1 << 20];
          try (var in = Files.newInputStream(f)) {
            int n;
            while ((n = in.readNBytes(buf, 0, buf.length)) > 0) {
              md.update(buf, 0, n);
            }
          }
          return md.digest();
        }));
      }
      for (var f : fs) {
        f.get();
      }
    } finally {
      pool.shutdown();
    }
  }

  private static String peakRss() {
    try {
      for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
        if (line.startsWith("VmHWM:")) {
          return line.substring(6).trim();
        }
      }
    } catch (IOException e) {
      return "unknown";
    }
    return "unknown";
  }

  /** Writes an OCI layout with one image of {@code layers} random layers; returns the layer files. */
  static List<Path> generate(Path dir, long totalMiB, int layers) throws IOException {
    return generate(dir, totalMiB, layers, false, "bench.example/big:1");
  }

  /**
   * Writes an OCI layout with one image of {@code layers} layers; returns the layer files. Random
   * layers do not compress (zstd stores them as raw blocks); {@code compressible} layers are text
   * of words drawn from a small vocabulary, which zstd -3 shrinks about 3 to 4 times, as real
   * layers (binaries, text) shrink.
   */
  static List<Path> generate(Path dir, long totalMiB, int layers, boolean compressible, String name)
      throws IOException {
    Path blobs = Files.createDirectories(dir.resolve("blobs/sha256"));
    Files.writeString(dir.resolve("oci-layout"), "{\"imageLayoutVersion\":\"1.0.0\"}");
    SplittableRandom rnd = new SplittableRandom(compressible ? 2 : 1);
    byte[] block = new byte[1 << 20];
    String[] words = new String[4096];
    for (int w = 0; w < words.length; w++) {
      StringBuilder b = new StringBuilder();
      int len = 2 + rnd.nextInt(9);
      for (int k = 0; k < len; k++) {
        b.append((char) ('a' + rnd.nextInt(26)));
      }
      words[w] = b.append(w % 13 == 0 ? '\n' : ' ').toString();
    }
    for (int i = 0; i < block.length && !compressible; i += 8) {
      long v = rnd.nextLong();
      for (int k = 0; k < 8; k++) {
        block[i + k] = (byte) (v >>> (8 * k));
      }
    }
    long perLayer = Math.max(1, totalMiB / layers);
    List<Path> files = new ArrayList<>();
    ArrayNode layerDescs = JsonNodeFactory.instance.arrayNode();
    long counter = 0;
    for (int l = 0; l < layers; l++) {
      MessageDigest md = Hashing.sha256();
      Path tmp = blobs.resolve("layer-" + l);
      try (OutputStream o = Files.newOutputStream(tmp)) {
        for (long m = 0; m < perLayer; m++) {
          if (compressible) {
            for (int i = 0; i < block.length; ) {
              byte[] w = words[rnd.nextInt(words.length)].getBytes(StandardCharsets.US_ASCII);
              int n = Math.min(w.length, block.length - i);
              System.arraycopy(w, 0, block, i, n);
              i += n;
            }
          }
          long c = counter++;
          for (int k = 0; k < 8; k++) {
            block[k] = (byte) (c >>> (8 * k)); // every MiB differs: no two layers dedupe
          }
          md.update(block);
          o.write(block);
        }
      }
      Digest d = Digest.sha256(md.digest());
      Path f = blobs.resolve(d.hex());
      Files.move(tmp, f);
      files.add(f);
      ObjectNode ld = layerDescs.addObject();
      ld.put("mediaType", MediaTypes.OCI_LAYER_GZIP);
      ld.put("digest", d.toString());
      ld.put("size", perLayer << 20);
    }
    byte[] config = "{\"architecture\":\"amd64\",\"os\":\"linux\",\"rootfs\":{\"type\":\"layers\",\"diff_ids\":[]}}"
        .getBytes(StandardCharsets.UTF_8);
    Digest cd = write(blobs, config);
    ObjectNode m = JsonNodeFactory.instance.objectNode();
    m.put("schemaVersion", 2);
    m.put("mediaType", MediaTypes.OCI_MANIFEST);
    ObjectNode c = m.putObject("config");
    c.put("mediaType", MediaTypes.OCI_CONFIG);
    c.put("digest", cd.toString());
    c.put("size", config.length);
    m.set("layers", layerDescs);
    byte[] manifest = Json.write(m).getBytes(StandardCharsets.UTF_8);
    Digest md = write(blobs, manifest);
    Files.writeString(dir.resolve("index.json"), "{\"schemaVersion\":2,\"mediaType\":\"" + MediaTypes.OCI_INDEX
        + "\",\"manifests\":[{\"mediaType\":\"" + MediaTypes.OCI_MANIFEST + "\",\"digest\":\"" + md
        + "\",\"size\":" + manifest.length + ",\"annotations\":{\"io.containerd.image.name\":\"" + name + "\"}}]}");
    return files;
  }

  private static Digest write(Path blobs, byte[] b) throws IOException {
    Digest d = Digest.sha256(Hashing.sha256(b));
    Files.write(blobs.resolve(d.hex()), b);
    return d;
  }
}
