package dev.convoy.control;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.convoy.plan.Plan;
import dev.convoy.control.JobState;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.concurrent.Executors;

/**
 * {@code GET /health}, {@code GET /metrics} (Prometheus), {@code GET /jobs}, {@code GET /jobs/{name}},
 * {@code GET /history}, {@code POST /jobs/{name}/stop|start|restart}, {@code POST /apply}, and the status page
 * at {@code /}. Reads are open to whoever can reach the address
 * (localhost by default); changes need {@code Authorization: Bearer <token>}.
 */
public final class ControlServer implements AutoCloseable {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final int MAX_CONFIG_BYTES = 1024 * 1024;

  private final HttpServer server;
  private final Jobs driver;
  private final byte[] token;
  private final PrometheusMetrics metrics;
  private final Reconfigure reconfigure;

  public ControlServer(Jobs driver, Reconfigure reconfigure, String host, int port, String token) throws IOException {
    if (token == null || token.length() < 16) throw new IllegalArgumentException("the control token must have at least 16 characters");
    this.driver = driver;
    this.reconfigure = reconfigure;
    this.token = token.getBytes(StandardCharsets.UTF_8);
    try {
      this.server = HttpServer.create(new InetSocketAddress(host, port), 0);
    } catch (java.net.BindException e) {
      throw new IllegalArgumentException("control endpoint: cannot listen on " + host + ":" + port + " (" + e.getMessage()
          + "); is another driver running? Stop it, or set control.port in the config");
    }
    server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
    this.metrics = new PrometheusMetrics(driver::status);
    server.createContext("/health", this::health);
    server.createContext("/metrics", this::metrics);
    server.createContext("/jobs", this::jobs);
    server.createContext("/apply", this::apply);
    server.createContext("/history", this::history);
    server.createContext("/", this::page);
  }

  public void start() {
    server.start();
  }

  public URI address() {
    InetSocketAddress a = server.getAddress();
    return URI.create("http://" + a.getHostString() + ":" + a.getPort());
  }

  private void health(HttpExchange ex) throws IOException {
    if (!ex.getRequestMethod().equals("GET")) {
      send(ex, 405, Map.of("error", "use GET"));
      return;
    }
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("status", driver.healthy() ? "ok" : "failed");
    Map<JobState, Long> states = new LinkedHashMap<>();
    driver.status().forEach(s -> states.merge(s.state(), 1L, Long::sum));
    body.put("jobs", states);
    send(ex, driver.healthy() ? 200 : 503, body);
  }

  /** The status page and its two files, from the classpath: nothing is loaded from elsewhere. */
  private void page(HttpExchange ex) throws IOException {
    String path = ex.getRequestURI().getPath();
    String[] file = switch (path) {
      case "/", "/index.html" -> new String[] {"index.html", "text/html; charset=utf-8"};
      case "/page/status.js" -> new String[] {"status.js", "text/javascript; charset=utf-8"};
      case "/page/status.css" -> new String[] {"status.css", "text/css; charset=utf-8"};
      default -> null;
    };
    if (file == null) {
      send(ex, 404, Map.of("error", "no page " + path + "; the status page is at /, the API at /jobs, /history, /metrics, /health"));
      return;
    }
    if (!ex.getRequestMethod().equals("GET")) {
      send(ex, 405, Map.of("error", "use GET"));
      return;
    }
    byte[] body;
    try (var in = ControlServer.class.getResourceAsStream("page/" + file[0])) {
      if (in == null) throw new IOException("page/" + file[0] + " is missing from the jar");
      body = in.readAllBytes();
    }
    var headers = ex.getResponseHeaders();
    headers.set("Content-Type", file[1]);
    // Only this origin's script, styles and API; no inline script, no framing: an error text shown on
    // the page can never run as code, and another site cannot click its buttons.
    headers.set("Content-Security-Policy", "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; img-src 'self'; "
        + "base-uri 'none'; form-action 'none'; frame-ancestors 'none'");
    headers.set("X-Content-Type-Options", "nosniff");
    headers.set("Referrer-Policy", "no-referrer");
    headers.set("Cache-Control", "no-store");
    ex.sendResponseHeaders(200, body.length);
    try (OutputStream out = ex.getResponseBody()) {
      out.write(body);
    }
  }

  /** {@code GET /history}: each job's batch duration and source lag over the last 30 minutes, for the page's sparklines. */
  private void history(HttpExchange ex) throws IOException {
    if (!ex.getRequestMethod().equals("GET")) {
      send(ex, 405, Map.of("error", "use GET"));
      return;
    }
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("windowSeconds", 1800);
    body.put("point", java.util.List.of("epochMs", "batchMs", "lagMs"));
    body.put("jobs", driver.history());
    send(ex, 200, body);
  }

  private void metrics(HttpExchange ex) throws IOException {
    if (!ex.getRequestMethod().equals("GET")) {
      send(ex, 405, Map.of("error", "use GET"));
      return;
    }
    byte[] body = metrics.scrape().getBytes(StandardCharsets.UTF_8);
    ex.getResponseHeaders().set("Content-Type", "text/plain; version=0.0.4; charset=utf-8");
    ex.sendResponseHeaders(200, body.length);
    try (OutputStream out = ex.getResponseBody()) {
      out.write(body);
    }
  }

  private void jobs(HttpExchange ex) throws IOException {
    String[] path = ex.getRequestURI().getPath().replaceAll("/+$", "").split("/");
    // path: ["", "jobs"], ["", "jobs", name], ["", "jobs", name, action]
    try {
      if (ex.getRequestMethod().equals("GET") && path.length == 2) {
        send(ex, 200, driver.status());
      } else if (ex.getRequestMethod().equals("GET") && path.length == 3) {
        send(ex, 200, driver.status(path[2]));
      } else if (ex.getRequestMethod().equals("POST") && path.length == 4) {
        if (!authorized(ex)) {
          refuseWithoutToken(ex);
          return;
        }
        switch (path[3]) {
          case "stop" -> send(ex, 200, driver.stop(path[2]));
          case "start" -> send(ex, 200, driver.start(path[2]));
          case "restart" -> send(ex, 200, driver.restart(path[2]));
          default -> send(ex, 404, Map.of("error", "unknown action '" + path[3] + "'; use stop, start or restart"));
        }
      } else {
        send(ex, 404, Map.of("error", "use GET /jobs, GET /jobs/{name} or POST /jobs/{name}/stop|start|restart"));
      }
    } catch (NoSuchElementException e) {
      send(ex, 404, Map.of("error", e.getMessage()));
    } catch (RuntimeException e) {
      send(ex, 500, Map.of("error", String.valueOf(e.getMessage())));
    }
  }

  /**
   * {@code POST /apply[?dryRun=true]} with the new config's YAML as the body: 200 with the plan when it
   * was applied (or only planned), 409 when a change is refused (nothing applied), 400 when the file
   * would not pass start-up's validation.
   */
  private void apply(HttpExchange ex) throws IOException {
    if (!ex.getRequestMethod().equals("POST")) {
      send(ex, 405, Map.of("error", "use POST /apply[?dryRun=true] with the config's YAML as the body (bin/convoy apply --config FILE)"));
      return;
    }
    if (!authorized(ex)) {
      refuseWithoutToken(ex);
      return;
    }
    boolean dryRun = "dryRun=true".equals(ex.getRequestURI().getQuery());
    byte[] body = ex.getRequestBody().readNBytes(MAX_CONFIG_BYTES + 1);
    if (body.length > MAX_CONFIG_BYTES) {
      send(ex, 413, Map.of("error", "a config of more than " + MAX_CONFIG_BYTES / 1024 + " KiB is not a config"));
      return;
    }
    try {
      Plan plan = reconfigure.apply(new String(body, StandardCharsets.UTF_8), dryRun);
      Map<String, Object> out = new LinkedHashMap<>();
      out.put("applied", !dryRun && !plan.refused());
      out.put("dryRun", dryRun);
      out.put("plan", plan);
      send(ex, plan.refused() ? 409 : 200, out);
    } catch (IllegalArgumentException e) { // the config would not pass start-up's validation
      send(ex, 400, Map.of("error", e.getMessage()));
    } catch (RuntimeException e) {
      send(ex, 500, Map.of("error", String.valueOf(e.getMessage())));
    }
  }

  private static void refuseWithoutToken(HttpExchange ex) throws IOException {
    ex.getResponseHeaders().add("WWW-Authenticate", "Bearer");
    send(ex, 401, Map.of("error", "changes need 'Authorization: Bearer <token>' (bin/convoy reads it from the driver's state folder)"));
  }

  private boolean authorized(HttpExchange ex) {
    String header = ex.getRequestHeaders().getFirst("Authorization");
    if (header == null || !header.startsWith("Bearer ")) return false;
    // Constant-time comparison: the token must not leak through response timing.
    return MessageDigest.isEqual(token, header.substring("Bearer ".length()).strip().getBytes(StandardCharsets.UTF_8));
  }

  private static void send(HttpExchange ex, int status, Object body) throws IOException {
    byte[] bytes = JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(body);
    ex.getResponseHeaders().add("Content-Type", "application/json");
    ex.sendResponseHeaders(status, bytes.length);
    try (OutputStream out = ex.getResponseBody()) {
      out.write(bytes);
    }
  }

  @Override
  public void close() {
    server.stop(0);
    metrics.close();
  }
}
