package dev.convoy.checkpoint;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.Arrays;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileAlreadyExistsException;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.execution.streaming.CheckpointFileManager.CancellableFSDataOutputStream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LocalFirstCheckpointFilesTest {

  @TempDir java.nio.file.Path dir;
  private LocalFirstCheckpointFiles files;
  private Path root;

  @BeforeEach
  void open() throws IOException {
    root = new Path(dir.toUri());
    files = new LocalFirstCheckpointFiles(root, new Configuration());
  }

  private void write(Path file, String text, boolean overwrite) throws IOException {
    try (OutputStream out = files.createAtomic(file, overwrite)) {
      out.write(text.getBytes(StandardCharsets.UTF_8));
    }
  }

  private String read(Path file) throws IOException {
    try (InputStream in = files.open(file)) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }

  private List<String> namesIn(java.nio.file.Path folder) throws IOException {
    try (var s = Files.list(folder)) {
      return s.map(p -> p.getFileName().toString()).sorted().toList();
    }
  }

  @Test
  void aFileAppearsWholeOnCloseAndNotBefore() throws IOException {
    Path file = new Path(root, "offsets/0");
    CancellableFSDataOutputStream out = files.createAtomic(file, false);
    out.write("v1\n{}".getBytes(StandardCharsets.UTF_8));
    assertFalse(files.exists(file), "visible before close");
    out.close();
    assertEquals("v1\n{}", read(file));
    assertEquals(List.of("0"), namesIn(dir.resolve("offsets")), "no temporary file is left");
  }

  @Test
  void withoutOverwriteASecondWriterFailsAndTheFirstFileStays() throws IOException {
    Path file = new Path(root, "commits/3");
    write(file, "first", false);
    assertThrows(FileAlreadyExistsException.class, () -> write(file, "second", false));
    assertEquals("first", read(file));
    assertEquals(List.of("3"), namesIn(dir.resolve("commits")));
  }

  @Test
  void overwriteReplacesTheFileAndDropsAStaleChecksum() throws IOException {
    Path file = new Path(root, "state/0/0/1.delta");
    write(file, "old", true);
    java.nio.file.Path crc = dir.resolve("state/0/0/.1.delta.crc");
    Files.writeString(crc, "checksum of old");
    write(file, "new", true);
    assertEquals("new", read(file));
    assertFalse(Files.exists(crc));
    assertEquals(List.of("1.delta"), namesIn(dir.resolve("state/0/0")), "no temporary file is left");
  }

  @Test
  void cancelLeavesNothing() throws IOException {
    Path file = new Path(root, "offsets/7");
    CancellableFSDataOutputStream out = files.createAtomic(file, false);
    out.write(42);
    out.cancel();
    out.close(); // after cancel, a close (try-with-resources) must not publish the file
    assertFalse(files.exists(file));
    assertEquals(List.of(), namesIn(dir.resolve("offsets")));
  }

  @Test
  void listsQualifiedPathsThroughTheFilterAndHidesChecksums() throws IOException {
    write(new Path(root, "log/0"), "a", false);
    write(new Path(root, "log/1"), "bb", false);
    Files.writeString(dir.resolve("log/.1.crc"), "x");
    Files.writeString(dir.resolve("log/notes"), "x");
    FileStatus[] numbered = files.list(new Path(root, "log"), p -> p.getName().chars().allMatch(Character::isDigit));
    Arrays.sort(numbered);
    assertArrayEquals(new String[] {"0", "1"}, Arrays.stream(numbered).map(s -> s.getPath().getName()).toArray());
    assertEquals("file", numbered[1].getPath().toUri().getScheme());
    assertEquals(2, numbered[1].getLen());
    assertEquals(3, files.list(new Path(root, "log")).length);
    assertThrows(FileNotFoundException.class, () -> files.list(new Path(root, "missing")));
    assertThrows(FileNotFoundException.class, () -> files.open(new Path(root, "log/9")));
  }

  @Test
  void deletesFoldersWithTheirFilesAndIgnoresWhatIsGone() throws IOException {
    write(new Path(root, "sources/0/ends/1"), "x", false);
    files.delete(new Path(root, "sources"));
    assertFalse(files.exists(new Path(root, "sources")));
    files.delete(new Path(root, "sources"));
    files.mkdirs(new Path(root, "a/b"));
    assertTrue(Files.isDirectory(dir.resolve("a/b")));
    assertTrue(files.isLocal());
    Path made = files.createCheckpointDirectory();
    assertEquals("file", made.toUri().getScheme());
    assertTrue(Files.isDirectory(java.nio.file.Path.of(made.toUri())));
  }
}
