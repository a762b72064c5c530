package dev.airlock.publish;

import dev.airlock.cli.Main;
import dev.airlock.crypto.Keys;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Key files and in-process command runs for the publisher tests. */
public final class RepoLab {
  private RepoLab() {}

  /** A command's exit code and output. */
  public record Run(int code, String out, String err) {
    @Override
    public String toString() {
      return "exit " + code + "\nstdout:\n" + out + "\nstderr:\n" + err;
    }
  }

  /** Runs {@code airlock ARGS} at {@code now}. */
  public static Run airlock(Instant now, Map<String, String> env, String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int code = Main.run(args, Clock.fixed(now, ZoneOffset.UTC), env, new PrintWriter(out, true),
        new PrintWriter(err, true));
    return new Run(code, out.toString(), err.toString());
  }

  public static Run airlock(Instant now, String... args) {
    return airlock(now, Map.of("HOSTNAME", "lab"), args);
  }

  /** A key pair written as NAME.pem (PKCS#8) and NAME.pub (SPKI) in {@code dir}. */
  public static Path[] keyFiles(Path dir, String name, boolean ecdsa) {
    KeyPair p = ecdsa ? Keys.generateEc("secp256r1") : Keys.generateEd25519();
    try {
      Files.createDirectories(dir);
      Path priv = dir.resolve(name + ".pem");
      Path pub = dir.resolve(name + ".pub");
      Files.writeString(priv, Keys.toPem(p.getPrivate()), StandardCharsets.US_ASCII);
      Files.writeString(pub, Keys.toPem(p.getPublic()), StandardCharsets.US_ASCII);
      return new Path[] {priv, pub};
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** {@code repo init} arguments: 2-of-3 root (ECDSA), Ed25519 targets, one online key for snapshot+timestamp. */
  public static List<String> initArgs(Path keys, Path repo) {
    List<String> a = new ArrayList<>(List.of("repo", "init", repo.toString()));
    for (int i = 1; i <= 3; i++) {
      Path[] k = keyFiles(keys, "root" + i, true);
      a.addAll(List.of("--root-key", k[1].toString()));
      if (i <= 2) {
        a.addAll(List.of("--key", k[0].toString()));
      }
    }
    a.addAll(List.of("--root-threshold", "2"));
    Path[] t = keyFiles(keys, "targets", false);
    Path[] o = keyFiles(keys, "online", false);
    a.addAll(List.of("--targets-key", t[1].toString(), "--snapshot-key", o[1].toString(),
        "--timestamp-key", o[1].toString(), "--key", t[0].toString(), "--key", o[0].toString()));
    return a;
  }

  /** {@code --key} arguments for targets, snapshot and timestamp signing. */
  public static List<String> contentKeys(Path keys) {
    return List.of("--key", keys.resolve("targets.pem").toString(), "--key", keys.resolve("online.pem").toString());
  }

  public static String[] args(List<String> base, String... more) {
    List<String> a = new ArrayList<>(base);
    a.addAll(List.of(more));
    return a.toArray(new String[0]);
  }
}
