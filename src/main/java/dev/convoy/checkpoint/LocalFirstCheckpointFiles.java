package dev.convoy.checkpoint;

import java.io.BufferedOutputStream;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.UUID;
import java.util.stream.Stream;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FSDataInputStream;
import org.apache.hadoop.fs.FileAlreadyExistsException;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.LocalFileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.PathFilter;
import org.apache.hadoop.fs.RawLocalFileSystem;
import org.apache.spark.sql.execution.streaming.CheckpointFileManager;
import org.apache.spark.sql.execution.streaming.FileContextBasedCheckpointFileManager;

/**
 * Spark's checkpoint files on a local disk without Hadoop's shell commands; any other file system
 * (HDFS, S3 on EMR) goes to Spark's own manager unchanged.
 *
 * <p>Without Hadoop's native library, its local file system starts a {@code chmod} process for every
 * file it creates and four {@code readlink} processes for every rename: about 40 processes per
 * micro-batch of one query, a process fork every few milliseconds with a hundred jobs
 * (docs/benchmarks.md). Here a file is written to a hidden temporary file beside it and moved into place
 * with one {@code rename(2)}, or hard-linked when it must not replace an existing file, which is the
 * atomic no-overwrite Spark's logs rely on to detect a second writer. Spark picks the class up from
 * {@code spark.sql.streaming.checkpointFileManagerClass} ({@link dev.convoy.run.Driver#sparkConf}).
 */
public final class LocalFirstCheckpointFiles implements CheckpointFileManager {

  private final CheckpointFileManager files;

  /** The constructor Spark calls, once per checkpoint folder it opens. */
  public LocalFirstCheckpointFiles(Path path, Configuration conf) throws IOException {
    FileSystem fs = path.getFileSystem(conf);
    this.files = fs instanceof LocalFileSystem || fs instanceof RawLocalFileSystem
        ? new Local(path, (RawLocalFileSystem) FileSystem.getLocal(conf).getRaw())
        : new FileContextBasedCheckpointFileManager(path, conf);
  }

  @Override public CancellableFSDataOutputStream createAtomic(Path path, boolean overwriteIfPossible) {
    return files.createAtomic(path, overwriteIfPossible);
  }

  @Override public FSDataInputStream open(Path path) {
    return files.open(path);
  }

  @Override public FileStatus[] list(Path path, PathFilter filter) {
    return files.list(path, filter);
  }

  @Override public void mkdirs(Path path) {
    files.mkdirs(path);
  }

  @Override public boolean exists(Path path) {
    return files.exists(path);
  }

  @Override public void delete(Path path) {
    files.delete(path);
  }

  @Override public boolean isLocal() {
    return files.isLocal();
  }

  @Override public Path createCheckpointDirectory() {
    return files.createCheckpointDirectory();
  }

  /** A checkpoint folder on the local disk, through {@link java.nio.file.Files}. */
  private static final class Local implements CheckpointFileManager {

    private final Path root;
    private final RawLocalFileSystem raw;

    Local(Path root, RawLocalFileSystem raw) {
      this.root = root;
      this.raw = raw;
    }

    private java.nio.file.Path local(Path path) {
      return raw.pathToFile(path).toPath();
    }

    @Override
    public CancellableFSDataOutputStream createAtomic(Path path, boolean overwriteIfPossible) {
      java.nio.file.Path target = local(path);
      java.nio.file.Path temp = target.resolveSibling("." + target.getFileName() + "." + UUID.randomUUID() + ".tmp");
      try {
        // Checked first: on an existing folder (every file but a checkpoint's first) createDirectories throws twice inside.
        if (!Files.isDirectory(target.getParent())) Files.createDirectories(target.getParent());
        return new AtomicFile(new BufferedOutputStream(Files.newOutputStream(temp), 1 << 16), temp, target, overwriteIfPossible);
      } catch (IOException e) {
        throw sneaky(e);
      }
    }

    @Override
    public FSDataInputStream open(Path path) {
      try {
        // Hadoop's raw local stream: seekable as FSDataInputStream needs, and it starts no process.
        return raw.open(path);
      } catch (IOException e) {
        throw sneaky(e);
      }
    }

    @Override
    public FileStatus[] list(Path path, PathFilter filter) {
      Path folder = raw.makeQualified(path);
      List<FileStatus> out = new ArrayList<>();
      try (DirectoryStream<java.nio.file.Path> children = Files.newDirectoryStream(local(path))) {
        for (java.nio.file.Path child : children) {
          String name = child.getFileName().toString();
          // The checksums Hadoop's checksummed file system left beside files: it hides them too.
          if (name.startsWith(".") && name.endsWith(".crc")) continue;
          Path p = new Path(folder, name);
          if (!filter.accept(p)) continue;
          BasicFileAttributes a;
          try {
            a = Files.readAttributes(child, BasicFileAttributes.class);
          } catch (NoSuchFileException gone) {
            continue; // deleted while listing (a temporary file, or a cleaned-up old version)
          }
          out.add(new FileStatus(a.size(), a.isDirectory(), 1, 0, a.lastModifiedTime().toMillis(), p));
        }
      } catch (NoSuchFileException e) {
        throw sneaky(new FileNotFoundException(path + " does not exist"));
      } catch (IOException e) {
        throw sneaky(e);
      }
      return out.toArray(FileStatus[]::new);
    }

    @Override
    public void mkdirs(Path path) {
      try {
        Files.createDirectories(local(path));
      } catch (IOException e) {
        throw sneaky(e);
      }
    }

    @Override
    public boolean exists(Path path) {
      return Files.exists(local(path));
    }

    @Override
    public void delete(Path path) {
      java.nio.file.Path p = local(path);
      if (!Files.exists(p)) return;
      try (Stream<java.nio.file.Path> all = Files.walk(p)) {
        for (java.nio.file.Path each : all.sorted(Comparator.reverseOrder()).toList()) Files.deleteIfExists(each);
      } catch (NoSuchFileException gone) {
        // deleted meanwhile: what was asked
      } catch (IOException e) {
        throw sneaky(e);
      }
    }

    @Override
    public boolean isLocal() {
      return true;
    }

    @Override
    public Path createCheckpointDirectory() {
      Path qualified = raw.makeQualified(root);
      mkdirs(qualified);
      return qualified;
    }
  }

  /** A file written beside its target and moved into place on close; cancel leaves nothing behind. */
  private static final class AtomicFile extends CancellableFSDataOutputStream {

    private final java.nio.file.Path temp;
    private final java.nio.file.Path target;
    private final boolean overwrite;
    private boolean done;

    AtomicFile(OutputStream out, java.nio.file.Path temp, java.nio.file.Path target, boolean overwrite) {
      super(out);
      this.temp = temp;
      this.target = target;
      this.overwrite = overwrite;
    }

    @Override
    public synchronized void close() throws IOException {
      if (done) return;
      done = true;
      boolean moved = false;
      try {
        underlyingStream().close();
        if (overwrite) {
          Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
          moved = true;
          // A checksum Hadoop wrote for the old file would no longer match the new one. (Files.exists
          // first: deleteIfExists throws inside when there is none, which is almost always.)
          java.nio.file.Path crc = target.resolveSibling("." + target.getFileName() + ".crc");
          if (Files.exists(crc)) Files.deleteIfExists(crc);
        } else {
          try {
            Files.createLink(target, temp); // fails if the target exists, unlike a rename
          } catch (java.nio.file.FileAlreadyExistsException e) {
            throw new FileAlreadyExistsException(target + " already exists");
          }
        }
      } finally {
        if (!moved) Files.deleteIfExists(temp);
      }
    }

    @Override
    public synchronized void cancel() {
      if (done) return;
      done = true;
      try {
        underlyingStream().close();
      } catch (IOException ignored) {
        // the file is being thrown away
      } finally {
        try {
          Files.deleteIfExists(temp);
        } catch (IOException ignored) {
          // a hidden temporary file; Spark's own manager leaves these behind too
        }
      }
    }
  }

  /** Spark's Scala callers expect Hadoop's checked IOExceptions (FileNotFoundException above all) as thrown. */
  @SuppressWarnings("unchecked")
  private static <E extends Throwable> RuntimeException sneaky(Throwable e) throws E {
    throw (E) e;
  }
}
