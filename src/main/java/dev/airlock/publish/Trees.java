package dev.airlock.publish;

import dev.airlock.core.FileTrees;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/** Folder copies, deletes and the rename swap the publisher writes with. */
final class Trees {
  private Trees() {}

  static void copy(Path from, Path to) throws IOException {
    FileTrees.copy(from, to);
  }

  static void delete(Path p) {
    FileTrees.delete(p);
  }

  static void deleteQuietly(Path p) {
    FileTrees.deleteQuietly(p);
  }

  /**
   * Puts {@code staged} in place of {@code live} with renames in the same parent folder: the old
   * folder is moved aside first and restored if the second rename fails. {@code live} may be absent
   * (or an empty folder).
   */
  static void swap(Path staged, Path live) throws IOException {
    if (Files.isDirectory(live, LinkOption.NOFOLLOW_LINKS)) {
      try (var s = Files.list(live)) {
        if (s.findAny().isEmpty()) {
          Files.delete(live);
        }
      }
    }
    if (!Files.exists(live, LinkOption.NOFOLLOW_LINKS)) {
      Files.move(staged, live, StandardCopyOption.ATOMIC_MOVE);
      return;
    }
    Path old = live.resolveSibling("." + live.getFileName() + ".old-" + Long.toHexString(System.nanoTime()));
    Files.move(live, old, StandardCopyOption.ATOMIC_MOVE);
    try {
      Files.move(staged, live, StandardCopyOption.ATOMIC_MOVE);
    } catch (IOException e) {
      Files.move(old, live, StandardCopyOption.ATOMIC_MOVE);
      throw e;
    }
    deleteQuietly(old);
  }
}
