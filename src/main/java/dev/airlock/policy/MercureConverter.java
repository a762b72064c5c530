package dev.airlock.policy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.airlock.core.AirlockException;
import dev.airlock.core.Json;
import dev.airlock.core.Reason;
import dev.airlock.oci.ImageReference;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Turns mercure's module signature settings into the equivalent airlock policy
 * ({@code airlock policy from-mercure}).
 *
 * <p>mercure (app/common/types.py {@code Module}) has, per module, {@code docker_tag},
 * {@code require_signature}, {@code signature_certificate_identity} and
 * {@code signature_certificate_oidc_issuer}, either on the module or in its {@code settings}
 * object (which mercure's processor reads first). When a signature is required, mercure runs
 * {@code cosign verify DOCKER_TAG --certificate-identity ID --certificate-oidc-issuer ISSUER};
 * a module that requires a signature but lacks the identity or issuer never runs. The policy written
 * here admits exactly what those calls admit: one keyless authority per distinct (identity, issuer)
 * and one rule per repository. An identity {@code *@domain} becomes airlock's e-mail domain
 * wildcard (addresses in exactly that domain).
 *
 * <p>Modules that do not require a signature are listed in comments and get no rule, so airlock
 * denies them (secure by default); add a rule if they must run.
 */
public final class MercureConverter {
  private MercureConverter() {}

  /** One module's signature settings. */
  record ModuleSettings(String name, String dockerTag, boolean requireSignature, String identity, String issuer) {}

  /**
   * Converts a mercure configuration document.
   *
   * @param configJson mercure.json bytes
   * @param file name for messages
   * @param onlyModule convert only this module, or null for all
   * @return the policy as YAML text, parseable by {@link PolicyParser}
   */
  public static String convert(byte[] configJson, String file, String onlyModule) {
    JsonNode root = Json.parse(configJson, file);
    JsonNode modules = root.path("modules");
    if (!modules.isObject()) {
      throw AirlockException.denied(Reason.POLICY_INVALID, file + ": no 'modules' object (is this mercure.json?)");
    }
    List<ModuleSettings> all = new ArrayList<>();
    for (Iterator<Map.Entry<String, JsonNode>> it = modules.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      if (onlyModule == null || onlyModule.equals(e.getKey())) {
        all.add(read(e.getKey(), e.getValue(), file));
      }
    }
    if (onlyModule != null && all.isEmpty()) {
      throw AirlockException.denied(Reason.POLICY_INVALID, file + ": no module named '" + onlyModule + "'");
    }
    return render(all, file);
  }

  private static ModuleSettings read(String name, JsonNode m, String file) {
    JsonNode settings = m.path("settings");
    String tag = text(m.path("docker_tag"));
    boolean require = flag(setting(settings, m, "require_signature"));
    String identity = text(setting(settings, m, "signature_certificate_identity"));
    String issuer = text(setting(settings, m, "signature_certificate_oidc_issuer"));
    if (require) {
      if (tag == null) {
        throw AirlockException.denied(Reason.POLICY_INVALID,
            file + ": module '" + name + "' requires a signature but has no docker_tag");
      }
      if (identity == null || issuer == null) {
        throw AirlockException.denied(Reason.POLICY_INVALID, file + ": module '" + name
            + "' requires a signature but lacks signature_certificate_identity or "
            + "signature_certificate_oidc_issuer (mercure never runs it); set both");
      }
    }
    return new ModuleSettings(name, tag, require, identity, issuer);
  }

  /** mercure's processor reads {@code settings} first; the module's own field is the fallback. */
  private static JsonNode setting(JsonNode settings, JsonNode module, String key) {
    JsonNode s = settings.path(key);
    return s.isMissingNode() || s.isNull() ? module.path(key) : s;
  }

  /** mercure treats false, "0", "false", "False" and empty as off. */
  private static boolean flag(JsonNode n) {
    if (n.isBoolean()) {
      return n.asBoolean();
    }
    if (n.isNumber()) {
      return n.asInt() != 0;
    }
    if (n.isTextual()) {
      String s = n.asText().trim();
      return !(s.isEmpty() || s.equals("0") || s.equalsIgnoreCase("false"));
    }
    return false;
  }

  private static String text(JsonNode n) {
    return n.isTextual() && !n.asText().isBlank() ? n.asText().trim() : null;
  }

  private static String render(List<ModuleSettings> modules, String file) {
    Map<String, String[]> authorities = new LinkedHashMap<>(); // name -> identity, issuer
    Map<String, List<String>> rules = new LinkedHashMap<>(); // repository -> authority names
    List<String> notes = new ArrayList<>();
    boolean mutable = false;
    for (ModuleSettings m : modules) {
      if (!m.requireSignature()) {
        notes.add("# module '" + m.name() + "' (" + (m.dockerTag() == null ? "no docker_tag" : m.dockerTag())
            + ") does not require a signature in mercure: no rule, so airlock denies it.");
        continue;
      }
      ImageReference ref;
      try {
        ref = ImageReference.parse(m.dockerTag());
      } catch (RuntimeException e) {
        throw AirlockException.denied(Reason.POLICY_INVALID,
            file + ": module '" + m.name() + "': docker_tag '" + m.dockerTag() + "' is not an image reference: " + e.getMessage());
      }
      mutable |= ref.digest().isEmpty() && ref.tag().map("latest"::equals).orElse(true);
      String authority = null;
      for (Map.Entry<String, String[]> a : authorities.entrySet()) {
        if (a.getValue()[0].equals(m.identity()) && a.getValue()[1].equals(m.issuer())) {
          authority = a.getKey();
        }
      }
      if (authority == null) {
        authority = uniqueName(authorities, "mercure-" + slug(m.name()));
        authorities.put(authority, new String[] {m.identity(), m.issuer()});
      }
      List<String> from = rules.computeIfAbsent(ref.repository(), r -> new ArrayList<>());
      if (!from.contains(authority)) {
        from.add(authority);
      }
    }
    StringBuilder y = new StringBuilder();
    y.append("# Generated by 'airlock policy from-mercure' from ").append(file).append(".\n");
    y.append("# Each rule admits what mercure's 'cosign verify --certificate-identity ID\n");
    y.append("# --certificate-oidc-issuer ISSUER DOCKER_TAG' admits, verified offline.\n");
    notes.forEach(n -> y.append(n).append('\n'));
    y.append("apiVersion: ").append(PolicyParser.API_VERSION).append('\n');
    y.append("kind: Policy\n");
    y.append("name: mercure\n");
    y.append("mode: enforce\n");
    if (mutable) {
      y.append("# A module uses a mutable tag (latest or none); cosign verifies those, so this does too.\n");
    }
    y.append("rejectMutableTags: ").append(!mutable).append('\n');
    y.append("noMatch: deny\n");
    y.append("authorities:");
    if (authorities.isEmpty()) {
      y.append(" {}\n");
    } else {
      y.append('\n');
      authorities.forEach((n, v) -> y.append("  ").append(n).append(":\n")
          .append("    keyless:\n")
          .append("      issuer: ").append(quote(v[1])).append('\n')
          .append("      identity: ").append(quote(v[0])).append('\n'));
    }
    y.append("images:");
    if (rules.isEmpty()) {
      y.append(" []\n");
    } else {
      y.append('\n');
      rules.forEach((repo, from) -> y.append("  - match: ").append(quote(repo)).append('\n')
          .append("    signatures: {threshold: 1, from: [").append(String.join(", ", from)).append("]}\n"));
    }
    return y.toString();
  }

  private static String uniqueName(Map<String, ?> taken, String base) {
    String n = base;
    for (int i = 2; taken.containsKey(n); i++) {
      n = base + "-" + i;
    }
    return n;
  }

  private static String slug(String s) {
    String out = s.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9._-]+", "-");
    return out.isEmpty() ? "module" : out;
  }

  /** A YAML double-quoted scalar. */
  static String quote(String s) {
    StringBuilder b = new StringBuilder("\"");
    for (char c : s.toCharArray()) {
      switch (c) {
        case '"' -> b.append("\\\"");
        case '\\' -> b.append("\\\\");
        case '\n' -> b.append("\\n");
        case '\t' -> b.append("\\t");
        default -> {
          if (c < 0x20) {
            b.append(String.format(Locale.ROOT, "\\x%02x", (int) c));
          } else {
            b.append(c);
          }
        }
      }
    }
    return b.append('"').toString();
  }
}
