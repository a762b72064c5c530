package dev.airlock.trust.tuf;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;

/**
 * OLPC canonical JSON, the form TUF signs (FORMATS.md section 6; secure-systems-lab
 * go-securesystemslib cjson/canonicaljson.go): object keys sorted by code point, no whitespace,
 * only {@code "} and {@code \} escaped, integers only, UTF-8.
 */
public final class CanonicalJson {
  private CanonicalJson() {}

  /** Canonical UTF-8 bytes of a JSON tree; floats are refused (TUF metadata has none). */
  public static byte[] encode(JsonNode node) {
    StringBuilder b = new StringBuilder();
    write(node, b);
    return b.toString().getBytes(StandardCharsets.UTF_8);
  }

  private static void write(JsonNode n, StringBuilder b) {
    switch (n.getNodeType()) {
      case OBJECT -> {
        List<String> keys = new ArrayList<>();
        for (Iterator<String> it = n.fieldNames(); it.hasNext(); ) {
          keys.add(it.next());
        }
        keys.sort(CanonicalJson::compareCodePoints);
        b.append('{');
        boolean first = true;
        for (String k : keys) {
          if (!first) {
            b.append(',');
          }
          first = false;
          string(k, b);
          b.append(':');
          write(n.get(k), b);
        }
        b.append('}');
      }
      case ARRAY -> {
        b.append('[');
        for (int i = 0; i < n.size(); i++) {
          if (i > 0) {
            b.append(',');
          }
          write(n.get(i), b);
        }
        b.append(']');
      }
      case STRING -> string(n.textValue(), b);
      case NUMBER -> {
        if (!n.isIntegralNumber()) {
          throw new IllegalArgumentException("canonical JSON allows integers only, got " + n);
        }
        b.append(n.bigIntegerValue().toString());
      }
      case BOOLEAN -> b.append(n.booleanValue());
      case NULL -> b.append("null");
      default -> throw new IllegalArgumentException("not JSON: " + n.getNodeType());
    }
  }

  private static void string(String s, StringBuilder b) {
    b.append('"');
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c == '"' || c == '\\') {
        b.append('\\');
      }
      b.append(c);
    }
    b.append('"');
  }

  private static int compareCodePoints(String a, String b) {
    int i = 0;
    int j = 0;
    while (i < a.length() && j < b.length()) {
      int ca = a.codePointAt(i);
      int cb = b.codePointAt(j);
      if (ca != cb) {
        return Integer.compare(ca, cb);
      }
      i += Character.charCount(ca);
      j += Character.charCount(cb);
    }
    return Integer.compare(a.length() - i, b.length() - j);
  }
}
