package dev.airlock.cli;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.airlock.core.AirlockException;
import dev.airlock.crypto.KeyAlgorithm;
import dev.airlock.publish.KeyFiles;
import java.nio.file.Path;
import java.util.Arrays;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "keygen", mixinStandardHelpOptions = true,
    description = {
      "Create a signing key pair (publisher side): NAME.key, the private key encrypted with a password",
      "(PKCS#8, PBES2: PBKDF2-HMAC-SHA-256 and AES-256-CBC), and NAME.pub, the public key (PEM) that the",
      "hospital installs as a key authority. Existing files are never overwritten."
    })
final class KeygenCommand extends BaseCommand {
  @Parameters(paramLabel = "NAME", description = "Path prefix of the key files (NAME.key, NAME.pub).")
  Path name;

  @Option(names = "--algorithm", paramLabel = "ALG", defaultValue = "ecdsa-p256",
      description = "ecdsa-p256 (default), ecdsa-p384, ed25519, rsa-3072 or rsa-4096.")
  String algorithm;

  @Mixin PasswordOptions password;

  @Override
  protected ExitCode execute() {
    KeyAlgorithm alg;
    try {
      alg = KeyAlgorithm.parse(algorithm);
    } catch (IllegalArgumentException e) {
      throw AirlockException.usage(e.getMessage());
    }
    byte[] pw = password.read(root().env(), "Enter a password for the new private key: ", true);
    KeyFiles.Generated g;
    try {
      g = KeyFiles.generate(name, alg, pw);
    } finally {
      Arrays.fill(pw, (byte) 0);
    }
    ObjectNode doc = JsonNodeFactory.instance.objectNode();
    doc.put("privateKey", g.privateKey().toString());
    doc.put("publicKey", g.publicKey().toString());
    doc.put("algorithm", g.algorithm());
    doc.put("fingerprint", g.fingerprint());
    emit(doc, "Private key written to " + g.privateKey() + " (" + g.algorithm() + ", encrypted)\n"
        + "Public key written to " + g.publicKey() + "\n"
        + "Key fingerprint: " + g.fingerprint() + "\n");
    return ExitCode.OK;
  }
}
