package dev.airlock.cli;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.airlock.appliance.PolicyChoice;
import dev.airlock.core.AirlockException;
import dev.airlock.core.Reason;
import dev.airlock.core.json.AuditDetail;
import dev.airlock.policy.MercureConverter;
import dev.airlock.policy.Policy;
import dev.airlock.policy.PolicyParser;
import dev.airlock.policy.PolicyStore;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "policy", mixinStandardHelpOptions = true,
    description = "Install, show or convert the admission policy.",
    subcommands = {PolicyCommand.Set.class, PolicyCommand.Show.class, PolicyCommand.FromMercure.class})
final class PolicyCommand implements Runnable {
  @picocli.CommandLine.Spec picocli.CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getErr());
  }

  @Command(name = "set", mixinStandardHelpOptions = true,
      description = "Install a policy file (shows the difference to the current one). Audited.")
  static final class Set extends BaseCommand {
    @Parameters(paramLabel = "FILE", description = "Policy YAML (apiVersion airlock/v1, kind Policy).")
    Path file;

    @Override
    protected ExitCode execute() {
      byte[] bytes = PolicyChoice.read(file);
      Path dir = file.toAbsolutePath().normalize().getParent();
      Policy p = PolicyParser.parse(bytes, file.toString(), dir, PolicyChoice.digest(bytes));
      dev.airlock.appliance.PolicyService.Set set = dev.airlock.appliance.PolicyService.set(home(), p, bytes, dir,
          auditContext(), (before, now) -> new AuditDetail.PolicySet(file.toAbsolutePath().normalize().toString(),
              p.name(), p.digest(), before.map(PolicyStore.Installed::name).orElse(null),
              before.map(PolicyStore.Installed::digest).orElse(null),
              diff(before.map(b -> new String(b.bytes(), StandardCharsets.UTF_8)).orElse(""),
                  new String(bytes, StandardCharsets.UTF_8))));
      clockBehindNote(set.time());
      String diff = set.document().set().diff();
      emit(set.document(), "Installed policy '" + p.name() + "' " + p.digest() + "\n"
          + (diff.isEmpty() ? "(no previous policy)\n" : diff));
      return ExitCode.OK;
    }
  }

  @Command(name = "show", mixinStandardHelpOptions = true, description = "Show the installed policy.")
  static final class Show extends BaseCommand {
    @Override
    protected ExitCode execute() {
      PolicyStore.Installed p = dev.airlock.appliance.StateViews.installedPolicy(home()).orElseThrow(() ->
          AirlockException.cannotDecide(Reason.POLICY_NOT_INSTALLED,
              "no policy is installed; run 'airlock policy set FILE'"));
      ObjectNode d = JsonNodeFactory.instance.objectNode();
      d.put("mediaType", "application/vnd.airlock.policy.v1+json");
      d.put("name", p.name());
      d.put("digest", p.digest());
      d.put("source", p.source());
      d.put("installedAt", p.installedAt().toString());
      String text = new String(p.bytes(), StandardCharsets.UTF_8);
      d.put("policy", text);
      emit(d, "# policy '" + p.name() + "' " + p.digest() + ", installed by " + p.source() + " at "
          + p.installedAt() + "\n" + text);
      return ExitCode.OK;
    }
  }

  @Command(name = "from-mercure", mixinStandardHelpOptions = true,
      description = "Write the airlock policy equivalent to mercure's module signature settings.")
  static final class FromMercure extends BaseCommand {
    @Parameters(paramLabel = "CONFIG.json", description = "mercure's configuration file.")
    Path config;

    @Option(names = "--module", paramLabel = "NAME", description = "Only this module.")
    String module;

    @Override
    protected ExitCode execute() {
      byte[] bytes = PolicyChoice.read(config);
      String yaml = MercureConverter.convert(bytes, config.toString(), module);
      // the output must be a valid policy: parse it before printing
      PolicyParser.parse(yaml.getBytes(StandardCharsets.UTF_8), "converted policy", null,
          PolicyChoice.digest(yaml.getBytes(StandardCharsets.UTF_8)));
      ObjectNode d = JsonNodeFactory.instance.objectNode();
      d.put("mediaType", "application/vnd.airlock.policy.v1+json");
      d.put("policy", yaml);
      emit(d, yaml);
      return ExitCode.OK;
    }
  }

  /** A line diff (longest common subsequence), "-" removed, "+" added; empty when equal. */
  static String diff(String before, String after) {
    if (before.equals(after)) {
      return before.isEmpty() ? "" : "(unchanged)\n";
    }
    String[] a = before.isEmpty() ? new String[0] : before.split("\n", -1);
    String[] b = after.split("\n", -1);
    if ((long) a.length * b.length > 4_000_000L) {
      return "(policies differ; too large to show a diff)\n";
    }
    int[][] lcs = new int[a.length + 1][b.length + 1];
    for (int i = a.length - 1; i >= 0; i--) {
      for (int j = b.length - 1; j >= 0; j--) {
        lcs[i][j] = a[i].equals(b[j]) ? lcs[i + 1][j + 1] + 1 : Math.max(lcs[i + 1][j], lcs[i][j + 1]);
      }
    }
    List<String> out = new ArrayList<>();
    int i = 0;
    int j = 0;
    while (i < a.length || j < b.length) {
      if (i < a.length && j < b.length && a[i].equals(b[j])) {
        i++;
        j++;
      } else if (j < b.length && (i == a.length || lcs[i][j + 1] >= lcs[i + 1][j])) {
        out.add("+ " + b[j++]);
      } else {
        out.add("- " + a[i++]);
      }
    }
    return String.join("\n", out) + "\n";
  }
}
