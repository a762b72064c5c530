package dev.airlock.bench;

import static dev.airlock.testing.ApplianceLab.logged;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.airlock.oci.Descriptor;
import dev.airlock.testing.ApplianceLab;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * The home {@code scripts/bench serve} measures: {@code COUNT} small images admitted under
 * {@code vendor.example/bench/app:v0..}, and one image whose single layer is {@code BLOB_MIB} MiB
 * (the blob-throughput case), all signed by the vendor key under a one-key policy.
 *
 * <p>Usage: {@code ServeBenchSetup OUT.json COUNT BLOB_MIB}. Prints nothing; writes the home's path,
 * the repository, the tags, the large image's tag and its layer digest to {@code OUT.json}.
 */
public final class ServeBenchSetup {
  public static final String REPO = "vendor.example/bench/app";

  public static void main(String[] args) throws Exception {
    Path out = Path.of(args[0]);
    int count = Integer.parseInt(args[1]);
    int blobMib = Integer.parseInt(args[2]);
    ApplianceLab l = new ApplianceLab(7L); // not closed: the home outlives this process
    if (l.init(l.policy("bench", ApplianceLab.ONE_VENDOR_KEY)).code() != 0) {
      throw new IllegalStateException("init failed");
    }
    ApplianceLab.MediumBuilder m = l.medium("bench").withTuf();
    ObjectNode doc = ApplianceLab.JSON.createObjectNode();
    ArrayNode tags = doc.putArray("tags");
    for (int i = 0; i < count; i++) {
      m.image("app" + i, List.of(REPO + ":v" + i), logged(l.vendor));
      tags.add("v" + i);
    }
    Descriptor big = m.imageMadeBy("big", w -> w.image(1, blobMib << 20), List.of(REPO + ":big"),
        List.of(logged(l.vendor)), List.of());
    ApplianceLab.Run r = l.run("import", m.path().toString());
    if (r.code() != 0) {
      throw new IllegalStateException("import failed: " + r);
    }
    byte[] manifest = Files.readAllBytes(m.path().resolve("images/big/blobs/sha256").resolve(big.digest().hex()));
    String layer = ApplianceLab.JSON.readTree(manifest).path("layers").get(0).path("digest").asText();
    doc.put("home", l.home.toString());
    doc.put("repo", REPO);
    doc.put("bigTag", "big");
    doc.put("bigLayer", layer);
    Files.writeString(out, ApplianceLab.JSON.writeValueAsString(doc));
  }
}
