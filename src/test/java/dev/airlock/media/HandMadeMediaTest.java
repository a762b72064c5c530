package dev.airlock.media;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.airlock.cli.Main;
import dev.airlock.core.AirlockException;
import dev.airlock.core.Home;
import dev.airlock.core.Limits;
import dev.airlock.core.Reason;
import dev.airlock.publish.RepoLab;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Media made by hand (DESIGN.md section 2): {@code tar -cf m.tar MEDIUM/} is read as MEDIUM, and a
 * medium in which airlock recognises nothing is refused with exit 3, never imported.
 */
class HandMadeMediaTest {
  static final Instant T0 = Instant.parse("2026-11-22T10:00:00Z");
  static final Path DEMO = Path.of("bundles", "demo").toAbsolutePath();

  @TempDir Path tmp;

  void tar(Path cwd, String archive, String... what) throws Exception {
    List<String> cmd = new java.util.ArrayList<>(List.of("tar", "-cf", archive));
    cmd.addAll(List.of(what));
    Process p = new ProcessBuilder(cmd).directory(cwd.toFile()).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes());
    assertEquals(0, p.waitFor(), out);
  }

  @Test
  void tarOfOneTopFolderIsReadAsThatFolder() throws Exception {
    Path src = tmp.resolve("src");
    copy(DEMO, src.resolve("MEDIUM"));
    tar(src, tmp.resolve("m.tar").toString(), "MEDIUM/");
    Home home = Home.at(tmp.resolve("home"));
    try (Medium m = Medium.open(tmp.resolve("m.tar"), home, Limits.defaults())) {
      assertTrue(m.tufDir().isPresent());
      assertEquals(3, m.checkpointFiles().size());
      assertEquals(5, m.images().size());
    }
    // the same as a folder medium holding only MEDIUM/
    try (Medium m = Medium.open(src, home, Limits.defaults())) {
      assertTrue(m.tufDir().isPresent());
      assertEquals(5, m.images().size());
    }
    // and a tar of one OCI layout folder is that image
    tar(src.resolve("MEDIUM/images"), tmp.resolve("seg.tar").toString(), "seg/");
    try (Medium m = Medium.open(tmp.resolve("seg.tar"), home, Limits.defaults())) {
      assertEquals(1, m.images().size());
    }
    // end to end: import takes the tar as the medium
    RepoLab.Run init = RepoLab.airlock(T0, "--home", tmp.resolve("h").toString(), "init", "--root",
        "trust-root/demo/root.json", "--policy", DEMO.resolve("policy.yaml").toString());
    assertEquals(0, init.code(), init.toString());
    RepoLab.Run imp = RepoLab.airlock(T0, "--home", tmp.resolve("h").toString(), "import", tmp.resolve("m.tar").toString());
    assertEquals(0, imp.code(), imp.toString());
  }

  @Test
  void mediumWithNothingRecognisedIsRefusedWithExit3() throws Exception {
    Home home = Home.at(tmp.resolve("home"));
    Path empty = Files.createDirectories(tmp.resolve("empty"));
    Path zero = Files.createFile(tmp.resolve("zero.tar"));
    Path junk = Files.createDirectories(tmp.resolve("junk"));
    Files.writeString(junk.resolve("README.txt"), "not a medium");
    Files.createDirectories(junk.resolve("photos"));
    for (Path p : List.of(empty, zero, junk)) {
      AirlockException e = assertThrows(AirlockException.class, () -> Medium.open(p, home, Limits.defaults()).close());
      assertEquals(AirlockException.Kind.CANNOT_DECIDE, e.kind(), p + ": " + e.getMessage());
      assertTrue(e.reason() == Reason.MEDIUM_UNREADABLE || e.reason() == Reason.MEDIUM_TRUNCATED, e.reason().name());
    }
    AirlockException e = assertThrows(AirlockException.class, () -> Medium.open(empty, home, Limits.defaults()));
    assertTrue(e.getMessage().contains("airlock recognises nothing on this medium"), e.getMessage());
    if (Files.isDirectory(home.staging())) {
      try (Stream<Path> s = Files.list(home.staging())) {
        assertEquals(0, s.count(), "no staging left behind");
      }
    }
    // through import: exit 3, and the refusal is audited, nothing imported
    Path h = tmp.resolve("h");
    assertEquals(0, RepoLab.airlock(T0, "--home", h.toString(), "init", "--root", "trust-root/demo/root.json").code());
    for (Path p : List.of(empty, zero)) {
      StringWriter out = new StringWriter();
      StringWriter err = new StringWriter();
      int code = Main.run(new String[] {"--home", h.toString(), "import", p.toString()}, Clock.fixed(T0, ZoneOffset.UTC),
          Map.of(), new PrintWriter(out, true), new PrintWriter(err, true));
      assertEquals(3, code, err.toString());
      assertTrue(err.toString().contains(p.toString()), err.toString());
    }
  }

  static void copy(Path from, Path to) throws Exception {
    try (Stream<Path> s = Files.walk(from)) {
      for (Path p : s.toList()) {
        Path t = to.resolve(from.relativize(p).toString());
        if (Files.isDirectory(p)) {
          Files.createDirectories(t);
        } else {
          Files.copy(p, t);
        }
      }
    }
  }
}
