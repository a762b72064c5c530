package dev.airlock.publish;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.airlock.core.AirlockException;
import dev.airlock.core.Reason;
import dev.airlock.crypto.Hashing;
import dev.airlock.crypto.Signatures;
import dev.airlock.trust.tuf.CanonicalJson;
import java.nio.file.Path;
import java.security.PrivateKey;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * The private keys given to one command ({@code --key FILE...}), read only when the first role is
 * signed, and matched to role keys by signing a probe. Signs TUF metadata (TUF spec v1.0.34
 * section 4.2: a signature over the canonical JSON of {@code signed}, hex encoded).
 */
public final class RoleSigner {
  private final Supplier<List<PrivateKey>> loader;
  private List<PrivateKey> keys;
  private final Map<String, PrivateKey> matched = new LinkedHashMap<>();

  private RoleSigner(Supplier<List<PrivateKey>> loader) {
    this.loader = loader;
  }

  /** Key files read lazily through {@link SigningKeys#load}, each with the given passwords. */
  public static RoleSigner ofFiles(List<Path> files, Supplier<List<char[]>> passwords) {
    return new RoleSigner(() -> {
      List<char[]> pw = passwords.get();
      List<PrivateKey> out = new ArrayList<>();
      for (Path f : files) {
        out.add(SigningKeys.load(f, pw));
      }
      return out;
    });
  }

  /** Keys already in memory (tests). */
  public static RoleSigner of(List<PrivateKey> keys) {
    List<PrivateKey> copy = List.copyOf(keys);
    return new RoleSigner(() -> copy);
  }

  private List<PrivateKey> keys() {
    if (keys == null) {
      keys = loader.get();
    }
    return keys;
  }

  /** The private key of {@code k} among the given keys, or null. */
  PrivateKey privateKeyOf(RoleKey k) {
    if (matched.containsKey(k.keyId())) {
      return matched.get(k.keyId());
    }
    PrivateKey found = null;
    for (PrivateKey p : keys()) {
      if (k.matches(p)) {
        found = p;
        break;
      }
    }
    matched.put(k.keyId(), found);
    return found;
  }

  /**
   * Signs {@code signed} for a role with every given key among {@code roleKeys}; refuses with
   * {@link Reason#TUF_SIGNATURE_THRESHOLD} (exit 1) when they are fewer than {@code threshold},
   * since a client would then refuse the file (TUF spec 5.3.4, 5.4.2, 5.5.3, 5.6.3).
   *
   * @param label the role and file for messages, e.g. {@code root (2.root.json)}
   */
  ObjectNode sign(ObjectNode signed, List<RoleKey> roleKeys, int threshold, String label) {
    return sign(signed, List.of(new Requirement(roleKeys, threshold, label)));
  }

  /** One threshold a signature set must meet. */
  record Requirement(List<RoleKey> keys, int threshold, String label) {}

  /**
   * Signs with every given key among the union of the requirements' keys; each requirement must be
   * met on its own (root rotation: the old root's threshold and the new root's, spec 5.3.4).
   */
  ObjectNode sign(ObjectNode signed, List<Requirement> requirements) {
    byte[] canonical = CanonicalJson.encode(signed);
    Map<String, String> sigs = new LinkedHashMap<>();
    for (Requirement r : requirements) {
      int have = 0;
      for (RoleKey k : r.keys()) {
        PrivateKey p = privateKeyOf(k);
        if (p == null) {
          continue;
        }
        have++;
        sigs.computeIfAbsent(k.keyId(), id -> Hashing.hex(Signatures.sign(p, k.algorithm(), canonical)));
      }
      if (have < r.threshold()) {
        List<String> ids = r.keys().stream().map(RoleKey::shortId).toList();
        throw AirlockException.denied(Reason.TUF_SIGNATURE_THRESHOLD, r.label() + " needs signatures from "
            + r.threshold() + " of its keys " + ids + "; the --key files hold " + have
            + ". Nothing was written.");
      }
    }
    ObjectNode env = JsonNodeFactory.instance.objectNode();
    ArrayNode arr = env.putArray("signatures");
    sigs.forEach((id, sig) -> arr.addObject().put("keyid", id).put("sig", sig));
    env.set("signed", signed);
    return env;
  }
}
