package dev.airlock.media;

import dev.airlock.core.Home;
import dev.airlock.core.Limits;
import dev.airlock.core.Reason;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.stream.Stream;

/**
 * A medium opened for import (DESIGN.md section 2): a folder read in place, or a tar archive
 * (plain, gzip, zstd; detected by magic bytes) unpacked into {@code <home>/staging/<random>}.
 * Its parts are {@code tuf/}, {@code checkpoints/} and {@code images/}; a medium that is itself one
 * OCI layout or one image tarball is read as {@code images/} alone. Image tarballs inside
 * {@code images/} are unpacked into the same staging folder, under the same running limits.
 *
 * <p>Closing deletes the staging folder. A refused medium throws {@link MediumException} and
 * leaves nothing behind: the staging folder is deleted before the exception leaves {@link #open}.
 */
public final class Medium implements AutoCloseable {
  private final Path path;
  private final Path root;
  private final Path staging;
  private final List<ImageSource> images;

  private Medium(Path path, Path root, Path staging, List<ImageSource> images) {
    this.path = path;
    this.root = root;
    this.staging = staging;
    this.images = List.copyOf(images);
  }

  /**
   * Opens a medium.
   *
   * @throws MediumException refused (exit 1: hostile structure, limits) or unreadable (exit 3)
   */
  public static Medium open(Path medium, Home home, Limits limits) {
    Path staging = null;
    try {
      if (!Files.exists(medium, LinkOption.NOFOLLOW_LINKS)) {
        throw new MediumException(Reason.MEDIUM_UNREADABLE, medium + ": no such file or folder");
      }
      TarExtractor tar = new TarExtractor(limits);
      Path root;
      if (Files.isDirectory(medium)) {
        root = medium.toRealPath();
        checkFolder(root, medium.toString(), limits);
      } else if (Files.isRegularFile(medium)) {
        staging = newStaging(home);
        root = staging.resolve("medium");
        tar.extract(medium, root, medium.toString());
      } else {
        throw new MediumException(Reason.ARCHIVE_SPECIAL_FILE, medium + ": neither a folder nor a regular file");
      }
      root = singleFolder(root);
      // an archive medium is unpacked into staging: its files are airlock's own copies (linked
      // into the store, not copied again); a folder medium is read in place
      boolean unpacked = staging != null;
      List<ImageSource> images = new ArrayList<>();
      ImageSource.Format self = ImageSource.detect(root);
      if (self != null) {
        images.add(new ImageSource(medium.getFileName().toString(), null, root, self, unpacked));
      } else {
        Path imagesDir = root.resolve("images");
        if (Files.isDirectory(imagesDir, LinkOption.NOFOLLOW_LINKS)) {
          List<Path> children = new ArrayList<>();
          try (DirectoryStream<Path> ds = Files.newDirectoryStream(imagesDir)) {
            ds.forEach(children::add);
          }
          children.sort(Comparator.comparing(Path::toString));
          int n = 0;
          for (Path c : children) {
            String name = "images/" + c.getFileName();
            String base = stripExtensions(c.getFileName().toString());
            if (Files.isDirectory(c, LinkOption.NOFOLLOW_LINKS)) {
              ImageSource.Format f = ImageSource.detect(c);
              if (f != null) {
                images.add(new ImageSource(name, base, c, f, unpacked));
              }
            } else if (Files.isRegularFile(c, LinkOption.NOFOLLOW_LINKS) && TarExtractor.looksLikeArchive(c)) {
              if (staging == null) {
                staging = newStaging(home);
              }
              Path target = staging.resolve("nested").resolve(Integer.toString(n++));
              tar.extract(c, target, medium + "/" + name);
              ImageSource.Format f = ImageSource.detect(target);
              if (f == null) {
                throw new MediumException(Reason.LAYOUT_MALFORMED,
                    medium + "/" + name + ": neither an OCI layout nor a docker-archive");
              }
              images.add(new ImageSource(name, base, target, f, true));
            }
          }
        }
      }
      Medium m = new Medium(medium, root, staging, images);
      if (images.isEmpty() && m.tufDir().isEmpty() && m.checkpointFiles().isEmpty()) {
        // DESIGN.md section 2: a medium in which airlock recognises nothing (an empty folder, an
        // unmounted mount point, a 0-byte file) is refused with exit 3, never reported as imported
        throw new MediumException(Reason.MEDIUM_UNREADABLE, medium + ": airlock recognises nothing on this medium "
            + "(no tuf/, checkpoints/*.checkpoint|*.proof.json or image in images/, and it is not itself an OCI "
            + "layout or image archive); is it the right file, and is the stick mounted?");
      }
      return m;
    } catch (IOException e) {
      deleteQuietly(staging);
      throw new MediumException(Reason.MEDIUM_UNREADABLE, medium + ": " + e.getMessage(), e);
    } catch (RuntimeException e) {
      deleteQuietly(staging);
      throw e;
    }
  }

  /**
   * DESIGN.md section 2: a medium (folder or tar) whose only entry is one folder is read as that
   * folder ({@code tar -cf m.tar MEDIUM/}), unless the medium itself is already recognised.
   */
  private static Path singleFolder(Path root) throws IOException {
    if (ImageSource.detect(root) != null) {
      return root;
    }
    for (String part : List.of("tuf", "checkpoints", "images")) {
      if (Files.isDirectory(root.resolve(part), LinkOption.NOFOLLOW_LINKS)) {
        return root;
      }
    }
    List<Path> entries = new ArrayList<>();
    try (DirectoryStream<Path> ds = Files.newDirectoryStream(root)) {
      for (Path p : ds) {
        entries.add(p);
        if (entries.size() > 1) {
          return root;
        }
      }
    }
    if (entries.size() == 1 && Files.isDirectory(entries.get(0), LinkOption.NOFOLLOW_LINKS)) {
      return entries.get(0).toRealPath();
    }
    return root;
  }

  private static String stripExtensions(String n) {
    for (String ext : List.of(".tar.gz", ".tar.zst", ".tgz", ".tar")) {
      if (n.endsWith(ext)) {
        return n.substring(0, n.length() - ext.length());
      }
    }
    return n;
  }

  private static Path newStaging(Home home) throws IOException {
    Path s = home.staging().resolve(UUID.randomUUID().toString());
    Files.createDirectories(s);
    return s;
  }

  /** A folder medium: only files and folders, links only when they stay inside, bounded count. */
  private static void checkFolder(Path root, String label, Limits limits) throws IOException {
    long[] count = {0};
    Files.walkFileTree(root, new SimpleFileVisitor<>() {
      @Override
      public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) {
        return visit(dir, attrs);
      }

      @Override
      public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) {
        return visit(file, attrs);
      }

      private FileVisitResult visit(Path p, BasicFileAttributes attrs) {
        if (++count[0] > limits.maxEntries()) {
          throw new MediumException(Reason.LIMIT_ENTRIES, label + ": more than " + limits.maxEntries() + " entries");
        }
        String rel = root.relativize(p).toString();
        if (attrs.isSymbolicLink()) {
          try {
            Path target = p.toRealPath();
            if (!target.startsWith(root)) {
              throw new MediumException(Reason.ARCHIVE_LINK,
                  label + ": '" + rel + "' is a symbolic link leading out of the medium");
            }
          } catch (IOException e) {
            throw new MediumException(Reason.ARCHIVE_LINK, label + ": '" + rel + "' is a dangling symbolic link");
          }
          return FileVisitResult.CONTINUE;
        }
        if (attrs.isOther()) {
          throw new MediumException(Reason.ARCHIVE_SPECIAL_FILE,
              label + ": '" + rel + "' is a device, FIFO or socket");
        }
        return FileVisitResult.CONTINUE;
      }
    });
  }

  /**
   * Deletes staging folders left by imports that were killed (a crash skips {@link #close}). Call
   * it under the home's write lock, before opening a medium, so no running import loses its files.
   *
   * @return how many folders were removed
   */
  public static int sweepStaging(Home home) {
    Path s = home.staging();
    if (!Files.isDirectory(s, LinkOption.NOFOLLOW_LINKS)) {
      return 0;
    }
    int n = 0;
    try (DirectoryStream<Path> ds = Files.newDirectoryStream(s)) {
      for (Path p : ds) {
        deleteQuietly(p);
        n++;
      }
    } catch (IOException e) {
      throw new MediumException(Reason.MEDIUM_UNREADABLE, s + ": cannot clean the staging folder: " + e.getMessage(), e);
    }
    return n;
  }

  /** The path the medium was opened from. */
  public Path path() {
    return path;
  }

  /** The medium's top folder (in place, or unpacked in staging). */
  public Path root() {
    return root;
  }

  /** The TUF repository part, if present. */
  public Optional<Path> tufDir() {
    Path t = root.resolve("tuf");
    return Files.isDirectory(t, LinkOption.NOFOLLOW_LINKS) ? Optional.of(t) : Optional.empty();
  }

  /** {@code checkpoints/*.checkpoint} and {@code *.proof.json}, sorted by name. */
  public List<Path> checkpointFiles() {
    Path c = root.resolve("checkpoints");
    if (!Files.isDirectory(c, LinkOption.NOFOLLOW_LINKS)) {
      return List.of();
    }
    try (Stream<Path> s = Files.list(c)) {
      return s.filter(p -> Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS))
          .filter(p -> p.getFileName().toString().endsWith(".checkpoint")
              || p.getFileName().toString().endsWith(".proof.json"))
          .sorted().toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The image folders found, in name order. */
  public List<ImageSource> images() {
    return images;
  }

  @Override
  public void close() {
    deleteQuietly(staging);
  }

  static void deleteQuietly(Path dir) {
    if (dir == null || !Files.exists(dir, LinkOption.NOFOLLOW_LINKS)) {
      return;
    }
    try (Stream<Path> s = Files.walk(dir)) {
      s.sorted(Comparator.reverseOrder()).forEach(p -> {
        try {
          Files.deleteIfExists(p);
        } catch (IOException ignored) {
          // best effort; the staging root is swept by the next import
        }
      });
    } catch (IOException ignored) {
      // best effort
    }
  }
}
