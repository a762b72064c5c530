package dev.airlock.core;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import org.erdtman.jcs.JsonCanonicalizer;

/**
 * The one configured JSON reader/writer (STYLE.md rule 3): duplicate keys are rejected, nesting
 * and string sizes are bounded by {@link Limits}, trailing tokens are errors. Every stage reads
 * untrusted JSON through here and nowhere else.
 */
public final class Json {
  private static final ObjectMapper MAPPER = build(Limits.defaults());

  private Json() {}

  private static ObjectMapper build(Limits limits) {
    JsonFactory factory =
        JsonFactory.builder()
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .streamReadConstraints(
                StreamReadConstraints.builder()
                    .maxNestingDepth(limits.maxNestingDepth())
                    .maxStringLength((int) Math.min(Integer.MAX_VALUE, limits.maxJsonBytes()))
                    .maxNumberLength(64)
                    .build())
            .build();
    return JsonMapper.builder(factory)
        .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
        .enable(DeserializationFeature.FAIL_ON_READING_DUP_TREE_KEY)
        .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
        .disable(SerializationFeature.FAIL_ON_EMPTY_BEANS)
        .build();
  }

  /** The shared mapper, for binding DTOs in a stage's {@code json} subpackage. */
  public static ObjectMapper mapper() {
    return MAPPER;
  }

  /**
   * Parses untrusted bytes into a tree.
   *
   * @throws AirlockException DENIED with {@link Reason#JSON_MALFORMED} or {@link
   *     Reason#LIMIT_EXCEEDED}; {@code what} names the document in the message
   */
  public static JsonNode parse(byte[] bytes, String what) {
    if (bytes.length > Limits.defaults().maxJsonBytes()) {
      throw AirlockException.denied(Reason.LIMIT_EXCEEDED,
          what + ": " + bytes.length + " bytes exceeds the JSON limit of "
              + Limits.defaults().maxJsonBytes());
    }
    try (JsonParser p = MAPPER.createParser(bytes)) {
      JsonNode node = MAPPER.readTree(p);
      if (node == null || node.isMissingNode()) {
        throw AirlockException.denied(Reason.JSON_MALFORMED, what + ": empty document");
      }
      return node;
    } catch (JsonProcessingException e) {
      throw AirlockException.denied(Reason.JSON_MALFORMED,
          what + ": not valid JSON" + where(e));
    } catch (IOException e) {
      throw AirlockException.denied(Reason.JSON_MALFORMED, what + ": " + e.getMessage());
    }
  }

  /**
   * Where a parse failed, as a person reads it: line and column, without the parser's own wording
   * (which names its internals, issue 16 "no library class names in any message").
   */
  private static String where(JsonProcessingException e) {
    com.fasterxml.jackson.core.JsonLocation l = e.getLocation();
    if (l == null || l.getLineNr() < 1) {
      return "";
    }
    String msg = e.getOriginalMessage() == null ? "" : e.getOriginalMessage();
    String what = msg.startsWith("Unexpected end-of-input") ? "it ends too early"
        : msg.startsWith("Duplicate field") ? "a key occurs twice"
        : "unexpected text";
    return " (" + what + " at line " + l.getLineNr() + ", column " + l.getColumnNr() + ")";
  }

  /** Reads at most the JSON limit from a stream and parses it. */
  public static JsonNode parse(InputStream in, String what) throws IOException {
    byte[] bytes = in.readNBytes((int) Math.min(Integer.MAX_VALUE - 8, Limits.defaults().maxJsonBytes() + 1));
    return parse(bytes, what);
  }

  /**
   * Builds and caches the mapper's deserializer of a DTO type ({@link #bind}'s first call for a
   * type introspects it by reflection), for the warm-up thread (issue 17). Binds nothing.
   */
  public static void prime(Class<?> type) {
    MAPPER.readerFor(type); // the reader fetches its root deserializer eagerly (Jackson's default)
  }

  /** Binds untrusted bytes to a DTO type, with the same rules as {@link #parse(byte[], String)}. */
  public static <T> T bind(byte[] bytes, Class<T> type, String what) {
    JsonNode node = parse(bytes, what);
    if (node.isNull()) {
      // Jackson binds a JSON null document to null rather than failing: no caller may see one
      throw AirlockException.denied(Reason.JSON_MALFORMED, what + ": the document is JSON null");
    }
    try {
      return MAPPER.treeToValue(node, type);
    } catch (JsonProcessingException | IllegalArgumentException e) {
      throw AirlockException.denied(Reason.JSON_MALFORMED,
          what + ": unexpected structure: " + e.getMessage());
    }
  }

  /** RFC 8785 (JCS) canonical bytes of a JSON tree. */
  public static byte[] canonical(JsonNode node) {
    try {
      return new JsonCanonicalizer(MAPPER.writeValueAsString(node)).getEncodedUTF8();
    } catch (IOException e) {
      throw new IllegalStateException("cannot canonicalise JSON", e);
    }
  }

  /** RFC 8785 (JCS) canonical string of a JSON tree. */
  public static String canonicalString(JsonNode node) {
    return new String(canonical(node), StandardCharsets.UTF_8);
  }

  /** Compact (non-canonical) JSON, for output. */
  public static String write(Object value) {
    try {
      return MAPPER.writeValueAsString(value);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot write JSON", e);
    }
  }

  /** Indented JSON, for human-facing files. */
  public static String writePretty(Object value) {
    try {
      return MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(value);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot write JSON", e);
    }
  }
}
