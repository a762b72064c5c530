package dev.airlock.policy;

import dev.airlock.core.AirlockException;
import dev.airlock.policy.Rule.AttestationRequirement;
import dev.airlock.policy.Rule.Severity;
import dev.airlock.policy.Rule.VulnerabilityGate;
import dev.airlock.policy.YamlTree.Node;
import dev.airlock.trust.ValidityWindow;
import java.nio.file.Path;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Reads a policy file (DESIGN.md section 6) into a {@link Policy}. Unknown keys, wrong types,
 * unknown authority names and impossible thresholds are errors naming the line and column
 * ({@code POLICY_INVALID}). Secure by default: {@code mode} enforce, {@code noMatch} deny,
 * {@code rejectMutableTags} true, and a rule's threshold defaults to all of its {@code from}.
 */
public final class PolicyParser {
  public static final String API_VERSION = "airlock/v1";

  private final String file;
  private final Path baseDir;

  private PolicyParser(String file, Path baseDir) {
    this.file = file;
    this.baseDir = baseDir;
  }

  /**
   * Parses policy bytes.
   *
   * @param file the name shown in errors (path or TUF target)
   * @param baseDir folder that {@code key: {file: ...}} paths are relative to; null to refuse
   *     relative key files (a policy delivered through TUF)
   * @param digest {@code sha256:<hex>} of {@code bytes}, computed by the caller through the crypto
   *     stage (policy does not hash; STYLE.md's package graph), recorded in every verdict
   */
  public static Policy parse(byte[] bytes, String file, Path baseDir, String digest) {
    if (digest == null || !digest.matches("sha256:[0-9a-f]{64}")) {
      throw new IllegalArgumentException("policy digest must be sha256:<hex>, got " + digest);
    }
    Node root = YamlTree.parse(bytes, file);
    return new PolicyParser(file, baseDir).policy(root, digest);
  }

  private Policy policy(Node root, String digest) {
    map(root);
    allowed(root, Set.of("apiVersion", "kind", "name", "mode", "rejectMutableTags", "noMatch",
        "authorities", "images", "transparency"));
    String api = requiredText(root, "apiVersion");
    if (!API_VERSION.equals(api)) {
      throw error(root.map.get("apiVersion"), "apiVersion must be '" + API_VERSION + "', got '" + api + "'");
    }
    String kind = requiredText(root, "kind");
    if (!"Policy".equals(kind)) {
      throw error(root.map.get("kind"), "kind must be 'Policy', got '" + kind + "'");
    }
    String name = requiredText(root, "name");
    Policy.Mode mode = enumValue(root, "mode", Policy.Mode.class, Policy.Mode.ENFORCE);
    boolean rejectMutable = bool(root, "rejectMutableTags", true);
    Policy.NoMatch noMatch = enumValue(root, "noMatch", Policy.NoMatch.class, Policy.NoMatch.DENY);

    Map<String, Authority> authorities = new LinkedHashMap<>();
    Node auths = root.map.get("authorities");
    if (auths != null) {
      map(auths);
      auths.map.forEach((n, a) -> authorities.put(n, authority(n, a)));
    }
    boolean requireConsistency = false;
    int witnesses = 0;
    Node transparency = root.map.get("transparency");
    if (transparency != null) {
      map(transparency);
      allowed(transparency, Set.of("requireCheckpointConsistency", "witnesses"));
      requireConsistency = bool(transparency, "requireCheckpointConsistency", false);
      witnesses = integer(transparency, "witnesses", 0, 0, 64);
    }
    List<Rule> rules = new ArrayList<>();
    Node images = root.map.get("images");
    if (images != null) {
      list(images);
      for (Node r : images.list) {
        rules.add(rule(r, authorities));
      }
    }
    if (rules.isEmpty() && noMatch == Policy.NoMatch.DENY) {
      // legal, but every image is denied: say so rather than guess
    }
    return new Policy(name, digest, mode, rejectMutable, noMatch, authorities, rules,
        requireConsistency, witnesses);
  }

  private Authority authority(String name, Node a) {
    map(a);
    allowed(a, Set.of("keyless", "key"));
    if (a.map.size() != 1) {
      throw error(a, "authority '" + name + "' needs exactly one of 'keyless' or 'key'");
    }
    if (a.map.containsKey("keyless")) {
      Node k = a.map.get("keyless");
      map(k);
      allowed(k, Set.of("issuer", "issuerRegexp", "identity", "identityRegexp"));
      IdentityMatcher issuer = oneOf(k, "issuer", "issuerRegexp", false);
      IdentityMatcher identity = oneOf(k, "identity", "identityRegexp", true);
      return new Authority.Keyless(name, issuer, identity);
    }
    Node k = a.map.get("key");
    map(k);
    allowed(k, Set.of("tuf", "file", "validFrom", "validUntil", "tlog"));
    String tuf = optionalText(k, "tuf");
    String fileName = optionalText(k, "file");
    if ((tuf == null) == (fileName == null)) {
      throw error(k, "key authority '" + name + "' needs exactly one of 'tuf' or 'file'");
    }
    Path keyFile = null;
    if (fileName != null) {
      Path p = Path.of(fileName);
      if (!p.isAbsolute()) {
        if (baseDir == null) {
          throw error(k.map.get("file"), "a relative key file is not allowed in a policy delivered through TUF");
        }
        p = baseDir.resolve(p);
      }
      keyFile = p.normalize();
    }
    if (tuf != null && (tuf.startsWith("/") || tuf.contains(".."))) {
      throw error(k.map.get("tuf"), "'tuf' names a TUF target path such as keys/qa.pub");
    }
    Instant from = date(k, "validFrom", false);
    Instant until = date(k, "validUntil", true);
    ValidityWindow window;
    try {
      window = new ValidityWindow(from, until);
    } catch (IllegalArgumentException e) {
      throw error(k, e.getMessage());
    }
    // tlog: false -- the authority signs offline; its signatures need no log entry (DESIGN.md 4)
    boolean tlog = bool(k, "tlog", true);
    return new Authority.Key(name, tuf, keyFile, window, tlog);
  }

  private IdentityMatcher oneOf(Node n, String exactKey, String regexpKey, boolean allowEmailWildcard) {
    String exact = optionalText(n, exactKey);
    String re = optionalText(n, regexpKey);
    if ((exact == null) == (re == null)) {
      throw error(n, "needs exactly one of '" + exactKey + "' or '" + regexpKey + "'");
    }
    try {
      if (re != null) {
        return IdentityMatcher.regexp(re);
      }
      return allowEmailWildcard ? IdentityMatcher.exactOrEmailDomain(exact) : IdentityMatcher.exact(exact);
    } catch (IllegalArgumentException e) {
      throw error(n.map.get(re != null ? regexpKey : exactKey), e.getMessage());
    }
  }

  private Rule rule(Node r, Map<String, Authority> authorities) {
    map(r);
    allowed(r, Set.of("match", "signatures", "attestations", "vulnerabilities"));
    String matchText = requiredText(r, "match");
    ImageMatch match;
    try {
      match = ImageMatch.parse(matchText);
    } catch (IllegalArgumentException e) {
      throw error(r.map.get("match"), e.getMessage());
    }
    Node sigs = r.map.get("signatures");
    if (sigs == null) {
      throw error(r, "a rule needs 'signatures: {threshold: N, from: [...]}'");
    }
    map(sigs);
    allowed(sigs, Set.of("threshold", "from"));
    List<String> from = names(sigs, "from", authorities);
    if (from.isEmpty()) {
      throw error(sigs, "'from' must name at least one authority");
    }
    int threshold = integer(sigs, "threshold", from.size(), 1, from.size());
    List<AttestationRequirement> atts = new ArrayList<>();
    Node an = r.map.get("attestations");
    if (an != null) {
      list(an);
      for (Node a : an.list) {
        map(a);
        allowed(a, Set.of("type", "from", "require", "deniedLicenses"));
        String type = requiredText(a, "type");
        List<String> af = names(a, "from", authorities);
        if (af.isEmpty()) {
          throw error(a, "'from' must name at least one authority");
        }
        Map<String, String> require = new LinkedHashMap<>();
        Node req = a.map.get("require");
        if (req != null) {
          map(req);
          allowed(req, Set.of("builderId", "buildType"));
          req.map.forEach((k, v) -> require.put(k, text(v)));
        }
        List<String> denied = textList(a, "deniedLicenses");
        atts.add(new AttestationRequirement(type, af, require, denied));
      }
    }
    VulnerabilityGate gate = null;
    Node vn = r.map.get("vulnerabilities");
    if (vn != null) {
      map(vn);
      allowed(vn, Set.of("from", "maxSeverity", "maxAgeDays", "allow"));
      List<String> vf = names(vn, "from", authorities);
      if (vf.isEmpty()) {
        throw error(vn, "'from' must name at least one authority");
      }
      Severity max = enumValue(vn, "maxSeverity", Severity.class, null);
      if (max == null) {
        throw error(vn, "'maxSeverity' is required (UNKNOWN, LOW, MEDIUM, HIGH or CRITICAL)");
      }
      Integer age = vn.map.containsKey("maxAgeDays") ? integer(vn, "maxAgeDays", 0, 0, 36500) : null;
      gate = new VulnerabilityGate(vf, max, age, textList(vn, "allow"));
    }
    return new Rule(match, threshold, from, atts, gate);
  }

  private List<String> names(Node n, String key, Map<String, Authority> authorities) {
    List<String> out = new ArrayList<>();
    Node l = n.map.get(key);
    if (l == null) {
      throw error(n, "'" + key + "' is required");
    }
    list(l);
    for (Node e : l.list) {
      String name = text(e);
      if (!authorities.containsKey(name)) {
        throw error(e, "unknown authority '" + name + "' (define it under 'authorities')");
      }
      if (out.contains(name)) {
        throw error(e, "authority '" + name + "' is listed twice");
      }
      out.add(name);
    }
    return out;
  }

  private List<String> textList(Node n, String key) {
    Node l = n.map.get(key);
    if (l == null) {
      return List.of();
    }
    list(l);
    List<String> out = new ArrayList<>();
    for (Node e : l.list) {
      out.add(text(e));
    }
    return out;
  }

  private Instant date(Node n, String key, boolean endOfDay) {
    String s = optionalText(n, key);
    if (s == null) {
      return null;
    }
    try {
      return dev.airlock.trust.KeyWindows.parseBound(s, endOfDay);
    } catch (DateTimeParseException e) {
      throw error(n.map.get(key), "'" + key + "' must be an ISO date (2026-01-01) or date-time "
          + "(2026-01-01T00:00:00Z), got '" + s + "'");
    }
  }

  private <E extends Enum<E>> E enumValue(Node n, String key, Class<E> type, E dflt) {
    Node v = n.map.get(key);
    if (v == null) {
      return dflt;
    }
    String s = text(v);
    try {
      return Enum.valueOf(type, s.toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      List<String> names = new ArrayList<>();
      for (E c : type.getEnumConstants()) {
        names.add(c.name().toLowerCase(Locale.ROOT));
      }
      throw error(v, "'" + key + "' must be one of " + names + ", got '" + s + "'");
    }
  }

  private boolean bool(Node n, String key, boolean dflt) {
    Node v = n.map.get(key);
    if (v == null) {
      return dflt;
    }
    if (v.kind != Node.Kind.BOOLEAN) {
      throw error(v, "'" + key + "' must be true or false");
    }
    return Boolean.parseBoolean(v.scalar);
  }

  private int integer(Node n, String key, int dflt, int min, int max) {
    Node v = n.map.get(key);
    if (v == null) {
      return dflt;
    }
    if (v.kind != Node.Kind.NUMBER) {
      throw error(v, "'" + key + "' must be a whole number");
    }
    int i;
    try {
      i = Integer.parseInt(v.scalar);
    } catch (NumberFormatException e) {
      throw error(v, "'" + key + "' must be a whole number, got " + v.scalar);
    }
    if (i < min || i > max) {
      throw error(v, "'" + key + "' must be between " + min + " and " + max + ", got " + i);
    }
    return i;
  }

  private String requiredText(Node n, String key) {
    String s = optionalText(n, key);
    if (s == null) {
      throw error(n, "'" + key + "' is required");
    }
    return s;
  }

  private String optionalText(Node n, String key) {
    Node v = n.map.get(key);
    return v == null ? null : text(v);
  }

  private String text(Node v) {
    if (v.kind != Node.Kind.TEXT) {
      throw error(v, "expected text, found " + v.kind.name().toLowerCase(Locale.ROOT));
    }
    if (v.scalar.isEmpty()) {
      throw error(v, "must not be empty");
    }
    return v.scalar;
  }

  private void map(Node n) {
    if (n.kind != Node.Kind.MAP) {
      throw error(n, "expected a mapping, found " + n.kind.name().toLowerCase(Locale.ROOT));
    }
  }

  private void list(Node n) {
    if (n.kind != Node.Kind.LIST) {
      throw error(n, "expected a list, found " + n.kind.name().toLowerCase(Locale.ROOT));
    }
  }

  private void allowed(Node n, Set<String> keys) {
    for (Map.Entry<String, int[]> e : n.keyPositions.entrySet()) {
      if (!keys.contains(e.getKey())) {
        throw YamlTree.invalid(file, "line " + e.getValue()[0] + ", column " + e.getValue()[1]
            + ": unknown key '" + e.getKey() + "'" + (n.path.isEmpty() ? "" : " in " + n.path)
            + " (allowed: " + String.join(", ", new java.util.TreeSet<>(keys)) + ")");
      }
    }
  }

  private AirlockException error(Node at, String message) {
    return YamlTree.invalid(file, at.where() + ": " + message);
  }
}
