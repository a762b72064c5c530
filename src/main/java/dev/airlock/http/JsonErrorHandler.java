package dev.airlock.http;

import java.nio.ByteBuffer;
import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.handler.ErrorHandler;
import org.eclipse.jetty.util.Callback;

/**
 * The errors Jetty answers itself (a header over the limit → 431, an unparseable request → 400, a
 * handler that threw an {@code Error} → 500) in the same JSON shape as the routes' errors. The body
 * is chosen by status alone: Jetty's own message or exception never reaches the client, so no
 * response names a Java class or carries a stack trace.
 */
final class JsonErrorHandler extends ErrorHandler {
  JsonErrorHandler() {
    setShowStacks(false);
    setShowCauses(false);
  }

  static byte[] body(int status) {
    String[] codeAndMessage = switch (status) {
      case 400 -> new String[] {"BAD_REQUEST", "malformed HTTP request"};
      case 404 -> new String[] {"NAME_UNKNOWN", "no such route"};
      case 405 -> new String[] {"UNSUPPORTED", "method not supported"};
      case 408 -> new String[] {"REQUEST_TIMEOUT", "the request did not arrive in time"};
      case 413 -> new String[] {"REQUEST_TOO_LARGE", "the request body is too large"};
      case 414 -> new String[] {"URI_TOO_LONG", "the request URI is too long"};
      case 431 -> new String[] {"REQUEST_HEADER_TOO_LARGE", "the request header is too large"};
      case 503 -> new String[] {"UNAVAILABLE", "the server is busy or stopping"};
      default -> status >= 500
          ? new String[] {"INTERNAL_ERROR", "internal error; the appliance's log has the details"}
          : new String[] {"BAD_REQUEST", "request refused"};
    };
    return ServeHandler.errorBody(codeAndMessage[0], codeAndMessage[1], null);
  }

  @Override
  protected void generateResponse(Request request, Response response, int code, String message, Throwable cause,
      Callback callback) {
    ServeHandler.send(response, callback, code, ServeHandler.JSON, body(code), request.getMethod().equals("HEAD"));
  }

  @Override
  public ByteBuffer badMessageError(int status, String reason, HttpFields.Mutable fields) {
    fields.put(HttpHeader.CONTENT_TYPE, ServeHandler.JSON);
    return ByteBuffer.wrap(body(status));
  }
}
