package dev.airlock.appliance;

import dev.airlock.tlog.LogKey;
import dev.airlock.trust.KeyAuthority;
import dev.airlock.trust.TransparencyLog;
import dev.airlock.trust.TrustSnapshot;
import dev.airlock.trust.TrustedRoot;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/** Checkpoint use cases: which keys sign checkpoints and witness cosignatures under a trust snapshot. */
public final class CheckpointService {
  private CheckpointService() {}

  /**
   * The log keys of the installed trusted roots. A {@code trusted_root.json} does not carry the
   * key's signed-note name, so the keys are unnamed: a signature line is matched by its key hint,
   * and its name must be the checkpoint origin without the {@code " - <tree id>"} suffix
   * (DESIGN.md 6a "Checkpoints").
   */
  public static List<LogKey> logKeys(TrustSnapshot snapshot) {
    List<LogKey> out = new ArrayList<>();
    for (TrustedRoot root : snapshot.roots()) {
      for (TransparencyLog t : root.tlogs()) {
        if (out.stream().noneMatch(k -> Arrays.equals(k.key().getEncoded(), t.key().getEncoded()))) {
          out.add(LogKey.unnamed(t.key()));
        }
      }
    }
    return out;
  }

  /** Witness keys: key authorities delivered as TUF targets {@code keys/witness-*.pub}. */
  public static List<LogKey> witnessKeys(TrustSnapshot snapshot) {
    List<LogKey> out = new ArrayList<>();
    for (Map.Entry<String, KeyAuthority> e : new java.util.TreeMap<>(snapshot.keys()).entrySet()) {
      String name = e.getKey();
      if (name.startsWith("keys/witness-") && name.endsWith(".pub")) {
        out.add(LogKey.unnamed(e.getValue().key()));
      }
    }
    return out;
  }
}
