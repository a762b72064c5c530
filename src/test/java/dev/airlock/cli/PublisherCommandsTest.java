package dev.airlock.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.airlock.core.Json;
import dev.airlock.crypto.Keys;
import dev.airlock.lab.oci.OciLayoutWriter;
import dev.airlock.oci.Annotations;
import dev.airlock.oci.Descriptor;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code airlock keygen} and {@code airlock sign} through {@code Main.run}: exit codes and output. */
class PublisherCommandsTest {
  static final Map<String, String> ENV = Map.of("VENDOR_PW", "correct horse", "EMPTY", "");
  @TempDir Path tmp;

  record Run(int code, String out, String err) {}

  static Run run(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int code = Main.run(args, CliContractTest.CLOCK, ENV, new PrintWriter(out, true), new PrintWriter(err, true));
    return new Run(code, out.toString(), err.toString());
  }

  @Test
  void keygenWritesAnEncryptedKeyAndAPublicKeyAndNeverOverwrites() throws Exception {
    String name = tmp.resolve("vendor").toString();
    Run r = run("keygen", name, "--password-env", "VENDOR_PW");
    assertEquals(0, r.code(), r.err());
    assertTrue(r.out().startsWith("Private key written to " + name + ".key (ecdsa-p256, encrypted)\n"), r.out());
    assertTrue(r.out().contains("Public key written to " + name + ".pub\n"), r.out());
    String key = Files.readString(Path.of(name + ".key"));
    assertTrue(key.startsWith("-----BEGIN ENCRYPTED PRIVATE KEY-----\n"), key);
    assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(Path.of(name + ".key"))));
    Keys.parsePublicKey(Files.readAllBytes(Path.of(name + ".pub")));
    byte[] before = Files.readAllBytes(Path.of(name + ".key"));
    Run again = run("keygen", name, "--password-env", "VENDOR_PW");
    assertEquals(2, again.code());
    assertTrue(again.err().contains("exists; refusing to overwrite"), again.err());
    assertEquals(new String(before, StandardCharsets.US_ASCII), Files.readString(Path.of(name + ".key")));

    Run json = run("--json", "keygen", tmp.resolve("ed").toString(), "--algorithm", "ed25519", "--password-env", "VENDOR_PW");
    assertEquals(0, json.code(), json.err());
    JsonNode doc = Json.parse(json.out().getBytes(StandardCharsets.UTF_8), "out");
    assertEquals("ed25519", doc.get("algorithm").asText());
    assertTrue(doc.get("fingerprint").asText().matches("sha256:[0-9a-f]{64}"));
  }

  @Test
  void keygenRefusesBadInputWithUsageErrors() throws Exception {
    Path pwFile = tmp.resolve("pw.txt");
    Files.writeString(pwFile, "from a file\n");
    assertEquals(2, run("keygen", tmp.resolve("a").toString(), "--algorithm", "dsa-1024", "--password-file", pwFile.toString()).code());
    assertEquals(2, run("keygen", tmp.resolve("b").toString(), "--password-env", "EMPTY").code());
    assertEquals(2, run("keygen", tmp.resolve("c").toString(), "--password-env", "UNSET_VARIABLE").code());
    assertEquals(2, run("keygen", tmp.resolve("d").toString(), "--password-env", "VENDOR_PW", "--password-file", pwFile.toString()).code());
    Run noTerminal = run("keygen", tmp.resolve("e").toString());
    assertEquals(2, noTerminal.code());
    assertTrue(noTerminal.err().contains("--password-file"), noTerminal.err());
    assertEquals(2, run("keygen", tmp.resolve("f").toString(), "correct horse").code(), "no password argument exists");
    try (var s = Files.list(tmp)) {
      assertEquals(java.util.List.of("pw.txt"), s.map(p -> p.getFileName().toString()).toList(), "nothing written");
    }
    assertEquals(0, run("keygen", tmp.resolve("g").toString(), "--algorithm", "RSA-3072", "--password-file", pwFile.toString()).code());
  }

  @Test
  void signWithTheKeyThenWrongPasswordAndUsageErrors() throws Exception {
    OciLayoutWriter w = new OciLayoutWriter(tmp.resolve("app"), 5);
    Descriptor img = w.image(1, 500);
    w.list(img, Map.of(Annotations.REF_NAME, "1.0", Annotations.CONTAINERD_IMAGE_NAME, "reg.example/ai/seg:1.0")).writeIndex();
    String key = tmp.resolve("vendor").toString();
    assertEquals(0, run("keygen", key, "--password-env", "VENDOR_PW").code());

    Run ok = run("sign", w.dir() + ":1.0", "--key", key + ".key", "--password-env", "VENDOR_PW");
    assertEquals(0, ok.code(), ok.err());
    assertTrue(ok.out().startsWith("Signed reg.example/ai/seg@" + img.digest() + " with key sha256:"), ok.out());
    assertTrue(ok.out().contains("signature: layer sha256:") && ok.out().contains(
        "in sha256-" + img.digest().hex() + ".sig (1 layer)"), ok.out());

    Path predicate = tmp.resolve("provenance.json");
    Files.writeString(predicate, "{\"runDetails\":{\"builder\":{\"id\":\"https://ci.vendor.example/builder\"}}}");
    Run att = run("--json", "sign", w.dir().toString(), "--key", key + ".key", "--password-env", "VENDOR_PW",
        "--attest", predicate.toString(), "--type", "slsaprovenance1", "--bundle");
    assertEquals(0, att.code(), att.err());
    JsonNode doc = Json.parse(att.out().getBytes(StandardCharsets.UTF_8), "out");
    assertEquals("https://slsa.dev/provenance/v1", doc.get("predicateType").asText());
    assertEquals(2, doc.get("written").size());
    assertEquals("attestation", doc.at("/written/0/kind").asText());
    assertEquals("bundle", doc.at("/written/1/kind").asText());

    byte[] index = Files.readAllBytes(w.dir().resolve("index.json"));
    Run wrong = run("sign", w.dir().toString(), "--key", key + ".key", "--password-env", "EMPTY");
    assertEquals(1, wrong.code());
    assertTrue(wrong.err().contains(key + ".key: wrong password"), wrong.err());
    Run wrongJson = run("--json", "sign", w.dir().toString(), "--key", key + ".key", "--password-env", "EMPTY");
    assertEquals("KEY_PASSWORD_INCORRECT", Json.parse(wrongJson.out().getBytes(StandardCharsets.UTF_8), "e").get("reason").asText());
    assertEquals(new String(index, StandardCharsets.UTF_8), Files.readString(w.dir().resolve("index.json")), "nothing written");

    assertEquals(2, run("sign", w.dir().toString(), "--key", key + ".key", "--password-env", "VENDOR_PW",
        "--type", "spdxjson").code(), "--type without --attest");
    assertEquals(2, run("sign", w.dir().toString(), "--key", key + ".key", "--password-env", "VENDOR_PW",
        "--attest", predicate.toString()).code(), "--attest without --type");
    assertEquals(2, run("sign", w.dir().toString(), "--key", key + ".key", "--password-env", "VENDOR_PW",
        "--attest", predicate.toString(), "--type", "not a type").code());
    assertEquals(2, run("sign", w.dir() + ":9.9", "--key", key + ".key", "--password-env", "VENDOR_PW").code());
    assertEquals(2, run("sign", tmp.resolve("nowhere").toString(), "--key", key + ".key", "--password-env", "VENDOR_PW").code());
    Run plain = run("sign", w.dir().toString(), "--key", key + ".pub", "--password-env", "VENDOR_PW");
    assertEquals(1, plain.code());
    assertTrue(plain.err().contains("PUBLIC KEY"), plain.err());
    assertFalse(run("sign", "--help").out().isEmpty());
  }
}
