package dev.convoy.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * A TCP relay on loopback in front of a local service, which a test can take down (open connections
 * reset, new ones refused, as when the service is stopped) and bring back on the same port. It stands
 * between the driver and the real PgBouncer, so an outage hits only the driver under test.
 */
public final class TcpProxy implements AutoCloseable {

  private final InetSocketAddress target;
  private final int port;
  private final Set<Socket> open = ConcurrentHashMap.newKeySet();
  private final ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor();
  private volatile ServerSocket server;

  private TcpProxy(InetSocketAddress target) throws IOException {
    this.target = target;
    this.server = listen(0);
    this.port = server.getLocalPort();
    threads.submit(() -> accept(server));
  }

  public static TcpProxy to(String host, int port) throws IOException {
    return new TcpProxy(new InetSocketAddress(host, port));
  }

  public int port() {
    return port;
  }

  /** Resets every open connection and refuses new ones. */
  public synchronized void down() throws IOException {
    if (server != null) server.close();
    server = null;
    for (Socket s : open) s.close();
    open.clear();
  }

  /** Accepts connections again, on the same port. */
  public synchronized void up() throws IOException {
    if (server != null) return;
    ServerSocket s = listen(port);
    server = s;
    threads.submit(() -> accept(s));
  }

  private static ServerSocket listen(int port) throws IOException {
    ServerSocket s = new ServerSocket();
    s.setReuseAddress(true);
    s.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
    return s;
  }

  private void accept(ServerSocket listening) {
    while (!listening.isClosed()) {
      try {
        Socket client = listening.accept();
        Socket upstream = new Socket(target.getAddress(), target.getPort());
        open.add(client);
        open.add(upstream);
        threads.submit(() -> pump(client, upstream));
        threads.submit(() -> pump(upstream, client));
      } catch (IOException e) {
        // closed by down(), or the target refused: the client sees its connection end
      }
    }
  }

  private void pump(Socket from, Socket to) {
    byte[] buffer = new byte[64 * 1024];
    try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
      for (int n; (n = in.read(buffer)) >= 0; ) out.write(buffer, 0, n);
    } catch (IOException e) {
      // one side went away; closing both below ends the other direction too
    } finally {
      closeQuietly(from);
      closeQuietly(to);
    }
  }

  private void closeQuietly(Socket s) {
    open.remove(s);
    try {
      s.close();
    } catch (IOException ignored) {
      // already closed
    }
  }

  @Override
  public void close() throws IOException {
    down();
    threads.shutdownNow();
  }
}
