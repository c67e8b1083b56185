package dev.convoy.app;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Optional;

/**
 * The configuration text a driver runs with, kept in its state folder ({@code config.yaml}) with a
 * fingerprint of the file it was started from ({@code config.origin}). {@code bin/convoy apply}
 * rewrites the text, so a later step restart resumes what was applied live, unless the start file
 * itself changed since (a new deploy): then the file wins.
 */
final class KeptConfig {

  static final String TEXT = "config.yaml";
  static final String ORIGIN = "config.origin";

  private final Path stateDir;

  KeptConfig(Path stateDir) {
    this.stateDir = stateDir;
  }

  Path file() {
    return stateDir.resolve(TEXT);
  }

  /** The text applied live since the driver started from {@code startText}, if the start file is unchanged since. */
  Optional<String> appliedOver(String startText) throws IOException {
    Path origin = stateDir.resolve(ORIGIN);
    if (!Files.isRegularFile(file()) || !Files.isRegularFile(origin)) return Optional.empty();
    if (!Files.readString(origin).strip().equals(fingerprint(startText))) return Optional.empty();
    return Optional.of(Files.readString(file()));
  }

  /** The driver starts from {@code startText} (the file, or what was applied over it). */
  void startFrom(String startFileText, String runningText) throws IOException {
    write(ORIGIN, fingerprint(startFileText));
    write(TEXT, runningText);
  }

  /** A change was applied: the next start from the same file resumes it. */
  void applied(String text) {
    try {
      write(TEXT, text);
    } catch (IOException e) {
      throw new UncheckedIOException("the change was applied, but keeping it in " + file() + " failed; a step restart "
          + "would go back to the start file: " + e.getMessage(), e);
    }
  }

  private void write(String name, String text) throws IOException {
    Files.createDirectories(stateDir);
    // Written aside and moved: a crash mid-write must not leave half a config to start from. Owner-only,
    // like the token: a config may name secrets' ids and hosts.
    Path tmp = Files.createTempFile(stateDir, name, ".tmp", PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
    Files.writeString(tmp, text);
    Files.move(tmp, stateDir.resolve(name), StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
  }

  static String fingerprint(String text) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
