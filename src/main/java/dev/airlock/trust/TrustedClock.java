package dev.airlock.trust;

import dev.airlock.core.TrustedTime;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Optional;

/**
 * The appliance's trusted time: {@code max(system clock, highest verified time seen)}. The
 * high-water mark is kept by {@link TrustRepository} ({@code appliance.highest_verified_time},
 * migration V1; {@code init} writes it too). A system clock behind the mark is reported ({@link #systemBehind()}): callers print and audit
 * it with {@code CLOCK_BEHIND}. Monotonic trust: a machine whose clock was set back cannot make
 * expired TUF metadata or old signatures look fresh.
 */
public final class TrustedClock {
  private final Instant system;
  private final Instant highWater;

  private TrustedClock(Instant system, Instant highWater) {
    this.system = system;
    this.highWater = highWater;
  }

  /** Reads the high-water mark (inside the caller's transaction or a plain connection). */
  public static TrustedClock read(TrustRepository trust, Clock systemClock) {
    return new TrustedClock(systemClock.instant(), highWater(trust).orElse(null));
  }

  /** For tests and callers that already know the mark. */
  public static TrustedClock of(Instant system, Instant highWater) {
    return new TrustedClock(system, highWater);
  }

  /** The trusted time. */
  public Instant now() {
    return highWater != null && highWater.isAfter(system) ? highWater : system;
  }

  /** A fixed {@link Clock} at {@link #now()}, for code taking a Clock (the TUF updater). */
  public Clock clock() {
    return Clock.fixed(now(), ZoneOffset.UTC);
  }

  public Instant systemTime() {
    return system;
  }

  public Optional<Instant> highWater() {
    return Optional.ofNullable(highWater);
  }

  /** True if the system clock is behind the highest verified time seen. */
  public boolean systemBehind() {
    return highWater != null && system.isBefore(highWater);
  }

  /** The stored high-water mark, if any (one implementation: {@link #trustedNow}). */
  public static Optional<Instant> highWater(TrustRepository trust) {
    TrustedTime t = trustedNow(trust, Clock.fixed(Instant.EPOCH, ZoneOffset.UTC));
    return t.clockBehind() ? Optional.of(t.now()) : Optional.empty();
  }

  /**
   * The appliance's "now" (DESIGN.md section 3), read in the caller's transaction: {@code
   * max(system clock, highest verified time seen)}, and whether the system clock is behind.
   */
  public static TrustedTime trustedNow(TrustRepository trust, Clock systemClock) {
    Instant system = systemClock.instant();
    Instant highest = trust.highestVerifiedTime().orElse(null);
    if (highest != null && highest.isAfter(system)) {
      return new TrustedTime(highest, system, true);
    }
    return new TrustedTime(system, system, false);
  }

  /**
   * Advances the high-water mark to {@code t} if it is later (never moves it back). Call inside the
   * transaction that verified {@code t} (a TUF install, a verified signing time).
   */
  public static void advance(TrustRepository trust, Instant t) {
    trust.raiseVerifiedTime(t);
  }

  @Override
  public String toString() {
    return "TrustedClock{now=" + now() + ", system=" + system + ", highWater=" + highWater + "}";
  }

}
