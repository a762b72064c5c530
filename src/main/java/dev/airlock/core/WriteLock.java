package dev.airlock.core;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

/**
 * Serialises state-changing commands across processes ({@code home/write.lock}, an OS file lock
 * the kernel releases if the process dies). Re-entrant within one process, so an import that holds
 * it can call the TUF installer, which takes it too. Readers ({@code verify}, {@code images}) do not
 * take it: the database's transactions keep them consistent.
 */
public final class WriteLock implements AutoCloseable {
  private static final Map<Path, Held> HELD = new HashMap<>();

  private static final class Held {
    final FileChannel channel;
    final FileLock lock;
    int count;

    Held(FileChannel channel, FileLock lock) {
      this.channel = channel;
      this.lock = lock;
    }
  }

  private final Path path;
  private boolean closed;

  private WriteLock(Path path) {
    this.path = path;
  }

  /**
   * Takes the lock, waiting up to {@code timeout} for another process to release it.
   *
   * @throws AirlockException CANNOT_DECIDE {@link Reason#DATABASE_BUSY} when the wait runs out
   */
  public static WriteLock acquire(Home home, Duration timeout) {
    Path p = home.writeLock().toAbsolutePath().normalize();
    synchronized (HELD) {
      Held h = HELD.get(p);
      if (h != null) {
        h.count++;
        return new WriteLock(p);
      }
    }
    long deadline = System.nanoTime() + timeout.toNanos();
    FileChannel ch;
    try {
      ch = FileChannel.open(p, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
    } catch (IOException e) {
      throw AirlockException.cannotDecide(Reason.STATE_WRITE_FAILED, p + ": cannot open the write lock: " + e.getMessage(), e);
    }
    try {
      while (true) {
        FileLock l;
        try {
          l = ch.tryLock();
        } catch (OverlappingFileLockException e) {
          l = null;
        }
        if (l != null) {
          synchronized (HELD) {
            Held h = new Held(ch, l);
            h.count = 1;
            HELD.put(p, h);
          }
          return new WriteLock(p);
        }
        if (System.nanoTime() > deadline) {
          ch.close();
          throw AirlockException.cannotDecide(Reason.DATABASE_BUSY,
              p + ": another airlock command is changing the appliance state; try again");
        }
        Thread.sleep(100);
      }
    } catch (IOException e) {
      throw AirlockException.cannotDecide(Reason.STATE_WRITE_FAILED, p + ": " + e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw AirlockException.cannotDecide(Reason.DATABASE_BUSY, p + ": interrupted while waiting");
    }
  }

  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    synchronized (HELD) {
      Held h = HELD.get(path);
      if (h == null || --h.count > 0) {
        return;
      }
      HELD.remove(path);
      try {
        h.lock.release();
        h.channel.close();
      } catch (IOException e) {
        // the kernel releases the lock when the channel or process goes away
      }
    }
  }
}
