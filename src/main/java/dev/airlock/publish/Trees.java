package dev.airlock.publish;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;

/** Folder copies, deletes and the rename swap the publisher writes with. */
final class Trees {
  private Trees() {}

  /** Copies regular files and folders (never links) from {@code from} into {@code to}. */
  static void copy(Path from, Path to) throws IOException {
    Files.walkFileTree(from, new SimpleFileVisitor<>() {
      @Override
      public FileVisitResult preVisitDirectory(Path d, BasicFileAttributes a) throws IOException {
        Files.createDirectories(to.resolve(from.relativize(d).toString()));
        return FileVisitResult.CONTINUE;
      }

      @Override
      public FileVisitResult visitFile(Path f, BasicFileAttributes a) throws IOException {
        if (a.isRegularFile()) {
          Files.copy(f, to.resolve(from.relativize(f).toString()), StandardCopyOption.COPY_ATTRIBUTES);
        }
        return FileVisitResult.CONTINUE;
      }
    });
  }

  static void delete(Path p) {
    if (p == null || !Files.exists(p, LinkOption.NOFOLLOW_LINKS)) {
      return;
    }
    try {
      Files.walkFileTree(p, new SimpleFileVisitor<>() {
        @Override
        public FileVisitResult visitFile(Path f, BasicFileAttributes a) throws IOException {
          Files.delete(f);
          return FileVisitResult.CONTINUE;
        }

        @Override
        public FileVisitResult postVisitDirectory(Path d, IOException e) throws IOException {
          Files.delete(d);
          return FileVisitResult.CONTINUE;
        }
      });
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static void deleteQuietly(Path p) {
    try {
      delete(p);
    } catch (UncheckedIOException e) {
      // a leftover temporary folder is harmless; its name says what it is
    }
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
