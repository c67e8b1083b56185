package dev.convoy.sink;

import java.nio.charset.StandardCharsets;

/**
 * Redshift's value rules that PostgreSQL does not share: {@code VARCHAR(n)} holds n <em>bytes</em> of
 * UTF-8, and trailing spaces do not count when strings are compared ({@code 'a' = 'a '}).
 */
public final class Values {

  private Values() {}

  /** The UTF-8 length of {@code s}, without encoding it. */
  public static int utf8Bytes(CharSequence s) {
    int bytes = 0;
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c < 0x80) bytes += 1;
      else if (c < 0x800) bytes += 2;
      else if (Character.isHighSurrogate(c) && i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))) {
        bytes += 4;
        i++;
      } else bytes += 3;
    }
    return bytes;
  }

  /** {@code s} without trailing spaces: the form Redshift compares, so keys that Redshift calls equal are equal here. */
  public static String withoutTrailingSpaces(String s) {
    int end = s.length();
    while (end > 0 && s.charAt(end - 1) == ' ') end--;
    return end == s.length() ? s : s.substring(0, end);
  }

  /** The longest prefix of {@code s} whose UTF-8 form fits {@code maxBytes}, never splitting a character. */
  public static String truncateToBytes(String s, int maxBytes) {
    if (utf8Bytes(s) <= maxBytes) return s;
    byte[] utf8 = s.getBytes(StandardCharsets.UTF_8);
    int end = maxBytes;
    while (end > 0 && (utf8[end] & 0xC0) == 0x80) end--; // back to the first byte of a character
    return new String(utf8, 0, end, StandardCharsets.UTF_8);
  }

  /** A value shown in an error message: short, and marked when cut. */
  static String preview(String s) {
    return s.length() <= 40 ? "'" + s + "'" : "'" + s.substring(0, 37) + "...' (" + s.length() + " characters)";
  }
}
