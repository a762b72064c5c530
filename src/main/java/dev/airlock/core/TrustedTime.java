package dev.airlock.core;

import java.time.Instant;

/**
 * The appliance's "now" (DESIGN.md section 3): {@code max(system clock, highest verified time
 * seen)}.
 *
 * @param now the trusted time
 * @param system what the system clock said
 * @param clockBehind the system clock is behind the high-water mark ({@link Reason#CLOCK_BEHIND}:
 *     callers report it and record it in the audit event)
 */
public record TrustedTime(Instant now, Instant system, boolean clockBehind) {}
