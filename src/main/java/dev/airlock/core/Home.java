package dev.airlock.core;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Objects;

/**
 * The layout of {@code AIRLOCK_HOME} (DESIGN.md section 3). Only paths: no I/O beyond existence
 * checks. The content store is exactly {@code blobs/sha256/<hex>} under the home.
 */
public final class Home {
  private final Path root;

  private Home(Path root) {
    this.root = root.toAbsolutePath().normalize();
  }

  public static Home at(Path root) {
    return new Home(Objects.requireNonNull(root));
  }

  public Path root() {
    return root;
  }

  /** H2 database path without the {@code .mv.db} suffix, as H2's URL wants it. */
  public Path databaseBase() {
    return root.resolve("airlock");
  }

  public Path databaseFile() {
    return root.resolve("airlock.mv.db");
  }

  public Path blobs() {
    return root.resolve("blobs");
  }

  public Path tuf() {
    return root.resolve("tuf");
  }

  public Path keys() {
    return root.resolve("keys");
  }

  /** Staging area for media being read; always inside the home, never on the medium. */
  public Path staging() {
    return root.resolve("staging");
  }

  /** Lock file serialising state-changing commands across processes. */
  public Path writeLock() {
    return root.resolve("write.lock");
  }

  public boolean isInitialised() {
    return Files.isRegularFile(databaseFile());
  }

  @Override
  public String toString() {
    return root.toString();
  }
}
