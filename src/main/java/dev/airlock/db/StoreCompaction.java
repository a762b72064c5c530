package dev.airlock.db;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.h2.mvstore.MVStore;

/**
 * Keeps {@code airlock.mv.db} from growing without bound: rewrites the live pages of sparse old
 * chunks into new ones, so that the old chunks die and H2 reuses their space.
 *
 * <p><b>Why.</b> H2's store is append-only: each commit writes a chunk of the pages it changed,
 * and a chunk's space is reused only when none of its pages is live. A cold {@code verify IMAGE}
 * commits its audit event, which stays live for good, in a chunk that is otherwise soon dead; so
 * every verify left a chunk about a quarter full behind it, forever (313 chunks, 8.0 MB, 22% full
 * after about 200 verifies of the demo home). H2 compacts only in its background writer, which
 * {@code WRITE_DELAY=0} turns off (and which a command of half a second would not reach anyway),
 * and at close with {@code MAX_COMPACT_TIME}, which moves chunks with the retention time set to
 * zero and is not crash-safe (see {@link Database}). Opening the file reads every chunk's
 * metadata, so each verify made the next one slower (issue 17: about 10 ms of a cold verify at
 * 313 chunks, sampled).
 *
 * <p><b>How.</b> After a writer's commit, at most once per {@link #interval} per process (so once
 * per CLI command), if the store has more than {@link #MAX_CHUNKS} chunks and the chunks that may
 * be rewritten are less than {@link #MIN_FILL_RATE}% live (by bytes): {@link MVStore#compact} (H2's
 * background compaction step: live pages of the sparsest old chunks, at most {@link #WRITE_LIMIT}
 * bytes of them, are rewritten through an ordinary commit) and a commit. Only chunks older than
 * H2's retention time (45 s) are rewritten; the chunks this empties are freed by a later commit
 * as H2 frees the chunks any commit empties (a chunk is overwritten only once it is older than the
 * retention time, which is never changed here). So a process killed at any moment leaves the last
 * commit's state, as for any other commit ({@code StoreCompactionCrashTest}). The work is bounded
 * by the write limit; a verify that triggers it pays once for the many before it.
 */
final class StoreCompaction {
  /** More chunks than this (and sparse ones) trigger a compaction. */
  static final int MAX_CHUNKS = 64;
  /**
   * Below this percentage of live bytes in the rewritable chunks, a compaction pays: the threshold
   * of H2's own background compaction while the store is busy (it compacts when 50 + rate / 2 is
   * below its 90% target). The rate weighs chunks by size, so one big dense chunk (an import's, or
   * a past compaction's) lets more sparse ones gather first; there are still far fewer of them than
   * without (the home above: 66% with about 100 sparse chunks).
   */
  static final int MIN_FILL_RATE = 80;
  /** The most live bytes one compaction rewrites (a few hundred chunks of verify events). */
  static final int WRITE_LIMIT = 4 << 20;

  /** The least time between two checks of one process; tests set zero. */
  static volatile Duration interval = Duration.ofMinutes(1);

  private final AtomicLong nextCheck = new AtomicLong();
  private volatile boolean checked;

  /** The store's chunk count and the live percentage of its rewritable chunks, as H2 reports them. */
  record Shape(int chunks, int rewritableFillRate) {
    boolean fragmented() {
      return chunks > MAX_CHUNKS && rewritableFillRate < MIN_FILL_RATE;
    }
  }

  /**
   * Called after a writer's commit on {@code c}: compacts if it is time to check and the store is
   * fragmented. Does nothing on a client's connection (the process that has the file open
   * compacts). A failure is left for the next check: the committed work stands.
   *
   * @return whether it compacted
   */
  boolean afterCommit(Connection c) {
    long now = System.nanoTime();
    long next = nextCheck.get();
    if (checked && now - next < 0 || !nextCheck.compareAndSet(next, now + interval.toNanos())) {
      return false;
    }
    checked = true;
    try {
      MVStore store = store(c);
      if (store == null || !shape(store).fragmented()) {
        return false;
      }
      store.compact(100, WRITE_LIMIT); // 100: whatever the whole store's fill rate, see the class comment
      store.commit();
      return true;
    } catch (SQLException | RuntimeException e) {
      return false;
    }
  }

  /** The store behind an embedded connection, or null for a client's. */
  static MVStore store(Connection c) throws SQLException {
    if (c.unwrap(org.h2.jdbc.JdbcConnection.class).getSession() instanceof org.h2.engine.SessionLocal s) {
      return s.getDatabase().getStore().getMvStore();
    }
    return null;
  }

  static Shape shape(MVStore store) {
    Map<String, String> info = new HashMap<>();
    store.getFileStore().populateInfo(info::put);
    return new Shape(Integer.parseInt(info.getOrDefault("info.CHUNK_COUNT", "0")),
        Integer.parseInt(info.getOrDefault("info.CHUNKS_FILL_RATE_RW", "100")));
  }
}
