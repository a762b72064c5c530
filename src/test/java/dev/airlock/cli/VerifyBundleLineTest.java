package dev.airlock.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.lang.reflect.Field;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@link VerifyBundleLine} reads a command line only as picocli reads it: its option table is the
 * annotations', and every command line it accepts, among thousands generated around the plain form
 * and mutated, picocli accepts as a verify-bundle with the same value in every option field.
 */
class VerifyBundleLineTest {
  /** An argument file that exists: picocli reads "@FILE" as the arguments in it. */
  private static final String ARGFILE = argfile();
  private static final String[] VALUES = {ARGFILE, "a.json", "b", "sha256:" + "a".repeat(64), "", " ", "x=y", "-x", "--json",
      "@args", "verify-bundle", "verify", "import", "dir/", "a b", "--", "-", "é", "./c", "--bundle", "-h", "@"};
  private static final String[] EXTRA = {"--help", "-h", "--version", "-V", "--", "-", "--bundle=a.json",
      "--json=true", "--home=h", "--bundles", "--Bundle", "-json", "@args", "verify", "import", "--insecure-ignore-tlog=false",
      "--certificate-identity", "--key", "verify-bundle", "x"};

  private static String argfile() {
    try {
      java.nio.file.Path f = java.nio.file.Files.createTempFile("airlock-args", ".txt");
      java.nio.file.Files.writeString(f, "--json\n--key k.pem\n");
      f.toFile().deleteOnExit();
      return "@" + f;
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  /** Option name to "takes a value" for the @Option fields of the given classes. */
  private static Map<String, Boolean> annotated(Class<?>... classes) {
    Map<String, Boolean> out = new java.util.TreeMap<>();
    for (Class<?> c : classes) {
      for (Field f : c.getDeclaredFields()) {
        Option o = f.getAnnotation(Option.class);
        if (o != null) {
          for (String n : o.names()) {
            out.put(n, f.getType() != boolean.class);
          }
        }
      }
    }
    return out;
  }

  private static Map<String, Boolean> table(Set<String> values, Set<String> flags) {
    Map<String, Boolean> out = new java.util.TreeMap<>();
    values.forEach(v -> out.put(v, true));
    flags.forEach(f -> out.put(f, false));
    return out;
  }

  @Test
  void theOptionTableIsTheAnnotations() {
    assertEquals(annotated(Globals.class), table(VerifyBundleLine.GLOBAL_VALUES, VerifyBundleLine.GLOBAL_FLAGS));
    assertEquals(annotated(VerifyBundleCommand.class), table(VerifyBundleLine.VALUES, VerifyBundleLine.FLAGS));
    int positionals = 0;
    for (Field f : VerifyBundleCommand.class.getDeclaredFields()) {
      if (f.getAnnotation(Parameters.class) != null) {
        positionals++;
        assertEquals("artifact", f.getName());
      }
    }
    assertEquals(1, positionals, "one positional, the artifact");
  }

  @Test
  void thePlainFormIsRead() {
    VerifyBundleLine l = VerifyBundleLine.parse(new String[] {"--home", "h", "--json", "verify-bundle", "--bundle",
        "b.json", "--certificate-identity", "id", "--certificate-oidc-issuer", "iss", "--trusted-root", "r.json",
        "--quiet", "a.txt"});
    assertNotNull(l);
    assertEquals(java.nio.file.Path.of("h"), l.globals().home);
    assertTrue(l.globals().json && l.globals().quiet && !l.globals().debug);
    assertEquals(java.nio.file.Path.of("b.json"), l.command().bundle);
    assertEquals("a.txt", l.command().artifact);
    assertNull(VerifyBundleLine.parse(new String[] {"verify-bundle", "--help"}));
    assertNull(VerifyBundleLine.parse(new String[] {"verify-bundle", "--bundle=b.json", "a.txt"}));
    assertNull(VerifyBundleLine.parse(new String[] {"verify-bundle", "--bundle", "b", "--bundle", "b", "a.txt"}));
    assertNull(VerifyBundleLine.parse(new String[] {"verify", "--bundle", "b", "a.txt"}));
    assertNull(VerifyBundleLine.parse(new String[] {"verify-bundle", "--bundle", "b"}), "no artifact: picocli's usage error");
    assertNull(VerifyBundleLine.parse(new String[] {"verify-bundle", "a.txt"}), "no --bundle: picocli's usage error");
  }

  @Test
  void everyLineReadHereIsReadByPicocliToTheSameValues() throws Exception {
    Random r = new Random(20261207);
    int accepted = 0;
    int declined = 0;
    Set<String> shapes = new TreeSet<>();
    for (int n = 0; n < 12000; n++) {
      int mutations = n % 4 == 0 ? 0 : 1 + r.nextInt(3);
      List<String> line = plain(r, n % 8 == 0);
      for (int m = 0; m < mutations; m++) {
        mutate(r, line);
      }
      String[] args = line.toArray(String[]::new);
      VerifyBundleLine mine = VerifyBundleLine.parse(args);
      if (mine == null) {
        declined++;
        if (mutations == 0 && n % 8 == 0) {
          fail("the plain form with plain words was declined: " + line);
        }
        continue;
      }
      accepted++;
      shapes.add(mutations == 0 ? "plain" : "mutated");
      StringWriter sink = new StringWriter();
      CommandLine cl = Main.commandLine(Clock.systemUTC(), Map.of(), new PrintWriter(sink), new PrintWriter(sink),
          Main.named(args));
      CommandLine.ParseResult pr;
      try {
        pr = cl.parseArgs(args);
      } catch (CommandLine.ParameterException e) {
        throw new AssertionError("read here, refused by picocli (" + e.getMessage() + "): " + line, e);
      }
      assertTrue(pr.hasSubcommand(), line.toString());
      assertEquals(VerifyBundleLine.NAME, pr.subcommand().commandSpec().name(), line.toString());
      assertNull(pr.subcommand().subcommand(), line.toString());
      VerifyBundleCommand theirs = (VerifyBundleCommand) pr.subcommand().commandSpec().userObject();
      Globals theirGlobals = ((AirlockCommand) cl.getCommandSpec().userObject()).globals;
      same(Globals.class, theirGlobals, mine.globals(), line);
      same(VerifyBundleCommand.class, theirs, mine.command(), line);
    }
    assertTrue(accepted > 1500, "accepted " + accepted);
    assertTrue(declined > 500, "declined " + declined);
    assertEquals(Set.of("mutated", "plain"), shapes, "mutated lines were read too");
  }

  private static void same(Class<?> type, Object picocli, Object mine, List<String> line) throws Exception {
    for (Field f : type.getDeclaredFields()) {
      if (f.getAnnotation(Option.class) == null && f.getAnnotation(Parameters.class) == null) {
        continue;
      }
      f.setAccessible(true);
      assertTrue(Objects.equals(f.get(picocli), f.get(mine)),
          f.getName() + ": picocli " + f.get(picocli) + ", here " + f.get(mine) + " in " + line);
    }
  }

  /** A plain command line: globals, the name, options in any order, the artifact somewhere after. */
  private static List<String> plain(Random r, boolean plainWords) {
    List<String> before = new ArrayList<>();
    List<List<String>> after = new ArrayList<>();
    for (String g : new String[] {"--home", "--operator", "--reason"}) {
      if (r.nextInt(3) == 0) {
        (r.nextBoolean() ? before : flat(after)).addAll(List.of(g, word(r, plainWords)));
      }
    }
    for (String g : new String[] {"--json", "--quiet", "--debug"}) {
      if (r.nextInt(3) == 0) {
        if (r.nextBoolean()) {
          before.add(g);
        } else {
          after.add(List.of(g));
        }
      }
    }
    after.add(List.of("--bundle", word(r, plainWords)));
    for (String o : VerifyBundleLine.VALUES) {
      if (!o.equals("--bundle") && r.nextInt(3) == 0) {
        after.add(List.of(o, word(r, plainWords)));
      }
    }
    for (String o : VerifyBundleLine.FLAGS) {
      if (r.nextInt(3) == 0) {
        after.add(List.of(o));
      }
    }
    after.add(List.of(word(r, plainWords)));
    java.util.Collections.shuffle(after, r);
    List<String> line = new ArrayList<>(before);
    line.add("verify-bundle");
    after.forEach(line::addAll);
    return line;
  }

  private static List<String> flat(List<List<String>> groups) {
    List<String> g = new ArrayList<>();
    groups.add(g);
    return g;
  }

  private static String word(Random r, boolean plainWords) {
    return !plainWords && r.nextInt(3) == 0 ? VALUES[r.nextInt(VALUES.length)] : "w" + r.nextInt(5) + (r.nextBoolean() ? ".json" : "");
  }

  private static void mutate(Random r, List<String> line) {
    int i = line.isEmpty() ? 0 : r.nextInt(line.size());
    switch (r.nextInt(6)) {
      case 0 -> line.add(i, EXTRA[r.nextInt(EXTRA.length)]);
      case 1 -> {
        if (!line.isEmpty()) {
          line.remove(i);
        }
      }
      case 2 -> {
        if (!line.isEmpty()) {
          line.add(i, line.get(r.nextInt(line.size())));
        }
      }
      case 3 -> {
        if (line.size() > 1) {
          java.util.Collections.swap(line, i, r.nextInt(line.size()));
        }
      }
      case 4 -> {
        if (!line.isEmpty()) {
          line.set(i, VALUES[r.nextInt(VALUES.length)]);
        }
      }
      default -> line.add(i, word(r, false));
    }
  }
}
