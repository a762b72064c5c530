package dev.airlock.core.json;

/**
 * The CLI's error document ({@code --json}, when a command cannot give its own document):
 * {@code {"mediaType":"application/vnd.airlock.error.v1+json","exitCode":N,"reason":"CODE","message":"..."}}.
 *
 * @param exitCode the process's exit code
 * @param reason the reason code, or null (then {@code reason} is absent: a usage error has none)
 * @param message for people; written as is (null as JSON null)
 */
public record ErrorDocument(int exitCode, String reason, String message) implements Document {
  public static final String MEDIA_TYPE = "application/vnd.airlock.error.v1+json";
}
