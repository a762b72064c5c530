package dev.airlock.db;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;

import org.junit.jupiter.api.Test;

/** The warm-up names a class of the H2 this build bundles, and initialises it. */
class DatabaseWarmupTest {
  @Test
  void theFirstClassExistsAndInitialises() {
    assertDoesNotThrow(() -> Class.forName(DatabaseWarmup.FIRST, true, DatabaseWarmup.class.getClassLoader()));
    DatabaseWarmup.run();
  }
}
