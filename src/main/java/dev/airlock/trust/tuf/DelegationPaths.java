package dev.airlock.trust.tuf;

import com.fasterxml.jackson.databind.JsonNode;
import dev.airlock.crypto.Hashing;
import java.nio.charset.StandardCharsets;

/**
 * Which delegated roles may list a target path (TUF spec v1.0.34 section 4.5 "paths" /
 * "path_hash_prefixes"). A path pattern matches component by component: {@code *} matches any
 * run of characters within one component (never a {@code /}), {@code ?} one character.
 */
final class DelegationPaths {
  private DelegationPaths() {}

  static boolean matches(JsonNode role, String path) {
    if (role.has("paths")) {
      for (JsonNode p : role.path("paths")) {
        if (pattern(p.asText(), path)) {
          return true;
        }
      }
      return false;
    }
    if (role.has("path_hash_prefixes")) {
      String h = Hashing.hex(Hashing.sha256(path.getBytes(StandardCharsets.UTF_8)));
      for (JsonNode p : role.path("path_hash_prefixes")) {
        if (h.startsWith(p.asText())) {
          return true;
        }
      }
    }
    return false;
  }

  static boolean pattern(String pattern, String path) {
    String[] pp = pattern.split("/", -1);
    String[] tp = path.split("/", -1);
    if (pp.length != tp.length) {
      return false;
    }
    for (int i = 0; i < pp.length; i++) {
      if (!glob(pp[i], 0, tp[i], 0)) {
        return false;
      }
    }
    return true;
  }

  private static boolean glob(String p, int i, String s, int j) {
    while (i < p.length()) {
      char c = p.charAt(i);
      if (c == '*') {
        for (int k = j; k <= s.length(); k++) {
          if (glob(p, i + 1, s, k)) {
            return true;
          }
        }
        return false;
      }
      if (j >= s.length() || (c != '?' && c != s.charAt(j))) {
        return false;
      }
      i++;
      j++;
    }
    return j == s.length();
  }
}
