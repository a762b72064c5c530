package dev.airlock.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.airlock.testing.Corpus;
import dev.airlock.trust.json.TrustedRootJson;
import dev.airlock.verify.json.BundleJson;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BiFunction;
import org.junit.jupiter.api.Test;

/**
 * The hand readers of the trusted root and bundle wire classes ({@link JsonFields}) against Jackson's
 * data binding, which they replace on the cold-start path: over every corpus document and, for a
 * sample of differently shaped ones, every document made by replacing or removing one node, both
 * must refuse alike or read the same fields.
 */
class JsonFieldsTest {
  private static final JsonNodeFactory F = JsonNodeFactory.instance;

  /** What a node may be replaced by: every JSON type, and arrays of each element type. */
  private static final List<JsonNode> REPLACEMENTS = List.of(
      F.nullNode(), F.numberNode(7), F.numberNode(1.5), F.booleanNode(true), F.textNode("x"), F.textNode(""),
      F.arrayNode(), F.arrayNode().add(F.nullNode()), F.arrayNode().add(7), F.arrayNode().add("x"),
      F.arrayNode().add(F.objectNode()), F.objectNode(), F.objectNode().put("rawBytes", "AA=="));

  @Test
  void readsEveryCorpusDocumentAsDataBindingDoes() throws Exception {
    int roots = 0;
    int bundles = 0;
    for (JsonNode c : Corpus.ofKind("sigstore-bundle")) {
      if (Corpus.hasFile(c, "trusted_root")) {
        same(tree(Corpus.file(c, "trusted_root")), TrustedRootJson.class, TrustedRootJson::read);
        roots++;
      }
      if (Corpus.hasFile(c, "bundle")) {
        JsonNode b;
        try {
          b = tree(Corpus.file(c, "bundle"));
        } catch (AirlockException e) {
          continue; // not JSON at all: neither reader sees it
        }
        same(b, BundleJson.class, BundleJson::read);
        bundles++;
      }
    }
    assertTrue(roots > 100 && bundles > 100, roots + " trusted roots, " + bundles + " bundles");
  }

  @Test
  void everyOneNodeMutationIsReadAsDataBindingReadsIt() throws Exception {
    Map<String, JsonNode> shapes = new LinkedHashMap<>(); // one bundle per media type and content kind
    JsonNode root = null;
    for (JsonNode c : Corpus.ofKind("sigstore-bundle")) {
      if (root == null && Corpus.hasFile(c, "trusted_root")) {
        root = tree(Corpus.file(c, "trusted_root"));
      }
      if (!Corpus.hasFile(c, "bundle") || !Corpus.expectPass(c)) {
        continue;
      }
      JsonNode b = tree(Corpus.file(c, "bundle"));
      String shape = b.path("mediaType").asText() + (b.has("dsseEnvelope") ? " dsse" : " message")
          + (b.path("verificationMaterial").has("certificate") ? " cert" : "")
          + (b.path("verificationMaterial").has("x509CertificateChain") ? " chain" : "")
          + (b.path("verificationMaterial").has("publicKey") ? " key" : "")
          + (b.path("verificationMaterial").has("timestampVerificationData") ? " tsa" : "");
      shapes.putIfAbsent(shape, b);
    }
    assertTrue(shapes.size() >= 4, "bundle shapes: " + shapes.keySet());
    int n = 0;
    for (JsonNode doc : mutations(root)) {
      same(doc, TrustedRootJson.class, TrustedRootJson::read);
      n++;
    }
    for (JsonNode b : shapes.values()) {
      for (JsonNode doc : mutations(b)) {
        same(doc, BundleJson.class, BundleJson::read);
        n++;
      }
    }
    assertTrue(n > 1000, n + " mutated documents");
  }

  @Test
  void messagesNameTheDocumentAndThePath() {
    ObjectNode b = F.objectNode();
    b.putObject("verificationMaterial").putArray("tlogEntries").addObject().putObject("logIndex");
    AirlockException e = assertThrows(AirlockException.class, () -> BundleJson.read(b, "bundle"));
    assertEquals(Reason.JSON_MALFORMED, e.reason());
    assertEquals("bundle: unexpected structure: verificationMaterial.tlogEntries[0].logIndex is an object, "
        + "not a string", e.getMessage());
    AirlockException r = assertThrows(AirlockException.class,
        () -> TrustedRootJson.read(F.arrayNode(), "trusted_root.json"));
    assertEquals("trusted_root.json: unexpected structure: the document is an array, not an object", r.getMessage());
    assertNull(TrustedRootJson.read(F.nullNode(), "trusted_root.json"));
  }

  private static JsonNode tree(Path p) throws Exception {
    return Json.parse(Files.readAllBytes(p), p.toString());
  }

  /**
   * Both readers refuse, or both read and their fields serialise alike. A refusal by the hand
   * reader is always JSON_MALFORMED, as {@link Json#bind}'s.
   */
  private static <T> void same(JsonNode doc, Class<T> type, BiFunction<JsonNode, String, T> hand) {
    String bound;
    try {
      bound = Json.write(Json.mapper().treeToValue(doc, type));
    } catch (Exception e) {
      bound = null;
    }
    String read;
    try {
      read = Json.write(hand.apply(doc, "doc"));
    } catch (AirlockException e) {
      assertEquals(Reason.JSON_MALFORMED, e.reason(), e.getMessage());
      read = null;
    }
    assertEquals(bound, read, () -> "data binding and the hand reader differ on "
        + doc.toString().substring(0, Math.min(300, doc.toString().length())));
  }

  /** The document with each node (at any depth) replaced by each replacement, or removed. */
  private static List<JsonNode> mutations(JsonNode doc) {
    List<JsonNode> out = new ArrayList<>();
    for (JsonNode r : REPLACEMENTS) {
      out.add(r); // the whole document
    }
    collect(doc, new ArrayList<>(), doc, out);
    return out;
  }

  private static void collect(JsonNode doc, List<Object> path, JsonNode node, List<JsonNode> out) {
    List<Object> children = new ArrayList<>();
    if (node.isObject()) {
      node.fieldNames().forEachRemaining(children::add);
    } else if (node.isArray()) {
      for (int i = 0; i < node.size(); i++) {
        children.add(i);
      }
    }
    for (Object k : children) {
      List<Object> p = new ArrayList<>(path);
      p.add(k);
      for (JsonNode r : REPLACEMENTS) {
        out.add(replace(doc, p, r));
      }
      out.add(replace(doc, p, null));
      collect(doc, p, k instanceof String s ? node.get(s) : node.get((Integer) k), out);
    }
  }

  private static JsonNode replace(JsonNode doc, List<Object> path, JsonNode with) {
    JsonNode copy = doc.deepCopy();
    JsonNode parent = copy;
    for (int i = 0; i + 1 < path.size(); i++) {
      Object k = path.get(i);
      parent = k instanceof String s ? parent.get(s) : parent.get((Integer) k);
    }
    Object last = path.get(path.size() - 1);
    if (parent instanceof ObjectNode o) {
      if (with == null) {
        o.remove((String) last);
      } else {
        o.set((String) last, with);
      }
    } else {
      ArrayNode a = (ArrayNode) parent;
      if (with == null) {
        a.remove((Integer) last);
      } else {
        a.set((Integer) last, with);
      }
    }
    return copy;
  }
}
