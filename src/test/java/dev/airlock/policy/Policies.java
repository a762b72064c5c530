package dev.airlock.policy;

import dev.airlock.crypto.Hashing;
import java.nio.file.Path;

/** Test helper: parse a policy with its digest computed as the CLI does. */
final class Policies {
  private Policies() {}

  static Policy parse(byte[] bytes, String file, Path baseDir) {
    return PolicyParser.parse(bytes, file, baseDir, "sha256:" + Hashing.sha256Hex(bytes));
  }
}
