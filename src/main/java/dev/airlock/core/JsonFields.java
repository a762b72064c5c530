package dev.airlock.core;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads a parsed JSON tree ({@link Json#parse}) into a stage's wire classes by hand, with the rules
 * {@link Json#bind} applies through data binding: unknown keys are ignored; a missing key or JSON
 * {@code null} is {@code null}; a scalar is read as its text (numbers and booleans too, as data
 * binding coerces them into a {@code String} field); a list element may be {@code null}; anything
 * else where a scalar, object or array belongs is {@link Reason#JSON_MALFORMED}.
 *
 * <p>Why not data binding: on the cold-start path (one process per verification, issue 17) building
 * Jackson's bean deserializers for the trusted root and the bundle took a fifth of {@code
 * verify-bundle}'s running time. Each wire class that reads itself here has a test that compares it
 * with data binding over real and mutated documents.
 */
public final class JsonFields {
  private JsonFields() {}

  /** Reads one object node into a wire class. */
  @FunctionalInterface
  public interface Reader<T> {
    /**
     * @param node an object node
     * @param at its path from the document's root, for messages
     */
    T read(JsonNode node, Path at);
  }

  /**
   * Where a node is: the document's name and the keys and indices from its root, joined only when a
   * message needs them.
   */
  public record Path(String what, Path parent, String key, int index) {
    /** The document's root. */
    public static Path root(String what) {
      return new Path(what, null, null, -1);
    }

    Path child(String k) {
      return new Path(what, this, k, -1);
    }

    Path element(int i) {
      return new Path(what, this, null, i);
    }

    @Override
    public String toString() {
      if (parent == null) {
        return "the document";
      }
      String p = parent.parent == null ? "" : parent.toString();
      return key != null ? (p.isEmpty() ? key : p + "." + key) : p + "[" + index + "]";
    }
  }

  /**
   * The document's root object read by {@code reader}, or {@code null} for a JSON {@code null}.
   *
   * @throws AirlockException DENIED with {@link Reason#JSON_MALFORMED} when the root is not an object
   */
  public static <T> T root(JsonNode node, String what, Reader<T> reader) {
    return value(node, Path.root(what), reader);
  }

  /** A scalar field as text, or null when missing or {@code null}. */
  public static String text(JsonNode parent, Path at, String key) {
    JsonNode n = parent.get(key);
    if (n == null || n.isNull()) {
      return null;
    }
    if (!n.isValueNode()) {
      throw unexpected(at.child(key), n, "a string");
    }
    return n.asText();
  }

  /** An object field read by {@code reader}, or null when missing or {@code null}. */
  public static <T> T object(JsonNode parent, Path at, String key, Reader<T> reader) {
    JsonNode n = parent.get(key);
    return n == null ? null : value(n, at.child(key), reader);
  }

  /** An array field of objects (elements may be null), or null when missing or {@code null}. */
  public static <T> List<T> list(JsonNode parent, Path at, String key, Reader<T> reader) {
    JsonNode n = array(parent, at, key);
    if (n == null) {
      return null;
    }
    Path here = at.child(key);
    List<T> out = new ArrayList<>(n.size());
    for (int i = 0; i < n.size(); i++) {
      out.add(value(n.get(i), here.element(i), reader));
    }
    return out;
  }

  /** An array field of scalars as text (elements may be null), or null when missing or {@code null}. */
  public static List<String> texts(JsonNode parent, Path at, String key) {
    JsonNode n = array(parent, at, key);
    if (n == null) {
      return null;
    }
    Path here = at.child(key);
    List<String> out = new ArrayList<>(n.size());
    for (int i = 0; i < n.size(); i++) {
      JsonNode e = n.get(i);
      if (e.isNull()) {
        out.add(null);
      } else if (e.isValueNode()) {
        out.add(e.asText());
      } else {
        throw unexpected(here.element(i), e, "a string");
      }
    }
    return out;
  }

  /** An array field, or null when missing or {@code null}. */
  private static JsonNode array(JsonNode parent, Path at, String key) {
    JsonNode n = parent.get(key);
    if (n == null || n.isNull()) {
      return null;
    }
    if (!n.isArray()) {
      throw unexpected(at.child(key), n, "an array");
    }
    return n;
  }

  private static <T> T value(JsonNode n, Path at, Reader<T> reader) {
    if (n.isNull()) {
      return null;
    }
    if (!n.isObject()) {
      throw unexpected(at, n, "an object");
    }
    return reader.read(n, at);
  }

  private static AirlockException unexpected(Path at, JsonNode n, String expected) {
    return AirlockException.denied(Reason.JSON_MALFORMED,
        at.what() + ": unexpected structure: " + at + " is " + kind(n) + ", not " + expected);
  }

  private static String kind(JsonNode n) {
    return n.isObject() ? "an object" : n.isArray() ? "an array" : n.isTextual() ? "a string"
        : n.isNumber() ? "a number" : n.isBoolean() ? "a boolean" : "a " + n.getNodeType().name().toLowerCase(java.util.Locale.ROOT);
  }
}
