package dev.airlock.policy;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.airlock.core.AirlockException;
import dev.airlock.core.Limits;
import dev.airlock.core.Reason;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A YAML (or JSON) document read into a small tree that remembers where each value stood, so that
 * policy errors name the line and column. Duplicate keys and excessive nesting are errors.
 */
final class YamlTree {
  private static final YAMLFactory YAML = YAMLFactory.builder().build();

  /** A node: a map, a list or a scalar (text, number, boolean or null), with its position. */
  static final class Node {
    final Kind kind;
    final String scalar;
    final Map<String, Node> map;
    final Map<String, int[]> keyPositions;
    final List<Node> list;
    final int line;
    final int column;
    final String path;

    enum Kind { MAP, LIST, TEXT, NUMBER, BOOLEAN, NULL }

    private Node(Kind kind, String scalar, Map<String, Node> map, Map<String, int[]> keyPositions,
        List<Node> list, int line, int column, String path) {
      this.kind = kind;
      this.scalar = scalar;
      this.map = map;
      this.keyPositions = keyPositions;
      this.list = list;
      this.line = line;
      this.column = column;
      this.path = path;
    }

    String where() {
      return "line " + line + ", column " + column + " (" + (path.isEmpty() ? "top level" : path) + ")";
    }
  }

  private final String file;

  private YamlTree(String file) {
    this.file = file;
  }

  /** Parses a policy document; errors are POLICY_INVALID naming file, line and column. */
  static Node parse(byte[] bytes, String file) {
    if (bytes.length > Limits.defaults().maxJsonBytes()) {
      throw invalid(file, "the file is larger than " + Limits.defaults().maxJsonBytes() + " bytes");
    }
    YamlTree t = new YamlTree(file);
    try (JsonParser p = YAML.createParser(bytes)) {
      JsonToken first = p.nextToken();
      if (first == null) {
        throw invalid(file, "the file is empty");
      }
      Node root = t.read(p, "", 0);
      if (p.nextToken() != null) {
        JsonLocation l = p.currentTokenLocation();
        throw invalid(file, "line " + l.getLineNr() + ": more than one YAML document");
      }
      return root;
    } catch (IOException | RuntimeException e) {
      if (e instanceof AirlockException a) {
        throw a;
      }
      String msg = e.getMessage() == null ? e.toString() : e.getMessage().lines().findFirst().orElse("");
      throw invalid(file, "not valid YAML: " + msg);
    }
  }

  private Node read(JsonParser p, String path, int depth) throws IOException {
    if (depth > Limits.defaults().maxNestingDepth()) {
      throw invalid(file, "nesting deeper than " + Limits.defaults().maxNestingDepth() + " at " + path);
    }
    JsonLocation loc = p.currentTokenLocation();
    int line = loc.getLineNr();
    int col = loc.getColumnNr();
    JsonToken tok = p.currentToken();
    switch (tok) {
      case START_OBJECT -> {
        Map<String, Node> map = new LinkedHashMap<>();
        Map<String, int[]> keys = new LinkedHashMap<>();
        while (p.nextToken() == JsonToken.FIELD_NAME) {
          String name = p.currentName();
          JsonLocation kl = p.currentTokenLocation();
          if (map.containsKey(name)) {
            throw invalid(file, "line " + kl.getLineNr() + ", column " + kl.getColumnNr()
                + ": duplicate key '" + name + "'" + (path.isEmpty() ? "" : " in " + path));
          }
          p.nextToken();
          String childPath = path.isEmpty() ? name : path + "." + name;
          map.put(name, read(p, childPath, depth + 1));
          keys.put(name, new int[] {kl.getLineNr(), kl.getColumnNr()});
        }
        return new Node(Node.Kind.MAP, null, Collections.unmodifiableMap(map),
            Collections.unmodifiableMap(keys), null, line, col, path);
      }
      case START_ARRAY -> {
        List<Node> list = new ArrayList<>();
        int i = 0;
        while (p.nextToken() != JsonToken.END_ARRAY) {
          list.add(read(p, path + "[" + i + "]", depth + 1));
          i++;
        }
        return new Node(Node.Kind.LIST, null, null, null, List.copyOf(list), line, col, path);
      }
      case VALUE_STRING -> {
        return new Node(Node.Kind.TEXT, p.getText(), null, null, null, line, col, path);
      }
      case VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT -> {
        return new Node(Node.Kind.NUMBER, p.getText(), null, null, null, line, col, path);
      }
      case VALUE_TRUE, VALUE_FALSE -> {
        return new Node(Node.Kind.BOOLEAN, p.getText(), null, null, null, line, col, path);
      }
      case VALUE_NULL -> {
        return new Node(Node.Kind.NULL, null, null, null, null, line, col, path);
      }
      default -> throw invalid(file, "line " + line + ", column " + col + ": unsupported YAML token " + tok);
    }
  }

  static AirlockException invalid(String file, String message) {
    return AirlockException.denied(Reason.POLICY_INVALID, file + ": " + message);
  }
}
