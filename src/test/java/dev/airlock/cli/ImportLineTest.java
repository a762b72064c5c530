package dev.airlock.cli;

import static dev.airlock.testing.ApplianceLab.ONE_VENDOR_KEY;
import static dev.airlock.testing.ApplianceLab.logged;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.airlock.testing.ApplianceLab;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/**
 * {@code import} read by {@link PlainLine} (issue 17, the fixed cost of an import) runs exactly as
 * under picocli: each plain line, run both ways on the same home, exits with the same code and
 * prints the same output (re-imports, a what-if policy, a limit that refuses the medium, a usage
 * error, a missing medium).
 */
class ImportLineTest {
  @Test
  void thePlainReaderAndPicocliImportAlike() throws Exception {
    try (ApplianceLab l = new ApplianceLab()) {
      assertEquals(0, l.init(l.policy("lax", ONE_VENDOR_KEY)).code());
      ApplianceLab.MediumBuilder m = l.medium("m1").withTuf();
      m.image("good", List.of("vendor.example/app:1.0"), logged(l.vendor));
      m.image("unsigned", List.of("vendor.example/other:2.0"));
      String medium = m.path().toString();
      assertEquals(0, l.run("import", medium).code(), "first import: the lines below re-import");
      String whatIf = l.policy("strict", ONE_VENDOR_KEY.replace("name: lax", "name: strict")).toString();
      List<String[]> lines = List.of(
          new String[] {"import", medium},
          new String[] {"--json", "import", medium},
          new String[] {"import", "--policy", whatIf, medium},
          new String[] {"import", medium, "--max-entries", "3"},
          new String[] {"import", "--max-blob-bytes", "0", medium},
          new String[] {"import", "--check-layers", "--accept-expired-timestamp", medium},
          new String[] {"import", l.dir.resolve("no-such-medium").toString()});
      Set<Integer> codes = new TreeSet<>();
      for (String[] line : lines) {
        codes.add(BothWays.run(l, line));
      }
      assertEquals(Set.of(0, 1, 2, 3), codes, "imported, refused, usage and unreadable lines were compared");
    }
  }
}
