package dev.airlock.cli;

import dev.airlock.core.AirlockException;
import java.io.Console;
import java.io.IOException;
import java.io.InputStream;
import java.nio.CharBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import picocli.CommandLine.Option;

/**
 * Where a private key's password comes from: a file, an environment variable named by a flag, or
 * an interactive prompt. Never a plain argument: command lines are visible to every user of the
 * machine (ps, /proc) and end up in shell histories.
 */
final class PasswordOptions {
  @Option(names = "--password-file", paramLabel = "FILE",
      description = "Read the key's password from the first line of FILE.")
  Path passwordFile;

  @Option(names = "--password-env", paramLabel = "VAR",
      description = "Read the key's password from the environment variable VAR.")
  String passwordEnv;

  /**
   * The password as UTF-8 bytes.
   *
   * @param confirm ask twice at a prompt (a new key)
   * @throws AirlockException USAGE when both or neither source is usable
   */
  byte[] read(Map<String, String> env, String prompt, boolean confirm) {
    if (passwordFile != null && passwordEnv != null) {
      throw AirlockException.usage("give --password-file or --password-env, not both");
    }
    if (passwordFile != null) {
      try (InputStream in = Files.newInputStream(passwordFile)) {
        byte[] b = in.readNBytes(4097);
        if (b.length > 4096) {
          throw AirlockException.usage(passwordFile + ": a password file holds one line of at most 4096 bytes");
        }
        String s = new String(b, StandardCharsets.UTF_8);
        int nl = s.indexOf('\n');
        String line = nl < 0 ? s : s.substring(0, nl);
        if (line.endsWith("\r")) {
          line = line.substring(0, line.length() - 1);
        }
        Arrays.fill(b, (byte) 0);
        return line.getBytes(StandardCharsets.UTF_8);
      } catch (IOException e) {
        throw AirlockException.usage("cannot read --password-file " + passwordFile + ": " + e.getMessage());
      }
    }
    if (passwordEnv != null) {
      String v = env.get(passwordEnv);
      if (v == null) {
        throw AirlockException.usage("--password-env " + passwordEnv + ": the environment variable is not set");
      }
      return v.getBytes(StandardCharsets.UTF_8);
    }
    Console console = System.console();
    if (console == null) {
      throw AirlockException.usage("no terminal to ask for the password: use --password-file FILE or --password-env VAR");
    }
    char[] first = console.readPassword("%s", prompt);
    if (first == null) {
      throw AirlockException.usage("no password entered");
    }
    if (confirm) {
      char[] again = console.readPassword("%s", "Enter the password again: ");
      boolean same = again != null && Arrays.equals(first, again);
      if (again != null) {
        Arrays.fill(again, '\0');
      }
      if (!same) {
        Arrays.fill(first, '\0');
        throw AirlockException.usage("the passwords do not match");
      }
    }
    java.nio.ByteBuffer bb = StandardCharsets.UTF_8.encode(CharBuffer.wrap(first));
    byte[] out = new byte[bb.remaining()];
    bb.get(out);
    Arrays.fill(first, '\0');
    return out;
  }
}
