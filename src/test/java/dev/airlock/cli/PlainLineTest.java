package dev.airlock.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.lang.reflect.Field;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@link PlainLine} reads a command line only as picocli reads it: each grammar's options are the
 * command's annotations (but for the few it leaves to picocli, named here), and every command line
 * it accepts, among thousands generated around each plain form and mutated, picocli accepts as the
 * same command with the same value in every option field (defaults included).
 */
class PlainLineTest {
  /** An argument file that exists: picocli reads "@FILE" as the arguments in it. */
  private static final String ARGFILE = argfile();
  private static final String[] VALUES = {ARGFILE, "a.json", "b", "sha256:" + "a".repeat(64), "", " ", "x=y", "-x",
      "--json", "@args", "verify-bundle", "verify", "import", "dir/", "a b", "--", "-", "é", "./c", "--bundle", "-h",
      "@", "-o", "json", "text"};
  /** Values for the options that take a number: plain decimals, and forms picocli reads its own way. */
  private static final String[] NUMBERS = {"0", "7", "4096", "010", "0x10", "0X1f", "#10", "-1", "+5", "1_000",
      "1e3", " 5", "5 ", "99999999999999999999", "9223372036854775807", "9223372036854775808", "", "x"};
  private static final String[] EXTRA = {"--help", "-h", "--version", "-V", "--", "-", "--bundle=a.json",
      "--json=true", "--home=h", "--bundles", "--Bundle", "-json", "@args", "verify", "import", "verify-bundle",
      "--insecure-ignore-tlog=false", "--certificate-identity", "--key", "x", "-ojson", "-o=text", "--offline",
      "--check-claims", "--check-claims=false", "--rekor-url", "-o", "--output", "verify-attestation"};

  /** Options each grammar leaves to picocli on purpose (an optional value; network flags are refused there). */
  private static final Map<String, Set<String>> LEFT_TO_PICOCLI = Map.of(
      "verify-bundle", Set.of(),
      "import", Set.of(),
      "verify", Set.of("--offline", "--check-claims", "--rekor-url", "--fulcio-url", "--ct-log-url",
          "--timestamp-server-url", "--tuf-mirror", "--oidc-issuer", "--registry-username", "--registry-password",
          "--registry-token"));

  static List<PlainLine.Grammar<? extends BaseCommand>> grammars() {
    return PlainLine.GRAMMARS;
  }

  private static String argfile() {
    try {
      Path f = java.nio.file.Files.createTempFile("airlock-args", ".txt");
      java.nio.file.Files.writeString(f, "--json\n--key k.pem\n");
      f.toFile().deleteOnExit();
      return "@" + f;
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  /** A command's option fields, with the mixins' (path "cosign.key"), from the class up to BaseCommand. */
  private static Map<String, Field[]> optionFields(Class<?> type) {
    Map<String, Field[]> out = new TreeMap<>();
    for (Class<?> c = type; c != null && c != Object.class; c = c.getSuperclass()) {
      for (Field f : c.getDeclaredFields()) {
        f.setAccessible(true);
        if (f.getAnnotation(Option.class) != null || f.getAnnotation(Parameters.class) != null) {
          out.put(f.getName(), new Field[] {f});
        } else if (f.getAnnotation(Mixin.class) != null) {
          for (Map.Entry<String, Field[]> e : optionFields(f.getType()).entrySet()) {
            Field[] path = new Field[e.getValue().length + 1];
            path[0] = f;
            System.arraycopy(e.getValue(), 0, path, 1, e.getValue().length);
            out.put(f.getName() + "." + e.getKey(), path);
          }
        }
      }
    }
    return out;
  }

  private static Object read(Object o, Field[] path) throws IllegalAccessException {
    for (Field f : path) {
      o = o == null ? null : f.get(o);
    }
    return o;
  }

  /** Option name to "takes a value", from the annotations of a command and its mixins. */
  private static Map<String, Boolean> annotated(Class<?> type) {
    Map<String, Boolean> out = new TreeMap<>();
    for (Field[] path : optionFields(type).values()) {
      Field f = path[path.length - 1];
      Option o = f.getAnnotation(Option.class);
      if (o != null) {
        for (String n : o.names()) {
          out.put(n, f.getType() != boolean.class);
        }
      }
    }
    return out;
  }

  private static Map<String, Boolean> table(Set<String> values, Set<String> flags) {
    Map<String, Boolean> out = new TreeMap<>();
    values.forEach(v -> out.put(v, true));
    flags.forEach(f -> out.put(f, false));
    return out;
  }

  @Test
  void theGlobalOptionsAreTheAnnotations() {
    assertEquals(annotated(Globals.class), table(PlainLine.GLOBAL_VALUES.keySet(), PlainLine.GLOBAL_FLAGS.keySet()));
  }

  @ParameterizedTest
  @MethodSource("grammars")
  void eachGrammarsOptionsAreTheAnnotations(PlainLine.Grammar<? extends BaseCommand> g) {
    Class<?> type = g.create().get().getClass();
    assertEquals(g.name(), type.getAnnotation(CommandLine.Command.class).name());
    Map<String, Boolean> expected = annotated(type);
    expected.keySet().removeAll(LEFT_TO_PICOCLI.get(g.name()));
    assertEquals(expected, table(g.values().keySet(), g.flags().keySet()));
    long positionals = optionFields(type).values().stream()
        .filter(p -> p[p.length - 1].getAnnotation(Parameters.class) != null).count();
    assertEquals(1, positionals, "one positional field");
  }

  @Test
  void thePlainFormsAreRead() {
    PlainLine l = PlainLine.parse(new String[] {"--home", "h", "--json", "verify-bundle", "--bundle",
        "b.json", "--certificate-identity", "id", "--certificate-oidc-issuer", "iss", "--trusted-root", "r.json",
        "--quiet", "a.txt"});
    assertNotNull(l);
    assertEquals(Path.of("h"), l.globals().home);
    assertTrue(l.globals().json && l.globals().quiet && !l.globals().debug);
    assertEquals(Path.of("b.json"), ((VerifyBundleCommand) l.command()).bundle);
    assertEquals("a.txt", ((VerifyBundleCommand) l.command()).artifact);
    PlainLine v = PlainLine.parse(new String[] {"verify", "-o", "text", "reg/a:1", "sha256:" + "b".repeat(64)});
    assertNotNull(v);
    assertEquals(List.of("reg/a:1", "sha256:" + "b".repeat(64)), ((VerifyCommand) v.command()).images);
    assertEquals("text", ((VerifyCommand) v.command()).output);
    assertNull(PlainLine.parse(new String[] {"verify-bundle", "--help"}));
    assertNull(PlainLine.parse(new String[] {"verify-bundle", "--bundle=b.json", "a.txt"}));
    assertNull(PlainLine.parse(new String[] {"verify-bundle", "--bundle", "b", "--bundle", "b", "a.txt"}));
    assertNull(PlainLine.parse(new String[] {"verify", "-o", "json", "--output", "text", "a"}), "an alias twice");
    assertNull(PlainLine.parse(new String[] {"verify", "--offline", "a"}), "an optional value: picocli's");
    assertNull(PlainLine.parse(new String[] {"verify-attestation", "a"}), "not a plain command");
    assertNull(PlainLine.parse(new String[] {"verify-bundle", "--bundle", "b"}), "no artifact: picocli's usage error");
    assertNull(PlainLine.parse(new String[] {"verify-bundle", "a.txt"}), "no --bundle: picocli's usage error");
    assertNull(PlainLine.parse(new String[] {"verify"}), "no image: picocli's usage error");
    PlainLine i = PlainLine.parse(new String[] {"--home", "h", "import", "--max-entries", "500", "m1", "m2.tar"});
    assertNotNull(i);
    assertEquals(List.of(Path.of("m1"), Path.of("m2.tar")), ((ImportCommand) i.command()).media);
    assertEquals(500L, ((ImportCommand) i.command()).maxEntries);
    assertNull(PlainLine.parse(new String[] {"import", "--max-entries", "010", "m"}), "picocli's number forms");
    assertNull(PlainLine.parse(new String[] {"import", "--max-entries", "x", "m"}), "picocli's usage error");
    assertNull(PlainLine.parse(new String[] {"import"}), "no medium: picocli's usage error");
  }

  @ParameterizedTest
  @MethodSource("grammars")
  <C extends BaseCommand> void everyLineReadHereIsReadByPicocliToTheSameValues(PlainLine.Grammar<C> g)
      throws Exception {
    Random r = new Random(20261207L + g.name().hashCode());
    int accepted = 0;
    int declined = 0;
    Set<String> shapes = new TreeSet<>();
    Map<String, Field[]> fields = optionFields(g.create().get().getClass());
    Map<String, Field[]> globalFields = optionFields(Globals.class);
    for (int n = 0; n < 8000; n++) {
      int mutations = n % 4 == 0 ? 0 : 1 + r.nextInt(3);
      List<String> line = plain(r, g, n % 8 == 0);
      for (int m = 0; m < mutations; m++) {
        mutate(r, g, line);
      }
      String[] args = line.toArray(String[]::new);
      PlainLine mine = PlainLine.parse(args);
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
      Object theirs = pr.subcommand().commandSpec().userObject();
      assertEquals(mine.command().getClass(), theirs.getClass(), line.toString());
      assertNull(pr.subcommand().subcommand(), line.toString());
      Globals theirGlobals = ((AirlockCommand) cl.getCommandSpec().userObject()).globals;
      same(globalFields, theirGlobals, mine.globals(), line);
      same(fields, theirs, mine.command(), line);
    }
    assertTrue(accepted > 1000, "accepted " + accepted);
    assertTrue(declined > 500, "declined " + declined);
    assertEquals(Set.of("mutated", "plain"), shapes, "mutated lines were read too");
  }

  private static void same(Map<String, Field[]> fields, Object picocli, Object mine, List<String> line)
      throws Exception {
    for (Map.Entry<String, Field[]> e : fields.entrySet()) {
      Object a = read(picocli, e.getValue());
      Object b = read(mine, e.getValue());
      assertTrue(Objects.equals(a, b), e.getKey() + ": picocli " + a + ", here " + b + " in " + line);
    }
  }

  /** A plain command line: globals, the name, options in any order, the positionals after the name. */
  private static List<String> plain(Random r, PlainLine.Grammar<?> g, boolean plainWords) {
    List<String> before = new ArrayList<>();
    List<List<String>> after = new ArrayList<>();
    for (String o : PlainLine.GLOBAL_VALUES.keySet()) {
      if (r.nextInt(3) == 0) {
        List<String> pair = List.of(o, word(r, plainWords));
        if (r.nextBoolean()) {
          before.addAll(pair);
        } else {
          after.add(pair);
        }
      }
    }
    for (String o : PlainLine.GLOBAL_FLAGS.keySet()) {
      if (r.nextInt(3) == 0) {
        if (r.nextBoolean()) {
          before.add(o);
        } else {
          after.add(List.of(o));
        }
      }
    }
    Set<String> used = new java.util.HashSet<>();
    Set<String> numeric = numericOptions(g.create().get().getClass());
    for (String o : new TreeSet<>(g.values().keySet())) {
      String canonical = g.canonical().getOrDefault(o, o);
      boolean required = o.equals("--bundle");
      if ((required || r.nextInt(3) == 0) && used.add(canonical)) {
        after.add(List.of(o, numeric.contains(o) ? number(r, plainWords) : word(r, plainWords)));
      }
    }
    for (String o : new TreeSet<>(g.flags().keySet())) {
      if (r.nextInt(3) == 0) {
        after.add(List.of(o));
      }
    }
    int positionals = g.severalPositionals() ? 1 + r.nextInt(3) : 1;
    for (int i = 0; i < positionals; i++) {
      after.add(List.of(word(r, plainWords)));
    }
    Collections.shuffle(after, r);
    List<String> line = new ArrayList<>(before);
    line.add(g.name());
    after.forEach(line::addAll);
    return line;
  }

  private static String number(Random r, boolean plainWords) {
    return plainWords || r.nextBoolean() ? Integer.toString(1 + r.nextInt(100_000)) : NUMBERS[r.nextInt(NUMBERS.length)];
  }

  /** The options whose field is a number. */
  private static Set<String> numericOptions(Class<?> type) {
    Set<String> out = new TreeSet<>();
    for (Field[] path : optionFields(type).values()) {
      Field f = path[path.length - 1];
      Option o = f.getAnnotation(Option.class);
      if (o != null && (f.getType() == Long.class || f.getType() == long.class || f.getType() == Integer.class
          || f.getType() == int.class)) {
        out.addAll(List.of(o.names()));
      }
    }
    return out;
  }

  private static String word(Random r, boolean plainWords) {
    return !plainWords && r.nextInt(3) == 0 ? VALUES[r.nextInt(VALUES.length)]
        : "w" + r.nextInt(5) + (r.nextBoolean() ? ".json" : "");
  }

  private static void mutate(Random r, PlainLine.Grammar<?> g, List<String> line) {
    int i = line.isEmpty() ? 0 : r.nextInt(line.size());
    switch (r.nextInt(7)) {
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
          Collections.swap(line, i, r.nextInt(line.size()));
        }
      }
      case 4 -> {
        if (!line.isEmpty()) {
          line.set(i, r.nextInt(4) == 0 ? NUMBERS[r.nextInt(NUMBERS.length)] : VALUES[r.nextInt(VALUES.length)]);
        }
      }
      case 5 -> {
        List<String> names = new ArrayList<>(g.values().keySet());
        line.add(i, names.get(r.nextInt(names.size())));
      }
      default -> line.add(i, word(r, false));
    }
  }
}
