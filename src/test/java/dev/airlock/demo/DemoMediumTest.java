package dev.airlock.demo;

import java.nio.file.Path;
import java.time.Instant;

/**
 * The COMMITTED demo material (trust-root/demo, bundles/demo, bundles/README.md) works as
 * bundles/README.md says; nothing is regenerated.
 */
class DemoMediumTest extends DemoChecks {
  @Override
  Path repo(Path scratch, Instant now) {
    return Path.of("").toAbsolutePath();
  }
}
