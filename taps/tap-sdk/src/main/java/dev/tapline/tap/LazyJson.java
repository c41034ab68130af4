package dev.tapline.tap;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.BigIntegerNode;
import com.fasterxml.jackson.databind.node.BooleanNode;
import com.fasterxml.jackson.databind.node.IntNode;
import com.fasterxml.jackson.databind.node.LongNode;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.TextNode;
import dev.tapline.spec.CompactFields;
import dev.tapline.spec.JsonBytes;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Reads JSON bytes into nodes that are built only as far as they are used: the whole text is
 * checked at once, but the members of an object or array are read when the node is first asked for
 * them (on whichever thread asks). An object or array nobody asked about is written into a RECORD
 * by the tap as the bytes it came as, so an API response's nested values cost neither a tree nor
 * an encoding. Strings without escapes stay bytes ({@link PlainTextNode}); integers become {@code
 * int}, {@code long} or {@code BigInteger} nodes; other numbers keep their text ({@link
 * DecimalTextNode}), so they stay exact.
 *
 * <p>The nodes are ordinary {@code ObjectNode}s and {@code ArrayNode}s: they can be read, changed
 * and copied as usual. Like other nodes they are not thread-safe; hand them from thread to thread
 * the usual way (a queue, a future).
 */
public final class LazyJson {

  private static final ThreadLocal<NameCache> NAMES = ThreadLocal.withInitial(NameCache::new);

  private LazyJson() {}

  /**
   * The JSON value in {@code utf8}, which is taken over, not copied (it must not change
   * afterwards).
   *
   * @throws IllegalArgumentException when the bytes are not one JSON value; the message names the
   *     byte offset of the problem
   */
  public static JsonNode parse(byte[] utf8) {
    return parse(utf8, 0, utf8.length);
  }

  /** The JSON value in {@code length} bytes of {@code utf8} from {@code offset}; see {@link #parse(byte[])}. */
  public static JsonNode parse(byte[] utf8, int offset, int length) {
    if (length >= 3 && utf8[offset] == (byte) 0xEF && utf8[offset + 1] == (byte) 0xBB
        && utf8[offset + 2] == (byte) 0xBF) {
      // a byte order mark, which some servers put first and JSON readers may ignore
      offset += 3;
      length -= 3;
    }
    JsonTape tape = JsonTape.of(utf8, offset, length);
    if (tape.count > 0 && tape.starts[0] == firstNonSpace(utf8, offset)) {
      return container(tape, 0);
    }
    Reader reader = new Reader(tape, firstNonSpace(utf8, offset));
    return reader.scalar();
  }

  private static int firstNonSpace(byte[] bytes, int at) {
    while (bytes[at] == ' ' || bytes[at] == '\n' || bytes[at] == '\r' || bytes[at] == '\t') {
      at++;
    }
    return at;
  }

  private static JsonNode container(JsonTape tape, int container) {
    return tape.bytes[tape.starts[container]] == '{'
        ? new LazyObjectNode(tape, container)
        : new LazyArrayNode(tape, container);
  }

  /** The members of an object of the tape, read now. */
  static CompactFields readObject(JsonTape tape, int container) {
    return new Reader(tape, tape.starts[container] + 1).members(container);
  }

  /** The items of an array of the tape, read now. */
  static List<JsonNode> readArray(JsonTape tape, int container) {
    return new Reader(tape, tape.starts[container] + 1).items(container);
  }

  /** Reads the direct members of one container of a checked tape. */
  private static final class Reader {
    private final JsonTape tape;
    private final byte[] bytes;
    private int position;
    private int cursor;
    /** Whether the string last scanned by {@link #stringEnd} holds an escape. */
    private boolean escaped;

    Reader(JsonTape tape, int position) {
      this.tape = tape;
      this.bytes = tape.bytes;
      this.position = position;
    }

    private void skipSpace() {
      if (tape.spaced) {
        byte b;
        while ((b = bytes[position]) == ' ' || b == '\n' || b == '\r' || b == '\t') {
          position++;
        }
      }
    }

    CompactFields members(int container) {
      cursor = container + 1;
      String[] names = new String[16];
      JsonNode[] values = new JsonNode[16];
      int size = 0;
      NameCache cache = NAMES.get();
      skipSpace();
      if (bytes[position] != '}') {
        while (true) {
          int start = position + 1;
          int end = stringEnd(start);
          String name = escaped ? JsonBytes.unescape(bytes, start, end) : cache.name(bytes, start, end - start);
          position = end + 1;
          skipSpace();
          position++;
          skipSpace();
          if (size == names.length) {
            names = Arrays.copyOf(names, size * 2);
            values = Arrays.copyOf(values, size * 2);
          }
          names[size] = name;
          values[size++] = value();
          skipSpace();
          if (bytes[position] != ',') {
            break;
          }
          position++;
          skipSpace();
        }
      }
      return new CompactFields(names, values, size);
    }

    List<JsonNode> items(int container) {
      cursor = container + 1;
      List<JsonNode> items = new ArrayList<>();
      skipSpace();
      if (bytes[position] != ']') {
        while (true) {
          items.add(value());
          skipSpace();
          if (bytes[position] != ',') {
            break;
          }
          position++;
          skipSpace();
        }
      }
      return items;
    }

    private JsonNode value() {
      byte b = bytes[position];
      if (b == '{' || b == '[') {
        int container = cursor;
        JsonNode node = b == '{' ? new LazyObjectNode(tape, container) : new LazyArrayNode(tape, container);
        position = tape.ends[container] + 1;
        cursor = tape.nexts[container];
        return node;
      }
      return scalar();
    }

    JsonNode scalar() {
      byte b = bytes[position];
      switch (b) {
        case '"' -> {
          return string();
        }
        case 't' -> {
          position += 4;
          return BooleanNode.TRUE;
        }
        case 'f' -> {
          position += 5;
          return BooleanNode.FALSE;
        }
        case 'n' -> {
          position += 4;
          return NullNode.getInstance();
        }
        default -> {
          return number();
        }
      }
    }

    /**
     * The index of the closing quote of the string whose text starts at {@code start} (the tape
     * has checked the string); sets {@link #escaped}.
     */
    private int stringEnd(int start) {
      int end = start;
      boolean any = false;
      byte b;
      while ((b = bytes[end]) != '"') {
        if (b == '\\') {
          any = true;
          end += 2;
        } else {
          end++;
        }
      }
      escaped = any;
      return end;
    }

    private JsonNode string() {
      int start = position + 1;
      int end = stringEnd(start);
      position = end + 1;
      return escaped ? TextNode.valueOf(JsonBytes.unescape(bytes, start, end))
          : new PlainTextNode(bytes, start, end - start);
    }

    private JsonNode number() {
      int start = position;
      int at = start;
      boolean integral = true;
      int limit = tape.limit;
      while (at < limit) {
        byte b = bytes[at];
        if (b >= '0' && b <= '9' || b == '-') {
          at++;
        } else if (b == '.' || b == 'e' || b == 'E' || b == '+') {
          integral = false;
          at++;
        } else {
          break;
        }
      }
      position = at;
      if (!integral) {
        return new DecimalTextNode(new String(bytes, start, at - start, StandardCharsets.ISO_8859_1));
      }
      boolean negative = bytes[start] == '-';
      int digitsFrom = negative ? start + 1 : start;
      if (at - digitsFrom <= 18) {
        long value = 0;
        for (int i = digitsFrom; i < at; i++) {
          value = value * 10 + (bytes[i] - '0');
        }
        if (negative) {
          value = -value;
        }
        return value == (int) value ? IntNode.valueOf((int) value) : LongNode.valueOf(value);
      }
      BigInteger value = new BigInteger(new String(bytes, start, at - start, StandardCharsets.ISO_8859_1));
      return value.bitLength() < 64 ? LongNode.valueOf(value.longValue()) : BigIntegerNode.valueOf(value);
    }
  }

  /**
   * Property names already seen on this thread, so records of one API share their name instances
   * (interned: equal to the literals and schema names code compares them with, usually by
   * identity) and a name is decoded once, not once per record.
   */
  private static final class NameCache {
    private static final int SLOTS = 1024;
    private final byte[][] keys = new byte[SLOTS][];
    private final String[] names = new String[SLOTS];

    String name(byte[] bytes, int from, int length) {
      if (length > 64) {
        return new String(bytes, from, length, StandardCharsets.UTF_8);
      }
      int hash = length;
      for (int i = from; i < from + length; i++) {
        hash = 31 * hash + bytes[i];
      }
      int slot = (hash ^ (hash >>> 12)) & (SLOTS - 1);
      byte[] key = keys[slot];
      if (key != null && Arrays.equals(key, 0, key.length, bytes, from, from + length)) {
        return names[slot];
      }
      String name = new String(bytes, from, length, StandardCharsets.UTF_8).intern();
      keys[slot] = Arrays.copyOfRange(bytes, from, from + length);
      names[slot] = name;
      return name;
    }
  }
}
