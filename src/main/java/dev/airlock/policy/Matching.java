package dev.airlock.policy;

import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/**
 * Maximum bipartite matching between a threshold's authorities and the signers that validly signed
 * for each (Kuhn's augmenting paths; a rule has a handful of authorities). The size of the matching
 * is how many authorities count: each signer is used for at most one authority (DESIGN.md 6a).
 */
final class Matching {
  private Matching() {}

  /** authority -> the signer it is matched with, for a maximum matching; unmatched authorities absent. */
  static Map<String, String> maximum(List<String> authorities, Function<String, Collection<String>> signersOf) {
    Map<String, String> signerOwner = new HashMap<>();
    for (String a : authorities) {
      augment(a, signersOf, signerOwner, new HashSet<>());
    }
    Map<String, String> out = new LinkedHashMap<>();
    for (String a : authorities) {
      signerOwner.forEach((signer, owner) -> {
        if (owner.equals(a)) {
          out.put(a, signer);
        }
      });
    }
    return out;
  }

  private static boolean augment(String authority, Function<String, Collection<String>> signersOf,
      Map<String, String> owner, Set<String> visited) {
    for (String s : signersOf.apply(authority)) {
      if (!visited.add(s)) {
        continue;
      }
      String current = owner.get(s);
      if (current == null || augment(current, signersOf, owner, visited)) {
        owner.put(s, authority);
        return true;
      }
    }
    return false;
  }
}
