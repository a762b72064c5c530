package dev.airlock.attacks;

import static dev.airlock.testing.ApplianceLab.logged;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.airlock.lab.Signer;
import dev.airlock.oci.Descriptor;
import dev.airlock.testing.ApplianceLab.Run;
import dev.airlock.testing.ApplianceLab;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/**
 * A property test of the one decision path (issue 12): random media, policies and command
 * sequences, each command run through the CLI and compared with this test's own model of the
 * decision (which signers each digest has x which rule applies to the reference asked x trust and
 * time). Properties, checked after every step:
 * <ul>
 *   <li>every {@code verify} exits as the model says (0 admit, 1 deny, 3 cannot decide);
 *   <li>no {@code export} releases an image that {@code verify} of the same reference, at the same
 *       moment, denies, nor one the model does not release;
 *   <li>{@code images} never shows {@code admit} for a reference the model does not admit now.
 * </ul>
 * The model is written independently of the appliance: rule selection (digest pins, then the
 * longest literal prefix), mutable tags, distinct signers, modes and noMatch.
 */
class DecisionPropertyTest {
  static final int SCENARIOS = Integer.getInteger("airlock.property.scenarios", 25);
  static final int STEPS = 14;
  static final String[] REPOS = {"vendor.example/a", "vendor.example/b/c", "vendor.example/b/d", "other.example/x"};
  static final String[] TAGS = {"1.0", "2.0", "latest"};
  static final String[] GLOBS = {"vendor.example/**", "vendor.example/a", "vendor.example/b/*", "other.example/**",
      "**"};
  static final String[] SIGNERS = {"vendor", "qa", "dev"};
  static final Instant EXPIRES = ApplianceLab.EPOCH.plus(Duration.ofDays(30));

  /** A rule of the model. */
  record ModelRule(String match, int threshold, List<String> from) {}

  /** A policy of the model, and its YAML. */
  record ModelPolicy(String mode, boolean rejectMutableTags, String noMatch, List<ModelRule> rules) {
    String yaml(int n) {
      StringBuilder b = new StringBuilder("apiVersion: airlock/v1\nkind: Policy\nname: random-" + n + "\nmode: " + mode
          + "\nrejectMutableTags: " + rejectMutableTags + "\nnoMatch: " + noMatch + "\nauthorities:\n");
      for (String s : SIGNERS) {
        b.append("  ").append(s).append(": {key: {tuf: keys/").append(s).append(".pub}}\n");
      }
      b.append("images:\n");
      for (ModelRule r : rules) {
        b.append("  - match: \"").append(r.match()).append("\"\n    signatures: {threshold: ").append(r.threshold())
            .append(", from: [").append(String.join(", ", r.from())).append("]}\n");
      }
      if (rules.isEmpty()) {
        b.setLength(b.length() - "images:\n".length());
        b.append("images: []\n");
      }
      return b.toString();
    }

    /** The most specific rule: the longest literal text before the first wildcard; ties to the first written. */
    ModelRule ruleFor(String repo) {
      ModelRule best = null;
      int bestLen = -1;
      for (ModelRule r : rules) {
        if (globMatches(r.match(), repo)) {
          int star = r.match().indexOf('*');
          int len = star < 0 ? r.match().length() : star;
          if (len > bestLen) {
            best = r;
            bestLen = len;
          }
        }
      }
      return best;
    }
  }

  static boolean globMatches(String glob, String repo) {
    String re = glob.replace(".", "\\.").replace("**", "\u0000").replace("*", "[^/]*").replace("\u0000", ".*");
    return repo.matches(re);
  }

  /** What the model expects for a reference now: exit code and whether export may release it. */
  record Expect(int code, boolean releasable) {}

  /** The appliance's store as the model sees it. */
  static final class Model {
    final Map<String, String> tagToDigest = new LinkedHashMap<>(); // repo:tag -> digest
    final Map<String, Set<String>> signers = new LinkedHashMap<>(); // digest -> signer names
    ModelPolicy policy;
    Instant now = ApplianceLab.EPOCH.plus(Duration.ofDays(1));

    Set<String> reposOf(String digest) {
      Set<String> out = new LinkedHashSet<>();
      tagToDigest.forEach((ref, d) -> {
        if (d.equals(digest)) {
          out.add(ref.substring(0, ref.lastIndexOf(':')));
        }
      });
      return out;
    }

    /** One (repository, tag-or-null, by digest) under the policy: failures and whether they are only warnings. */
    Expect decide(String repo, String tag, boolean byDigest, String digest) {
      List<String> failures = new ArrayList<>();
      boolean warnOnly = false;
      ModelRule rule = repo == null ? null : policy.ruleFor(repo);
      if (rule == null) {
        if (policy.noMatch().equals("deny")) {
          failures.add("NO_MATCHING_RULE");
        } else if (policy.noMatch().equals("warn")) {
          failures.add("NO_MATCHING_RULE");
          warnOnly = true;
        }
      } else {
        if (policy.rejectMutableTags() && !byDigest && (tag == null || tag.equals("latest"))) {
          failures.add("MUTABLE_TAG");
        }
        long have = rule.from().stream().filter(signers.get(digest)::contains).count();
        if (have < rule.threshold()) {
          failures.add("THRESHOLD_NOT_MET");
        }
      }
      if (failures.isEmpty()) {
        return new Expect(0, true);
      }
      if (!policy.mode().equals("enforce")) {
        return new Expect(0, true); // warn/audit: admitted with warnings; the installed mode releases
      }
      if (warnOnly) {
        return new Expect(0, false); // noMatch: warn under enforce admits for the report only
      }
      return new Expect(1, false);
    }

    Expect expect(String asked) {
      // an image that is not stored is denied before anything else (nothing to decide)
      boolean expired = !now.isBefore(EXPIRES);
      if (asked.startsWith("sha256:")) {
        if (!signers.containsKey(asked)) {
          return new Expect(1, false);
        }
        if (expired) {
          return new Expect(3, false);
        }
        Set<String> repos = reposOf(asked);
        if (repos.isEmpty()) {
          return decide(null, null, true, asked); // no name left: only noMatch decides
        }
        Expect worst = new Expect(0, true);
        for (String repo : repos) {
          Expect e = decide(repo, null, true, asked);
          if (e.code() != 0) {
            return e;
          }
          worst = e.releasable() ? worst : e;
        }
        return worst;
      }
      if (asked.contains("@")) {
        String repo = asked.substring(0, asked.indexOf('@'));
        String digest = asked.substring(asked.indexOf('@') + 1);
        if (!signers.containsKey(digest) || !reposOf(digest).contains(repo)) {
          return new Expect(1, false);
        }
        return expired ? new Expect(3, false) : decide(repo, null, true, digest);
      }
      String digest = tagToDigest.get(asked);
      if (digest == null) {
        return new Expect(1, false);
      }
      String repo = asked.substring(0, asked.lastIndexOf(':'));
      return expired ? new Expect(3, false) : decide(repo, asked.substring(asked.lastIndexOf(':') + 1), false, digest);
    }
  }

  static ModelPolicy randomPolicy(Random r) {
    List<ModelRule> rules = new ArrayList<>();
    int n = r.nextInt(4);
    Set<String> used = new TreeSet<>();
    for (int i = 0; i < n; i++) {
      String match = GLOBS[r.nextInt(GLOBS.length)];
      if (!used.add(match)) {
        continue;
      }
      List<String> from = new ArrayList<>();
      for (String s : SIGNERS) {
        if (r.nextBoolean()) {
          from.add(s);
        }
      }
      if (from.isEmpty()) {
        from.add(SIGNERS[r.nextInt(SIGNERS.length)]);
      }
      rules.add(new ModelRule(match, 1 + r.nextInt(from.size()), from));
    }
    String[] modes = {"enforce", "enforce", "enforce", "warn"};
    String[] noMatch = {"deny", "deny", "allow", "warn"};
    return new ModelPolicy(modes[r.nextInt(modes.length)], r.nextBoolean(), noMatch[r.nextInt(noMatch.length)], rules);
  }

  @Test
  void everyVerifyAgreesWithTheModelAndNothingIsReleasedThatVerifyDenies() throws Exception {
    int steps = 0;
    int verifies = 0;
    int exports = 0;
    int released = 0;
    for (int scenario = 0; scenario < SCENARIOS; scenario++) {
      long seed = 0x5eed0000L + scenario;
      Random r = new Random(seed);
      try (ApplianceLab l = new ApplianceLab(seed)) {
        l.tuf.expires("timestamp", EXPIRES);
        l.tuf.publish();
        Model m = new Model();
        m.policy = randomPolicy(r);
        int policies = 0;
        assertEquals(0, l.init(l.policy("p" + policies, m.policy.yaml(policies))).code());
        Map<String, Signer> byName = Map.of("vendor", l.vendor, "qa", l.qa, "dev", l.dev);
        int media = 0;
        List<String> asked = new ArrayList<>();
        for (int step = 0; step < STEPS; step++) {
          String ctx = "seed " + seed + " step " + step + " policy:\n" + m.policy.yaml(policies) + "\nstore " + m.tagToDigest
              + " signers " + m.signers + " now " + m.now;
          int op = step == 0 ? 0 : r.nextInt(10);
          if (op <= 1) { // import a medium with one or two images (tags may move)
            if (!m.now.isBefore(EXPIRES)) {
              continue;
            }
            ApplianceLab.MediumBuilder mb = l.medium("m" + media++);
            if (media == 1) {
              mb.withTuf();
            }
            int images = 1 + r.nextInt(2);
            for (int i = 0; i < images; i++) {
              List<String> refs = new ArrayList<>();
              int nrefs = 1 + r.nextInt(2);
              for (int k = 0; k < nrefs; k++) {
                String ref = REPOS[r.nextInt(REPOS.length)] + ":" + TAGS[r.nextInt(TAGS.length)];
                if (!refs.contains(ref)) {
                  refs.add(ref);
                }
              }
              List<ApplianceLab.Sig> sigs = new ArrayList<>();
              Set<String> who = new TreeSet<>();
              for (String s : SIGNERS) {
                if (r.nextInt(3) > 0) {
                  sigs.add(logged(byName.get(s)));
                  who.add(s);
                }
              }
              Descriptor d = mb.image("i" + i, (Descriptor) null, refs, sigs, List.of());
              String digest = d.digest().toString();
              m.signers.put(digest, who);
              refs.forEach(ref -> m.tagToDigest.put(ref, digest));
              asked.addAll(refs);
              asked.add(digest);
              for (String ref : refs) {
                asked.add(ref.substring(0, ref.lastIndexOf(':')) + "@" + digest);
              }
            }
            Run imp = l.run("--json", "import", mb.path().toString());
            assertEquals(0, imp.code(), ctx + "\n" + imp);
          } else if (op == 2) { // the hospital changes its policy
            m.policy = randomPolicy(r);
            policies++;
            assertEquals(0, l.run("policy", "set", l.policy("p" + policies, m.policy.yaml(policies)).toString()).code());
          } else if (op == 3) { // time passes (possibly past the TUF timestamp's expiry)
            m.now = m.now.plus(Duration.ofDays(r.nextInt(12)));
            l.at(m.now);
          } else if (op <= 6 && !asked.isEmpty()) { // verify, then export at the same moment
            String ref = asked.get(r.nextInt(asked.size()));
            Expect e = m.expect(ref);
            Run v = l.run("--json", "verify", ref);
            verifies++;
            assertEquals(e.code(), v.code(), "verify " + ref + "\n" + ctx + "\n" + v);
            Path out = l.dir.resolve("export-" + step + ".tar");
            Run x = l.run("--json", "export", ref, "-o", out.toString());
            exports++;
            if (x.code() == 0) {
              released++;
              assertEquals(0, v.code(), "export released what verify denied: " + ref + "\n" + ctx + "\n" + x);
              assertTrue(e.releasable(), "export released what the model does not release: " + ref + "\n" + ctx);
              assertTrue(Files.size(out) > 0);
            } else {
              assertFalse(Files.exists(out), "a refused export wrote " + out);
              assertFalse(e.releasable() && e.code() == 0, "export refused what the model releases: " + ref + "\n"
                  + ctx + "\n" + x);
            }
          } else { // images never shows admit for what the model does not admit now
            Run im = l.run("--json", "images");
            assertEquals(0, im.code(), im.toString());
            for (JsonNode img : im.json().path("images")) {
              for (JsonNode d : img.path("decisions")) {
                if ("admit".equals(d.path("decision").asText())) {
                  Expect e = m.expect(d.path("reference").asText());
                  assertEquals(0, e.code(), "images shows admit for " + d + "\n" + ctx);
                }
              }
            }
          }
          steps++;
        }
      }
    }
    System.out.printf("DecisionPropertyTest: %d scenarios, %d steps, %d verifies, %d exports (%d released)%n",
        SCENARIOS, steps, verifies, exports, released);
    assertTrue(verifies > SCENARIOS, "the generator must exercise verify");
    assertTrue(released > 0 && released < exports, "the generator must produce both releases and refusals");
  }
}
