package dev.airlock.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.airlock.core.AirlockException;
import dev.airlock.publish.RepoService;
import dev.airlock.publish.RoleKey;
import dev.airlock.publish.RoleSigner;
import dev.airlock.publish.TufRepository;
import dev.airlock.trust.tuf.TufClient;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "repo", mixinStandardHelpOptions = true,
    description = {
      "Manage the hospital's TUF repository (DESIGN.md section 10): the static",
      "files 'airlock trust update DIR' and a medium's tuf/ folder read.",
      "Every change is verified with airlock's own TUF client before it replaces",
      "DIR: a repository the appliance would refuse is never written.",
      "Private keys (--key) are read only by commands that sign: PEM PKCS#8,",
      "plain or encrypted (--password-file, --password-env).",
      "Default expiry: root 365 days, targets 90 days, snapshot and timestamp",
      "35 days: long enough for a medium to be made, reviewed, carried into the",
      "air gap and imported in the next monthly maintenance window without the",
      "named --accept-expired-timestamp override; a replayed medium older than",
      "that is refused. Change them with 'repo init --expires ROLE=DURATION'."
    },
    subcommands = {RepoCommand.Init.class, RepoCommand.AddKey.class, RepoCommand.RemoveKey.class,
        RepoCommand.AddTrustedRoot.class, RepoCommand.ImportSigstore.class, RepoCommand.SetPolicy.class,
        RepoCommand.RotateRoot.class, RepoCommand.Publish.class, RepoCommand.Status.class})
final class RepoCommand implements Runnable {
  @picocli.CommandLine.Spec picocli.CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getErr());
  }

  /** The signing keys of one command. */
  static final class SigningOptions {
    @Option(names = "--key", paramLabel = "KEY.pem",
        description = "A private key that signs (repeat for thresholds; matched to role keys automatically).")
    List<Path> keys = new ArrayList<>();

    @Option(names = "--password-file", paramLabel = "FILE",
        description = "File whose first line is a password for encrypted keys (repeatable; each is tried).")
    List<Path> passwordFiles = new ArrayList<>();

    @Option(names = "--password-env", paramLabel = "VAR",
        description = "Environment variable holding a password for encrypted keys (repeatable).")
    List<String> passwordEnvs = new ArrayList<>();

    RoleSigner signer(Map<String, String> env) {
      return RoleSigner.ofFiles(keys, () -> {
        List<char[]> out = new ArrayList<>();
        for (Path f : passwordFiles) {
          try {
            String s = Files.readString(f, StandardCharsets.UTF_8);
            int nl = s.indexOf('\n');
            out.add((nl < 0 ? s : s.substring(0, nl)).replace("\r", "").toCharArray());
          } catch (IOException e) {
            throw AirlockException.usage(f + ": cannot read the password file: " + e.getMessage());
          }
        }
        for (String v : passwordEnvs) {
          String s = env.get(v);
          if (s == null) {
            throw AirlockException.usage("--password-env " + v + ": the variable is not set");
          }
          out.add(s.toCharArray());
        }
        return out;
      });
    }
  }

  /** Base of the subcommands: the repository folder and rendering of a change. */
  abstract static class RepoBase extends BaseCommand {
    @Parameters(index = "0", paramLabel = "DIR", description = "The repository folder.")
    Path dir;

    Instant now() {
      return systemClock().instant();
    }

    ExitCode render(TufRepository.Result r, String summary) {
      ObjectNode doc = JsonNodeFactory.instance.objectNode();
      doc.put("mediaType", "application/vnd.airlock.repo-change.v1+json");
      doc.put("action", r.action());
      doc.put("repository", dir.toAbsolutePath().normalize().toString());
      TufClient.State s = r.verified();
      ObjectNode v = doc.putObject("verified");
      v.put("root", s.rootVersion()).put("targets", s.targetsVersion()).put("snapshot", s.snapshotVersion())
          .put("timestamp", s.timestampVersion());
      ArrayNode w = doc.putArray("written");
      r.written().forEach(w::add);
      StringBuilder h = new StringBuilder(summary).append('\n');
      r.written().forEach(f -> h.append("  wrote ").append(f).append('\n'));
      h.append(String.format(java.util.Locale.ROOT, "verified with airlock's TUF client: root v%d (expires %s), targets v%d, snapshot v%d, "
              + "timestamp v%d (expires %s), %d target(s)%n", s.rootVersion(), s.rootExpires(), s.targetsVersion(),
          s.snapshotVersion(), s.timestampVersion(), s.timestampExpires(), s.targets().size()));
      emit(doc, h.toString());
      return ExitCode.OK;
    }
  }

  static Map<String, Duration> parseExpiry(List<String> specs) {
    Map<String, Duration> out = new LinkedHashMap<>();
    for (String s : specs) {
      int eq = s.indexOf('=');
      String role = eq < 0 ? "" : s.substring(0, eq);
      if (!TufRepository.ROLES.contains(role)) {
        throw AirlockException.usage("--expires " + s + ": expected ROLE=DURATION with ROLE one of "
            + TufRepository.ROLES);
      }
      out.put(role, duration(s.substring(eq + 1)));
    }
    return out;
  }

  /** {@code 30d}, {@code 12h}, {@code 8w}, or ISO-8601 ({@code P30D}). */
  static Duration duration(String s) {
    try {
      if (s.matches("[0-9]+[dhw]")) {
        long n = Long.parseLong(s.substring(0, s.length() - 1));
        return switch (s.charAt(s.length() - 1)) {
          case 'h' -> Duration.ofHours(n);
          case 'w' -> Duration.ofDays(7 * n);
          default -> Duration.ofDays(n);
        };
      }
      return Duration.parse(s);
    } catch (DateTimeParseException | ArithmeticException | NumberFormatException e) {
      throw AirlockException.usage("duration '" + s + "': use e.g. 35d, 12w, 48h or P35D");
    }
  }

  static List<RoleKey> roleKeys(List<Path> files) {
    List<RoleKey> out = new ArrayList<>();
    for (Path f : files) {
      out.add(RoleKey.read(f));
    }
    return out;
  }

  @Command(name = "init", mixinStandardHelpOptions = true,
      description = {
        "Create a TUF repository: root v1 signed by a threshold of the root keys,",
        "empty targets, snapshot and timestamp. Role keys are PEM public keys",
        "(Ed25519 or ECDSA P-256); --key gives the private keys that sign (at",
        "least each role's threshold)."
      })
  static final class Init extends RepoBase {
    @Option(names = "--root-key", paramLabel = "PUB", required = true, description = "A root public key (repeat).")
    List<Path> rootKeys;

    @Option(names = "--root-threshold", paramLabel = "N", description = "Root signatures needed (default 1).")
    int rootThreshold = 1;

    @Option(names = "--targets-key", paramLabel = "PUB", required = true, description = "A targets public key (repeat).")
    List<Path> targetsKeys;

    @Option(names = "--targets-threshold", paramLabel = "N", description = "Default 1.")
    int targetsThreshold = 1;

    @Option(names = "--snapshot-key", paramLabel = "PUB", required = true, description = "A snapshot public key (repeat).")
    List<Path> snapshotKeys;

    @Option(names = "--snapshot-threshold", paramLabel = "N", description = "Default 1.")
    int snapshotThreshold = 1;

    @Option(names = "--timestamp-key", paramLabel = "PUB", required = true,
        description = "A timestamp public key (repeat).")
    List<Path> timestampKeys;

    @Option(names = "--timestamp-threshold", paramLabel = "N", description = "Default 1.")
    int timestampThreshold = 1;

    @Option(names = "--expires", paramLabel = "ROLE=DURATION",
        description = "Expiry period of a role (e.g. root=730d, timestamp=14d); kept in DIR/airlock-repo.json. "
            + "Defaults: root=365d, targets=90d, snapshot=35d, timestamp=35d.")
    List<String> expires = new ArrayList<>();

    @Mixin SigningOptions signing;

    @Override
    protected ExitCode execute() {
      Map<String, TufRepository.RoleSpec> roles = new LinkedHashMap<>();
      roles.put("root", new TufRepository.RoleSpec(roleKeys(rootKeys), rootThreshold));
      roles.put("targets", new TufRepository.RoleSpec(roleKeys(targetsKeys), targetsThreshold));
      roles.put("snapshot", new TufRepository.RoleSpec(roleKeys(snapshotKeys), snapshotThreshold));
      roles.put("timestamp", new TufRepository.RoleSpec(roleKeys(timestampKeys), timestampThreshold));
      TufRepository.Result r = TufRepository.init(dir, roles, parseExpiry(expires),
          signing.signer(root().env()), now());
      return render(r, "initialised " + dir + "; pin " + dir.resolve("metadata/1.root.json")
          + " on the appliance with 'airlock init --root'");
    }
  }

  @Command(name = "add-key", mixinStandardHelpOptions = true,
      description = {
        "Publish a signer's public key as key authority keys/NAME.pub (policy:",
        "key: {tuf: keys/NAME.pub}) with its validity window in the target's",
        "custom metadata. Signs targets, snapshot and timestamp."
      })
  static final class AddKey extends RepoBase {
    @Parameters(index = "1", paramLabel = "NAME", description = "Authority name (letters, digits, . _ -).")
    String name;

    @Parameters(index = "2", paramLabel = "KEY.pub", description = "PEM public key.")
    Path pub;

    @Option(names = "--valid-from", paramLabel = "DATE", description = "ISO date (UTC start of day) or date-time.")
    String validFrom;

    @Option(names = "--valid-until", paramLabel = "DATE", description = "ISO date (UTC end of day) or date-time.")
    String validUntil;

    @Mixin SigningOptions signing;

    @Override
    protected ExitCode execute() {
      TufRepository.Result r = RepoService.addKey(TufRepository.open(dir), name, pub, validFrom, validUntil,
          signing.signer(root().env()), now());
      return render(r, "added key authority keys/" + name + ".pub"
          + (validFrom == null && validUntil == null ? " (no window)"
              : " valid " + (validFrom == null ? "-" : validFrom) + " .. " + (validUntil == null ? "-" : validUntil)));
    }
  }

  @Command(name = "remove-key", mixinStandardHelpOptions = true,
      description = "Withdraw key authority keys/NAME.pub. Signs targets, snapshot and timestamp.")
  static final class RemoveKey extends RepoBase {
    @Parameters(index = "1", paramLabel = "NAME")
    String name;

    @Mixin SigningOptions signing;

    @Override
    protected ExitCode execute() {
      return render(RepoService.removeKey(TufRepository.open(dir), name, signing.signer(root().env()), now()),
          "removed key authority keys/" + name + ".pub");
    }
  }

  @Command(name = "add-trusted-root", mixinStandardHelpOptions = true,
      description = "Publish a Sigstore trusted_root.json (e.g. of a private Sigstore) as target trusted_root.json "
          + "or INSTANCE/trusted_root.json.")
  static final class AddTrustedRoot extends RepoBase {
    @Parameters(index = "1", paramLabel = "FILE")
    Path file;

    @Option(names = "--name", paramLabel = "INSTANCE", description = "Publish as INSTANCE/trusted_root.json.")
    String instance;

    @Mixin SigningOptions signing;

    @Override
    protected ExitCode execute() {
      return render(RepoService.addTrustedRoot(TufRepository.open(dir), file, instance, signing.signer(root().env()),
          now()), "added " + (instance == null ? "" : instance + "/") + "trusted_root.json from " + file);
    }
  }

  @Command(name = "import-sigstore", mixinStandardHelpOptions = true,
      description = {
        "Verify a copy of an upstream Sigstore TUF repository (e.g. public-good's)",
        "with airlock's TUF client from --upstream-root, then republish its",
        "trusted_root.json signed by this repository's targets keys."
      })
  static final class ImportSigstore extends RepoBase {
    @Parameters(index = "1", paramLabel = "UPSTREAM_TUF_DIR")
    Path upstream;

    @Option(names = "--upstream-root", paramLabel = "ROOT.json", required = true,
        description = "The upstream root to verify from (trust-root/sigstore/root.json for public-good).")
    Path upstreamRoot;

    @Option(names = "--name", paramLabel = "INSTANCE", description = "Publish as INSTANCE/trusted_root.json.")
    String instance;

    @Option(names = "--accept-expired-timestamp",
        description = "Accept an expired upstream timestamp/snapshot (public Sigstore's lives 7 days); recorded in "
            + "the target's custom.airlock.")
    boolean acceptExpired;

    @Mixin SigningOptions signing;

    @Override
    protected ExitCode execute() {
      TufRepository.Result r = RepoService.importSigstore(TufRepository.open(dir), upstream, upstreamRoot, instance,
          acceptExpired, signing.signer(root().env()), now());
      return render(r, "imported " + (instance == null ? "" : instance + "/") + "trusted_root.json from " + upstream
          + " (verified from " + upstreamRoot + (acceptExpired ? ", expired timestamp accepted by name" : "") + ")");
    }
  }

  @Command(name = "set-policy", mixinStandardHelpOptions = true,
      description = "Publish the appliance policy as target policy/airlock.yaml (validated first).")
  static final class SetPolicy extends RepoBase {
    @Parameters(index = "1", paramLabel = "FILE")
    Path file;

    @Mixin SigningOptions signing;

    @Override
    protected ExitCode execute() {
      return render(RepoService.setPolicy(TufRepository.open(dir), file, signing.signer(root().env()), now()),
          "set policy/airlock.yaml from " + file);
    }
  }

  @Command(name = "rotate-root", mixinStandardHelpOptions = true,
      description = {
        "Sign root version N+1 with new role keys and thresholds: --key must hold",
        "a threshold of the old root keys and of the new. Roles whose keys change",
        "are re-signed with their new keys. Also renews the root's expiry."
      })
  static final class RotateRoot extends RepoBase {
    @Option(names = "--root-key", paramLabel = "PUB", description = "The new root keys (all of them; repeat).")
    List<Path> rootKeys = new ArrayList<>();

    @Option(names = "--root-threshold", paramLabel = "N")
    Integer rootThreshold;

    @Option(names = "--targets-key", paramLabel = "PUB")
    List<Path> targetsKeys = new ArrayList<>();

    @Option(names = "--targets-threshold", paramLabel = "N")
    Integer targetsThreshold;

    @Option(names = "--snapshot-key", paramLabel = "PUB")
    List<Path> snapshotKeys = new ArrayList<>();

    @Option(names = "--snapshot-threshold", paramLabel = "N")
    Integer snapshotThreshold;

    @Option(names = "--timestamp-key", paramLabel = "PUB")
    List<Path> timestampKeys = new ArrayList<>();

    @Option(names = "--timestamp-threshold", paramLabel = "N")
    Integer timestampThreshold;

    @Mixin SigningOptions signing;

    @Override
    protected ExitCode execute() {
      TufRepository repo = TufRepository.open(dir);
      Map<String, TufRepository.RoleSpec> changes = new LinkedHashMap<>();
      change(repo, changes, "root", rootKeys, rootThreshold);
      change(repo, changes, "targets", targetsKeys, targetsThreshold);
      change(repo, changes, "snapshot", snapshotKeys, snapshotThreshold);
      change(repo, changes, "timestamp", timestampKeys, timestampThreshold);
      TufRepository.Result r = repo.rotateRoot(changes, signing.signer(root().env()), now());
      return render(r, "rotated root to v" + r.verified().rootVersion()
          + (changes.isEmpty() ? " (same keys, new expiry)" : " (changed: " + String.join(", ", changes.keySet()) + ")"));
    }

    private static void change(TufRepository repo, Map<String, TufRepository.RoleSpec> changes, String role,
        List<Path> keys, Integer threshold) {
      if (keys.isEmpty() && threshold == null) {
        return;
      }
      List<RoleKey> k = keys.isEmpty() ? repo.keys(role) : roleKeys(keys);
      changes.put(role, new TufRepository.RoleSpec(k, threshold == null ? Math.min(repo.threshold(role), k.size())
          : threshold));
    }
  }

  @Command(name = "publish", mixinStandardHelpOptions = true,
      description = {
        "Re-sign snapshot and timestamp (version + 1, fresh expiry) before making",
        "a medium; with --targets also targets (renews its expiry). Refused when",
        "root or targets has expired."
      })
  static final class Publish extends RepoBase {
    @Option(names = "--targets", description = "Also re-sign targets (needs the targets keys).")
    boolean targets;

    @Mixin SigningOptions signing;

    @Override
    protected ExitCode execute() {
      TufRepository.Result r = TufRepository.open(dir).publish(signing.signer(root().env()), now(), targets);
      return render(r, "published " + dir);
    }
  }

  @Command(name = "status", mixinStandardHelpOptions = true,
      description = "Show role versions, expiry, keys and thresholds, and the targets.")
  static final class Status extends RepoBase {
    @Override
    protected ExitCode execute() {
      Instant now = now();
      ObjectNode doc = RepoService.status(TufRepository.open(dir), now);
      StringBuilder h = new StringBuilder();
      h.append("repository ").append(doc.path("repository").asText()).append('\n');
      h.append(String.format(java.util.Locale.ROOT, "%-10s %7s  %-20s %-9s %s%n", "ROLE", "VERSION", "EXPIRES", "THRESHOLD", "KEYS"));
      for (String r : TufRepository.ROLES) {
        JsonNode n = doc.path("roles").path(r);
        List<String> ids = new ArrayList<>();
        n.path("keys").forEach(k -> ids.add(k.path("keyid").asText().substring(0, 12) + " "
            + k.path("scheme").asText()));
        String exp = n.path("expires").asText() + (n.path("expired").asBoolean() ? " EXPIRED"
            : n.path("expiresInDays").asLong() < 8 ? " (in " + n.path("expiresInDays").asLong() + " days)" : "");
        h.append(String.format(java.util.Locale.ROOT, "%-10s %7d  %-20s %d of %-4d %s%n", r, n.path("version").asInt(), exp,
            n.path("threshold").asInt(), ids.size(), String.join(", ", ids)));
      }
      h.append(String.format(java.util.Locale.ROOT, "%n%-34s %-13s %8s  %-16s %s%n", "TARGET", "KIND", "BYTES", "SHA256", "WINDOW"));
      for (JsonNode t : doc.path("targets")) {
        String window = t.has("validFrom") || t.has("validUntil")
            ? t.path("validFrom").asText("-") + " .. " + t.path("validUntil").asText("-") : "";
        if (t.has("provenance")) {
          window = "from Sigstore TUF root v" + t.path("provenance").path("upstreamRootVersion").asInt()
              + ", timestamp v" + t.path("provenance").path("upstreamTimestampVersion").asInt();
        }
        h.append(String.format(java.util.Locale.ROOT, "%-34s %-13s %8d  %-16s %s%n", t.path("path").asText(), t.path("kind").asText(),
            t.path("length").asLong(), t.path("sha256").asText().substring(0, 16), window));
      }
      emit(doc, h.toString());
      return ExitCode.OK;
    }
  }
}
