package dev.airlock.appliance;

import java.time.Duration;

/** How long a state change waits for another one to finish. */
public final class WriteLocks {
  private WriteLocks() {}

  /**
   * The wait for the home's write lock: system property {@code airlock.writeLockTimeoutSeconds},
   * else {@code fallback}.
   */
  public static Duration timeout(Duration fallback) {
    String s = System.getProperty("airlock.writeLockTimeoutSeconds");
    try {
      return s == null ? fallback : Duration.ofSeconds(Math.max(0, Long.parseLong(s.strip())));
    } catch (NumberFormatException e) {
      return fallback;
    }
  }
}
