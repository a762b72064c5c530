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
 * @param origin a description for messages: the file, or {@code installed by policy set at ...}
 */
public record PolicyChoice(Policy policy, String origin) {
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
    return new PolicyChoice(i.policy(), "installed by " + i.source() + " at " + i.installedAt());
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
