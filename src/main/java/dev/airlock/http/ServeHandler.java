package dev.airlock.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.airlock.appliance.ServeBackend;
import dev.airlock.appliance.ServeBackend.Answer;
import dev.airlock.appliance.ServeBackend.Blob;
import dev.airlock.appliance.ServeBackend.Client;
import dev.airlock.appliance.ServeBackend.ImageDecision;
import dev.airlock.appliance.ServeBackend.Manifest;
import dev.airlock.appliance.ServeBackend.Tags;
import dev.airlock.core.AirlockException;
import dev.airlock.core.Json;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import javax.security.auth.x500.X500Principal;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.io.ByteBufferPool;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.io.EndPoint;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.BufferUtil;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.Fields;
import org.eclipse.jetty.util.thread.Scheduler;

/**
 * The routes of {@code airlock serve} (DESIGN.md section 9): each one parses the request, makes one
 * {@link ServeBackend} call and renders its answer. No decision is made here.
 *
 * <p>Requests are handled on Jetty's bounded thread pool and may block (the backend reads the
 * store and writes audit events); blob bodies are streamed by Jetty from the file, never buffered
 * whole.
 */
final class ServeHandler extends Handler.Abstract {
  /** The read size when a blob streams from the store. */
  static final int BLOB_BUFFER_BYTES = 256 * 1024;

  static final String API_VERSION_HEADER = "Docker-Distribution-API-Version";
  static final String DIGEST_HEADER = "Docker-Content-Digest";
  static final String JSON = "application/json";
  static final String OCI_INDEX = "application/vnd.oci.image.index.v1+json";
  static final String VERDICT = "application/vnd.airlock.verdict.v1+json";

  private final ServeBackend backend;
  private final Metrics metrics;
  private final int maxAdmissionBodyBytes;
  private final Duration requestReadTimeout;
  private final PrintStream err;

  ServeHandler(ServeBackend backend, Metrics metrics, ServeOptions.Limits limits, PrintStream err) {
    this.backend = backend;
    this.metrics = metrics;
    this.maxAdmissionBodyBytes = limits.maxAdmissionBodyBytes();
    this.requestReadTimeout = limits.requestReadTimeout();
    this.err = err;
  }

  /** The endpoint label of a request, set while routing and read when the response completes. */
  private static final class Endpoint {
    String name = "other";
  }

  @Override
  public boolean handle(Request request, Response response, Callback callback) {
    long start = System.nanoTime();
    Endpoint endpoint = new Endpoint();
    Request.addCompletionListener(request,
        failure -> metrics.request(endpoint.name, response.getStatus(), System.nanoTime() - start));
    try {
      route(request, response, callback, endpoint);
    } catch (Exception | StackOverflowError e) {
      internalError(request, response, callback, e);
    }
    return true;
  }

  private void route(Request request, Response response, Callback callback, Endpoint endpoint) throws Exception {
    // the raw path: still percent-encoded, not normalised, so "%2F" and ".." reach the name check
    String path = request.getHttpURI().getPath();
    String method = request.getMethod();
    boolean head = method.equals("HEAD");
    boolean read = head || method.equals("GET");
    if (path == null) {
      path = "";
    }
    if (path.equals("/v2") || path.startsWith("/v2/")) {
      endpoint.name = "v2";
      registry(request, response, callback, endpoint, path, method, head, read);
      return;
    }
    switch (path) {
      case "/admission" -> {
        endpoint.name = "admission";
        if (!method.equals("POST")) {
          response.getHeaders().put(HttpHeader.ALLOW, "POST");
          error(response, callback, 405, "UNSUPPORTED", "the admission endpoint takes POST only", null, false);
          return;
        }
        admission(request, response, callback);
      }
      case "/api/v1/verify" -> {
        endpoint.name = "verify";
        if (!read) {
          methodNotAllowed(response, callback, head);
          return;
        }
        verify(request, response, callback, head);
      }
      case "/healthz" -> {
        endpoint.name = "healthz";
        if (!read) {
          methodNotAllowed(response, callback, head);
          return;
        }
        // liveness: answering at all is the answer (DESIGN.md 9)
        send(response, callback, 200, "text/plain; charset=utf-8", utf8("ok\n"), head);
      }
      case "/readyz" -> {
        endpoint.name = "readyz";
        if (!read) {
          methodNotAllowed(response, callback, head);
          return;
        }
        ServeBackend.Readiness r = backend.readiness();
        if (r.ready()) {
          send(response, callback, 200, "text/plain; charset=utf-8", utf8("ready\n"), head);
        } else {
          send(response, callback, 503, "text/plain; charset=utf-8",
              utf8((r.reason() == null ? "not ready" : r.reason()) + "\n"), head);
        }
      }
      case "/metrics" -> {
        endpoint.name = "metrics";
        if (!read) {
          methodNotAllowed(response, callback, head);
          return;
        }
        ServeBackend.Readiness r = backend.readiness();
        send(response, callback, 200, Metrics.CONTENT_TYPE,
            utf8(metrics.render(r.trustExpires() == null ? Optional.empty() : r.trustExpires(), r.ready())), head);
      }
      default -> error(response, callback, 404, "NAME_UNKNOWN", "no such route", null, head);
    }
  }

  // ---- /v2: the pull side of the OCI Distribution Spec v1.1 ---------------------------------------

  private void registry(Request request, Response response, Callback callback, Endpoint endpoint, String path,
      String method, boolean head, boolean read) throws Exception {
    response.getHeaders().put(API_VERSION_HEADER, "registry/2.0");
    if (!read) {
      // distribution-spec v1.1 "Error Codes": UNSUPPORTED, "the operation is unsupported"; the
      // appliance is read-only (DESIGN.md 9: every write method → 405)
      response.getHeaders().put(HttpHeader.ALLOW, "GET, HEAD");
      error(response, callback, 405, "UNSUPPORTED", "the appliance serves pulls only; " + method + " is not supported",
          null, false);
      return;
    }
    RegistryPath p;
    String ns;
    Fields query;
    try {
      p = RegistryPath.parse(path);
      query = query(request);
      ns = blankToNull(query.getValue("ns"));
      RegistryPath.checkNs(ns);
    } catch (RegistryPath.Invalid e) {
      error(response, callback, e.status, e.code, e.getMessage(), null, head);
      return;
    }
    Client client = client(request);
    switch (p.kind()) {
      case BASE -> {
        // distribution-spec v1.1 "Determining Support": 200 on GET /v2/
        send(response, callback, 200, JSON, utf8("{}"), head);
      }
      case MANIFEST -> {
        endpoint.name = "manifests";
        Answer<Manifest> a = backend.manifest(p.name(), ns, p.reference(), client);
        decided("manifests", a);
        if (a instanceof Answer.Found<Manifest> f) {
          Manifest m = f.value();
          if (p.isDigestReference() && !p.reference().equals(m.digest())) {
            throw new IllegalStateException("the backend answered " + m.digest() + " for " + p.reference());
          }
          response.getHeaders().put(DIGEST_HEADER, m.digest());
          response.getHeaders().put(HttpHeader.ETAG, "\"" + m.digest() + "\"");
          send(response, callback, 200, m.mediaType(), m.bytes(), head);
        } else {
          refused(response, callback, a, head);
        }
      }
      case BLOB -> {
        endpoint.name = "blobs";
        Answer<Blob> a = backend.blob(p.name(), ns, p.reference());
        if (a instanceof Answer.Found<Blob> f) {
          blob(request, response, callback, p.reference(), f.value(), head);
        } else {
          refused(response, callback, a, head);
        }
      }
      case TAGS -> {
        endpoint.name = "tags";
        Integer n;
        try {
          n = pageSize(query);
        } catch (RegistryPath.Invalid e) {
          error(response, callback, e.status, e.code, e.getMessage(), null, head);
          return;
        }
        Answer<Tags> a = backend.tags(p.name(), ns);
        if (a instanceof Answer.Found<Tags> f) {
          tags(response, callback, p.name(), ns, n, blankToNull(query.getValue("last")), f.value(), head);
        } else {
          refused(response, callback, a, head);
        }
      }
      case REFERRERS -> {
        endpoint.name = "referrers";
        String artifactType = blankToNull(query.getValue("artifactType"));
        Answer<Manifest> a = backend.referrers(p.name(), ns, p.reference(), artifactType);
        if (a instanceof Answer.Found<Manifest> f) {
          // distribution-spec v1.1 "Listing Referrers": the response is an image index; a filtered
          // list MUST carry OCI-Filters-Applied naming the filter
          if (artifactType != null) {
            response.getHeaders().put("OCI-Filters-Applied", "artifactType");
          }
          send(response, callback, 200, OCI_INDEX, f.value().bytes(), head);
        } else {
          refused(response, callback, a, head);
        }
      }
      default -> throw new IllegalStateException("unrouted " + p.kind());
    }
  }

  /**
   * distribution-spec v1.1 "Pulling blobs": 200 with the whole blob, or with {@code Range} 206 and
   * {@code Content-Range} (RFC 9110 section 14.4), 416 when the range starts past the end.
   */
  private void blob(Request request, Response response, Callback callback, String digest, Blob blob, boolean head)
      throws IOException {
    if (!blob.digest().equals(digest)) {
      throw new IllegalStateException("the backend answered blob " + blob.digest() + " for " + digest);
    }
    long size = Files.size(blob.file());
    if (size != blob.size()) {
      throw new IllegalStateException("blob " + digest + " is " + size + " bytes in the store, " + blob.size()
          + " expected");
    }
    response.getHeaders().put(DIGEST_HEADER, digest);
    response.getHeaders().put(HttpHeader.ETAG, "\"" + digest + "\"");
    response.getHeaders().put(HttpHeader.ACCEPT_RANGES, "bytes");
    response.getHeaders().put(HttpHeader.CONTENT_TYPE, "application/octet-stream");
    ByteRange range = ByteRange.of(request.getHeaders().get(HttpHeader.RANGE), size);
    if (range == ByteRange.UNSATISFIABLE) {
      response.getHeaders().put(HttpHeader.CONTENT_RANGE, "bytes */" + size);
      error(response, callback, 416, "BLOB_UNKNOWN", "range not satisfiable: the blob is " + size + " bytes", null,
          head);
      return;
    }
    long offset = range == null ? 0 : range.first();
    long length = range == null ? size : range.length();
    int status = 200;
    if (range != null) {
      status = 206;
      response.getHeaders().put(HttpHeader.CONTENT_RANGE, "bytes " + range.first() + "-" + range.last() + "/" + size);
    }
    response.setStatus(status);
    response.getHeaders().put(HttpHeader.CONTENT_LENGTH, length);
    if (head || length == 0) {
      response.write(true, BufferUtil.EMPTY_BUFFER, callback);
      return;
    }
    long sent = length;
    // large direct buffers from the server's pool: a layer streams in 256 KiB reads, not Jetty's
    // default small ones (measured by scripts/bench serve against nginx on the same files)
    ByteBufferPool.Sized buffers = new ByteBufferPool.Sized(request.getComponents().getByteBufferPool(), true,
        BLOB_BUFFER_BYTES);
    Content.copy(Content.Source.from(buffers, blob.file(), offset, length), response, new Callback.Nested(callback) {
      @Override
      public void succeeded() {
        metrics.bytesServed(sent);
        super.succeeded();
      }
    });
  }

  /**
   * distribution-spec v1.1 "Listing Tags": lexical order; {@code n} caps the count, {@code last}
   * starts after a tag; a truncated list carries {@code Link: <...>; rel="next"} (RFC 8288).
   */
  private void tags(Response response, Callback callback, String name, String ns, Integer n, String last, Tags t,
      boolean head) {
    List<String> all = new ArrayList<>(t.tags());
    all.sort(null);
    List<String> page = new ArrayList<>();
    for (String tag : all) {
      if (last == null || tag.compareTo(last) > 0) {
        page.add(tag);
      }
    }
    if (n != null && page.size() > n) {
      page = new ArrayList<>(page.subList(0, n));
      if (n > 0) {
        String next = "/v2/" + name + "/tags/list?n=" + n + "&last=" + page.get(page.size() - 1)
            + (ns == null ? "" : "&ns=" + ns);
        response.getHeaders().put(HttpHeader.LINK, "<" + next + ">; rel=\"next\"");
      }
    }
    ObjectNode body = Json.mapper().createObjectNode();
    body.put("name", t.name());
    ArrayNode tags = body.putArray("tags");
    page.forEach(tags::add);
    send(response, callback, 200, JSON, utf8(Json.write(body)), head);
  }

  /** {@code n} of tags/list: absent → null (every tag), else a non-negative integer. */
  private static Integer pageSize(Fields query) throws RegistryPath.Invalid {
    String nText = blankToNull(query.getValue("n"));
    if (nText == null) {
      return null;
    }
    int n;
    try {
      n = Integer.parseInt(nText);
    } catch (NumberFormatException e) {
      n = -1;
    }
    if (n < 0) {
      throw new RegistryPath.Invalid("PAGINATION_NUMBER_INVALID", 400, "n must be a non-negative integer");
    }
    return n;
  }

  /** Renders a refusal: 4xx with the spec's error code, or 503 DENIED when the appliance cannot decide. */
  private void refused(Response response, Callback callback, Answer<?> a, boolean head) {
    if (a instanceof Answer.Refused<?> r) {
      ObjectNode detail = null;
      if (!r.reasons().isEmpty()) {
        detail = Json.mapper().createObjectNode();
        ArrayNode reasons = detail.putArray("reasons");
        r.reasons().forEach(reasons::add);
      }
      error(response, callback, r.code().status, r.code().name(), r.message(), detail, head);
    } else if (a instanceof Answer.CannotDecide<?> c) {
      // DESIGN.md 9: "cannot decide" → 503 with OCI error code DENIED and the reason
      ObjectNode detail = Json.mapper().createObjectNode();
      detail.put("reason", c.reason());
      error(response, callback, 503, "DENIED", c.message(), detail, head);
    } else {
      throw new IllegalStateException("not a refusal: " + a.getClass().getSimpleName());
    }
  }

  /** Counts the decision an answer carries for {@code airlock_decisions_total}. */
  private void decided(String endpoint, Answer<?> a) {
    if (a instanceof Answer.Found<?>) {
      metrics.decision(endpoint, "admit", "none");
    } else if (a instanceof Answer.Refused<?> r) {
      if (r.code() == ServeBackend.ErrorCode.DENIED) {
        if (r.reasons().isEmpty()) {
          metrics.decision(endpoint, "deny", "none");
        }
        r.reasons().forEach(reason -> metrics.decision(endpoint, "deny", reason));
      } else {
        metrics.decision(endpoint, r.code().status == 404 ? "unknown" : "invalid", r.code().name());
      }
    } else if (a instanceof Answer.CannotDecide<?> c) {
      metrics.decision(endpoint, "cannot_decide", c.reason() == null ? "none" : c.reason());
    }
  }

  // ---- /admission, /api/v1/verify ---------------------------------------------------------------

  private void admission(Request request, Response response, Callback callback) throws IOException {
    long declared = request.getLength();
    if (declared > maxAdmissionBodyBytes) {
      error(response, callback, 413, "REQUEST_TOO_LARGE", "the AdmissionReview is larger than "
          + maxAdmissionBodyBytes + " bytes", null, false);
      return;
    }
    byte[] body;
    // Jetty's idle timeout restarts with every byte, and its minimum data rate is not enforced by
    // the core server: a body trickled in a byte a second would hold this thread for as long as the
    // client likes. The whole body must arrive within the request-read timeout, or the connection
    // is closed (the blocked read then fails and nothing is answered).
    Scheduler.Task deadline = request.getComponents().getScheduler().schedule(
        () -> request.getConnectionMetaData().getConnection().getEndPoint()
            .close(new TimeoutException("admission body not received in time")),
        requestReadTimeout.toNanos(), TimeUnit.NANOSECONDS);
    try (InputStream in = Content.Source.asInputStream(request)) {
      body = in.readNBytes(maxAdmissionBodyBytes + 1);
    } catch (IOException e) {
      callback.failed(e);
      return;
    } finally {
      deadline.cancel();
    }
    if (body.length > maxAdmissionBodyBytes) {
      error(response, callback, 413, "REQUEST_TOO_LARGE", "the AdmissionReview is larger than "
          + maxAdmissionBodyBytes + " bytes", null, false);
      return;
    }
    AdmissionReview review;
    try {
      review = AdmissionReview.parse(body);
    } catch (AdmissionReview.Malformed e) {
      error(response, callback, 400, "BAD_REQUEST", "not an admission.k8s.io/v1 AdmissionReview request: "
          + e.getMessage(), null, false);
      return;
    }
    byte[] answer;
    if (review.images().isEmpty()) {
      // nothing to run (DELETE, CONNECT, an object without a pod spec): nothing to decide
      answer = AdmissionReview.respond(review.uid(), List.of());
    } else {
      List<ImageDecision> decisions = backend.admission(review.images(), review.subject(), review.uid(),
          client(request));
      for (ImageDecision d : decisions) {
        if (d.allowed()) {
          metrics.decision("admission", "admit", "none");
        } else if (d.reasons().isEmpty()) {
          metrics.decision("admission", "deny", "none");
        } else {
          d.reasons().forEach(reason -> metrics.decision("admission", "deny", reason));
        }
      }
      if (decisions.size() != review.images().size()) {
        throw new IllegalStateException("the backend decided " + decisions.size() + " of " + review.images().size()
            + " images");
      }
      answer = AdmissionReview.respond(review.uid(), decisions);
    }
    send(response, callback, 200, JSON, answer, false);
  }

  private void verify(Request request, Response response, Callback callback, boolean head) {
    String image;
    try {
      image = blankToNull(query(request).getValue("image"));
    } catch (RegistryPath.Invalid e) {
      error(response, callback, e.status, e.code, e.getMessage(), null, head);
      return;
    }
    if (image == null) {
      error(response, callback, 400, "BAD_REQUEST", "the image query parameter is required: "
          + "/api/v1/verify?image=REFERENCE", null, head);
      return;
    }
    ServeBackend.VerifyAnswer v = backend.verify(image, client(request));
    String outcome = switch (v.status()) {
      case 200 -> "admit";
      case 403 -> "deny";
      case 503 -> "cannot_decide";
      default -> "invalid";
    };
    List<String> reasons = v.reasons();
    if (reasons.isEmpty()) {
      metrics.decision("verify", outcome, "none");
    }
    reasons.forEach(r -> metrics.decision("verify", outcome, r));
    send(response, callback, v.status(), v.status() == 200 || v.status() == 403 ? VERDICT : JSON,
        utf8(v.documentJson()), head);
  }

  // ---- rendering ---------------------------------------------------------------------------------

  private static void methodNotAllowed(Response response, Callback callback, boolean head) {
    response.getHeaders().put(HttpHeader.ALLOW, "GET, HEAD");
    error(response, callback, 405, "UNSUPPORTED", "only GET and HEAD are supported here", null, head);
  }

  /**
   * distribution-spec v1.1 "Error Codes": {@code {"errors":[{"code","message","detail"}]}}. Used for
   * every error of every endpoint; {@code message} is ours or the backend's, never an exception's.
   */
  static void error(Response response, Callback callback, int status, String code, String message, JsonNode detail,
      boolean head) {
    send(response, callback, status, JSON, errorBody(code, message, detail), head);
  }

  static byte[] errorBody(String code, String message, JsonNode detail) {
    ObjectNode root = Json.mapper().createObjectNode();
    ObjectNode e = root.putArray("errors").addObject();
    e.put("code", code);
    e.put("message", message == null ? "" : message);
    if (detail != null) {
      e.set("detail", detail);
    }
    return utf8(Json.write(root));
  }

  static void send(Response response, Callback callback, int status, String contentType, byte[] body, boolean head) {
    response.setStatus(status);
    response.getHeaders().put(HttpHeader.CONTENT_TYPE, contentType);
    response.getHeaders().put(HttpHeader.CONTENT_LENGTH, body.length);
    response.write(true, head ? BufferUtil.EMPTY_BUFFER : ByteBuffer.wrap(body), callback);
  }

  /** 500 with a generic body; the exception goes to stderr once and never into the response. */
  private void internalError(Request request, Response response, Callback callback, Throwable e) {
    synchronized (err) {
      err.println("airlock serve: internal error answering " + request.getMethod() + " "
          + request.getHttpURI().getPath() + ":");
      e.printStackTrace(err);
    }
    if (response.isCommitted()) {
      callback.failed(e);
      return;
    }
    response.reset();
    error(response, callback, 500, "INTERNAL_ERROR", "internal error; the appliance's log has the details", null,
        request.getMethod().equals("HEAD"));
  }

  private static Fields query(Request request) throws RegistryPath.Invalid {
    try {
      return Request.extractQueryParameters(request, StandardCharsets.UTF_8);
    } catch (RuntimeException e) {
      throw new RegistryPath.Invalid("BAD_REQUEST", 400, "malformed query string");
    }
  }

  /** Who asks: the peer address and, over TLS with a client certificate, its subject (RFC 2253). */
  private static Client client(Request request) {
    String subject = null;
    if (request.getAttribute(EndPoint.SslSessionData.ATTRIBUTE) instanceof EndPoint.SslSessionData ssl) {
      X509Certificate[] peer = ssl.peerCertificates();
      if (peer != null && peer.length > 0) {
        subject = peer[0].getSubjectX500Principal().getName(X500Principal.RFC2253);
      }
    }
    String address = Request.getRemoteAddr(request);
    return new Client(address == null ? "unknown" : address, subject);
  }

  private static String blankToNull(String s) {
    return s == null || s.isEmpty() ? null : s;
  }

  static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }
}
