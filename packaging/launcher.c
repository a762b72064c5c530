/*
 * The launcher of an airlock release (bin/airlock of the tarball, /opt/airlock/bin/airlock of the
 * .deb, /usr/bin/airlock links here). It runs the release's own Java runtime (../runtime, a jlink
 * image) and nothing else of the machine: no system JDK, no Maven, no network. It finds its tree
 * through /proc/self/exe, so the unpacked tree works wherever it is moved and however it is linked.
 *
 * A program rather than a shell script (issue 17, cold start): a bash launcher cost a cold command
 * 9 ms (env, bash and the script) and a small import 20 ms (du, forked to size the media), of which
 * this keeps under 1 ms; a cold verify IMAGE or small import is one launcher start and one JVM.
 *
 * JVM options per command are those of the development launcher scripts/airlock: short commands
 * (and small imports) start with C1 only and the serial collector; imports, audits, exports get the
 * full JIT; serve runs with G1. The AOT caches that scripts/aot-train built for this runtime and jar
 * are used when present (AIRLOCK_AOT=off leaves them out): lib/verify-bundle.aot for
 * `verify-bundle --trusted-root` (no home), lib/import.aot for `import`, lib/verify.aot for a plain
 * `verify IMAGE`, lib/airlock.aot for every other command (a cache loads all its classes at start: a
 * cache of one command's classes starts it sooner). AIRLOCK_JAVA_OPTS is passed through, split on
 * blanks (e.g. -Xmx2g, or -XX:AOTMode=on to fail instead of starting without the cache).
 *
 * Built by scripts/package (gcc, C11 with POSIX/GNU interfaces, linked statically: the runtime runs
 * on glibc 2.17 and later, a launcher linked against the build machine's glibc would need 2.34);
 * docs/install.md describes it.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <fts.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define MAIN_CLASS "dev.airlock.cli.Main"
/* A small import's media together: at most this many bytes (see small_import). */
#define SMALL_IMPORT_BYTES (32LL * 1024 * 1024)
/* A small import's media together: at most this many files and folders. A medium is untrusted and
 * its links are followed (as du -L did): a link to / or /proc must not keep the launcher walking. */
#define SMALL_IMPORT_ENTRIES 100000L
/* The descriptor of lib/ that the JVM holds (see main). */
#define LIB_FD 200

static const char *const COMMANDS[] = {"init", "import", "trust", "checkpoint", "policy", "images", "verify",
    "verify-bundle", "export", "audit", "serve", NULL};

__attribute__((format(printf, 2, 3), noreturn)) static void die(int code, const char *fmt, ...) {
  va_list args;
  va_start(args, fmt);
  fputs("airlock: ", stderr);
  vfprintf(stderr, fmt, args);
  fputc('\n', stderr);
  va_end(args);
  exit(code);
}

/* Allocates or exits: a launcher that cannot allocate a few kilobytes cannot start a JVM either. */
static void *xmalloc(size_t n) {
  void *p = malloc(n);
  if (p == NULL) {
    die(70, "out of memory");
  }
  return p;
}

/* "a" + "b", allocated. */
static char *concat(const char *a, const char *b) {
  size_t la = strlen(a), lb = strlen(b);
  char *s = xmalloc(la + lb + 1);
  memcpy(s, a, la);
  memcpy(s + la, b, lb + 1);
  return s;
}

static int starts_with(const char *s, const char *prefix) {
  return strncmp(s, prefix, strlen(prefix)) == 0;
}

static int ends_with(const char *s, const char *suffix) {
  size_t ls = strlen(s), lx = strlen(suffix);
  return ls >= lx && strcmp(s + ls - lx, suffix) == 0;
}

static int is_file(const char *path) {
  struct stat st;
  return stat(path, &st) == 0 && S_ISREG(st.st_mode);
}

/*
 * The release folder: the folder above the one this program is in, links resolved. /proc/self/exe
 * names the program the kernel ran, whatever link or relative path started it; without /proc, the
 * name it was started by (a path, or found on PATH).
 */
static char *release_dir(const char *argv0) {
  char exe[PATH_MAX];
  ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
  char *resolved = NULL;
  if (n > 0) {
    exe[n] = '\0';
    resolved = strdup(exe);
  } else if (strchr(argv0, '/') != NULL) {
    resolved = realpath(argv0, NULL);
  } else {
    const char *path = getenv("PATH");
    while (path != NULL && *path != '\0' && resolved == NULL) {
      const char *end = strchr(path, ':');
      size_t len = end != NULL ? (size_t) (end - path) : strlen(path);
      char *dir = xmalloc(len + 2);
      memcpy(dir, len > 0 ? path : ".", len > 0 ? len : 1);
      dir[len > 0 ? len : 1] = '\0';
      char *candidate = concat(dir, "/");
      char *full = concat(candidate, argv0);
      if (access(full, X_OK) == 0) {
        resolved = realpath(full, NULL);
      }
      free(dir);
      free(candidate);
      free(full);
      path = end != NULL ? end + 1 : NULL;
    }
  }
  if (resolved == NULL) {
    die(70, "cannot find the release this launcher belongs to (%s)", argv0);
  }
  /* strip "/airlock" and then "/bin" */
  for (int i = 0; i < 2; i++) {
    char *slash = strrchr(resolved, '/');
    if (slash == NULL) {
      die(70, "cannot find the release this launcher belongs to (%s)", argv0);
    }
    if (slash == resolved) {
      slash[1] = '\0';
    } else {
      *slash = '\0';
    }
  }
  return resolved;
}

/*
 * Whether one medium path keeps an import small: adds its files' sizes (links followed) to *total
 * and its entries to *entries, and returns 0 when either is over its limit, when it holds a
 * compressed name, or when it cannot be read.
 */
static int small_medium(const char *path, long long *total, long *entries) {
  struct stat st;
  if (stat(path, &st) != 0) {
    return 1; /* not there: not a medium (the command reports it) */
  }
  if (S_ISREG(st.st_mode)) {
    if (!ends_with(path, ".tar") && !ends_with(path, ".yaml") && !ends_with(path, ".yml")) {
      return 0; /* a compressed archive (or anything else that is not a plain tar or a policy) */
    }
    *total += st.st_size;
    return *total <= SMALL_IMPORT_BYTES;
  }
  if (!S_ISDIR(st.st_mode)) {
    return 0;
  }
  char *roots[] = {(char *) path, NULL};
  FTS *fts = fts_open(roots, FTS_LOGICAL | FTS_NOCHDIR, NULL);
  if (fts == NULL) {
    return 0;
  }
  int small = 1;
  int listed = 0;
  for (;;) {
    errno = 0;
    FTSENT *e = fts_read(fts);
    if (e == NULL) {
      if (errno != 0) {
        small = 0; /* the walk failed part-way: cannot be sized, counts as big */
      }
      break;
    }
    if (e->fts_info == FTS_DP || e->fts_info == FTS_DC || e->fts_info == FTS_NS || e->fts_info == FTS_SLNONE
        || e->fts_info == FTS_ERR) {
      continue; /* a folder left, a cycle, or what cannot be read: as du, nothing to add */
    }
    listed = 1;
    if (++*entries > SMALL_IMPORT_ENTRIES) {
      small = 0;
    } else if (ends_with(e->fts_name, ".gz") || ends_with(e->fts_name, ".tgz") || ends_with(e->fts_name, ".zst")) {
      small = 0;
    } else if ((e->fts_info == FTS_F || e->fts_info == FTS_DEFAULT) && e->fts_statp != NULL) {
      *total += e->fts_statp->st_size;
      small = *total <= SMALL_IMPORT_BYTES;
    }
    if (!small) {
      break;
    }
  }
  fts_close(fts);
  return small && listed;
}

/*
 * A small import (its media together at most 32 MiB: a re-import, a trust or checkpoint medium)
 * is over in a second or two, before the optimising compiler (C2) pays back the CPU it takes from
 * the command on a small machine; it runs C1 only, like the short commands (issue 17: a re-import
 * of the demo medium took 2.6 s with C2, 1.7 s without, median of 5 from a release tree). A bigger
 * one keeps C2: C1 has no SHA-256 intrinsic and hashes at about a seventh of the speed (140 vs
 * 1,000 MB/s measured on JDK 25), and a blob copy is hashed throughout. Every existing path after
 * the word import counts (a policy file too); anything that cannot be sized counts as big, and so
 * does what is hashed beyond its size on disk: a compressed archive (any file but .tar, or one
 * inside a folder medium) and --check-layers (inflated layers, up to the expansion ratio). The
 * media are untrusted: their names are only compared, never interpreted.
 */
static int small_import(int argc, char **argv) {
  int seen = 0;
  long long total = 0;
  long entries = 0;
  for (int i = 1; i < argc; i++) {
    if (!seen) {
      seen = strcmp(argv[i], "import") == 0;
      continue;
    }
    if (strcmp(argv[i], "--check-layers") == 0 || !small_medium(argv[i], &total, &entries)) {
      return 0;
    }
  }
  return seen;
}

/* The options of one JVM command line, in order. */
typedef struct {
  char **v;
  int n;
  int cap;
} Args;

static void add(Args *a, const char *s) {
  if (a->n + 1 >= a->cap) {
    a->cap = a->cap == 0 ? 64 : a->cap * 2;
    char **v = realloc(a->v, sizeof(char *) * (size_t) a->cap);
    if (v == NULL) {
      die(70, "out of memory");
    }
    a->v = v;
  }
  a->v[a->n++] = (char *) s;
  a->v[a->n] = NULL;
}

/* Transparent huge pages on request only: the kernel's setting is madvise. */
static int thp_madvise(void) {
  char buf[256];
  int fd = open("/sys/kernel/mm/transparent_hugepage/enabled", O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    return 0;
  }
  ssize_t n = read(fd, buf, sizeof buf - 1);
  close(fd);
  if (n <= 0) {
    return 0;
  }
  buf[n] = '\0';
  return strstr(buf, "[madvise]") != NULL;
}

int main(int argc, char **argv) {
  char *release = release_dir(argc > 0 ? argv[0] : "airlock");
  char *java = concat(release, "/runtime/bin/java");
  char *lib = concat(release, "/lib");
  char *jar = concat(release, "/lib/airlock.jar");
  if (access(java, X_OK) != 0 || !is_file(jar)) {
    die(70, "incomplete release at %s (runtime/bin/java or lib/airlock.jar missing)", release);
  }

  const char *command = "other";
  for (int i = 1; i < argc && strcmp(command, "other") == 0; i++) {
    for (int c = 0; COMMANDS[c] != NULL; c++) {
      if (strcmp(argv[i], COMMANDS[c]) == 0) {
        command = COMMANDS[c];
        break;
      }
    }
  }
#define IS(name) (strcmp(command, (name)) == 0)

  const char *cache = IS("import") ? "import" : "airlock";
  if (IS("verify-bundle")) {
    for (int i = 1; i < argc; i++) {
      if (strcmp(argv[i], "--trusted-root") == 0 || starts_with(argv[i], "--trusted-root=")) {
        cache = "verify-bundle";
        break;
      }
    }
  }
  /* A plain `verify IMAGE` (no cosign flag that names a key or an identity, no --policy what-if;
   * the test of cli/Warmup's AUDIT plan) is answered from a stored decision: lib/verify.aot holds
   * that path alone, so it loads no classes of verification, import or serve at each start. */
  if (IS("verify")) {
    cache = "verify";
    for (int i = 1; i < argc; i++) {
      if (starts_with(argv[i], "--key") || starts_with(argv[i], "--certificate") || starts_with(argv[i], "--policy")) {
        cache = "airlock";
        break;
      }
    }
  }
  char *aot = concat(concat(concat(lib, "/"), cache), ".aot");
  if (!is_file(aot)) {
    aot = concat(lib, "/airlock.aot");
  }
  const char *aot_off = getenv("AIRLOCK_AOT");
  int use_aot = is_file(aot) && (aot_off == NULL || strcmp(aot_off, "off") != 0);

  Args a = {0};
  add(&a, java);
  /* The cold-start paths (verify, verify-bundle, a small import) reserve a 1 GiB heap instead of
   * the JVM's default quarter of the machine's memory: creating the JVM took 123 instead of 134 ms
   * (-Xlog:startuptime, medians of 15; issue 17), and with the default input limits (JSON
   * documents of 16 MiB at most) they need far less. AIRLOCK_JAVA_OPTS comes later on the command
   * line, so its -Xmx wins (raise it with the input limits). The AOT caches are trained with the
   * heap of the commands they serve (scripts/aot-train, --aot-training). */
  if (IS("serve")) {
    /* serve runs for months and answers many requests at once: the full JIT and G1 */
    add(&a, "-XX:+UseG1GC");
    add(&a, "-XX:MaxGCPauseMillis=20");
  } else if (IS("audit") || IS("export") || IS("checkpoint") || IS("trust")
      || (IS("import") && !small_import(argc, argv))) {
    /* long-running work (imports, audit checks, exports) gets the optimising JIT compiler too */
    add(&a, "-XX:+UseSerialGC");
  } else {
    add(&a, "-XX:+UseSerialGC");
    add(&a, "-XX:TieredStopAtLevel=1");
    if (IS("verify") || IS("verify-bundle") || IS("import") || (argc > 1 && strcmp(argv[1], "--aot-training") == 0)) {
      add(&a, "-Xmx1g");
    }
  }
  /* Transparent huge pages for the Java heap and code cache, where the kernel gives them on
   * request only (enabled = madvise, the default of Debian and Ubuntu kernels): a short command's
   * time is largely page faults of a fresh JVM, which huge pages cut by a quarter (a cold verify
   * IMAGE 12,100 vs 8,700 minor faults; 350 vs 316 ms, a small import 525 vs 462 ms, medians of 13
   * to 21; issue 17). Under 'always' the kernel gives them without the flag, and under 'never' the
   * JVM would print a warning at every start, so the flag goes with madvise only. serve keeps the
   * JVM's default (a server's memory is its own question); AIRLOCK_JAVA_OPTS=
   * -XX:-UseTransparentHugePages turns it off (it comes later). */
  if (!IS("serve") && thp_madvise()) {
    add(&a, "-XX:+UseTransparentHugePages");
  }
  /* No hsperfdata file for a command: the JVM would create, map and at exit delete
   * /tmp/hsperfdata_USER/PID and keep its counters for jstat, which nobody attaches to a command
   * that is over in a second. A small re-import 437.1 vs 432.2 ms, a cold verify IMAGE 325.6 vs
   * 317.4 ms (medians of 21 interleaved; issue 17). serve keeps them: it runs for months. */
  if (!IS("serve")) {
    add(&a, "-XX:-UsePerfData");
  }
  if (use_aot) {
    /* The caches hold no method profiles (scripts/aot-train: -XX:-AOTRecordTraining; they serve C2
     * only), yet a JVM given a cache replays training by default (AOTReplayTraining, ergonomic): a
     * thread of its own that every class initialisation notifies under a lock, 4% of a small
     * import's CPU with nothing to replay. Without it, from the same tree, interleaved: a small
     * re-import 420.6 -> 398.5 ms, a cold verify IMAGE 301.3 -> 281.5 ms (medians of 21; issue 17).
     * The flag is a diagnostic one, hence the unlock. */
    add(&a, "-XX:+UnlockDiagnosticVMOptions");
    add(&a, "-XX:-AOTReplayTraining");
    add(&a, concat("-XX:AOTCache=", aot));
  }
  /* JVM warnings go to stderr (stdout carries --json documents); the class-data/AOT chatter is
   * silenced (the aot log tag exists only on JDK 24+, which is what an .aot file is built with). */
  add(&a, "-Xlog:disable");
  add(&a, use_aot ? "-Xlog:all=warning,cds*=off,aot*=off:stderr" : "-Xlog:all=warning,cds*=off:stderr");
  /* The zstd codec (aircompressor, for .tar.zst media) calls sun.misc.Unsafe's memory-access
   * methods, which this runtime (JDK 25, JEP 498) reports with four WARNING lines on stderr at
   * first use, in every pack and import of such a medium; the runtime is always the release's own,
   * so the option (JDK 23+) is known. It changes nothing else. */
  add(&a, "--sun-misc-unsafe-memory-access=allow");
  const char *opts = getenv("AIRLOCK_JAVA_OPTS");
  if (opts != NULL) {
    char *copy = strdup(opts);
    if (copy == NULL) {
      die(70, "out of memory");
    }
    for (char *save = NULL, *w = strtok_r(copy, " \t\n", &save); w != NULL; w = strtok_r(NULL, " \t\n", &save)) {
      add(&a, w);
    }
  }
  /* The jar is named through a descriptor of lib/ (Linux): an AOT cache records the jar's path as
   * its training run named it, and a start whose recorded path no longer exists (every installed
   * copy, since the caches are trained in the build tree) spent about 40 ms more on each cold start
   * (a cold verify IMAGE 398 vs 364 ms, medians of 11). /proc/self/fd/200/airlock.jar is the same
   * path in the training run and in every start, wherever the tree is; fd 200 stays open in the
   * JVM, read-only. */
  struct stat fdst;
  if (stat("/proc/self/fd", &fdst) == 0 && S_ISDIR(fdst.st_mode)) {
    int fd = open(lib, O_RDONLY | O_DIRECTORY);
    if (fd >= 0 && (fd == LIB_FD || dup2(fd, LIB_FD) == LIB_FD)) {
      jar = "/proc/self/fd/200/airlock.jar";
    }
    if (fd >= 0 && fd != LIB_FD) {
      close(fd);
    }
  }
  /* The main class is named (-cp), not read from the jar's manifest (-jar): for -jar the JVM's
   * launcher opens the jar as a JarFile to read the manifest, indexing its 18,800 entries, and
   * closes it again, before main; the class loader later opens and indexes it anew for its first
   * resource. A cold verify IMAGE 352 vs 344 ms, verify-bundle 284 vs 275 ms (medians of 21). */
  add(&a, "-cp");
  add(&a, jar);
  add(&a, MAIN_CLASS);
  for (int i = 1; i < argc; i++) {
    add(&a, argv[i]);
  }
  execv(java, a.v);
  die(126, "cannot run %s: %s", java, strerror(errno));
}
