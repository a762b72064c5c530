package dev.airlock.demo;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;

/**
 * The generator still makes a medium that passes every check (so regenerating the committed demo
 * is safe), from fresh random keys into a scratch folder.
 */
class DemoMediumGeneratorTest extends DemoChecks {
  @Override
  Path repo(Path scratch, Instant now) throws IOException {
    DemoMedium.generate(scratch, now);
    return scratch;
  }
}
