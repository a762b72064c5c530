package dev.airlock.cli;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertFalse;

import org.junit.jupiter.api.Test;

/** The warm-up thread names only classes that exist here and that it can initialise. */
class WarmupTest {
  @Test
  void everyClassExistsAndInitialises() throws Exception {
    for (String c : Warmup.CLASSES) {
      assertDoesNotThrow(() -> Class.forName(c, true, Warmup.class.getClassLoader()), c);
    }
    Thread t = Warmup.start();
    t.join(60_000);
    assertFalse(t.isAlive(), "the warm-up thread ends");
  }
}
