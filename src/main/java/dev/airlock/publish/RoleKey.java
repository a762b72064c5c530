package dev.airlock.publish;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.airlock.core.AirlockException;
import dev.airlock.core.Reason;
import dev.airlock.crypto.Hashing;
import dev.airlock.crypto.InvalidSignatureException;
import dev.airlock.crypto.Keys;
import dev.airlock.crypto.SignatureAlgorithm;
import dev.airlock.crypto.Signatures;
import dev.airlock.trust.tuf.CanonicalJson;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.PrivateKey;
import java.security.PublicKey;

/**
 * A public key of a TUF role, as TUF metadata carries it (TUF spec v1.0.34 section 4.2, "KEYS"):
 * Ed25519 as {@code {"keytype":"ed25519","scheme":"ed25519","keyval":{"public":"<hex>"}}}, ECDSA
 * P-256 as {@code {"keytype":"ecdsa","scheme":"ecdsa-sha2-nistp256","keyval":{"public":"<PEM>"}}}.
 * Those are the two forms airlock's TUF client (sigstore-java 2.0.0 underneath), python-tuf,
 * go-tuf and tuf-js all read; the key ID is the hex SHA-256 of the canonical key object.
 *
 * @param json the key object (a copy is returned)
 */
public record RoleKey(String keyId, PublicKey key, SignatureAlgorithm algorithm, ObjectNode json) {
  public RoleKey {
    json = json.deepCopy();
  }

  @Override
  public ObjectNode json() {
    return json.deepCopy();
  }

  /** The role key of a public key (PEM SubjectPublicKeyInfo, as {@code airlock keygen} writes it). */
  public static RoleKey of(PublicKey key) {
    ObjectNode j = JsonNodeFactory.instance.objectNode();
    SignatureAlgorithm alg;
    if (Keys.isEd25519(key)) {
      j.put("keytype", "ed25519").put("scheme", "ed25519");
      j.putObject("keyval").put("public", Hashing.hex(Keys.rawEd25519(key)));
      alg = SignatureAlgorithm.ED25519;
    } else if ("secp256r1".equals(Keys.curveOf(key))) {
      j.put("keytype", "ecdsa").put("scheme", "ecdsa-sha2-nistp256");
      j.putObject("keyval").put("public", Keys.toPem(key));
      alg = SignatureAlgorithm.ECDSA_P256_SHA256;
    } else {
      throw AirlockException.usage("TUF role keys must be Ed25519 or ECDSA P-256, got "
          + key.getAlgorithm() + (Keys.curveOf(key) == null ? "" : " " + Keys.curveOf(key)));
    }
    return new RoleKey(Hashing.hex(Hashing.sha256(CanonicalJson.encode(j))), key, alg, j);
  }

  /** Reads a PEM public key file. */
  public static RoleKey read(Path file) {
    try {
      return of(Keys.parsePublicKey(Files.readAllBytes(file)));
    } catch (IOException e) {
      throw AirlockException.usage(file + ": cannot read: " + e.getMessage());
    } catch (Keys.KeyException e) {
      throw AirlockException.usage(file + ": not a PEM public key: " + e.getMessage());
    }
  }

  /** A role key from TUF metadata (a key this repository wrote, or one in the same two forms). */
  public static RoleKey parse(String keyId, JsonNode j) {
    String type = j.path("keytype").asText("");
    String pub = j.path("keyval").path("public").asText("");
    try {
      PublicKey k = switch (type) {
        case "ed25519" -> Keys.ed25519FromRaw(Hashing.unhex(pub));
        case "ecdsa", "ecdsa-sha2-nistp256" -> Keys.parsePublicKey(pub.getBytes(StandardCharsets.US_ASCII));
        default -> throw new IllegalArgumentException("key type " + type + " is not supported");
      };
      SignatureAlgorithm alg = type.equals("ed25519") ? SignatureAlgorithm.ED25519 : SignatureAlgorithm.ECDSA_P256_SHA256;
      return new RoleKey(keyId, k, alg, (ObjectNode) j);
    } catch (Keys.KeyException | IllegalArgumentException | ClassCastException e) {
      throw AirlockException.denied(Reason.TUF_MALFORMED, "root.json: key " + keyId + ": " + e.getMessage());
    }
  }

  /** Whether {@code priv} is this key's private half: it signs a probe that this key verifies. */
  boolean matches(PrivateKey priv) {
    byte[] probe = ("airlock repo key match " + keyId).getBytes(StandardCharsets.UTF_8);
    try {
      byte[] sig = Signatures.sign(priv, algorithm, probe);
      Signatures.verify(key, algorithm, probe, sig);
      return true;
    } catch (IllegalStateException | InvalidSignatureException e) {
      return false;
    }
  }

  /** Short form for output: the first 12 hex digits of the key ID. */
  public String shortId() {
    return keyId.substring(0, 12);
  }
}
