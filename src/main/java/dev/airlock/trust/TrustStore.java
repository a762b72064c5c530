package dev.airlock.trust;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.airlock.core.AirlockException;
import dev.airlock.core.Json;
import dev.airlock.core.Reason;
import dev.airlock.core.json.Documents;
import dev.airlock.core.json.SnapshotDocument;
import dev.airlock.crypto.Hashing;
import dev.airlock.crypto.Keys;
import java.nio.charset.StandardCharsets;
import java.security.PublicKey;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The installed trust state (tables of migration V2), read and written through the caller's
 * {@link TrustRepository}. Reads the current snapshot; installs new ones atomically inside the
 * caller's transaction: one install is one new
 * {@code trust_snapshot} row plus its {@code trust_content} rows, and the snapshot with the highest
 * {@code seq} is current, so the switch happens exactly when the transaction commits. Old
 * snapshots are kept.
 */
public final class TrustStore {
  private TrustStore() {}

  /** What a TUF run vouched for: the metadata versions and the targets to install. */
  public record Install(
      Instant installedAt,
      String source,
      int tufRootVersion,
      Instant tufRootExpires,
      int timestampVersion,
      Instant timestampExpires,
      int snapshotVersion,
      Instant snapshotExpires,
      int targetsVersion,
      Instant targetsExpires,
      boolean expiredTimestampAccepted,
      List<TrustContent> contents) {
    public Install {
      contents = List.copyOf(contents);
    }
  }

  /** The outcome of {@link #install}: the snapshot now current and how it differs from before. */
  public record Installed(
      InstalledSnapshot snapshot,
      boolean newRow,
      List<String> added,
      List<String> removed,
      List<String> changed,
      Optional<InstalledSnapshot> previous) {
    public Installed {
      added = List.copyOf(added);
      removed = List.copyOf(removed);
      changed = List.copyOf(changed);
    }

    /** True if the installed contents differ from the previous snapshot's. */
    public boolean contentsChanged() {
      return previous.isEmpty() || !previous.get().id().equals(snapshot.id());
    }
  }

  /** The current trust snapshot, if any trust was installed. */
  public static Optional<TrustSnapshot> current(TrustRepository trust) {
    Optional<InstalledSnapshot> info = trust.currentInfo();
    if (info.isEmpty()) {
      return Optional.empty();
    }
    return Optional.of(toSnapshot(info.get(), trust.contents(info.get().seq())));
  }



  /**
   * The content id: {@code sha256} over the canonical listing, one line per target sorted by path:
   * {@code <kind> <path> <sha256 of bytes> <RFC 8785 JSON of custom or null>\n}.
   */
  public static String contentId(List<TrustContent> contents) {
    StringBuilder b = new StringBuilder();
    contents.stream().sorted(Comparator.comparing(TrustContent::path)).forEach(c -> b
        .append(c.kind()).append(' ').append(c.path()).append(' ').append(c.sha256()).append(' ')
        .append(c.custom() == null ? "null" : Json.canonicalString(c.custom())).append('\n'));
    return "sha256:" + Hashing.sha256Hex(b.toString().getBytes(StandardCharsets.UTF_8));
  }

  /**
   * Validates every target (parses trusted roots and keys; at least one trusted root) and installs
   * them as the new current snapshot, in the caller's transaction. If the contents and TUF versions
   * equal the current snapshot's, nothing is written ({@link Installed#newRow()} false).
   *
   * @throws AirlockException DENIED (TRUSTED_ROOT_MALFORMED, KEY_MALFORMED, TUF_TARGET_MISSING, ...)
   *     before anything is written
   */
  public static Installed install(TrustRepository trust, Install in) {
    // Validate everything before writing anything.
    InstalledSnapshot candidate = new InstalledSnapshot(0, contentId(in.contents()), in.installedAt(),
        in.source(), in.tufRootVersion(), in.tufRootExpires(), in.timestampVersion(),
        in.timestampExpires(), in.snapshotVersion(), in.snapshotExpires(), in.targetsVersion(),
        in.targetsExpires(), in.expiredTimestampAccepted());
    TrustSnapshot parsed = toSnapshot(candidate, in.contents());
    if (parsed.roots().isEmpty()) {
      throw AirlockException.denied(Reason.TUF_TARGET_MISSING,
          in.source() + ": the repository has no trusted_root.json target");
    }
    Optional<InstalledSnapshot> prev = trust.currentInfo();
    Map<String, String> before = new TreeMap<>();
    if (prev.isPresent()) {
      for (TrustContent c : trust.contents(prev.get().seq())) {
        before.put(c.path(), c.sha256());
      }
    }
    Map<String, String> after = new TreeMap<>();
    in.contents().forEach(c -> after.put(c.path(), c.sha256()));
    List<String> added = new ArrayList<>();
    List<String> changed = new ArrayList<>();
    List<String> removed = new ArrayList<>();
    after.forEach((p, h) -> {
      if (!before.containsKey(p)) {
        added.add(p);
      } else if (!before.get(p).equals(h)) {
        changed.add(p);
      }
    });
    before.keySet().stream().filter(p -> !after.containsKey(p)).forEach(removed::add);
    if (prev.isPresent() && sameInstall(prev.get(), candidate)) {
      return new Installed(prev.get(), false, added, removed, changed, prev);
    }
    long seq = prev.map(s -> s.seq() + 1).orElse(1L);
    trust.insert(seq, candidate.id(), in);
    InstalledSnapshot s = new InstalledSnapshot(seq, candidate.id(), in.installedAt(), in.source(),
        in.tufRootVersion(), in.tufRootExpires(), in.timestampVersion(), in.timestampExpires(),
        in.snapshotVersion(), in.snapshotExpires(), in.targetsVersion(), in.targetsExpires(),
        in.expiredTimestampAccepted());
    return new Installed(s, true, added, removed, changed, prev);
  }

  private static boolean sameInstall(InstalledSnapshot a, InstalledSnapshot b) {
    return a.id().equals(b.id()) && a.tufRootVersion() == b.tufRootVersion()
        && a.timestampVersion() == b.timestampVersion() && a.snapshotVersion() == b.snapshotVersion()
        && a.targetsVersion() == b.targetsVersion()
        && a.expiredTimestampAccepted() == b.expiredTimestampAccepted();
  }

  /** Parses installed contents into the verifier-facing snapshot. */
  static TrustSnapshot toSnapshot(InstalledSnapshot info, List<TrustContent> contents) {
    Parsed p = parse(contents);
    return new TrustSnapshot(info.id(), info.tufRootVersion(), info.installedAt(), p.roots(), p.keys(), p.policies());
  }

  /** The parsed contents: trusted roots, key authorities, policy targets (all immutable). */
  private record Parsed(List<TrustContent> contents, List<TrustedRoot> roots, Map<String, KeyAuthority> keys,
      Map<String, byte[]> policies) {}

  /**
   * The contents this process parsed last. Parsing is a function of the contents alone, so equal
   * contents (path, kind, custom and every byte) give the parse back without repeating it: an
   * import parses the same trusted roots when it installs them, in its dry run and in its decision
   * (issue 17: certificate and key parsing were 6% of a cold re-import, sampled).
   */
  private static volatile Parsed lastParsed;

  private static Parsed parse(List<TrustContent> contents) {
    Parsed last = lastParsed;
    if (last != null && sameContents(last.contents(), contents)) {
      return last;
    }
    List<TrustedRoot> roots = new ArrayList<>();
    Map<String, KeyAuthority> keys = new LinkedHashMap<>();
    Map<String, byte[]> policies = new TreeMap<>();
    for (TrustContent c : contents) {
      switch (c.kind()) {
        case TRUSTED_ROOT -> roots.add(TrustedRoot.parse(c.content(), c.path()));
        case KEY -> keys.put(c.path(), new KeyAuthority(c.path(), key(c), KeyWindows.of(c.custom(), c.path())));
        case POLICY -> policies.put(c.path(), c.content());
        default -> throw new IllegalStateException(c.kind().name());
      }
    }
    List<TrustContent> copy = new ArrayList<>(); // the content bytes are copied by TrustContent
    for (TrustContent c : contents) {
      copy.add(new TrustContent(c.path(), c.kind(), c.content(), c.custom() == null ? null : c.custom().deepCopy()));
    }
    Parsed p = new Parsed(List.copyOf(copy), List.copyOf(roots), java.util.Collections.unmodifiableMap(keys),
        java.util.Collections.unmodifiableMap(policies));
    lastParsed = p;
    return p;
  }

  static boolean sameContents(List<TrustContent> a, List<TrustContent> b) {
    if (a.size() != b.size()) {
      return false;
    }
    for (int i = 0; i < a.size(); i++) {
      TrustContent x = a.get(i);
      TrustContent y = b.get(i);
      if (!x.path().equals(y.path()) || x.kind() != y.kind() || !java.util.Arrays.equals(x.content(), y.content())
          || !java.util.Objects.equals(x.custom(), y.custom())) {
        return false;
      }
    }
    return true;
  }

  private static PublicKey key(TrustContent c) {
    try {
      return Keys.parsePublicKey(c.content());
    } catch (Keys.KeyException e) {
      throw AirlockException.denied(e.unsupported() ? Reason.KEY_ALGORITHM_UNSUPPORTED : Reason.KEY_MALFORMED,
          c.path() + ": " + e.getMessage());
    }
  }


  /** A snapshot as documents show it (the import report, {@code trust show}, audit details). */
  public static SnapshotDocument document(InstalledSnapshot s) {
    return new SnapshotDocument(s.seq(), s.id(), s.installedAt().toString(), s.source(),
        new SnapshotDocument.Role(s.tufRootVersion(), s.tufRootExpires().toString()),
        new SnapshotDocument.Role(s.timestampVersion(), s.timestampExpires().toString()),
        new SnapshotDocument.Role(s.snapshotVersion(), s.snapshotExpires().toString()),
        new SnapshotDocument.Role(s.targetsVersion(), s.targetsExpires().toString()),
        s.expiredTimestampAccepted());
  }

  /** {@link #document} as a tree, for {@code trust show} and audit details until they are typed. */
  public static ObjectNode describe(InstalledSnapshot s) {
    return (ObjectNode) Documents.tree(document(s));
  }

  static ArrayNode strings(List<String> l) {
    ArrayNode a = JsonNodeFactory.instance.arrayNode();
    l.forEach(a::add);
    return a;
  }
}
