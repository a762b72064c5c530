package dev.airlock.appliance;

import dev.airlock.core.AirlockException;
import dev.airlock.core.Limits;
import dev.airlock.core.Reason;
import dev.airlock.core.json.AuditDetail;
import dev.airlock.crypto.Hashing;
import dev.airlock.db.Transaction;
import dev.airlock.policy.Policy;
import dev.airlock.policy.PolicyParser;
import dev.airlock.policy.PolicyStore;
import dev.airlock.trust.TrustSnapshot;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;

/**
 * Which policy decides (DESIGN.md 6a "Which policy"): {@code --policy FILE} for one command, else
 * the installed one. Policies are hashed here (the policy stage does not hash).
 *
 * <p>The installed policy is parsed only when something reads {@link #policy()}: a decision
 * answered from the decision cache needs only its digest and the key files its install recorded
 * (issue 17: parsing the YAML took about 8 ms of a cold cached {@code verify IMAGE}).
 */
public final class PolicyChoice {
  private final String digest;
  private final String origin;
  private final java.util.function.Supplier<Policy> parse;
  private volatile Policy policy;
  /** The key files it reads, when its install recorded them; else null (found by parsing). */
  private final java.util.List<String> keyFiles;

  /** A policy already parsed. */
  public PolicyChoice(Policy policy, String origin) {
    this.digest = policy.digest();
    this.origin = origin;
    this.parse = null;
    this.policy = policy;
    this.keyFiles = PolicyStore.keyFiles(policy);
  }

  private PolicyChoice(String digest, String origin, java.util.function.Supplier<Policy> parse,
      java.util.List<String> keyFiles) {
    this.digest = digest;
    this.origin = origin;
    this.parse = parse;
    this.keyFiles = keyFiles;
  }

  /** The policy, parsed on first use (the same digest as {@link #digest()}). */
  public Policy policy() {
    Policy p = policy;
    if (p == null) {
      p = parse.get(); // pure: two threads parsing at once get equal policies
      policy = p;
    }
    return p;
  }

  /** {@code sha256:<hex>} of the policy's bytes, without parsing them. */
  public String digest() {
    return digest;
  }

  /**
   * The policy's part of a stored decision's key (DESIGN.md 6b): its digest when no authority
   * reads a key file; else sha256 over the digest and, for each key file (by path), its path and
   * its bytes as they are now, or that it cannot be read. A key file replaced on disk (a revoked
   * key), or the same policy bytes set from another folder, changes it, so no decision made with
   * another key answers. Read on every decision, stored or made now: a decision made while a key
   * file is being replaced is keyed by one of its versions and decided with one of them, and is
   * at worst decided again.
   */
  public String cacheId() {
    java.util.List<String> files = keyFiles != null ? keyFiles : PolicyStore.keyFiles(policy());
    if (files.isEmpty()) {
      return digest;
    }
    StringBuilder id = new StringBuilder(digest);
    for (String f : files) {
      id.append('\n').append(f.length()).append(':').append(f).append(' ');
      try {
        id.append(Hashing.sha256Hex(read(Path.of(f)))); // the bounded read of a policy file
      } catch (RuntimeException e) { // AirlockException (unreadable, too large) and bad paths
        id.append("unreadable"); // the decision meets it: KEY_MISSING or KEY_MALFORMED
      }
    }
    return "sha256:" + Hashing.sha256Hex(id.toString().getBytes(java.nio.charset.StandardCharsets.UTF_8));
  }

  /** A description for messages: the file, or {@code installed by policy set at ...}. */
  public String origin() {
    return origin;
  }

  /** Reads and validates a policy file given on the command line. */
  public static PolicyChoice fromFile(Path file) {
    byte[] bytes = read(file);
    Policy p = PolicyParser.parse(bytes, file.toString(), file.toAbsolutePath().normalize().getParent(),
        digest(bytes));
    return new PolicyChoice(p, file.toString());
  }

  public static byte[] read(Path file) {
    try (InputStream in = Files.newInputStream(file)) {
      byte[] b = in.readNBytes((int) Limits.defaults().maxJsonBytes() + 1);
      if (b.length > Limits.defaults().maxJsonBytes()) {
        throw AirlockException.denied(Reason.POLICY_INVALID, file + ": larger than "
            + Limits.defaults().maxJsonBytes() + " bytes");
      }
      return b;
    } catch (IOException e) {
      throw AirlockException.cannotDecide(Reason.MEDIUM_UNREADABLE, file + ": cannot read: " + e.getMessage(), e);
    }
  }

  public static String digest(byte[] bytes) {
    return "sha256:" + Hashing.sha256Hex(bytes);
  }

  /** The installed policy, or null when none was ever installed. */
  public static PolicyChoice installed(Transaction tx) {
    PolicyStore.Installed i = tx.policies().current().orElse(null);
    if (i == null) {
      return null;
    }
    return new PolicyChoice(i.digest(), "installed by " + i.source() + " at " + i.installedAt(), i::policy,
        i.keyFiles());
  }

  /** Receives the audit event of a policy install. */
  @FunctionalInterface
  public interface Auditor {
    void audit(String action, String subject, AuditDetail detail);
  }

  /**
   * Installs the TUF target {@code policy/airlock.yaml} of a newly installed trust snapshot when it
   * differs from the last policy TUF delivered (an operator's later {@code policy set} is not
   * overridden by re-importing the same medium). Invalid policy targets refuse the install.
   */
  public static void installTufPolicy(Transaction tx, TrustSnapshot snapshot, Instant at, Auditor auditor) {
    byte[] bytes = snapshot.policies().get(PolicyStore.TUF_TARGET);
    if (bytes == null) {
      return;
    }
    String digest = digest(bytes);
    if (tx.policies().latestDigest("tuf").filter(digest::equals).isPresent()) {
      return;
    }
    Policy policy = PolicyParser.parse(bytes, "TUF target " + PolicyStore.TUF_TARGET, null, digest);
    tx.policies().install(policy, bytes, "tuf", null, at);
    auditor.audit("policy.install", PolicyStore.TUF_TARGET, new AuditDetail.PolicyInstall(policy.name(), digest, "tuf"));
  }
}
