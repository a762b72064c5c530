package dev.airlock.http;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;

/**
 * How {@link ServeServer} listens (DESIGN.md section 9). Build one with {@link #tls} (the default:
 * {@code --listen}, {@code --tls-cert}, {@code --tls-key}, optional {@code --client-ca}) or
 * {@link #insecureHttp} ({@code --insecure-http}, {@code --force-insecure-http-on-network}); the
 * limits start at {@link #DEFAULT_LIMITS} and change with {@link #withLimits}.
 *
 * @param host the listen address as the operator gave it (an IP literal or a name; empty or
 *     {@code 0.0.0.0}/{@code ::} is every interface)
 * @param port the TCP port; 0 picks a free one ({@link ServeServer#port()} tells which)
 * @param tls the certificate, key and client CA files, or null for plain HTTP
 * @param insecureHttp plain HTTP was asked for by name; required when {@code tls} is null
 * @param forceInsecureHttpOnNetwork plain HTTP on a non-loopback address was asked for by name
 */
public record ServeOptions(String host, int port, Tls tls, boolean insecureHttp, boolean forceInsecureHttpOnNetwork,
    Limits limits) {

  /**
   * The TLS files, all PEM.
   *
   * @param certificateChain the server certificate first, then its intermediates
   * @param privateKey the server key, unencrypted PKCS#8 {@code PRIVATE KEY} (EC or RSA)
   * @param clientCa null, or the CA certificates a client certificate must chain to: when given,
   *     every client must present one (the handshake fails otherwise) and its subject reaches the
   *     backend as {@code ServeBackend.Client.certificateSubject}
   */
  public record Tls(Path certificateChain, Path privateKey, Path clientCa) {
    public Tls {
      Objects.requireNonNull(certificateChain, "certificateChain");
      Objects.requireNonNull(privateKey, "privateKey");
    }
  }

  /**
   * Resource limits against slow or oversized clients; the size defaults live with every other
   * input limit in {@link dev.airlock.core.Limits} (STYLE.md rule 12).
   *
   * @param maxRequestHeaderBytes request line plus headers; larger → 431
   * @param maxAdmissionBodyBytes an AdmissionReview body; larger → 413 (the API server's own
   *     request limit is 3 MiB)
   * @param idleTimeout a connection that sends or accepts nothing for this long is closed
   * @param requestReadTimeout a request line and headers (and a TLS handshake) must arrive within
   *     this long once begun, and an admission body within this long once its headers are read,
   *     however slowly the bytes trickle in (slowloris)
   * @param maxThreads the bounded request thread pool (Jetty's acceptor and selector included)
   * @param maxQueuedRequests requests waiting for a thread beyond which connections are refused
   * @param stopTimeout how long {@link ServeServer#close()} waits for requests in flight
   */
  public record Limits(int maxRequestHeaderBytes, int maxAdmissionBodyBytes, Duration idleTimeout,
      Duration requestReadTimeout, int maxThreads, int maxQueuedRequests, Duration stopTimeout) {
    public Limits {
      if (maxRequestHeaderBytes < 1024) {
        throw new IllegalArgumentException("maxRequestHeaderBytes must be at least 1024, got " + maxRequestHeaderBytes);
      }
      if (maxAdmissionBodyBytes < 1024) {
        throw new IllegalArgumentException("maxAdmissionBodyBytes must be at least 1024, got " + maxAdmissionBodyBytes);
      }
      positive(idleTimeout, "idleTimeout");
      positive(requestReadTimeout, "requestReadTimeout");
      positive(stopTimeout, "stopTimeout");
      if (maxThreads < 8) {
        throw new IllegalArgumentException("maxThreads must be at least 8 (Jetty's acceptor and selector use two), got "
            + maxThreads);
      }
      if (maxQueuedRequests < 1) {
        throw new IllegalArgumentException("maxQueuedRequests must be positive, got " + maxQueuedRequests);
      }
    }

    public Limits withMaxRequestHeaderBytes(int v) {
      return new Limits(v, maxAdmissionBodyBytes, idleTimeout, requestReadTimeout, maxThreads, maxQueuedRequests,
          stopTimeout);
    }

    public Limits withMaxAdmissionBodyBytes(int v) {
      return new Limits(maxRequestHeaderBytes, v, idleTimeout, requestReadTimeout, maxThreads, maxQueuedRequests,
          stopTimeout);
    }

    public Limits withIdleTimeout(Duration v) {
      return new Limits(maxRequestHeaderBytes, maxAdmissionBodyBytes, v, requestReadTimeout, maxThreads,
          maxQueuedRequests, stopTimeout);
    }

    public Limits withRequestReadTimeout(Duration v) {
      return new Limits(maxRequestHeaderBytes, maxAdmissionBodyBytes, idleTimeout, v, maxThreads, maxQueuedRequests,
          stopTimeout);
    }

    public Limits withMaxThreads(int v) {
      return new Limits(maxRequestHeaderBytes, maxAdmissionBodyBytes, idleTimeout, requestReadTimeout, v,
          maxQueuedRequests, stopTimeout);
    }

    public Limits withStopTimeout(Duration v) {
      return new Limits(maxRequestHeaderBytes, maxAdmissionBodyBytes, idleTimeout, requestReadTimeout, maxThreads,
          maxQueuedRequests, v);
    }

    private static void positive(Duration d, String name) {
      if (d == null || d.isNegative() || d.isZero()) {
        throw new IllegalArgumentException(name + " must be positive, got " + d);
      }
    }
  }

  /**
   * 16 KiB of headers, 3 MiB admission bodies, 30 s idle, 10 s to send a request header, 64
   * threads with 256 queued requests, 10 s to finish requests in flight on stop.
   */
  public static final Limits DEFAULT_LIMITS = new Limits(dev.airlock.core.Limits.MAX_SERVE_HEADER_BYTES,
      dev.airlock.core.Limits.MAX_ADMISSION_BODY_BYTES, Duration.ofSeconds(30), Duration.ofSeconds(10), 64, 256,
      Duration.ofSeconds(10));

  public ServeOptions {
    Objects.requireNonNull(host, "host");
    Objects.requireNonNull(limits, "limits");
    if (port < 0 || port > 65535) {
      throw new IllegalArgumentException("port must be 0..65535, got " + port);
    }
  }

  /**
   * {@code --listen HOST:PORT} split: {@code 127.0.0.1:8443}, {@code [::1]:8443},
   * {@code airlock.local:8443}, {@code :8443} (every interface).
   */
  public record Listen(String host, int port) {
    public static Listen parse(String hostPort) {
      int colon = hostPort.lastIndexOf(':');
      if (colon < 0) {
        throw new IllegalArgumentException("--listen " + hostPort + ": expected HOST:PORT, e.g. 127.0.0.1:8443");
      }
      String host = hostPort.substring(0, colon);
      if (host.startsWith("[") && host.endsWith("]")) {
        host = host.substring(1, host.length() - 1);
      } else if (host.indexOf(':') >= 0) {
        throw new IllegalArgumentException("--listen " + hostPort
            + ": an IPv6 address goes in brackets, e.g. [::1]:8443");
      }
      int port;
      try {
        port = Integer.parseInt(hostPort.substring(colon + 1));
      } catch (NumberFormatException e) {
        port = -1;
      }
      if (port < 0 || port > 65535) {
        throw new IllegalArgumentException("--listen " + hostPort + ": the port must be a number from 0 to 65535");
      }
      return new Listen(host, port);
    }
  }

  /** TLS on {@code host:port}; {@code clientCa} may be null. */
  public static ServeOptions tls(String host, int port, Path certificateChain, Path privateKey, Path clientCa) {
    return new ServeOptions(host, port, new Tls(certificateChain, privateKey, clientCa), false, false, DEFAULT_LIMITS);
  }

  /**
   * Plain HTTP on {@code host:port}: {@link ServeServer} refuses it unless {@code host} is a loopback
   * address or {@code forceOnNetwork} is set.
   */
  public static ServeOptions insecureHttp(String host, int port, boolean forceOnNetwork) {
    return new ServeOptions(host, port, null, true, forceOnNetwork, DEFAULT_LIMITS);
  }

  public ServeOptions withLimits(Limits l) {
    return new ServeOptions(host, port, tls, insecureHttp, forceInsecureHttpOnNetwork, l);
  }
}
