package dev.airlock.db;

import dev.airlock.core.Home;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.sql.SQLException;
import java.util.EnumSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The local channel of DESIGN.md section 7: how CLI commands reach the database of a process that
 * holds it open ({@code airlock serve}, {@link Database#holdOpen}). The holder runs H2's TCP server
 * on 127.0.0.1 (a random port; {@code h2.bindAddress}, see {@link Database}) behind a per-home
 * secret, the server's {@code -key}: 128 bits from {@link SecureRandom}, which a client must name
 * as the database, or the server refuses it. The holder writes the port and the key to
 * {@value #FILE} in the home, created owner-only (0600, inside the 0700 home) and moved into place
 * whole, and deletes it when it lets go. Another process reads that file and connects as the
 * holder's client, after checking that a process of its own account listens there ({@link #trusted}:
 * H2's protocol does not authenticate the server).
 *
 * <p>This replaces H2's auto-server (issue 17, cold start): H2 allows the auto-server only with its
 * FILE lock method, whose lock file costs every opener a fixed 25 ms settle sleep and a watchdog
 * thread, and makes every process that opens the file start a TCP server (in all about 50 of the
 * 150 ms of a cold open from the release). Only the long-running holder serves now; a short command
 * holds the database for a unit of work (or, with {@link Database#keepOpen}, one short command),
 * and another process waits for it as for the write lock. The file lock is the operating system's
 * ({@code FILE_LOCK=FS}): it goes with the process, so a killed process no longer leaves a lock
 * behind for the next one to take over after seconds; a {@value #FILE} it leaves names a port
 * nobody serves, or a key nobody accepts, and a client then opens the file itself.
 */
final class LocalChannel implements AutoCloseable {
  /** In the home: the holder's port and key. */
  static final String FILE = "airlock.server";

  private static final Set<PosixFilePermission> OWNER_ONLY =
      EnumSet.of(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE);
  private static final Pattern TEXT = Pattern.compile("port=([0-9]{1,5})\nkey=([0-9a-f]{32})\n");
  /** Made by the holder only: a client never draws a key (seeding took 5% of a cold verify IMAGE). */
  private static final class Random {
    static final SecureRandom RANDOM = new SecureRandom();
  }

  /** Where a holder serves the database. */
  record Address(int port, String key) {
    /** The client URL: the key stands for the database; {@code settings} start with ';' or are empty. */
    String url(String settings) {
      return "jdbc:h2:tcp://" + Database.LOOPBACK + ":" + port + "/" + key + settings;
    }

    String text() {
      return "port=" + port + "\nkey=" + key + "\n";
    }
  }

  private final Home home;
  private final org.h2.tools.Server server;
  private final Address address;

  private LocalChannel(Home home, org.h2.tools.Server server, Address address) {
    this.home = home;
    this.server = server;
    this.address = address;
  }

  Address address() {
    return address;
  }

  /**
   * Starts serving {@code databaseName} (the H2 name of the database this process has open
   * embedded) and publishes the address in the home.
   */
  static LocalChannel start(Home home, String databaseName) throws SQLException, IOException {
    byte[] secret = new byte[16];
    Random.RANDOM.nextBytes(secret);
    String key = HexFormat.of().formatHex(secret);
    // no -tcpAllowOthers: H2 then also refuses any peer that is not a local address
    org.h2.tools.Server server = org.h2.tools.Server.createTcpServer("-tcpPort", "0", "-tcpDaemon",
        "-key", key, databaseName).start();
    Address address = new Address(server.getPort(), key);
    try {
      write(home.root(), home.root().resolve(FILE), address.text());
    } catch (IOException | RuntimeException e) {
      server.stop();
      throw e;
    }
    return new LocalChannel(home, server, address);
  }

  /** The address a holder published in {@code home}, or null (none, unreadable or malformed). */
  static Address read(Home home) {
    String text;
    try {
      text = Files.readString(home.root().resolve(FILE), StandardCharsets.US_ASCII);
    } catch (IOException | RuntimeException e) {
      return null; // no holder (or another account's): open the file, or wait for it
    }
    Matcher m = TEXT.matcher(text);
    if (!m.matches()) {
      return null;
    }
    int port = Integer.parseInt(m.group(1));
    return port > 0 && port < 65536 ? new Address(port, m.group(2)) : null;
  }

  /**
   * Whether a client may connect to {@code a}: a process of this account listens there, on
   * 127.0.0.1. H2's protocol does not authenticate the server; without this, a process of another
   * account that listens on the port of a stale address (its holder killed) would be taken for the
   * database, and could admit what the real one denies. The window between this check and the
   * connection is the real holder dying and another account taking its port in between.
   */
  static boolean trusted(Address a) {
    try {
      int uid = (Integer) Files.getAttribute(Path.of("/proc/self"), "unix:uid");
      return listenerOf(List.of(Files.readString(Path.of("/proc/net/tcp"), StandardCharsets.US_ASCII),
          Files.readString(Path.of("/proc/net/tcp6"), StandardCharsets.US_ASCII)), a.port(), uid);
    } catch (IOException | RuntimeException e) {
      return false; // cannot tell who listens: do not connect (the file is opened once it is free)
    }
  }

  /** The local addresses of a 127.0.0.1 listener in /proc/net/tcp and tcp6 (IPv4-mapped, as the JDK listens). */
  private static final Set<String> LOOPBACK_HEX = Set.of("0100007F", "0000000000000000FFFF00000100007F");

  /**
   * Whether the tables ({@code /proc/net/tcp} and {@code tcp6} texts) list a listener on
   * 127.0.0.1:{@code port} owned by {@code uid}, and no listener of another account there.
   */
  static boolean listenerOf(List<String> tables, int port, int uid) {
    String hexPort = String.format(java.util.Locale.ROOT, "%04X", port);
    boolean ours = false;
    for (String table : tables) {
      for (String line : table.split("\n")) {
        String[] f = line.trim().split("\\s+");
        if (f.length < 8 || !f[0].endsWith(":") || !f[3].equals("0A")) {
          continue; // the header, or not a listener
        }
        int colon = f[1].lastIndexOf(':');
        if (colon < 0 || !f[1].substring(colon + 1).equals(hexPort) || !LOOPBACK_HEX.contains(f[1].substring(0, colon))) {
          continue;
        }
        int owner;
        try {
          owner = Integer.parseInt(f[7]);
        } catch (NumberFormatException e) {
          return false;
        }
        if (owner != uid) {
          return false;
        }
        ours = true;
      }
    }
    return ours;
  }

  /** Stops publishing the address: no new client finds it. The server still serves its sessions. */
  void unpublish() {
    try {
      if (address.equals(read(home))) {
        Files.deleteIfExists(home.root().resolve(FILE));
      }
    } catch (IOException | RuntimeException e) {
      // a file that stays names a key nobody accepts once the server stops
    }
  }

  /** Unpublishes and stops the server (its remaining sessions are cut). */
  @Override
  public void close() {
    unpublish();
    server.stop();
  }

  /** Writes {@code text} to {@code file} owner-only and whole: a temporary file, fsynced, moved over it. */
  private static void write(Path dir, Path file, String text) throws IOException {
    Path tmp = Files.createTempFile(dir, FILE + ".", ".tmp", PosixFilePermissions.asFileAttribute(OWNER_ONLY));
    try {
      try (var ch = java.nio.channels.FileChannel.open(tmp, java.nio.file.StandardOpenOption.WRITE)) {
        ch.write(java.nio.ByteBuffer.wrap(text.getBytes(StandardCharsets.US_ASCII)));
        ch.force(true);
      }
      try {
        Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      } catch (AtomicMoveNotSupportedException e) {
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
      }
    } finally {
      Files.deleteIfExists(tmp); // after a failure; moved otherwise
    }
  }
}
