package dev.airlock.db;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.airlock.core.Home;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The client side of the local channel does not trust a published address blindly: H2's protocol
 * does not authenticate the server, so a process of another account listening on the port of a
 * stale {@code airlock.server} (its holder killed) could answer a CLI command as its database, and
 * admit what the real one denies. A client connects only to a 127.0.0.1 listener of its own
 * account ({@code /proc/net/tcp}, tcp6), and reads only a well-formed file.
 */
class LocalChannelTest {
  @TempDir Path dir;

  private static final String HEADER =
      "  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode\n";
  private static final String HEADER6 = "  sl  local_address                         remote_address                        "
      + "st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode\n";

  private static String line4(String local, String state, int uid) {
    return "   0: " + local + " 00000000:0000 " + state + " 00000000:00000000 00:00000000 00000000  " + uid
        + "        0 4242 1 0000000000000000 100 0 0 10 0\n";
  }

  private static String line6(String local, String state, int uid) {
    return "   0: " + local + " 00000000000000000000000000000000:0000 " + state
        + " 00000000:00000000 00:00000000 00000000  " + uid + "        0 4243 1 0000000000000000 100 0 0 10 0\n";
  }

  @Test
  void onlyALoopbackListenerOfThisAccountIsTrusted() {
    int port = 0xB34D;
    String ours4 = HEADER + line4("0100007F:B34D", "0A", 1000);
    String ours6 = HEADER6 + line6("0000000000000000FFFF00000100007F:B34D", "0A", 1000);
    assertTrue(LocalChannel.listenerOf(List.of(ours4), port, 1000));
    assertTrue(LocalChannel.listenerOf(List.of(HEADER, ours6), port, 1000), "IPv4-mapped, as the JDK listens");
    assertFalse(LocalChannel.listenerOf(List.of(HEADER + line4("0100007F:B34D", "0A", 1001)), port, 1000),
        "another account's listener on the port");
    assertFalse(LocalChannel.listenerOf(List.of(HEADER6 + line6("0000000000000000FFFF00000100007F:B34D", "0A", 0)),
        port, 1000), "another account's (root's) listener on the port");
    assertFalse(LocalChannel.listenerOf(List.of(HEADER + line4("0100007F:B34D", "01", 1000)), port, 1000),
        "a connection of ours, not a listener");
    assertFalse(LocalChannel.listenerOf(List.of(HEADER + line4("0100007F:B34E", "0A", 1000)), port, 1000),
        "another port");
    assertFalse(LocalChannel.listenerOf(List.of(HEADER + line4("00000000:B34D", "0A", 1000)), port, 1000),
        "ours, but on every address: not the channel");
    assertFalse(LocalChannel.listenerOf(List.of(HEADER, HEADER6), port, 1000), "nobody listens");
    assertFalse(LocalChannel.listenerOf(List.of("garbage\n" + "   0: 0100007F:B34D\n"), port, 1000), "unreadable");
    // both tables: another account's tcp6 listener does not hide ours in tcp, nor does ours excuse theirs
    assertTrue(LocalChannel.listenerOf(List.of(ours4, HEADER6), port, 1000));
  }

  @Test
  void theHoldersOwnListenerIsTrustedAndAStaleAddressIsNot() throws Exception {
    Home home = Home.at(Files.createDirectories(dir.resolve("home"),
        PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------"))));
    Database.create(home);
    try (Database.Holder held = Database.open(home).holdOpen()) {
      LocalChannel.Address a = LocalChannel.read(home);
      assertTrue(LocalChannel.trusted(a), "this process's own listener");
      assertTrue(held.stateVersion() >= 0);
    }
    int free;
    try (java.net.ServerSocket s = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      free = s.getLocalPort();
    }
    assertFalse(LocalChannel.trusted(new LocalChannel.Address(free, "0".repeat(32))), "nobody listens there now");
  }

  @Test
  void onlyAWellFormedAddressIsRead() throws Exception {
    Home home = Home.at(Files.createDirectories(dir.resolve("h2")));
    Path f = home.root().resolve(LocalChannel.FILE);
    assertNull(LocalChannel.read(home), "none");
    for (String bad : new String[] {"", "port=1\n", "port=1\nkey=" + "0".repeat(31) + "\n",
        "port=70000\nkey=" + "0".repeat(32) + "\n", "port=0\nkey=" + "0".repeat(32) + "\n",
        "port=1\nkey=" + "0".repeat(32), "port=1\nkey=" + "G".repeat(32) + "\n",
        "port=1\nkey=" + "0".repeat(32) + "\nport=2\n"}) {
      Files.writeString(f, bad);
      assertNull(LocalChannel.read(home), bad);
    }
    Files.writeString(f, "port=443\nkey=" + "ab".repeat(16) + "\n");
    assertEquals(new LocalChannel.Address(443, "ab".repeat(16)), LocalChannel.read(home));
  }
}
