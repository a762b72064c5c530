package dev.airlock.demo;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * {@code scripts/make-demo} still makes a demo that passes every check (so rebuilding the committed
 * demo is safe): run into a scratch root, with fresh demo keys and a fresh lab seed, its airlock
 * commands run from this build's classes (not scripts/airlock, whose jar is not built yet during
 * tests) and its lab step from the test classes.
 */
class DemoMediumGeneratorTest extends DemoChecks {
  @Override
  Path repo(Path scratch, Instant now) throws IOException {
    Path base = Path.of(System.getProperty("airlock.basedir", ".")).toAbsolutePath();
    String cp = base.resolve("target/classes") + ":" + Files.readString(base.resolve("target/classpath.txt")).strip();
    String labCp = base.resolve("target/test-classes") + ":" + cp;
    Files.createDirectories(scratch.resolve("bundles/demo"));
    Files.copy(base.resolve("bundles/demo/policy.yaml"), scratch.resolve("bundles/demo/policy.yaml"));
    Path log = scratch.resolve("make-demo.log");
    ProcessBuilder pb = new ProcessBuilder(List.of(base.resolve("scripts/make-demo").toString(), scratch.toString()))
        .redirectErrorStream(true).redirectOutput(log.toFile());
    pb.environment().put("AIRLOCK", "java -XX:TieredStopAtLevel=1 -XX:+UseSerialGC -Xshare:auto -cp " + cp
        + " dev.airlock.cli.Main");
    pb.environment().put("DEMO_LAB_CP", labCp);
    try {
      Process p = pb.start();
      if (!p.waitFor(5, TimeUnit.MINUTES)) {
        p.destroyForcibly();
        throw new AssertionError("make-demo did not finish in 5 minutes:\n" + Files.readString(log));
      }
      assertEquals(0, p.exitValue(), Files.readString(log));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException(e);
    }
    return scratch;
  }

  @Override
  boolean readmesNameTheRoot() {
    return false; // a scratch root has no READMEs
  }
}
