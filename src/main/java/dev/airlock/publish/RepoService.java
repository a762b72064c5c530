package dev.airlock.publish;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.airlock.core.AirlockException;
import dev.airlock.core.Reason;
import dev.airlock.crypto.Hashing;
import dev.airlock.crypto.Keys;
import dev.airlock.policy.PolicyParser;
import dev.airlock.trust.KeyWindows;
import dev.airlock.trust.TrustContent;
import dev.airlock.trust.TrustedRoot;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The trust administrator's use cases over a {@link TufRepository}: key authorities, trusted
 * roots, the policy, public Sigstore, and the status report. Target paths and {@code custom}
 * fields are exactly those the appliance installs ({@link TrustContent.Kind}, {@link KeyWindows}).
 */
public final class RepoService {
  private RepoService() {}

  private static final Pattern NAME = Pattern.compile("^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$");
  private static final JsonNodeFactory F = JsonNodeFactory.instance;

  /**
   * {@code repo add-key NAME KEY.pub}: target {@code keys/NAME.pub} with the window in
   * {@code custom.validFrom/validUntil} (DESIGN.md 6a "Key authorities"). A window that has already
   * ended, or ends before it starts, is refused: the appliance would never accept a signature under it.
   */
  public static TufRepository.Result addKey(TufRepository repo, String name, Path pub, String validFrom,
      String validUntil, RoleSigner signer, Instant now) {
    checkName(name, "key name");
    byte[] bytes;
    try {
      bytes = Keys.toPem(Keys.parsePublicKey(Files.readAllBytes(pub))).getBytes(StandardCharsets.US_ASCII);
    } catch (IOException e) {
      throw AirlockException.usage(pub + ": cannot read: " + e.getMessage());
    } catch (Keys.KeyException e) {
      throw AirlockException.denied(e.unsupported() ? Reason.KEY_ALGORITHM_UNSUPPORTED : Reason.KEY_MALFORMED,
          pub + ": not a usable PEM public key: " + e.getMessage());
    }
    Instant from = bound(validFrom, false, "--valid-from");
    Instant until = bound(validUntil, true, "--valid-until");
    if (from != null && until != null && until.isBefore(from)) {
      throw AirlockException.usage("--valid-until " + validUntil + " is before --valid-from " + validFrom);
    }
    if (until != null && until.isBefore(now)) {
      throw AirlockException.denied(Reason.KEY_NOT_VALID_AT_TIME, "keys/" + name + ".pub: its window ended at "
          + until + ", before now (" + now + "); the appliance would accept no signature under it. Nothing was written.");
    }
    ObjectNode custom = F.objectNode();
    if (validFrom != null) {
      custom.put("validFrom", validFrom);
    }
    if (validUntil != null) {
      custom.put("validUntil", validUntil);
    }
    return repo.changeTargets(List.of(new TufRepository.NewTarget("keys/" + name + ".pub", bytes, custom)),
        List.of(), signer, now, "add-key");
  }

  private static Instant bound(String s, boolean endOfDay, String flag) {
    if (s == null) {
      return null;
    }
    try {
      return KeyWindows.parseBound(s, endOfDay);
    } catch (DateTimeParseException e) {
      throw AirlockException.usage(flag + " '" + s + "' is not an ISO date (2027-01-31) or date-time (2027-01-31T12:00:00Z)");
    }
  }

  /** {@code repo remove-key NAME}: drops the target {@code keys/NAME.pub}. */
  public static TufRepository.Result removeKey(TufRepository repo, String name, RoleSigner signer, Instant now) {
    checkName(name, "key name");
    String path = "keys/" + name + ".pub";
    if (!repo.targets().containsKey(path)) {
      throw AirlockException.usage("no key " + name + " (target " + path + ") in the repository");
    }
    return repo.changeTargets(List.of(), List.of(path), signer, now, "remove-key");
  }

  /**
   * {@code repo add-trusted-root FILE [--name INSTANCE]}: a Sigstore {@code trusted_root.json}
   * (checked by the appliance's own parser) as target {@code trusted_root.json} or
   * {@code INSTANCE/trusted_root.json}.
   */
  public static TufRepository.Result addTrustedRoot(TufRepository repo, Path file, String instance,
      RoleSigner signer, Instant now) {
    byte[] bytes = read(file);
    String path = trustedRootPath(instance);
    TrustedRoot.parse(bytes, file.toString());
    return repo.changeTargets(List.of(new TufRepository.NewTarget(path, bytes, null)), List.of(), signer, now,
        "add-trusted-root");
  }

  private static String trustedRootPath(String instance) {
    if (instance == null) {
      return "trusted_root.json";
    }
    checkName(instance, "instance name");
    return instance + "/trusted_root.json";
  }

  /** {@code repo set-policy FILE}: target {@code policy/airlock.yaml}, validated by the policy stage. */
  public static TufRepository.Result setPolicy(TufRepository repo, Path file, RoleSigner signer, Instant now) {
    byte[] bytes = read(file);
    // a TUF-delivered policy has no folder: relative key files are refused, as on the appliance
    PolicyParser.parse(bytes, "policy/airlock.yaml", null, "sha256:" + Hashing.sha256Hex(bytes));
    return repo.changeTargets(List.of(new TufRepository.NewTarget("policy/airlock.yaml", bytes, null)), List.of(),
        signer, now, "set-policy");
  }

  /**
   * {@code repo import-sigstore UPSTREAM --upstream-root ROOT.json}: verifies a copy of an upstream
   * Sigstore TUF repository with airlock's TUF client from the given root (root chain, thresholds,
   * versions, hashes, expiry at {@code now}), then republishes its {@code trusted_root.json} as a
   * target signed by this repository's targets keys, with its provenance in {@code custom.airlock}.
   *
   * @param acceptExpiredTimestamp accept an upstream timestamp/snapshot that expired (public Sigstore
   *     re-signs it weekly); everything else is still checked, and the acceptance is recorded
   */
  public static TufRepository.Result importSigstore(TufRepository repo, Path upstream, Path upstreamRoot,
      String instance, boolean acceptExpiredTimestamp, RoleSigner signer, Instant now) {
    byte[] pinned = read(upstreamRoot);
    RepoVerifier.Verified v;
    try {
      v = RepoVerifier.verify(upstream, pinned, now, acceptExpiredTimestamp, "trusted_root.json");
    } catch (AirlockException e) {
      throw new AirlockException(e.kind(), e.reason(), upstream + ": the upstream repository does not verify from "
          + upstreamRoot + ", nothing was imported: " + e.getMessage(), e);
    }
    byte[] trustedRoot = v.targets().get("trusted_root.json");
    if (trustedRoot == null) {
      throw AirlockException.denied(Reason.TUF_TARGET_MISSING, upstream + ": the upstream repository has no "
          + "trusted_root.json target");
    }
    TrustedRoot.parse(trustedRoot, upstream + ": trusted_root.json");
    ObjectNode custom = F.objectNode();
    ObjectNode prov = custom.putObject("airlock");
    prov.put("source", "sigstore-tuf");
    prov.put("upstreamRootVersion", v.state().rootVersion());
    prov.put("upstreamTimestampVersion", v.state().timestampVersion());
    prov.put("upstreamTargetsVersion", v.state().targetsVersion());
    prov.put("upstreamRootSha256", Hashing.sha256Hex(pinned));
    prov.put("expiredTimestampAccepted", v.state().expiredTimestampAccepted());
    prov.put("verifiedAt", now.toString());
    return repo.changeTargets(List.of(new TufRepository.NewTarget(trustedRootPath(instance), trustedRoot, custom)),
        List.of(), signer, now, "import-sigstore");
  }

  private static byte[] read(Path file) {
    try {
      return Files.readAllBytes(file);
    } catch (IOException e) {
      throw AirlockException.usage(file + ": cannot read: " + e.getMessage());
    }
  }

  private static void checkName(String name, String what) {
    if (name == null || !NAME.matcher(name).matches()) {
      throw AirlockException.usage(what + " '" + name + "' must be 1 to 64 letters, digits, '.', '_' or '-'");
    }
  }

  /** {@code repo status}: versions, expiry, keys and thresholds of each role; the targets. */
  public static ObjectNode status(TufRepository repo, Instant now) {
    ObjectNode doc = F.objectNode();
    doc.put("mediaType", "application/vnd.airlock.repo-status.v1+json");
    doc.put("repository", repo.dir().toAbsolutePath().normalize().toString());
    doc.put("now", now.toString());
    ObjectNode roles = doc.putObject("roles");
    for (String r : TufRepository.ROLES) {
      ObjectNode n = roles.putObject(r);
      n.put("version", repo.version(r));
      n.put("expires", repo.expires(r).toString());
      n.put("expired", !repo.expires(r).isAfter(now));
      n.put("expiresInDays", Duration.between(now, repo.expires(r)).toDays());
      n.put("expiryPeriod", repo.expiryPeriod(r).toString());
      n.put("threshold", repo.threshold(r));
      ArrayNode keys = n.putArray("keys");
      for (RoleKey k : repo.keys(r)) {
        keys.addObject().put("keyid", k.keyId()).put("scheme", k.json().path("scheme").asText());
      }
    }
    ArrayNode targets = doc.putArray("targets");
    for (Map.Entry<String, JsonNode> e : repo.targets().entrySet()) {
      ObjectNode t = targets.addObject();
      t.put("path", e.getKey());
      TrustContent.Kind kind = TrustContent.Kind.of(e.getKey());
      t.put("kind", kind == null ? "other" : kind.name().toLowerCase(java.util.Locale.ROOT).replace('_', '-'));
      t.put("length", e.getValue().path("length").asLong());
      t.put("sha256", e.getValue().path("hashes").path("sha256").asText());
      JsonNode custom = e.getValue().path("custom");
      for (String f : List.of("validFrom", "validUntil")) {
        if (custom.hasNonNull(f)) {
          t.put(f, custom.get(f).asText());
        }
      }
      if (custom.has("airlock")) {
        t.set("provenance", custom.get("airlock").deepCopy());
      }
    }
    return doc;
  }
}
