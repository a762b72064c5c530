package dev.airlock.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * {@link Main} registers only the subcommands a command line names (a cold-start saving); the
 * command picocli runs must always be among them, and help and mistakes must still see them all.
 */
class LazySubcommandsTest {
  @Test
  void registersTheNamedSubcommandOnly() {
    assertEquals(Set.of("verify-bundle"),
        Main.named(new String[] {"--home", "/h", "verify-bundle", "--bundle", "b.json", "a.txt"}));
  }

  @Test
  void everyNameInTheArgumentsIsRegistered() {
    assertEquals(Set.of("import", "verify"), Main.named(new String[] {"--operator", "import", "verify", "img"}));
  }

  /** The lazy command line behaves exactly as the one with every subcommand, odd inputs included. */
  @Test
  void sameOutcomeAsWithEverySubcommand() {
    for (String[] args : List.of(new String[] {"--operator", "import", "verify", "--help"},
        new String[] {"verify", "--help"}, new String[] {"verify-bundle"}, new String[] {"audit", "verfy"},
        new String[] {"--json", "images", "--bogus"}, new String[] {"trust"})) {
      java.io.StringWriter o1 = new java.io.StringWriter();
      java.io.StringWriter e1 = new java.io.StringWriter();
      int lazy = Main.run(args, CliContractTest.CLOCK, java.util.Map.of(), new java.io.PrintWriter(o1, true),
          new java.io.PrintWriter(e1, true));
      java.io.StringWriter o2 = new java.io.StringWriter();
      java.io.StringWriter e2 = new java.io.StringWriter();
      int full = Main.commandLine(CliContractTest.CLOCK, java.util.Map.of(), new java.io.PrintWriter(o2, true),
          new java.io.PrintWriter(e2, true)).execute(args);
      String what = String.join(" ", args);
      assertEquals(full, lazy, what);
      assertEquals(o2.toString(), o1.toString(), what);
      assertEquals(e2.toString(), e1.toString(), what);
    }
  }

  @Test
  void helpAndUnknownCommandsSeeEverySubcommand() {
    assertEquals(Main.SUBCOMMANDS.keySet(), Main.named(new String[] {"--help"}));
    assertEquals(Main.SUBCOMMANDS.keySet(), Main.named(new String[] {"verfy"}));
    CliContractTest.Run help = CliContractTest.run("--help");
    for (String name : Main.SUBCOMMANDS.keySet()) {
      assertTrue(help.out().contains("  " + name + " "), "root help lists " + name + ":\n" + help.out());
    }
    CliContractTest.Run typo = CliContractTest.run("verfy");
    assertEquals(ExitCode.USAGE.code(), typo.code());
    assertTrue(typo.err().contains("verify"), "suggests the right name: " + typo.err());
  }

  @Test
  void theSubcommandListMatchesDesign() {
    assertEquals(List.of("init", "import", "trust", "checkpoint", "policy", "images", "verify", "verify-attestation",
        "verify-bundle", "export", "audit", "serve", "keygen", "sign", "repo", "pack", "medium", "store"),
        List.copyOf(Main.SUBCOMMANDS.keySet()));
  }
}
