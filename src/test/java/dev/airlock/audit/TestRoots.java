package dev.airlock.audit;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.airlock.core.Json;
import dev.airlock.crypto.Hashing;
import dev.airlock.crypto.Keys;
import dev.airlock.crypto.SignatureAlgorithm;
import dev.airlock.crypto.Signatures;
import dev.airlock.trust.tuf.PinnedRoot;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * Makes TUF root.json files signed by fresh Ed25519 keys (the keys are thrown away). Used by the
 * tests, and by hand: {@code java -cp target/test-classes:target/classes:$(cat target/classpath.txt)
 * dev.airlock.audit.TestRoots OUT}. (The demo root {@code trust-root/demo/root.json} is made by
 * {@code scripts/make-demo}, with the kept demo keys; this would replace it with a root nothing on the
 * demo medium is signed under, so OUT has no default.)
 */
public final class TestRoots {
  private TestRoots() {}

  /** A root of version 1 with {@code keys} root keys, {@code threshold}, signed by {@code signers} of them. */
  public static byte[] root(Instant expires, int keys, int threshold, int signers) {
    JsonNodeFactory f = JsonNodeFactory.instance;
    List<KeyPair> pairs = new ArrayList<>();
    List<String> ids = new ArrayList<>();
    ObjectNode signed = f.objectNode();
    signed.put("_type", "root");
    signed.put("spec_version", "1.0");
    signed.put("version", 1);
    signed.put("expires", expires.toString());
    signed.put("consistent_snapshot", true);
    ObjectNode keyMap = signed.putObject("keys");
    for (int i = 0; i < keys; i++) {
      KeyPair kp = Keys.generateEd25519();
      ObjectNode k = f.objectNode();
      k.put("keytype", "ed25519");
      k.put("scheme", "ed25519");
      k.putObject("keyval").put("public", Hashing.hex(Keys.rawEd25519(kp.getPublic())));
      String id = Hashing.sha256Hex(dev.airlock.trust.tuf.CanonicalJson.encode(k));
      keyMap.set(id, k);
      pairs.add(kp);
      ids.add(id);
    }
    ObjectNode roles = signed.putObject("roles");
    for (String role : List.of("root", "targets", "snapshot", "timestamp")) {
      ObjectNode r = roles.putObject(role);
      ArrayNode a = r.putArray("keyids");
      ids.forEach(a::add);
      r.put("threshold", role.equals("root") ? threshold : 1);
    }
    byte[] canonical = dev.airlock.trust.tuf.CanonicalJson.encode(signed);
    ObjectNode doc = f.objectNode();
    ArrayNode sigs = doc.putArray("signatures");
    for (int i = 0; i < signers; i++) {
      ObjectNode s = sigs.addObject();
      s.put("keyid", ids.get(i));
      s.put("sig", Hashing.hex(Signatures.sign(pairs.get(i).getPrivate(), SignatureAlgorithm.ED25519, canonical)));
    }
    doc.set("signed", signed);
    return (Json.writePretty(doc) + "\n").getBytes(StandardCharsets.UTF_8);
  }

  public static Path write(Path file, Instant expires, int keys, int threshold, int signers) throws Exception {
    Files.write(file, root(expires, keys, threshold, signers));
    return file;
  }

  /** Writes a root like the demo's: 3 keys, threshold 2, all three sign; valid until 2036. */
  public static void main(String[] args) throws Exception {
    if (args.length != 1) {
      System.err.println("usage: TestRoots OUT   (the demo root is made by scripts/make-demo)");
      System.exit(2);
    }
    Path out = Path.of(args[0]);
    Files.createDirectories(out.toAbsolutePath().getParent());
    write(out, Instant.parse("2036-01-01T00:00:00Z"), 3, 2, 3);
    System.out.println("wrote " + out);
  }
}
