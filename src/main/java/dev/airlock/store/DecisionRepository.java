package dev.airlock.store;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import dev.airlock.store.DecisionStore.Entry;

/**
 * Stored decisions (migration V7): a cache keyed by (digest, reference, policy digest, trust id,
 * transparency-log state), never an authority (DESIGN.md 6b). Works in the caller's transaction.
 * Plain SQL (DELETE + INSERT, no vendor upsert) so that another database can take it unchanged.
 */
public interface DecisionRepository {

  void put(Entry e);

  Optional<Entry> get(String digest, String reference);

  /** Every stored decision of one image. */
  List<Entry> forDigest(String digest);

  /** Forgets every stored decision of an image (its signature material changed). */
  void forget(String digest);
}
