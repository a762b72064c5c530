package dev.airlock.core.json;

/**
 * The error answer of {@code serve}'s verify API ({@code GET /api/v1/verify}, DESIGN.md 9) when
 * there is no verdict: 400 (bad reference) and 503 (cannot decide):
 * {@code {"error":"CODE","message":"..."}}.
 *
 * @param error the reason code
 * @param message for people; written as is (null as JSON null)
 */
public record ApiErrorDocument(String error, String message) implements Document {}
