// Man pages (AsciiDoc, for asciidoctor -b manpage) and bash completion for the release, generated
// from airlock's own picocli model by picocli-codegen's ManPageGenerator and picocli's AutoComplete,
// so that they list exactly the options the shipped jar parses. Run by scripts/package as a
// single-file program (java -cp airlock.jar:picocli-codegen.jar ReleaseDocs.java MAN_DIR COMPLETION):
// not part of the application jar, which must not carry picocli-codegen.
import dev.airlock.cli.Main;
import java.io.File;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Map;
import picocli.AutoComplete;
import picocli.CommandLine;
import picocli.codegen.docgen.manpage.ManPageGenerator;

public class ReleaseDocs {
  public static void main(String[] args) throws Exception {
    if (args.length != 2) {
      System.err.println("usage: ReleaseDocs ADOC_DIR COMPLETION_FILE");
      System.exit(2);
    }
    PrintWriter sink = new PrintWriter(new StringWriter());
    // every subcommand (Main.commandLine without a selection), an empty environment: the pages
    // must not show this build machine's AIRLOCK_HOME or user as defaults
    CommandLine cl = Main.commandLine(Clock.systemUTC(), Map.of(), sink, sink);
    File adoc = new File(args[0]);
    adoc.mkdirs();
    // one page per command and subcommand (airlock.adoc, airlock-verify.adoc, ...)
    int rc = ManPageGenerator.generateManPage(adoc, null, new boolean[0], true, cl.getCommandSpec());
    if (rc != 0) {
      System.err.println("ManPageGenerator failed with exit " + rc);
      System.exit(1);
    }
    Path completion = Path.of(args[1]);
    Files.createDirectories(completion.getParent());
    Files.writeString(completion, AutoComplete.bash("airlock", cl), StandardCharsets.UTF_8);
  }
}
